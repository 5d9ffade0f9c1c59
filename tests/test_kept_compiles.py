"""What a serve session parses or compiles once: demo notebooks, headers and figure titles,
and the theme's templates."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from generator.demos import spec
from generator.demos.figures import figure_titles
from generator.demos.source import notebook_of
from generator.mkdocs_plugin import _kept_templates

SCRIPT = "# %%\nx = 1\n\n# %% [markdown]\n# Some text.\n"


def test_a_demo_text_gives_each_caller_its_own_notebook() -> None:
    """The second read of a text comes from the kept parse, but filling one copy's outputs
    changes no other."""
    first = notebook_of(SCRIPT)
    first.cells[0]["outputs"] = ["written by a run"]
    second = notebook_of(SCRIPT)
    assert second is not first
    assert second.cells[0]["outputs"] == []
    assert [c["source"] for c in second.cells] == ["x = 1", "Some text."]


def test_a_demo_header_is_parsed_once_but_the_files_it_reads_are_looked_for_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    read_options = spec._read_options

    def counting(path: Path, header: object) -> object:
        parsed.append(path.name)
        return read_options(path, header)  # type: ignore[arg-type]

    monkeypatch.setattr(spec, "_read_options", counting)
    demos = tmp_path / "demos"
    demos.mkdir()
    path = demos / f"d{id(parsed)}.py"  # a path no other test has parsed
    text = "# ---\n# jupyter:\n#   glossgraph:\n#     reads: [points.csv]\n# ---\n# %%\nx = 1\n"
    missing, said = spec.parse_demo_text(path, text, demos)
    assert missing is None
    assert [d.code for d in said] == ["demo-reads"]
    said.clear()  # the caller's own list: the kept parse is not emptied
    (demos / "points.csv").write_text("1,2\n")
    found, said = spec.parse_demo_text(path, text, demos)
    assert found is not None and found.reads == ("points.csv",) and said == []
    assert parsed == [path.name]  # the YAML was parsed once
    (demos / "points.csv").unlink()
    assert [d.code for d in spec.parse_demo_text(path, text, demos)[1]] == ["demo-reads"]


def test_figure_titles_are_read_once_and_each_caller_gets_its_own_list() -> None:
    code = f"ax.set_title('Loss {id(spec)}')\nfig.suptitle('Training')\n"
    first = figure_titles(code)
    assert first == ["Training", f"Loss {id(spec)}"]
    first.append("changed by a caller")
    assert figure_titles(code) == ["Training", f"Loss {id(spec)}"]


def _env(source: str, *extensions: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader({"page.html": source}), extensions=extensions)
    env.bytecode_cache = _kept_templates(env)
    return env


def test_a_template_is_compiled_once_per_process_and_again_when_edited(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str] = []
    compile_source = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, *args: object, **kw: object) -> object:
        compiled.append(source)
        return compile_source(self, source, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    text = "kept {{ n }} " + str(id(compiled))  # unique to this test run
    assert _env(text).get_template("page.html").render(n=1).startswith("kept 1")
    assert _env(text).get_template("page.html").render(n=2).startswith("kept 2")
    assert compiled == [text]  # the second environment loaded the kept code
    edited = text.replace("kept", "edited")
    assert _env(edited).get_template("page.html").render(n=3).startswith("edited 3")
    assert compiled == [text, edited]  # the checksum told the edit apart
    _env(text, "jinja2.ext.i18n").get_template("page.html")
    assert compiled == [text, edited, text]  # another extension set compiles on its own
