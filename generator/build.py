"""Build the site's docs tree: load → link → check → execute demos → render."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from generator.demos import DemoRun, RunOptions, render_demo, run_demos
from generator.demos.downloads import RepoLinks
from generator.demos.keys import installed_torch_version
from generator.demos.render import DemoPage
from generator.demos.spec import parse_demo
from generator.errors import ContentError
from generator.headings import Slugify
from generator.incremental import PictureCache
from generator.inventory import INVENTORY_PATH, inventory_bytes, inventory_entries
from generator.linker import load_concept_graph
from generator.load import display_path
from generator.model import ConceptGraph, DemoId, Diagnostic, EntityKey, Severity, SiteUrl
from generator.reading import DEFAULT_POLICY, ReadPolicy
from generator.render.docstree import DocsTree
from generator.render.graphsvg import neighbourhood_svg, whole_graph_svg
from generator.render.pages import (
    DemoMarkdown,
    Href,
    NeighbourhoodPicture,
    RenderOptions,
    WholePicture,
    render_site,
)
from generator.resolver import PAGE_SHOWN


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Where the content is and how to build it."""

    entities: Path = Path("entities")
    demos: Path = Path("demos")
    site_name: str = "Glossary"
    directory_urls: bool = False
    repo: RepoLinks | None = None  # where demos live on GitHub, for Colab and Binder links
    run: RunOptions = field(default_factory=RunOptions)
    slugify: Slugify | None = None  # the heading slugify of mkdocs.yml's toc, if set
    reading: ReadPolicy = DEFAULT_POLICY
    pictures: Path | None = None  # where graph pictures are kept for the next build, if anywhere


@dataclass(frozen=True, slots=True)
class SiteBuild:
    """The docs tree, and what the build should report.

    ``warnings`` fail a strict build: every diagnostic of ``check`` that did
    not stop the build (errors the pages show as marked text, and warnings),
    so ``build --strict`` fails exactly where ``check --strict`` does, plus
    failed demos.
    """

    tree: DocsTree
    warnings: tuple[Diagnostic, ...]
    demo_run: DemoRun


class ContentBlocked(ContentError):
    """Raised by ``build_docs`` when the concept graph has errors no page can show."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        count = len(self.diagnostics)
        super().__init__(f"{count} content error{'s' * (count != 1)}; the site was not built")


def build_docs(options: BuildOptions) -> SiteBuild:
    """Return the docs tree of the glossary in ``options.entities``."""
    graph = load_concept_graph(options.entities, options.demos, options.slugify, options.reading)
    stop_on_errors(graph)
    ids = demo_ids(graph)
    stop_on_demo_errors(ids, options.demos, options.reading)
    demo_run = run_demos(ids, options.demos, options.run)
    demos = render_demos(demo_run, options)
    kept = (
        None if options.pictures is None else PictureCache(options.pictures, options.directory_urls)
    )
    site = render_site(graph, demos, _render_options(options, kept))
    if kept is not None:
        kept.save()
    entries = inventory_entries(graph, options.directory_urls)
    inventory = {INVENTORY_PATH: inventory_bytes(entries, options.site_name)}
    return SiteBuild(
        tree=site.tree.merged(inventory),
        warnings=graph.diagnostics + demo_failures(demo_run, options.demos),
        demo_run=demo_run,
    )


def stop_on_errors(graph: ConceptGraph) -> None:
    """Raise ContentBlocked for errors, except those a page shows as marked text."""
    blocking = [d for d in graph.errors if d.code not in PAGE_SHOWN]
    if blocking:
        raise ContentBlocked(blocking)


def stop_on_demo_errors(ids: Iterable[DemoId], demos_dir: Path, policy: ReadPolicy) -> None:
    """Raise ContentBlocked for the header errors of the demos a page embeds, as check reports them.

    Such a demo cannot run: built anyway, its page would show the error and
    the build's log only that it failed.
    """
    blocking = [
        found
        for demo_id in ids
        for found in parse_demo(demos_dir / f"{demo_id}.py", demos_dir, policy)[1]
        if found.severity is Severity.ERROR
    ]
    if blocking:
        raise ContentBlocked(blocking)


def demo_ids(graph: ConceptGraph) -> list[DemoId]:
    """Return every demo the concepts embed, in key order, once each."""
    ids = (DemoId(ref.name) for key in sorted(graph.entities) for ref in graph.entities[key].demos)
    return list(dict.fromkeys(ids))


def render_demos(demo_run: DemoRun, options: BuildOptions) -> Mapping[DemoId, DemoMarkdown]:
    """Return each demo's Markdown and files, as seen from a concept page."""
    torch_version = installed_torch_version()
    return {
        demo_id: render_demo(
            result,
            SiteUrl("concepts"),
            DemoPage(_script(options.demos, demo_id), options.repo, torch_version),
        )
        for demo_id, result in demo_run.results.items()
    }


def _script(demos_dir: Path, demo_id: DemoId) -> bytes | None:
    """Return the demo's script as it is on disk, to publish for download (None if unreadable)."""
    try:
        return (demos_dir / f"{demo_id}.py").read_bytes()
    except OSError:
        return None


def demo_failures(demo_run: DemoRun, demos_dir: Path) -> tuple[Diagnostic, ...]:
    """Return a warning for every demo that did not finish cleanly."""
    found = []
    for demo_id in demo_run.failed:
        result = demo_run.results[demo_id]
        path = demos_dir / f"{demo_id}.py"
        said = _last_line(result.error)
        message = f"demo '{demo_id}' failed ({result.status.value})"
        message += f": {said}" if said else ""
        message += "; its page shows the error"
        line = _failing_line(path, result.error)
        found.append(
            Diagnostic(display_path(path), line, 1, Severity.WARNING, message, "demo-failed")
        )
    return tuple(found)


_CELL_LINE = re.compile(r"^Cell In\[(\d+)\], line (\d+)", re.MULTILINE)
_CODE_CELL = re.compile(r"# %%(?!.*\[(?:markdown|md)\])")


def _last_line(error: str | None) -> str:
    """Return the last line of a failure's text: the exception and its message, shortened."""
    lines = [line.strip() for line in (error or "").splitlines() if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    return last if len(last) <= 200 else last[:199] + "…"


def _failing_line(path: Path, error: str | None) -> int:
    """Return the script's line of the cell line a traceback names first, else 1.

    The kernel numbers cells by execution, one per code cell in order, and a
    code cell is a ``# %%`` line of the percent script followed by its code;
    the traceback's quote of the line must match the script's.
    """
    found = _CELL_LINE.search(error or "")
    if found is None:
        return 1
    cell, line = int(found.group(1)), int(found.group(2))
    try:
        lines = path.read_text("utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    starts = [n for n, text in enumerate(lines, 1) if _CODE_CELL.match(text)]
    if not 1 <= cell <= len(starts) or starts[cell - 1] + line > len(lines):
        return 1
    at = starts[cell - 1] + line
    # The traceback quotes the line ("----> 2 raise …"): a line that is not it means
    # the cells were counted wrong (code before the first "# %%"), so say line 1.
    quoted = re.search(rf"^-+> {line} (.*)$", error or "", re.MULTILINE)
    if quoted is None or quoted.group(1).strip() != lines[at - 1].strip():
        return 1
    return at


def _render_options(options: BuildOptions, kept: PictureCache | None) -> RenderOptions:
    neighbourhood: NeighbourhoodPicture = neighbourhood_svg
    whole_graph: WholePicture = whole_graph_svg
    if kept is not None:
        neighbourhood, whole_graph = _kept_pictures(kept)
    return RenderOptions(
        site_name=options.site_name,
        directory_urls=options.directory_urls,
        neighbourhood=neighbourhood,
        whole_graph=whole_graph,
        entities=options.entities,
        reading=options.reading,
    )


def _kept_pictures(kept: PictureCache) -> tuple[NeighbourhoodPicture, WholePicture]:
    """Return the picture functions, drawing only pictures the last build did not keep."""

    def neighbourhood(graph: nx.MultiDiGraph, key: EntityKey, href: Href) -> str:
        return kept.get(kept.key(graph, key), lambda: neighbourhood_svg(graph, key, href))

    def whole_graph(graph: nx.MultiDiGraph, href: Href) -> str:
        return kept.get(kept.key(graph, ""), lambda: whole_graph_svg(graph, href))

    return neighbourhood, whole_graph
