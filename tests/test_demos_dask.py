"""Build a small glossary through a real Dask LocalCluster (scheduler and two worker processes)."""

from __future__ import annotations

import io
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.build import BuildOptions, SiteBuild, build_docs
from generator.demos import DemoStatus, RunOptions, run_demos
from generator.demos.executors import check_executor, parse_executor
from generator.demos.runner import summary_lines
from generator.errors import UsageError
from generator.model import DemoId
from tests.test_demos_faults import process_alive, until
from tests.trees import write_tree_into

distributed = pytest.importorskip("distributed")

WORKER_ONLY = "GLOSSGRAPH_TEST_WORKER_ONLY"
ENTITY = "---\nsummary: {key}.\ndemos: [{demo}]\n---\nBody of {key}.\n"
HELLO = f"# %%\nimport os\nprint('hello from', os.environ.get('{WORKER_ONLY}'))\n"
READER = (
    "# ---\n# jupyter:\n#   glossgraph:\n#     reads: [data/table.csv]\n# ---\n\n"
    f"# %%\nimport os\nfrom pathlib import Path\n"
    f"print(Path('data/table.csv').read_text().strip(), os.environ.get('{WORKER_ONLY}'))\n"
)
# Kills the worker process running it (the kernel's grandparent) the first time only.
KILLER = """# %%
import os, signal
from pathlib import Path
marker = Path({marker!r})
if not marker.exists():
    marker.write_text("killed once")
    stat = Path(f"/proc/{{os.getppid()}}/stat").read_text()
    os.kill(int(stat.rsplit(")", 1)[1].split()[1]), signal.SIGKILL)
    os._exit(1)
print("after the retry", os.environ.get({var!r}))
"""
GPU_DEMO = "# ---\n# jupyter:\n#   glossgraph:\n#     device: cuda\n# ---\n\n# %%\nprint(1)\n"
DEMOS = ("hello", "reader", "killer")


@dataclass(frozen=True)
class Cluster:
    executor: str
    root: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import dask

    # A worker that dies mid-demo is given one more try, then the demo fails.
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        local = distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            host="127.0.0.1",
            dashboard_address=None,
            env={WORKER_ONLY: "worker-only-value"},
        )
    try:
        yield Cluster(
            f"dask://{local.scheduler_address.removeprefix('tcp://')}",
            _glossary(tmp_path_factory.mktemp("dask-glossary")),
        )
    finally:
        local.close()


def _glossary(root: Path) -> Path:
    files: dict[str, str] = {
        f"entities/{d}-concept.md": ENTITY.format(key=d, demo=d) for d in DEMOS
    }
    marker = str(root / "killed-once")
    files |= {
        "demos/hello.py": HELLO,
        "demos/reader.py": READER,
        "demos/data/table.csv": "x,y\n1,2\n",
        "demos/killer.py": KILLER.format(marker=marker, var=WORKER_ONLY),
    }
    return write_tree_into(root, files)


def _build(root: Path, cache: str, executor: str | None) -> tuple[SiteBuild, str]:
    stream = io.StringIO()
    run = RunOptions(cache_dir=root / cache, executor=executor, progress=stream)
    built = build_docs(BuildOptions(root / "entities", root / "demos", run=run))
    return built, stream.getvalue()


def _demo_pages(built: SiteBuild) -> dict[str, str]:
    """Return each concept page's Markdown with the run record (host, time, seconds) masked.

    Fragments are written in, since their placeholders carry a nonce drawn per build.
    """
    pages = {
        path: content if isinstance(content, str) else content.decode("utf-8")
        for path, content in built.tree.inlined().files.items()
        if path.startswith("concepts/") and path.endswith(".md")
    }
    return {
        path: re.sub(r"(Ran on|Not run)[^\n<]*", "RECORD", text) for path, text in pages.items()
    }


@pytest.mark.slow
def test_build_through_a_cluster(cluster: Cluster, monkeypatch: pytest.MonkeyPatch) -> None:
    root = cluster.root
    monkeypatch.delenv(WORKER_ONLY, raising=False)
    first, progress = _build(root, "dask-cache", cluster.executor)
    run = first.demo_run
    assert run.failed == (), {i: run.results[i].error for i in run.failed}
    assert set(run.executed) == set(DEMOS)
    assert (root / "killed-once").read_text() == "killed once"  # the killer demo did kill
    pages = _demo_pages(first)
    assert "hello from worker-only-value" in pages["concepts/hello-concept.md"]
    assert "x,y\n1,2 worker-only-value" in pages["concepts/reader-concept.md"]
    assert "after the retry worker-only-value" in pages["concepts/killer-concept.md"]
    host = socket.gethostname()
    assert summary_lines(run)[0] == (
        f"demos: 3 executed, 0 cached, 0 frozen, 0 failed; ran on {host}: 3"
    )
    assert all(run.results[DemoId(d)].record.host == host for d in DEMOS)
    workers = {run.results[DemoId(d)].record.worker or "" for d in DEMOS}
    assert all(w.startswith("tcp://127.0.0.1:") for w in workers), workers
    hello = first.tree.files["concepts/hello-concept.md"]
    assert f"Ran on CPU at {host} (a Dask worker) with torch" in str(hello)
    assert progress.count("\n") == 3 and "[3/3]" in progress

    again, _ = _build(root, "dask-cache", cluster.executor)
    assert again.demo_run.executed == () and set(again.demo_run.cached) == set(DEMOS)

    monkeypatch.setenv(WORKER_ONLY, "worker-only-value")  # so the local kernels print the same
    local, _ = _build(root, "local-cache", None)
    assert set(local.demo_run.executed) == set(DEMOS)
    assert all(r.record.worker is None for r in local.demo_run.results.values())
    assert _demo_pages(local) == pages


@pytest.mark.slow
def test_gpu_demo_without_gpu_worker_fails_at_once(cluster: Cluster, tmp_path: Path) -> None:
    demos = write_tree_into(tmp_path, {"gpu-only.py": GPU_DEMO})
    options = RunOptions(cache_dir=tmp_path / "cache", executor=cluster.executor)
    run = run_demos([DemoId("gpu-only")], demos, options)
    result = run.results[DemoId("gpu-only")]
    assert result.status is DemoStatus.DIED
    assert result.error is not None and "offers the resource GPU" in result.error
    assert "--resources GPU=1" in result.error
    assert not list((tmp_path / "cache").glob("*.ipynb"))  # nothing cached from a failure


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    write_tree_into(tmp_path, {"demos/hello.py": HELLO})
    port = _closed_port()
    command = [sys.executable, "-m", "generator.cli", "demo", "run", "hello"]
    command += ["--demos", str(tmp_path / "demos"), "--cache-dir", str(tmp_path / "cache")]
    command += ["--executor", f"dask://127.0.0.1:{port}"]
    # The limit only guards against a hang; the connect timeout is a few seconds.
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2, done.stderr
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port} within 5 s" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("dask://127.0.0.1:8786", "tcp://127.0.0.1:8786"),
        ("dask://scheduler.cluster:1", "tcp://scheduler.cluster:1"),
    ],
)
def test_executor_address(text: str, address: str) -> None:
    assert parse_executor(text) == address


@pytest.mark.parametrize(
    "text", ["tcp://127.0.0.1:8786", "dask://", "dask://host", "dask://host:0", "dask://:8786"]
)
def test_bad_executor_address_is_a_usage_error(text: str) -> None:
    with pytest.raises(UsageError, match=r"executor must be dask://HOST:PORT .*received: "):
        parse_executor(text)


def test_missing_dask_extra_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "distributed" else real(name)
    )
    with pytest.raises(UsageError, match=re.escape("pip install 'glossgraph[dask]'")):
        check_executor("dask://127.0.0.1:8786")


@pytest.mark.slow
def test_lost_scheduler_fails_the_demos_not_back(tmp_path: Path) -> None:
    local = distributed.LocalCluster(
        n_workers=1, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
    )
    executor = f"dask://{local.scheduler_address.removeprefix('tcp://')}"
    started = tmp_path / "started"
    slow = f"# %%\nimport time\nfrom pathlib import Path\nPath({str(started)!r}).touch()\n"
    demos = write_tree_into(tmp_path / "demos", {"slow.py": slow + "time.sleep(20)\n"})

    def close_once_running() -> None:
        for _ in range(1200):
            if started.exists():
                break
            time.sleep(0.1)
        local.close()

    closer = threading.Thread(target=close_once_running, daemon=True)
    closer.start()
    options = RunOptions(cache_dir=tmp_path / "cache", executor=executor)
    run = run_demos([DemoId("slow")], demos, options)
    closer.join()
    result = run.results[DemoId("slow")]
    assert run.failed == ("slow",) and result.status is DemoStatus.DIED
    assert result.error is not None and "scheduler" in result.error, result.error
    assert not list((tmp_path / "cache").glob("*.ipynb"))


@pytest.mark.parametrize(
    ("value", "needs_gpu", "problem"),
    [
        ("cuda", True, None),
        ("any", False, None),
        (
            "gpu",
            False,
            "demos/d.py:4:7: error: demo option 'device' must be one of: any, cuda, got 'gpu'",
        ),
    ],
)
def test_device_header(tmp_path: Path, value: str, needs_gpu: bool, problem: str | None) -> None:
    from generator.demos.spec import parse_demo_text

    text = f"# ---\n# jupyter:\n#   glossgraph:\n#     device: {value}\n# ---\n# %%\nprint(1)\n"
    demos = tmp_path / "demos"
    demos.mkdir()
    spec, diagnostics = parse_demo_text(Path("demos/d.py"), text, demos)
    if problem is None:
        assert spec is not None and spec.needs_gpu is needs_gpu and diagnostics == []
    else:
        assert spec is None and diagnostics and str(diagnostics[0]).startswith(problem)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_cancels_the_demo_on_the_cluster(cluster: Cluster, tmp_path: Path) -> None:
    pid_file = tmp_path / "kernel-pid"
    slow = (
        "# %%\nimport os, time\nfrom pathlib import Path\n"
        f"Path({str(pid_file)!r}).write_text(str(os.getpid()))\ntime.sleep(300)\n"
    )
    entity = "---\nsummary: Slow.\ndemos: [slow]\n---\nBody.\n"
    write_tree_into(tmp_path, {"entities/slow-concept.md": entity, "demos/slow.py": slow})
    command = [sys.executable, "-m", "generator.cli", "build", "--site-dir", "out"]
    command += ["--executor", cluster.executor]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    build = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert until(pid_file.exists, tries=1800), "the slow demo never started"
        kernel = int(pid_file.read_text())
        build.send_signal(signal.SIGINT)
        _, stderr = build.communicate(timeout=120)
    finally:
        build.kill()
    assert build.returncode == 130, stderr
    assert stderr.rstrip().endswith("glossgraph: interrupted"), stderr
    assert "Traceback" not in stderr
    assert until(lambda: not process_alive(kernel)), "the demo's kernel outlived Ctrl-C"
    address = cluster.executor.replace("dask://", "tcp://")
    with distributed.Client(address, timeout=10, set_as_default=False) as client:
        assert until(lambda: not any(client.processing().values())), client.processing()
        held = [key for keys in client.has_what().values() for key in keys]
        assert not [key for key in held if "glossgraph-slow-" in str(key)], held
    assert not list((tmp_path / ".glossgraph" / "cache").glob("*.ipynb"))
    assert not (tmp_path / "out").exists()
