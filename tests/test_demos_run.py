"""Run real kernels: four faulty demos and a good one in one run, then the cache and freeze."""

from __future__ import annotations

import base64
import importlib.metadata
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.demos import DemoRun, DemoStatus, Device, Obtained, RunOptions, run_demos
from generator.demos.figures import display_size, png_size
from generator.demos.render import render_demo
from generator.demos.runner import summary_lines
from generator.demos.states import DemoState, demo_states, freeze_demos
from generator.model import DemoId

FIXTURES = Path(__file__).parent / "demo_fixtures"
IDS = [DemoId(name) for name in ("good", "raises", "sleeps", "dies", "floods")]
CAP = 1_000_000


@dataclass(frozen=True)
class FirstRun:
    demos: Path
    options: RunOptions
    run: DemoRun
    progress: str


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> FirstRun:
    root = tmp_path_factory.mktemp("demos-run")
    demos = root / "demos"
    shutil.copytree(FIXTURES, demos)
    stream = io.StringIO()
    options = RunOptions(
        device=Device.CPU, jobs=2, cache_dir=root / "cache", output_cap=CAP, progress=stream
    )
    return FirstRun(demos, options, run_demos(IDS, demos, options), stream.getvalue())


def _outputs(run: DemoRun, demo: str, cell: int) -> list[dict[str, object]]:
    cells = [c for c in run.results[DemoId(demo)].notebook.cells if c.cell_type == "code"]
    return list(cells[cell].outputs)


@pytest.mark.slow
def test_statuses_and_summary(first: FirstRun) -> None:
    statuses = {demo_id: r.status for demo_id, r in first.run.results.items()}
    assert statuses == {
        "good": DemoStatus.OK,
        "raises": DemoStatus.ERROR,
        "sleeps": DemoStatus.TIMEOUT,
        "dies": DemoStatus.DIED,
        "floods": DemoStatus.OUTPUT_LIMIT,
    }
    assert first.run.executed == tuple(IDS)
    assert first.run.failed == tuple(IDS[1:])
    assert summary_lines(first.run) == [
        "demos: 5 executed, 0 cached, 0 frozen, 4 failed "
        "(raises: error, sleeps: timeout, dies: died, floods: output_limit)"
    ]
    lines = first.progress.splitlines()
    assert sorted(line.split("]")[0] for line in lines) == [f"[{i}/5" for i in range(1, 6)]
    assert any(line.endswith(" s") and " good ok " in line for line in lines)


@pytest.mark.slow
def test_good_demo_outputs_and_record(first: FirstRun) -> None:
    result = first.run.results[DemoId("good")]
    assert result.record.device == "CPU"
    assert result.record.torch_version == importlib.metadata.version("torch")
    assert result.record.peak_gpu_memory is None
    assert result.record.obtained is Obtained.EXECUTED
    stdout, stderr = _outputs(first.run, "good", 0)
    assert stdout["text"] == ("3 rows\ncuda visible: ''\nworking in demos folder: False\n")
    assert (stderr["name"], stderr["text"]) == ("stderr", "a warning\n")
    html, value = _outputs(first.run, "good", 1)
    assert "1 &lt; 2" in html["data"]["text/html"]  # type: ignore[index]
    assert value["data"] == {"text/plain": "30"}
    (figure,) = _outputs(first.run, "good", 2)
    assert "image/png" in figure["data"]  # type: ignore[operator]
    # drawn at twice its size, for 2x screens, with the size to show it at alongside
    pixels = png_size(base64.b64decode(figure["data"]["image/png"]))  # type: ignore[index]
    shown = display_size("image/png", b"", figure["metadata"])  # type: ignore[arg-type]
    assert pixels is not None and shown is not None
    assert pixels[0] >= 2 * shown[0] - 1 and pixels[1] >= 2 * shown[1] - 1
    source_cells = 4  # the shown notebook gets no extra cell for the device probe
    assert len(result.notebook.cells) == source_cells


@pytest.mark.slow
def test_faults_are_results(first: FirstRun) -> None:
    raised = first.run.results[DemoId("raises")]
    assert raised.error is not None
    assert "ValueError: boom" in raised.error
    assert "\x1b[" not in raised.error
    assert _outputs(first.run, "raises", 2) == []  # later cells are not run
    assert "time limit of 2 s" in (first.run.results[DemoId("sleeps")].error or "")
    assert first.run.results[DemoId("sleeps")].record.seconds < 30
    (kept,) = _outputs(first.run, "floods", 0)
    assert len(str(kept["text"])) < CAP + 200
    assert "[output cut:" in str(kept["text"])


@pytest.mark.slow
def test_only_good_results_are_cached_and_a_warm_run_executes_nothing(first: FirstRun) -> None:
    entries = sorted(p.name.split(".", 1)[1] for p in first.options.cache_dir.iterdir())
    assert entries == ["failed.json"] * 4 + ["ipynb"]
    warm = run_demos([DemoId("good")], first.demos, first.options)
    assert (warm.executed, warm.cached) == ((), (DemoId("good"),))
    assert warm.results[DemoId("good")].record.obtained is Obtained.CACHED
    states = demo_states(first.demos, first.options)
    assert states[DemoId("good")] is DemoState.CACHED
    assert states[DemoId("raises")] is DemoState.FAILED


@pytest.mark.slow
def test_freeze_then_use_frozen_then_stale(first: FirstRun, tmp_path: Path) -> None:
    demos = tmp_path / "demos"
    shutil.copytree(first.demos, demos)
    run, written = freeze_demos([DemoId("good")], demos, first.options)
    assert run.cached == (DemoId("good"),)
    assert written == [demos / "_outputs" / "good.ipynb"]
    elsewhere = RunOptions(device=Device.CPU, cache_dir=tmp_path / "empty-cache")
    shown = run_demos([DemoId("good")], demos, elsewhere)
    assert shown.frozen == (DemoId("good"),)
    assert shown.results[DemoId("good")].record.device == "CPU"
    assert demo_states(demos, elsewhere)[DemoId("good")] is DemoState.FROZEN
    text = (demos / "good.py").read_text(encoding="utf-8")
    (demos / "good.py").write_text(text + "\nprint('changed')\n", encoding="utf-8")
    assert demo_states(demos, elsewhere)[DemoId("good")] is DemoState.STALE


@pytest.mark.slow
def test_render_good_demo(first: FirstRun) -> None:
    rendered = render_demo(first.run.results[DemoId("good")], "concepts")
    (image,) = [path for path in rendered.files if path.endswith(".png")]
    assert "demos/good/good.ipynb" in rendered.files  # the executed notebook, for download
    assert image.startswith("demos/good/") and image.endswith(".png")
    assert rendered.files[image].startswith(b"\x89PNG")
    assert f"](../{image})" in rendered.markdown
    assert '<div class="gg-demo-html">' in rendered.markdown
    assert rendered.markdown.startswith("### Points\n\nReads a small table")
    assert '<span class="gg-badge gg-badge-ok">ok</span>' in rendered.markdown
