"""The cache cannot lie: keys follow the notebook that ran, and damaged entries are misses.

No kernel runs here: ``execute_notebook`` is replaced by a stand-in that
"runs" each code cell by echoing its source, which is all a cache test needs
to see which code produced which stored output.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import nbformat.v4 as nbf
import pytest

from generator.cli import main
from generator.demos import cache, executors, runner
from generator.demos.execute import Execution
from generator.demos.model import DemoRun, DemoStatus, Device, Obtained, RunOptions, RunRecord
from generator.demos.source import DemoSource, load_source
from generator.model import DemoId

A = DemoId("a")
RECORD = RunRecord("CPU", "2.13.0", 0.1, None, "2026-12-01T00:00:00+00:00", Obtained.EXECUTED)


def fake_execute(notebook: Any, *args: Any, **kwargs: Any) -> Execution:
    """Run nothing: give each code cell the output ``ran: <its source>``."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.strip():
            text = f"ran: {cell.source}"
            cell.outputs = [nbf.new_output("stream", name="stdout", text=text)]  # type: ignore[no-untyped-call]
    return Execution(DemoStatus.OK, RECORD, notebook, None)


@pytest.fixture
def demos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(executors, "execute_notebook", fake_execute)
    folder = tmp_path / "demos"
    folder.mkdir()
    return folder


def _options(demos: Path) -> RunOptions:
    return RunOptions(device=Device.CPU, cache_dir=demos.parent / "cache")


def _ran(run: DemoRun) -> list[str]:
    cells = run.results[A].notebook.cells
    return [out["text"] for cell in cells if cell.cell_type == "code" for out in cell.outputs]


def _write(demos: Path, text: str) -> None:
    (demos / "a.py").write_text(text, encoding="utf-8")


OLD = "# %%\nprint('old')\n"
NEW = "# %%\nprint('new')\n"


def test_a_demo_edited_during_a_build_is_stored_under_the_code_that_ran(
    demos: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 1: the file changes between planning and execution, then is reverted.

    The build must run the code it hashed, so the stored entry's key matches
    its cells, and after the revert the cache shows the old code's output.
    """
    _write(demos, OLD)
    planned = load_source(demos / "a.py", demos)
    assert isinstance(planned, DemoSource)
    execute_all = runner._execute_all

    def edit_then_execute(*args: Any, **kwargs: Any) -> Any:
        _write(demos, NEW)
        return execute_all(*args, **kwargs)

    monkeypatch.setattr(runner, "_execute_all", edit_then_execute)
    first = runner.run_demos([A], demos, _options(demos))
    assert _ran(first) == ["ran: print('old')"]
    assert first.results[A].notebook.metadata["glossgraph"]["code_hash"] == planned.code
    monkeypatch.setattr(runner, "_execute_all", execute_all)

    _write(demos, OLD)
    reverted = runner.run_demos([A], demos, _options(demos))
    assert (reverted.cached, _ran(reverted)) == ((A,), ["ran: print('old')"])
    _write(demos, NEW)
    edited = runner.run_demos([A], demos, _options(demos))
    assert (edited.executed, _ran(edited)) == ((A,), ["ran: print('new')"])


SPLITS = {
    "markdown marker without a space": "# %%\nx = 1\n# %%[markdown]\nprint('VALUE')\n",
    "a # --- block that is no header": "# ---\nprint('VALUE')\n# ---\n# %%\nx = 1\n",
    "a marker inside a string": '# %%\ns = """\n# %% [markdown]\nVALUE\n"""\nprint(s)\n',
}


@pytest.mark.parametrize("text", SPLITS.values(), ids=SPLITS.keys())
def test_editing_code_the_kernel_runs_always_changes_the_key(demos: Path, text: str) -> None:
    """Finding 2: where a hand-made cell split and jupytext's differ, code ran unhashed."""
    _write(demos, text.replace("VALUE", "one"))
    first = runner.run_demos([A], demos, _options(demos))
    assert any("one" in out for out in _ran(first))
    _write(demos, text.replace("VALUE", "two"))
    second = runner.run_demos([A], demos, _options(demos))
    assert second.executed == (A,)
    assert any("two" in out for out in _ran(second))


def test_a_truncated_entry_is_a_reported_miss_and_demo_list_calls_it_corrupt(
    demos: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Findings 1 and 11: a damaged entry is never shown, never a crash, never "cached"."""
    _write(demos, OLD)
    runner.run_demos([A], demos, _options(demos))
    (entry,) = (demos.parent / "cache").glob("*.ipynb")
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])

    monkeypatch.chdir(demos.parent)
    assert main(["demo", "list", "--device", "cpu", "--cache-dir", "cache"]) == 0
    assert capsys.readouterr().out == "a  corrupt\n"

    again = runner.run_demos([A], demos, _options(demos))
    assert again.executed == (A,)
    (warning,) = again.warnings
    assert warning.startswith(f"cache entry {entry} is damaged: is not a complete notebook")
    assert runner.summary_lines(again)[1] == f"warning: {warning}"
    assert runner.run_demos([A], demos, _options(demos)).cached == (A,)


def test_an_entry_whose_cells_were_edited_is_not_shown(demos: Path) -> None:
    """Finding 1: an entry must hash back to its own key; an edited one is a miss."""
    _write(demos, OLD)
    runner.run_demos([A], demos, _options(demos))
    (entry,) = (demos.parent / "cache").glob("*.ipynb")
    entry.write_text(entry.read_text(encoding="utf-8").replace("old", "odd"), encoding="utf-8")
    again = runner.run_demos([A], demos, _options(demos))
    assert again.executed == (A,)
    assert again.warnings[0].endswith("its cells do not match its code hash; not used")


STORE_LOOP = """
import sys
import nbformat.v4 as nbf
from pathlib import Path
from generator.demos import cache
from generator.demos.keys import cache_key, code_hash
from generator.demos.model import DemoResult, DemoStatus, Obtained, RunRecord
from generator.model import DemoId

record = RunRecord("CPU", "2.13.0", 0.1, None, "t", Obtained.EXECUTED)
for i in range(60):
    cell = nbf.new_code_cell("x = 1", outputs=[
        nbf.new_output("stream", name="stdout", text=sys.argv[2] * 20_000)])
    notebook = nbf.new_notebook(cells=[cell])
    code = code_hash(notebook, {})
    key = cache_key(code, "2.13.0", "cpu")
    result = DemoResult(DemoId("a"), DemoStatus.OK, record, notebook, None)
    cache.stamp(result, cache.Stamp(code, key, "2.13.0", "cpu", {}, "0" * 64))
    cache.store(Path(sys.argv[1]), key, result)
print(key)
"""


def test_two_builds_storing_one_entry_at_once_never_corrupt_it(tmp_path: Path) -> None:
    """Finding 1 ("two builds sharing one cache folder"): writers race, readers stay whole.

    Two processes store the same key 60 times each (different outputs) while
    this one reads it verified: every read is a miss or a whole entry.
    """
    folder = tmp_path / "cache"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(STORE_LOOP), str(folder), letter],
            stdout=subprocess.PIPE,
            text=True,
        )
        for letter in "ab"
    ]
    problems: list[str] = []
    seen: set[str] = set()
    while any(w.poll() is None for w in writers):
        for entry in folder.glob("*.ipynb"):
            loaded = cache.read_entry(entry, A, Obtained.CACHED)
            if loaded.problem is not None:
                problems.append(loaded.problem)
            elif loaded.result is not None:
                seen.add(loaded.result.notebook.cells[0].outputs[0]["text"][0])
    keys = {w.communicate()[0].strip() for w in writers}
    assert all(w.returncode == 0 for w in writers)
    assert problems == []
    (key,) = keys
    assert cache.load_cached(folder, key, A).result is not None
    assert [p.name for p in folder.iterdir()] == [f"{key}.ipynb"]  # no temporary file left
    assert seen <= {"a", "b"}
