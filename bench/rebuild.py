"""Cold against warm build of the shipped glossary: the demo cache at work.

Copies entities/, demos/ and mkdocs.yml into a scratch folder, then alternates
a cold build (empty demo cache: every demo executes) and a warm build (every
demo cached), and prints the median of each and their ratio. Goal: the warm
build at least 3x faster, executing no demo.

    .venv/bin/python bench/rebuild.py [--repeats 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLOSSGRAPH = Path(sys.executable).parent / "glossgraph"
_SUMMARY = re.compile(r"demos: (\d+) executed, (\d+) cached, (\d+) frozen, (\d+) failed")


def build(folder: Path, jobs: int | None) -> tuple[float, str]:
    """Run one build in ``folder``; return its wall seconds and its demo summary."""
    argv = [str(GLOSSGRAPH), "build", "--site-dir", "site"]
    if jobs is not None:
        argv += ["--jobs", str(jobs)]
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=folder, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr[-2000:]}")
    summary = _SUMMARY.search(result.stderr)
    return seconds, summary.group(0) if summary else "no demo summary printed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    cold: list[float] = []
    warm: list[float] = []
    with tempfile.TemporaryDirectory(prefix="gg-rebuild-") as scratch:
        folder = Path(scratch)
        for name in ("entities", "demos"):
            shutil.copytree(ROOT / name, folder / name)
        shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
        for repeat in range(args.repeats):
            shutil.rmtree(folder / ".glossgraph", ignore_errors=True)
            seconds, summary = build(folder, args.jobs)
            cold.append(seconds)
            print(f"cold {repeat + 1}: {seconds:6.1f} s  {summary}", flush=True)
            seconds, summary = build(folder, args.jobs)
            warm.append(seconds)
            print(f"warm {repeat + 1}: {seconds:6.1f} s  {summary}", flush=True)
    ratio = statistics.median(cold) / statistics.median(warm)
    print(
        f"cold median {statistics.median(cold):.1f} s, warm median {statistics.median(warm):.1f} s:"
        f" warm is {ratio:.1f}x faster (goal: at least 3x)"
    )


if __name__ == "__main__":
    main()
