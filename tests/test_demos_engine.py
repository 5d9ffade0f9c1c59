"""Tests for hashes, cache entries, devices, progress and the demo commands (no kernel)."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat.v4 as nbf
import pytest

from generator.cli import main
from generator.demos import cache, devices, runner
from generator.demos.keys import PLOT_SETTINGS, cache_key, code_hash
from generator.demos.model import DemoResult, DemoStatus, Device, Obtained, RunOptions, RunRecord
from generator.demos.progress import Progress
from generator.demos.source import DemoSource, load_source
from generator.errors import UsageError
from generator.model import DemoId

BASE = "# %% [markdown]\n# Words\n# %%\nprint(open('d.txt').read())\n"
HEADER = "# ---\n# jupyter:\n#   glossgraph:\n#     reads: [d.txt]\n# ---\n"
RECORD = RunRecord("CPU", "2.13.0", 1.0, None, "2026-11-23T01:00:00+00:00", Obtained.EXECUTED)


def _hash(tmp_path: Path, script: str, data: str = "1") -> str:
    (tmp_path / "d.txt").write_text(data, encoding="utf-8")
    (tmp_path / "x.py").write_text(HEADER + script, encoding="utf-8")
    source = load_source(tmp_path / "x.py", tmp_path)
    assert isinstance(source, DemoSource), source
    return source.code


@pytest.mark.parametrize(
    ("script", "data", "same"),
    [
        (BASE.replace("Words", "Other words"), "1", True),
        (BASE + "\n\n", "1", True),
        (BASE.replace("print(", "print( "), "1", False),
        (BASE, "2", False),
        (BASE + "# %%\nx = 1\n", "1", False),
    ],
)
def test_code_hash_follows_code_and_reads(
    tmp_path: Path, script: str, data: str, same: bool
) -> None:
    base = _hash(tmp_path, BASE)
    assert (_hash(tmp_path, script, data) == base) is same


def test_cache_key_adds_torch_and_device() -> None:
    keys = {cache_key("c", torch, dev) for torch in ("2.13.0", "2.14.0") for dev in ("cpu", "cuda")}
    assert len(keys) == 4


def test_cache_key_follows_plot_settings_so_1x_pictures_are_not_reused() -> None:
    keys = {cache_key("c", "2.13.0", "cpu", plots) for plots in (PLOT_SETTINGS, ("--x=1",), None)}
    assert len(keys) == 3
    assert cache_key("c", "2.13.0", "cpu") == cache_key("c", "2.13.0", "cpu", PLOT_SETTINGS)


def test_an_entry_stored_before_plot_settings_joined_the_key_still_verifies(
    tmp_path: Path,
) -> None:
    """A frozen output from before the change shows as it is; it is only never a cache hit."""
    result, key = stamped(DemoStatus.OK)
    old_key = cache_key(code_hash(result.notebook, {}), "2.13.0", "cpu", None)
    meta = result.notebook.metadata["glossgraph"]
    del meta["plot_settings"]
    meta["cache_key"] = old_key
    cache.store(tmp_path, old_key, result)
    path = cache.entry_path(tmp_path, old_key)
    assert cache.read_entry(path, DemoId("a"), Obtained.FROZEN).result is not None
    assert cache.load_cached(tmp_path, key, DemoId("a")).result is None  # a miss, not a problem
    assert cache.load_cached(tmp_path, key, DemoId("a")).problem is None


def stamped(status: DemoStatus, source: str = "x = 1") -> tuple[DemoResult, str]:
    """Return a result stamped as the runner stamps it, and its cache key."""
    notebook = nbf.new_notebook(cells=[nbf.new_code_cell(source)])  # type: ignore[no-untyped-call]
    result = DemoResult(DemoId("a"), status, RECORD, notebook, None if status == "ok" else "boom")
    code = code_hash(notebook, {})
    key = cache_key(code, "2.13.0", "cpu")
    cache.stamp(result, cache.Stamp(code, key, "2.13.0", "cpu", {}, "0" * 64))
    return result, key


def test_cache_stores_good_results_and_notes_failures(tmp_path: Path) -> None:
    good, k1 = stamped(DemoStatus.OK)
    cache.store(tmp_path, k1, good)
    loaded = cache.load_cached(tmp_path, k1, DemoId("a"))
    assert loaded.problem is None and loaded.result is not None
    assert loaded.result.record.obtained is Obtained.CACHED
    assert loaded.result.notebook.cells[0].source == "x = 1"
    bad, k2 = stamped(DemoStatus.TIMEOUT, "y = 2")
    cache.store(tmp_path, k2, bad)
    assert not cache.entry_path(tmp_path, k2).exists()
    assert cache.has_failure(tmp_path, k2)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [f"{k1}.ipynb", f"{k2}.failed.json"]
    )
    assert cache.clean(tmp_path) == 2
    assert not tmp_path.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not a complete notebook"),
        ('{"cells": [], "metadata": {}}', "is not a complete notebook"),
        ("", "is not a complete notebook"),
    ],
)
def test_corrupt_entry_is_a_problem_not_a_result(
    tmp_path: Path, content: str, problem: str
) -> None:
    (tmp_path / "k.ipynb").write_text(content, encoding="utf-8")
    loaded = cache.read_entry(tmp_path / "k.ipynb", DemoId("a"), Obtained.CACHED)
    assert loaded.result is None
    assert (loaded.problem or "").startswith(problem)


@pytest.mark.parametrize(
    ("env", "expected"), [("", []), ("-1", []), ("0", ["0"]), ("2, 3", ["2", "3"])]
)
def test_visible_gpus_respects_cuda_visible_devices(
    monkeypatch: pytest.MonkeyPatch, env: str, expected: list[str]
) -> None:
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", env)
    assert devices.visible_gpus() == expected


def test_no_nvidia_smi_means_no_gpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert devices.visible_gpus() == []


@pytest.mark.parametrize(
    ("device", "gpus", "cls", "slots"),
    [
        (Device.AUTO, [], "cpu", ["", ""]),
        (Device.CPU, ["0", "1"], "cpu", ["", ""]),
        (Device.AUTO, ["0"], "cuda", [None, None]),
        (Device.CUDA, ["4", "5"], "cuda", ["4", "5", "4"]),
    ],
)
def test_device_class_and_worker_pinning(
    device: Device, gpus: list[str], cls: str, slots: list[str | None]
) -> None:
    assert devices.device_class(device, gpus) == cls
    assert [devices.worker_gpus(cls, gpus, slot) for slot in range(len(slots))] == slots


def test_cuda_without_gpu_is_a_usage_error_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "visible_gpus", lambda: [])
    (tmp_path / "a.py").write_text("# %%\nraise SystemExit\n", encoding="utf-8")
    options = RunOptions(device=Device.CUDA, cache_dir=tmp_path / "cache")
    with pytest.raises(UsageError, match="no GPU is visible"):
        runner.run_demos([DemoId("a")], tmp_path, options)
    assert not (tmp_path / "cache").exists()


def test_unrunnable_demos_fail_without_a_kernel(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(
        "# ---\n# jupyter:\n#   glossgraph:\n#     timeout: -1\n# ---\n# %%\nx = 1\n",
        encoding="utf-8",
    )
    stream = io.StringIO()
    options = RunOptions(device=Device.CPU, cache_dir=tmp_path / "cache", progress=stream)
    run = runner.run_demos([DemoId("bad"), DemoId("gone")], tmp_path, options)
    assert run.failed == (DemoId("bad"), DemoId("gone"))
    assert run.executed == ()
    assert "must be a positive number" in (run.results[DemoId("bad")].error or "")
    assert stream.getvalue().splitlines() == [
        "[1/2] bad failed: error 0.0 s",
        "[2/2] gone failed: error 0.0 s",
    ]


def test_progress_lines_when_not_a_terminal() -> None:
    """A log gets a line for each demo that ran; frozen and cached ones only count."""
    stream = io.StringIO()
    progress = Progress(stream, 3)
    frozen = RunRecord("NVIDIA H100", None, 0.0, None, "t", Obtained.FROZEN)
    progress.done(DemoResult(DemoId("heat"), DemoStatus.OK, frozen, None))
    cached = RunRecord("cpu", None, 0.0, None, "t", Obtained.CACHED)
    progress.done(DemoResult(DemoId("lstm"), DemoStatus.OK, cached, None))
    progress.done(DemoResult(DemoId("attention"), DemoStatus.OK, RECORD, None))
    progress.close()
    assert stream.getvalue() == "[3/3] attention ok 1.0 s\n"


def test_cli_list_freeze_and_clean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("demos").mkdir()
    Path("demos/alpha.py").write_text("# %%\nx = 1\n", encoding="utf-8")
    Path("demos/broken.py").write_text(
        "# ---\n# jupyter:\n#   glossgraph: {reads: nope}\n# ---\n", encoding="utf-8"
    )
    assert main(["demo", "list", "--device", "cpu"]) == 0
    assert capsys.readouterr().out == "alpha   fresh\nbroken  failed\n"
    assert main(["freeze"]) == 2
    assert "name the demos to freeze" in capsys.readouterr().err
    assert main(["demo", "run", "nothing"]) == 2
    Path(".glossgraph/cache").mkdir(parents=True)
    key = "0123456789abcdef" * 4
    Path(f".glossgraph/cache/{key}.ipynb").write_text("{}", encoding="utf-8")
    Path(f".glossgraph/cache/{key}.failed.json").write_text("{}", encoding="utf-8")
    Path(f".glossgraph/cache/.{key}.ipynb.x1y2.tmp").write_text("{", encoding="utf-8")
    assert main(["cache", "clean"]) == 0
    assert capsys.readouterr().out.startswith("removed 3 cached demo results")
    assert not Path(".glossgraph/cache").exists()


def test_cache_clean_deletes_only_what_the_cache_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cache clean --cache-dir notebooks` deleted the user's own notebooks."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    mine = ["my-analysis.ipynb", "alpha.ipynb", "0123.ipynb", "notes.failed.json", ".x.tmp"]
    for name in mine:
        (folder / name).write_text("{}", encoding="utf-8")
    key = "f" * 64
    (folder / f"{key}.ipynb").write_text("{}", encoding="utf-8")
    assert main(["cache", "clean", "--cache-dir", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("removed 1 cached demo results")
    assert sorted(p.name for p in folder.iterdir()) == sorted(mine)


def test_importing_the_engine_stays_light() -> None:
    code = (
        "import sys, generator.demos, generator.demos.checks;"
        "print(sorted(m for m in ('nbclient', 'jupytext', 'nbformat', 'torch', 'jupyter_client')"
        " if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "run", "./d"],
        ["demo", "run", "D"],
        ["freeze", "../../outside"],
        ["freeze", "d", "../d"],
    ],
)
def test_demo_ids_on_the_command_line_are_checked_as_keys(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    """Finding 10: ``demo run ./d`` gave a KeyError traceback; ``freeze ../../outside``
    wrote outside ``demos/_outputs/``. A non-key is a usage error and nothing runs."""
    root = tmp_path / "a" / "b"
    (root / "demos").mkdir(parents=True)
    monkeypatch.chdir(root)
    for path in ("demos/d.py", "d.py", "../../outside.py", "demos/D.py"):
        Path(path).write_text("# %%\nprint(1)\n", encoding="utf-8")
    assert main([*argv, "--device", "cpu"]) == 2
    err = capsys.readouterr().err
    assert "is not a demo id: an id is the file stem of a demo" in err
    assert list(tmp_path.rglob("*.ipynb")) == []
    assert not Path(".glossgraph").exists()
