"""The benchmark harness: figures, corpora, timing side by side, and the Markdown report."""

from __future__ import annotations

import gc
import importlib
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from synth import write_corpus

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
GLOSSGRAPH = BIN / "glossgraph"
MKDOCS = BIN / "mkdocs"
SEED = 1
_MISSING_MODULE = re.compile(r"No module named '(generator[\w.]*)'")


class NotAvailable(Exception):
    """Raised when a piece a figure needs is not written yet."""


class MeasureFailed(Exception):
    """Raised when a command the figure runs fails (its output tail is the message)."""


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured figure, its goal, and how it was obtained."""

    name: str
    value: float | None
    unit: str
    goal: float | None
    detail: str
    failed: bool = False
    higher_is_better: bool = False

    @property
    def status(self) -> str:
        if self.failed:
            return "FAIL"
        if self.value is None:
            return "SKIP"
        if self.goal is None:
            return "INFO"
        ok = self.value >= self.goal if self.higher_is_better else self.value <= self.goal
        return "PASS" if ok else "MISS"

    def value_text(self) -> str:
        return "—" if self.value is None else f"{self.value:.3g} {self.unit}".rstrip()

    def goal_text(self) -> str:
        if self.goal is None:
            return "report"
        return f"{'≥' if self.higher_is_better else '≤'} {self.goal:g} {self.unit}".rstrip()


@dataclass(frozen=True, slots=True)
class Sizes:
    """Corpus sizes and repeat counts for one run."""

    small: int
    big: int
    huge: int
    repeats: int
    demos: int
    queries: int
    warmup: int


FULL = Sizes(small=1000, big=4000, huge=10000, repeats=3, demos=8, queries=300, warmup=1)
QUICK = Sizes(small=50, big=200, huge=1000, repeats=2, demos=2, queries=100, warmup=0)


# ---------------------------------------------------------------- helpers


def corpus(n: int, demos: int = 0) -> Path:
    """Return a synthetic corpus of ``n`` concepts, writing it once under bench/out/."""
    folder = OUT / f"corpus-{n}-d{demos}-s{SEED}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        write_corpus(n, folder, seed=SEED, demos=demos)
        (folder / ".complete").write_text("written by bench/synth.py\n")
    return folder


def need(module: str, name: str) -> Any:
    """Return ``module.name`` or raise NotAvailable saying which piece is missing."""
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as error:
        raise NotAvailable(f"{module}.{name} is not written yet ({error})") from None


_COMMANDS: dict[str, bool] = {}


def need_command(*words: str) -> None:
    """Raise NotAvailable unless ``glossgraph WORDS --help`` succeeds."""
    name = " ".join(words)
    if name not in _COMMANDS:
        result = subprocess.run(
            [str(GLOSSGRAPH), *words, "--help"], capture_output=True, text=True, check=False
        )
        _COMMANDS[name] = result.returncode == 0
    if not _COMMANDS[name]:
        raise NotAvailable(f"`glossgraph {name}` is not a command yet")


def run_timed(args: Sequence[str], cwd: Path) -> float:
    """Run a command, return its wall seconds; raise MeasureFailed if it fails."""
    env = {**os.environ, "NO_COLOR": "1", "CI": "1"}
    started = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        missing = _MISSING_MODULE.search(output)
        if missing is not None:
            raise NotAvailable(f"`{Path(args[0]).name} {args[1]}` needs {missing.group(1)}")
        tail = " / ".join(output.splitlines()[-3:])
        raise MeasureFailed(f"`{Path(args[0]).name} {args[1]}` exited {result.returncode}: {tail}")
    return seconds


def timed(action: Callable[[], object]) -> float:
    """Return the wall seconds ``action`` takes, with garbage collected beforehand."""
    gc.collect()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def interleaved(actions: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """Run each action once per round, in turn, and return each one's median seconds.

    With no rounds (a skipped warm-up) nothing runs and the result is empty.
    """
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeats):
        for name, action in actions.items():
            samples[name].append(action())
    return {name: statistics.median(values) for name, values in samples.items() if values}


def build(folder: Path, site: Path, *extra: str) -> float:
    """Run ``glossgraph build`` in ``folder`` into ``site`` and return its wall seconds."""
    return run_timed([str(GLOSSGRAPH), "build", "--site-dir", str(site), *extra], folder)


def site_bytes(site: Path) -> tuple[int, int, int]:
    """Return (total bytes, HTML bytes, HTML page count) of a built site."""
    total = html = pages = 0
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                html += size
                pages += 1
    return total, html, pages


@contextmanager
def scratch(name: str) -> Iterator[Path]:
    """Yield a fresh folder under bench/out/ for one measurement, removed afterwards."""
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=OUT))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def percentile(values: Sequence[float], share: float) -> float:
    """Return the ``share`` quantile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _front_matter(text: str) -> str:
    """Return the YAML between the opening and closing ``---`` lines ('' if none)."""
    if not text.startswith("---"):
        return ""
    end = text.find("\n---", 3)
    return text[4:end] if end != -1 else ""


def read_and_parse_yaml(entities: Path) -> None:
    """Do the floor of loading: read every file and parse its front matter with the C loader."""
    import yaml

    for path in sorted(entities.rglob("*.md")):
        yaml.load(_front_matter(path.read_text(encoding="utf-8")), Loader=yaml.CSafeLoader)


def load_graph(folder: Path) -> Any:
    """Return the checked ConceptGraph of a corpus; raise MeasureFailed if it has errors."""
    load = need("generator.linker", "load_concept_graph")
    graph = load(folder / "entities", folder / "demos")
    if graph.errors:
        raise MeasureFailed(f"{len(graph.errors)} check errors, first: {graph.errors[0]}")
    return graph


# ---------------------------------------------------------------- report


def table(figures: Sequence[Figure]) -> str:
    """Return the figures as a Markdown table."""
    rows = ["| figure | value | goal | status | detail |", "| --- | --- | --- | --- | --- |"]
    for f in figures:
        cells = (f.name, f.value_text(), f.goal_text(), f.status, f.detail)
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def machine() -> list[str]:
    """Return lines describing this machine: CPU, cores, memory, Python, torch."""
    from importlib.metadata import PackageNotFoundError, version

    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [line.split(":", 1)[1].strip() for line in info.splitlines() if "model name" in line]
    mem = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "?"
    try:
        torch = version("torch")
    except PackageNotFoundError:
        torch = "not installed"
    return [
        f"- CPU: {models[0] if models else platform.processor() or 'unknown'}",
        f"- cores: {os.cpu_count()} (shared with other work; hence ratios)",
        f"- memory: {int(mem) / 1024**2:.1f} GiB" if mem.isdigit() else "- memory: unknown",
        f"- Python {platform.python_version()}, torch {torch}, {platform.platform()}",
    ]


def report(figures: Sequence[Figure], sizes: Sizes, command: str, seconds: float) -> str:
    """Return the Markdown for bench/RESULTS.md (hand-written notes are added by the caller)."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    missing = [f"- {f.name}: {f.detail}" for f in figures if f.status in ("SKIP", "FAIL")]
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Measured {now} in {seconds / 60:.1f} minutes. Reproduce with:",
            "",
            f"    {command}",
            "",
            f"Each ratio is the median of {sizes.repeats} interleaved repeats of both sides "
            f"(after {sizes.warmup} warm-up round). PASS/MISS compare with the goal; "
            "INFO figures have no goal and are reported.",
            "",
            table(figures),
            "",
            "Not measured:" if missing else "Every figure was measured.",
            "",
            *missing,
            *([""] if missing else []),
            "Machine:",
            "",
            *machine(),
            f"- load average when the run ended: {' '.join(load)}" if load else "",
            "",
        ]
    )
