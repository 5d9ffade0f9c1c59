"""Measure glossgraph's performance figures as ratios taken side by side in one run.

Usage: ``python bench/run.py [--quick] [--only NAME ...] [--write bench/RESULTS.md]``

The machines these run on are shared and noisy, so every figure compares two
things timed in the same run, interleaved, as the median of several repeats.
A figure whose piece of glossgraph is missing prints "not available yet".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from demo_threads import measure_threads
from harness import (
    FULL,
    GLOSSGRAPH,
    MKDOCS,
    QUICK,
    SEED,
    Figure,
    MeasureFailed,
    NotAvailable,
    Sizes,
    build,
    corpus,
    interleaved,
    load_graph,
    need,
    need_command,
    percentile,
    read_and_parse_yaml,
    report,
    run_timed,
    scratch,
    site_bytes,
    table,
    timed,
)
from search_bytes import measure_site


def measure_overhead(s: Sizes) -> list[Figure]:
    """Our build against plain MkDocs: on the bodies alone (CPU), and on the exported tree.

    The first figure is the cost of everything glossgraph adds to the author's
    own pages: plain MkDocs + Material, with our theme, extensions and search,
    building only the same bodies (each concept's Markdown as the renderer
    writes it, under its title, out of the nav; the nav's four tabs as
    one-line pages). CPU time, not wall time, so that waiting for a shared
    core does not count.
    """
    need_command("build")
    need_command("export-docs")
    folder = corpus(s.small)
    with scratch("overhead") as work:
        docs = work / "exported"
        run_timed([str(GLOSSGRAPH), "export-docs", str(docs)], folder)
        bodies = _write_bodies(folder, work / "bodies")
        plain = [str(MKDOCS), "build", "-q", "-f"]
        cpu: dict[str, list[float]] = {"ours": [], "bodies": []}
        ours = _cpu_into(
            cpu["ours"], [str(GLOSSGRAPH), "build", "--site-dir", str(work / "site-ours")], folder
        )
        actions = {
            "ours": lambda: _cold(ours, folder, work / "site-ours"),
            "bodies": _cpu_into(
                cpu["bodies"], [*plain, str(bodies), "-d", str(work / "site-bodies")], folder
            ),
            "plain": lambda: run_timed(
                [*plain, str(docs / "mkdocs.yml"), "-d", str(work / "site-plain")], docs
            ),
        }
        interleaved(actions, s.warmup)  # warm the file cache and byte-code first
        for samples in cpu.values():
            samples.clear()
        median = interleaved(actions, s.repeats)
    ours, alone = statistics.median(cpu["ours"]), statistics.median(cpu["bodies"])
    return [
        Figure(
            f"build CPU / plain MkDocs CPU on the same bodies, N={s.small:,}",
            ours / alone,
            "x",
            1.5,
            f"glossgraph build {ours:.2f} s CPU, mkdocs build of the bodies {alone:.2f} s CPU "
            f"(wall {median['ours']:.2f} s / {median['bodies']:.2f} s)",
        ),
        Figure(
            f"generator overhead: build / plain mkdocs build, N={s.small:,}",
            median["ours"] / median["plain"],
            "x",
            1.15,
            f"glossgraph build {median['ours']:.2f} s, mkdocs build {median['plain']:.2f} s",
        ),
    ]


def _cold(action: Callable[[], float], folder: Path, site: Path) -> float:
    """Run a build with nothing kept from the last one: no site, no state, no kept pictures."""
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(folder / ".glossgraph", ignore_errors=True)  # the corpus has no demos to lose
    return action()


def _cpu_into(samples: list[float], args: list[str], cwd: Path) -> Callable[[], float]:
    """Return an action that runs ``args`` and records its CPU seconds (user + system)."""

    def action() -> float:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds = run_timed(args, cwd)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        samples.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        return seconds

    return action


def _write_bodies(folder: Path, out: Path) -> Path:
    """Write each concept's rendered body alone, with our MkDocs config; return mkdocs.yml."""
    rewrite_body = need("generator.render.markdown", "rewrite_body")
    concept_path = need("generator.render.markdown", "concept_path")
    site_config = need("generator.render.siteconfig", "site_config")
    graph = load_graph(folder)
    docs = out / "docs"
    for key, entity in graph.entities.items():
        page = concept_path(key)
        target = docs / page
        target.parent.mkdir(parents=True, exist_ok=True)
        body = rewrite_body(entity, graph, page).markdown
        target.write_text(f"# {entity.title}\n\n{body}", encoding="utf-8")
    config = site_config("Bodies", "docs", ())
    for item in config["nav"]:  # the same tabs as ours, each a one-line page
        for title, nav_page in item.items():
            target = docs / nav_page
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"# {title}\n", encoding="utf-8")
    config["not_in_nav"] = "/concepts/"
    path = out / "mkdocs.yml"
    path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
    return path


def measure_load(s: Sizes) -> list[Figure]:
    """Load + check against reading the files and YAML-parsing their front matter.

    Both sides run in this process, so their CPU seconds compare them even on
    a machine other work keeps busy; wall seconds are shown beside them.
    """
    folder = corpus(s.huge)
    load_graph(folder)
    wall: dict[str, list[float]] = {"ours": [], "floor": []}

    forget = need("generator.coderegions", "code_regions").cache_clear
    thaw = need("generator.linker", "release_loaded")

    def cpu_of(name: str, action: Callable[[], object]) -> Callable[[], float]:
        def run() -> float:
            # A check is one process: nothing remembered from the last run, and
            # nothing left frozen by it for the collector (outside the timing).
            forget()
            thaw()
            started = time.process_time()
            wall[name].append(timed(action))
            return time.process_time() - started

        return run

    actions = {
        "ours": cpu_of("ours", lambda: load_graph(folder)),
        "floor": cpu_of("floor", lambda: read_and_parse_yaml(folder / "entities")),
    }
    interleaved(actions, s.warmup)
    for samples in wall.values():
        samples.clear()
    cpu = interleaved(actions, s.repeats)
    ours_wall, floor_wall = (statistics.median(wall[name]) for name in ("ours", "floor"))
    detail = (
        f"CPU: load+check {cpu['ours']:.2f} s, read+CSafeLoader {cpu['floor']:.2f} s;"
        f" wall {ours_wall:.2f} s and {floor_wall:.2f} s"
    )
    return [
        Figure(
            f"load + check / read + YAML (CPU), N={s.huge:,}",
            cpu["ours"] / cpu["floor"],
            "x",
            1.5,
            detail,
        ),
        Figure(
            f"load + check absolute (CPU), N={s.huge:,}",
            cpu["ours"],
            "s",
            2e-4 * s.huge,
            f"wall {ours_wall:.2f} s",
        ),
    ]


def measure_queries(s: Sizes) -> list[Figure]:
    """Latency of ``path`` and ``learn`` on a loaded graph of the largest size."""
    path = need("generator.queries", "path")
    learn = need("generator.queries", "learn")
    graph = load_graph(corpus(s.huge)).graph
    keys = sorted(graph.nodes)
    rng = random.Random(SEED)
    pairs = [(rng.choice(keys), rng.choice(keys)) for _ in range(s.queries)]
    learners = [rng.choice(keys) for _ in range(s.queries)]
    figures = []
    for name, calls in (
        ("path", [lambda a=a, b=b: _quietly(path, graph, a, b) for a, b in pairs]),
        ("learn", [lambda k=k: learn(graph, k) for k in learners]),
    ):
        times = [timed(call) * 1000 for call in calls]
        figures.append(
            Figure(
                f"query {name} p95, N={s.huge:,} ({len(times)} calls)",
                percentile(times, 0.95),
                "ms",
                50.0,
                f"median {statistics.median(times):.2f} ms, max {max(times):.2f} ms",
            )
        )
    return figures


def _quietly(path: Callable[..., Any], graph: Any, a: str, b: str) -> Any:
    """Call ``path``, treating 'no path' as an answer rather than a failure."""
    import networkx as nx

    try:
        return path(graph, a, b)
    except nx.NetworkXNoPath:
        return None


def measure_warm(s: Sizes) -> list[Figure]:
    """A warm rebuild with every demo cached against a build of the same pages with no demos."""
    need_command("build")
    with_demos = corpus(s.small, demos=s.demos)
    without = corpus(s.small)
    with scratch("warm") as work:
        build(with_demos, work / "site-cold")  # executes the demos and fills the cache
        actions = {
            "warm": lambda: build(with_demos, work / "site-warm"),
            "none": lambda: build(without, work / "site-none"),
        }
        interleaved(actions, s.warmup)
        median = interleaved(actions, s.repeats)
    return [
        Figure(
            f"warm rebuild ({s.demos} demos cached) / build without demos, N={s.small:,}",
            median["warm"] / median["none"],
            "x",
            1.05,
            f"warm {median['warm']:.2f} s, no demos {median['none']:.2f} s",
        )
    ]


def _edited_copy(source: Path, folder: Path) -> Path:
    """Copy a corpus to ``folder``, to edit it there."""
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("site*", ".glossgraph"))
    return folder


def measure_edit(s: Sizes) -> list[Figure]:
    """The build after a one-sentence edit of one concept against a cold build, side by side."""
    need_command("build")
    with scratch("edit") as work:
        folder = _edited_copy(corpus(s.small), work / "corpus")
        # The cold side builds its own copy: removing its state must not touch the edit side's.
        twin = _edited_copy(corpus(s.small), work / "corpus-cold")
        concepts = sorted((folder / "entities").glob("*.md"))
        concept = concepts[len(concepts) // 2]
        original = concept.read_text("utf-8")
        build(folder, work / "site-edit")
        rounds = [0]

        def cold() -> float:
            rounds[0] += 1
            shutil.copyfile(concept, twin / "entities" / concept.name)  # the same sources
            site = work / f"site-cold-{rounds[0]}"
            return _cold(lambda: build(twin, site), twin, site)

        def edit() -> float:
            rounds[0] += 1
            concept.write_text(f"{original}\nEdited sentence number {rounds[0]}.\n", "utf-8")
            return build(folder, work / "site-edit")

        median = interleaved({"cold": cold, "edit": edit}, s.repeats)
    return [
        Figure(
            f"build after a one-concept edit / cold build, N={s.small:,}",
            median["edit"] / median["cold"],
            "x",
            0.1,
            f"edit {median['edit']:.2f} s, cold {median['cold']:.2f} s",
        )
    ]


def measure_scaling(s: Sizes) -> list[Figure]:
    """Build time and bytes per page at the big size against the small size."""
    need_command("build")
    small, big = corpus(s.small), corpus(s.big)
    with scratch("scaling") as work:
        actions = {
            "small": lambda: build(small, work / "site-small"),
            "big": lambda: build(big, work / "site-big"),
        }
        interleaved(actions, s.warmup)
        median = interleaved(actions, s.repeats)
        sizes = {name: site_bytes(work / f"site-{name}") for name in actions}
    per_page = {name: total / pages for name, (total, _, pages) in sizes.items()}
    html_page = {name: html / pages for name, (_, html, pages) in sizes.items()}
    factor = s.big / s.small
    return [
        Figure(
            f"build time N={s.big:,} / N={s.small:,} ({factor:g}x concepts)",
            median["big"] / median["small"],
            "x",
            4.5 * factor / 4,
            f"{median['big']:.2f} s / {median['small']:.2f} s",
        ),
        Figure(
            f"bytes per page N={s.big:,} / N={s.small:,}",
            per_page["big"] / per_page["small"],
            "x",
            1.2,
            f"{per_page['big'] / 1024:.1f} KiB / {per_page['small'] / 1024:.1f} KiB per page "
            f"({sizes['big'][2]:,} / {sizes['small'][2]:,} pages); HTML alone "
            f"{html_page['big'] / 1024:.1f} / {html_page['small'] / 1024:.1f} KiB",
        ),
    ]


def measure_huge(s: Sizes) -> list[Figure]:
    """Cold builds at the small and the largest size (time and peak memory); then what a page
    and a search fetch at the largest, and the whole-graph picture's share of its build."""
    need_command("build")
    small, folder = corpus(s.small), corpus(s.huge)
    with scratch("huge") as work:
        runs = {
            n: _cold_peak(f, work / f"site-{n}") for n, f in ((s.small, small), (s.huge, folder))
        }
        seconds = runs[s.huge][0]
        figures = measure_site(folder, work / f"site-{s.huge}", s.huge)
    (t_small, cpu_small, _), (t_huge, cpu_huge, peak) = runs[s.small], runs[s.huge]
    factor = s.huge / s.small
    figures += [
        Figure(
            f"cold build time N={s.huge:,} / N={s.small:,} ({factor:g}x concepts)",
            t_huge / t_small,
            "x",
            1.05 * factor,
            f"{t_huge:.1f} s / {t_small:.1f} s wall; CPU {cpu_huge:.1f} s / {cpu_small:.1f} s",
        ),
        Figure(
            f"peak memory of the cold build, N={s.huge:,}",
            peak / 2**30,
            "GiB",
            2.0,
            "largest resident set of the build and of any process it ran (Pagefind)",
        ),
    ]
    try:
        figures.append(_picture_share(s, folder, seconds))
    except NotAvailable as missing:
        figures.append(Figure(_PICTURE, None, "%", 10.0, f"not available yet: {missing}"))
    return figures


_PEAK = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[2:], cwd=sys.argv[1], capture_output=True, text=True)
seconds = time.perf_counter() - started
use = resource.getrusage(resource.RUSAGE_CHILDREN)
sys.stderr.write(done.stderr[-2000:])
print(seconds, use.ru_utime + use.ru_stime, use.ru_maxrss * 1024, done.returncode)
"""


def _cold_peak(folder: Path, site: Path) -> tuple[float, float, int]:
    """Run a cold ``glossgraph build``; return wall s, CPU s and peak resident bytes.

    A fresh Python runs the build, so that the largest resident set its
    children report is this build's alone (Linux reports ``ru_maxrss`` in KiB).
    """
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(folder / ".glossgraph", ignore_errors=True)
    args = [
        sys.executable,
        "-c",
        _PEAK,
        str(folder),
        str(GLOSSGRAPH),
        "build",
        "--site-dir",
        str(site),
    ]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    fields = done.stdout.split()
    if done.returncode != 0 or len(fields) != 4 or fields[3] != "0":
        tail = " / ".join(done.stderr.strip().splitlines()[-3:])
        raise MeasureFailed(f"`glossgraph build` of {folder.name} failed: {tail}")
    return float(fields[0]), float(fields[1]), int(fields[2])


_PICTURE = "whole-graph picture / build"


def _href(key: str) -> str:
    return f"../concepts/{key}/"


def _picture_share(s: Sizes, folder: Path, build_seconds: float) -> Figure:
    whole_graph_svg = need("generator.render.graphsvg", "whole_graph_svg")
    graph = load_graph(folder)
    times = [timed(lambda: whole_graph_svg(graph.graph, _href)) for _ in range(3)]
    seconds = statistics.median(times)
    return Figure(
        f"{_PICTURE}, N={s.huge:,}",
        100 * seconds / build_seconds,
        "%",
        10.0,
        f"whole_graph_svg {seconds:.2f} s of a {build_seconds:.1f} s build",
    )


def kernel_floor() -> float:
    """Return the seconds to start a bare kernel (IPC) and run ``import torch`` in it."""
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="gg-floor-") as runtime:
        started = time.perf_counter()
        manager = KernelManager(kernel_name="python3", transport="ipc")
        manager.connection_file = str(Path(runtime) / "kernel.json")
        manager.start_kernel(cwd=runtime)
        client = manager.client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
            reply = client.execute_interactive("import torch", timeout=120)
            seconds = time.perf_counter() - started
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
    if reply["content"]["status"] != "ok":
        raise MeasureFailed("the bare kernel could not import torch")
    return seconds


def measure_demos(s: Sizes) -> list[Figure]:
    """One demo against a bare kernel + ``import torch``; then ``--jobs 2`` efficiency."""
    run_demos = need("generator.demos", "run_demos")
    options_type = need("generator.demos", "RunOptions")
    device = need("generator.demos", "Device")
    demos_dir = corpus(20, demos=s.demos) / "demos"
    ids = sorted(p.stem for p in demos_dir.glob("*.py"))
    with scratch("demos") as work:

        def run(chosen: list[str], jobs: int) -> float:
            options = options_type(
                device=device.CPU,
                jobs=jobs,
                rerun=True,
                cache_dir=work / "cache",
                frozen_dir=work / "frozen",
            )
            started = time.perf_counter()
            result = run_demos(chosen, demos_dir, options)
            seconds = time.perf_counter() - started
            if result.failed:
                raise MeasureFailed(f"demos failed: {', '.join(result.failed)}")
            return seconds

        single = {"demo": lambda: run(ids[:1], 1), "floor": kernel_floor}
        interleaved(single, s.warmup)
        one = interleaved(single, s.repeats)
        many = interleaved({"1": lambda: run(ids, 1), "2": lambda: run(ids, 2)}, min(3, s.repeats))
    return [
        Figure(
            "one demo / bare kernel start + import torch",
            one["demo"] / one["floor"],
            "x",
            None,
            f"demo {one['demo']:.2f} s, floor {one['floor']:.2f} s",
        ),
        Figure(
            f"parallel efficiency --jobs 2 on {len(ids)} demos",
            many["1"] / (2 * many["2"]),
            "",
            None,
            f"jobs=1 {many['1']:.2f} s, jobs=2 {many['2']:.2f} s, {os.cpu_count()} CPUs shared",
            higher_is_better=True,
        ),
    ]


Measurement = Callable[[Sizes], list[Figure]]
MEASUREMENTS: dict[str, tuple[str, Measurement]] = {
    "load": ("load + check / read + YAML", measure_load),
    "queries": ("query path and learn", measure_queries),
    "overhead": ("generator overhead: build / plain mkdocs build", measure_overhead),
    "warm": ("warm rebuild / build without demos", measure_warm),
    "edit": ("build after a one-concept edit / cold build", measure_edit),
    "scaling": ("build time and bytes per page, big / small", measure_scaling),
    "huge": ("search bytes and whole-graph picture share", measure_huge),
    "demos": ("one demo / kernel floor; --jobs 2 efficiency", measure_demos),
    "threads": ("shipped demos: executor threads against per-demo lines", measure_threads),
}


def measure(name: str, s: Sizes) -> list[Figure]:
    """Run one measurement; a missing piece or a failing command becomes a figure, not a crash."""
    title, function = MEASUREMENTS[name]
    try:
        return function(s)
    except NotAvailable as missing:
        return [Figure(title, None, "", None, f"not available yet: {missing}")]
    except MeasureFailed as failure:
        return [Figure(title, None, "", None, f"failed: {failure}", failed=True)]
    except Exception as error:  # a harness must report every figure it can
        return [
            Figure(title, None, "", None, f"crashed: {type(error).__name__}: {error}", failed=True)
        ]


NOTES = "\n## Notes\n"


def _kept_notes(path: Path) -> str:
    """Return the hand-written notes section of an earlier report, kept across runs."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    return old[old.index(NOTES) :] if NOTES in old else ""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen measurements, print the table, optionally write it as Markdown."""
    parser = argparse.ArgumentParser(description="Measure glossgraph's performance figures.")
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(MEASUREMENTS),
        metavar="NAME",
        help=f"run only these: {', '.join(MEASUREMENTS)}",
    )
    parser.add_argument("--write", type=Path, metavar="FILE", help="also write Markdown here")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    started = time.perf_counter()
    figures: list[Figure] = []
    for name in args.only or list(MEASUREMENTS):
        print(f"== {name}: {MEASUREMENTS[name][0]}", flush=True)
        for figure in measure(name, sizes):
            print(
                f"   {figure.status:4} {figure.name}: {figure.value_text()} "
                f"(goal {figure.goal_text()}) {figure.detail}",
                flush=True,
            )
            figures.append(figure)
    print()
    print(table(figures))
    if args.write is not None:
        words = argv if argv is not None else sys.argv[1:]
        command = " ".join([".venv/bin/python bench/run.py", *words])
        text = report(figures, sizes, command, time.perf_counter() - started)
        args.write.write_text(text + _kept_notes(args.write))
    return 1 if any(f.failed for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main())
