"""Tests for demo header checks and stale frozen outputs (no kernel)."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from generator.build import _failing_line, _last_line
from generator.demos.checks import check_demos
from generator.demos.keys import executed_cells
from generator.demos.source import current_code_hash, notebook_of
from generator.demos.spec import parse_demo
from generator.model import ConceptGraph, Severity

EMPTY_GRAPH = ConceptGraph(nx.MultiDiGraph(), {}, {}, {}, ())


def _header(options: str) -> str:
    lines = ["---", "jupyter:", "  glossgraph:", *[f"    {o}" for o in options.splitlines()], "---"]
    return "".join(f"# {line}\n" for line in lines)


def _write(root: Path, files: dict[str, str]) -> Path:
    demos = root / "demos"
    for name, text in files.items():
        (demos / name).parent.mkdir(parents=True, exist_ok=True)
        (demos / name).write_text(text, encoding="utf-8")
    return demos


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ("timeout: 60", []),
        ("timeout: 0.5\nreads: [data/points.csv]", []),
        ("timeout: 0", ["demo option 'timeout' must be a positive number of seconds, got 0"]),
        ("timeout: -3", ["demo option 'timeout' must be a positive number of seconds, got -3"]),
        (
            "timeout: soon",
            ["demo option 'timeout' must be a positive number of seconds, got 'soon'"],
        ),
        ("timeout: true", ["demo option 'timeout' must be a positive number of seconds, got True"]),
        (
            "timeout: 1e9",
            [
                "demo option 'timeout' must be a positive number of seconds, got '1e9' (text:"
                " YAML reads a number without a '.' in its mantissa as text; write 1000000000.0)"
            ],
        ),
        (
            "reads: data/points.csv",
            ["demo option 'reads' must be a list of paths, got 'data/points.csv'"],
        ),
        ("reads: [missing.csv]", ["demo option 'reads': 'missing.csv' does not exist in demos"]),
        (
            "reads: [../secret]",
            ["demo option 'reads': '../secret' must be a relative path inside the demos folder"],
        ),
        (
            "reads: [/etc/passwd]",
            ["demo option 'reads': '/etc/passwd' must be a relative path inside the demos folder"],
        ),
        ("reads: [3]", ["demo option 'reads': 3 is not a path"]),
    ],
)
def test_header_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: str, expected: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    demos = _write(
        tmp_path, {"d.py": _header(options) + "# %%\nprint(1)\n", "data/points.csv": "1,2\n"}
    )
    found = check_demos(EMPTY_GRAPH, Path("demos"))
    assert [d.message for d in found] == expected
    assert all(str(d).startswith("demos/d.py:4:7: error: ") for d in found)
    assert demos.is_dir()


def test_a_header_never_closed_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its 'timeout: 5' was run as code and silently ignored."""
    monkeypatch.chdir(tmp_path)
    header = "\n# ---\n# jupyter:\n#   glossgraph:\n#     timeout: 5\n"
    _write(tmp_path, {"d.py": header + "# %%\nprint(1)\n", "e.py": "# --- not a header\n"})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert str(found) == (
        "demos/d.py:2:1: warning: demo header opened with '# ---' is never closed: it runs as"
        " code and its options are ignored; end it with a '# ---' line"
    )


def test_a_demo_not_in_utf8_says_to_save_it_so(tmp_path: Path) -> None:
    demos = tmp_path / "demos"
    demos.mkdir()
    (demos / "d.py").write_bytes(b"# %%\nprint('caf\xe9')\n")
    spec, (found,) = parse_demo(demos / "d.py", demos)
    assert spec is None and found.severity is Severity.ERROR
    assert found.message.startswith("cannot read demo: it is not UTF-8 text (")
    assert found.message.endswith("; save it as UTF-8")


def test_a_byte_order_mark_is_dropped_as_python_drops_it(tmp_path: Path) -> None:
    """A BOM passed check, then the run failed: invalid non-printable character U+FEFF."""
    demos = _write(tmp_path, {"d.py": "\ufeff" + _header("timeout: 5") + "# %%\nprint(1)\n"})
    spec, found = parse_demo(demos / "d.py", demos)
    assert found == [] and spec is not None and spec.timeout == 5
    cells = executed_cells(notebook_of((demos / "d.py").read_text("utf-8-sig")))
    assert [cell.source for _, cell in cells] == ["print(1)"]


def test_yaml_error_points_at_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = "# ---\n# jupyter:\n#   glossgraph:\n#     timeout: [1\n# ---\n# %%\nx = 1\n"
    _write(tmp_path, {"bad.py": text})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert found.severity is Severity.ERROR
    assert found.code == "demo-header-yaml"
    assert found.path == "demos/bad.py"
    assert found.line >= 4


def test_unreadable_and_unknown_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    demos = _write(tmp_path, {"odd.py": _header("colour: red") + "# %%\nx = 1\n"})
    (demos / "latin.py").write_bytes(b"# %%\nx = '\xff'\n")
    found = {str(d.path): d for d in check_demos(EMPTY_GRAPH, Path("demos"))}
    assert found["demos/latin.py"].code == "demo-unreadable"
    assert found["demos/odd.py"].severity is Severity.WARNING
    assert "unknown demo option 'colour'" in found["demos/odd.py"].message


def test_executed_cells_are_jupytexts_code_cells() -> None:
    text = (
        "import os\n\n# %% [markdown]\n# Some *prose*\n\n# %%\n\nx = 1\n\n# %% tags=['a']\ny = 2\n"
        "# %%\n\n"
    )
    cells = executed_cells(notebook_of(text))
    assert [cell.source for _, cell in cells] == ["import os", "\nx = 1", "y = 2"]


def _frozen(code: str) -> str:
    return json.dumps({"cells": [], "metadata": {"glossgraph": {"code_hash": code}}, "nbformat": 4})


def test_stale_frozen_output_is_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    demos = _write(tmp_path, {"a.py": "# %%\nprint('a')\n", "b.py": "# %%\nprint('b')\n"})
    spec_a, _ = parse_demo(demos / "a.py", demos)
    assert spec_a is not None
    _write(
        tmp_path,
        {
            "_outputs/a.ipynb": _frozen(current_code_hash(spec_a, demos) or ""),
            "_outputs/b.ipynb": _frozen("0" * 64),
        },
    )
    (stale,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert str(stale).startswith("demos/b.py:1:1: warning: frozen output of demo 'b' is stale")
    (demos / "a.py").write_text("# %%\nprint('changed')\n", encoding="utf-8")
    assert len(check_demos(EMPTY_GRAPH, Path("demos"))) == 2


def test_markdown_change_does_not_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    demos = _write(tmp_path, {"a.py": "# %% [markdown]\n# Old words\n# %%\nx = 1\n"})
    spec, _ = parse_demo(demos / "a.py", demos)
    assert spec is not None
    _write(tmp_path, {"_outputs/a.ipynb": _frozen(current_code_hash(spec, demos) or "")})
    (demos / "a.py").write_text("# %% [markdown]\n# New words\n# %%\nx = 1\n", encoding="utf-8")
    assert check_demos(EMPTY_GRAPH, Path("demos")) == []


def test_frozen_output_without_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"a.py": "# %%\nx = 1\n", "_outputs/gone.ipynb": _frozen("0" * 64)})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert str(found) == (
        "demos/_outputs/gone.ipynb:1:1: warning: "
        "frozen output of demo 'gone' has no demo script; delete it"
    )


def test_a_header_alias_bomb_is_refused_with_a_short_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 11: ``timeout: *alias`` expanded the whole bomb into the error message."""
    monkeypatch.chdir(tmp_path)
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcde", "bcdef", strict=True):
        levels.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    _write(tmp_path, {"bomb.py": _header("\n".join([*levels, "timeout: *f"])) + "# %%\nx = 1\n"})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert str(found) == (
        "demos/bomb.py:2:1: error: demo header: YAML aliases expand to more than 1000 nodes"
    )


def test_a_long_bad_value_is_shown_shortened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"d.py": _header(f"timeout: [{', '.join(['1'] * 500)}]") + "# %%\nx = 1\n"})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert found.message == (
        "demo option 'timeout' must be a positive number of seconds, got [1, 1, 1, 1, ...]"
    )


def test_a_deeply_nested_header_is_an_error_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(tmp_path, {"deep.py": _header("timeout: " + "[" * 5000 + "]" * 5000) + "# %%\n"})
    (found,) = check_demos(EMPTY_GRAPH, Path("demos"))
    assert str(found) == "demos/deep.py:2:1: error: demo header: YAML nested too deeply"


# What the kernel reports for an exception in a demo's second code cell.
_TRACEBACK = (
    "-----------------------------------------------------------------\n"
    "ValueError                                Traceback (most recent call last)\n"
    "Cell In[2], line 2\n"
    "      1 y = 2\n"
    "----> 2 raise ValueError('the data file is empty')\n"
    "\n"
    "ValueError: the data file is empty"
)


@pytest.mark.parametrize(
    ("script", "line"),
    [
        ("# %%\nx = 1\n\n# %%\ny = 2\nraise ValueError('the data file is empty')\n", 6),
        (
            "# %% [markdown]\n# Words\n# %%\nx = 1\n# %%\ny = 2\n"
            "raise ValueError('the data file is empty')\n",
            7,
        ),
        ("x = 1\n# %%\ny = 2\nraise ValueError('the data file is empty')\n", 1),  # miscounted
        ("# %%\nx = 1\n", 1),  # no second cell
    ],
)
def test_a_failed_demo_is_reported_at_its_line_with_its_exception(
    tmp_path: Path, script: str, line: int
) -> None:
    """The build said only 'demo failed (error)', at line 1, for a raise on line 6."""
    path = tmp_path / "d.py"
    path.write_text(script, encoding="utf-8")
    assert _failing_line(path, _TRACEBACK) == line
    assert _last_line(_TRACEBACK) == "ValueError: the data file is empty"
    assert _last_line(None) == "" and len(_last_line("x" * 500)) == 200
