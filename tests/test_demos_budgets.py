"""Build-wide limits on real kernels: memory, time, threads; each failure keeps its word.

One lenient build takes its limits from the plugin's mkdocs.yml options, one
strict build from the command line; both hold a demo that allocates past a
small memory limit, one that sleeps past the global time limit, one whose
header timeout is shorter than the global one, and a good demo.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.demos import Device, RunOptions, run_demos
from generator.model import DemoId
from tests.trees import write_tree_into

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "demo_fixtures"
FAULTY = ("hog", "lingers", "sleeps")
LIMIT = "400MB"  # a kernel with matplotlib starts well inside it; the hog asks for 4 GB
CONFIG = """site_name: Budgets
docs_dir: entities
use_directory_urls: false
theme: {name: material}
plugins:
  - glossgraph:
      timeout: 3
      memory_limit: 400MB
"""


def _glossary(root: Path) -> Path:
    names = ("good", *FAULTY)
    files = {
        f"entities/{name}-concept.md": (
            f"---\nsummary: {name}.\ndemos: [{name}]\nrelated: [{names[i - 1]}-concept]\n"
            f"---\nBody of {name}.\n"
        )
        for i, name in enumerate(names)
    }
    write_tree_into(root, files)
    shutil.copytree(FIXTURES, root / "demos", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def _glossgraph(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "generator.cli", *argv]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _page(site: Path, name: str) -> str:
    return (site / "concepts" / f"{name}-concept.html").read_text("utf-8")


@pytest.mark.slow
def test_memory_and_time_limits_fail_their_demos_and_the_build_goes_on(tmp_path: Path) -> None:
    root = _glossary(tmp_path)
    (root / "mkdocs.yml").write_text(CONFIG, "utf-8")
    lenient = _glossgraph(root, "build", "--site-dir", "out")
    assert lenient.returncode == 0, lenient.stderr
    summary = "demos: 4 executed, 0 cached, 0 frozen, 3 failed "
    summary += "(hog: out_of_memory, lingers: timeout, sleeps: timeout)"
    assert summary in lenient.stderr, lenient.stderr
    site = root / "out"
    assert "ran out of memory (limit 400 MB)" in _page(site, "hog")
    assert "demo ran past its time limit of 3 s" in _page(site, "lingers")  # the config's
    assert "demo ran past its time limit of 2 s" in _page(site, "sleeps")  # its header's
    good = _page(site, "good")
    assert "3 rows" in good and "gg-badge-ok" in good
    entries = list((root / ".glossgraph" / "cache").glob("*.ipynb"))
    assert [json.loads(e.read_text())["metadata"]["glossgraph"]["demo"] for e in entries] == [
        "good"
    ]
    failed_notes = (root / ".glossgraph" / "cache").glob("*.failed.json")
    assert sorted(json.loads(n.read_text())["demo"] for n in failed_notes) == list(FAULTY)

    (root / "mkdocs.yml").unlink()  # the built-in config: the limits come from the flags
    strict = _glossgraph(
        root, "build", "--strict", "--site-dir", "out2", "--timeout", "3", "--memory-limit", LIMIT
    )
    assert strict.returncode == 1, strict.stderr
    assert "warning: demo 'hog' failed (out_of_memory)" in strict.stderr
    assert "its page shows the error" in strict.stderr
    assert "warning: demo 'lingers' failed (timeout)" in strict.stderr
    assert "demos: 3 executed, 1 cached, 0 frozen, 3 failed" in strict.stderr, strict.stderr
    assert "Traceback" not in strict.stderr


@pytest.mark.slow
def test_the_executor_sets_threads_and_the_memory_limit_in_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    probe = (
        "# %%\nimport os, resource, torch\n"
        "print(os.environ['OMP_NUM_THREADS'], os.environ['MKL_NUM_THREADS'], "
        "os.environ['OPENBLAS_NUM_THREADS'], torch.get_num_threads(), "
        "resource.getrlimit(resource.RLIMIT_AS)[0])\n"
    )
    demos = write_tree_into(tmp_path / "demos", {"a.py": probe, "b.py": probe})
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    # Two CPUs for two kernels: one thread each, where torch alone would take both.
    monkeypatch.setattr("generator.demos.executors.cpu_count", lambda: 2)
    options = RunOptions(device=Device.CPU, jobs=2, memory_limit=3_000_000_000)
    run = run_demos([DemoId("a"), DemoId("b")], demos, _in(options, tmp_path))
    for demo in ("a", "b"):
        result = run.results[DemoId(demo)]
        assert result.ok, result.error
        assert result.notebook.cells[0].outputs[0]["text"] == "1 1 1 1 3000000000\n"


def _in(options: RunOptions, folder: Path) -> RunOptions:
    import dataclasses

    return dataclasses.replace(options, cache_dir=folder / "cache")


@pytest.mark.slow
def test_a_frozen_output_older_than_its_code_is_run_again_and_named(tmp_path: Path) -> None:
    from generator.demos.runner import summary_lines
    from generator.demos.states import freeze_demos

    demos = write_tree_into(tmp_path / "demos", {"d.py": "# %%\nprint('old code')\n"})
    options = _in(RunOptions(device=Device.CPU), tmp_path)
    _, written = freeze_demos([DemoId("d")], demos, options)
    assert written == [demos / "_outputs" / "d.ipynb"]
    (demos / "d.py").write_text("# %%\nprint('new code')\n", encoding="utf-8")
    run = run_demos([DemoId("d")], demos, options)
    result = run.results[DemoId("d")]
    assert result.notebook.cells[0].outputs[0]["text"] == "new code\n"
    assert result.superseded is not None and result.superseded.device == "CPU"
    assert run.stale == ("d",) and run.executed == ("d",)
    assert summary_lines(run)[1] == (
        "note: the frozen output of d is older than its code and is not shown; "
        "freeze it again with 'glossgraph freeze d' where it can run as frozen"
    )
