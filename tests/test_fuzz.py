"""Hostile and random input: nothing escapes as an exception, and time grows linearly.

Property tests (hypothesis) run the loader, linker, summary, link parser,
page renderer and exports on random and adversarial bodies and front matter.
The default profile ``ci`` is derandomized (the same examples on every run)
and small; ``HYPOTHESIS_PROFILE=nightly`` runs many more, freshly drawn.

The corpus below keeps the hostile cases found in review as regression
fixtures: each 1 MB body must load and check, and render, in at most
``RATIO`` times the CPU time of a 1 MB plain body measured in the same test.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import tempfile
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from cputime import cpu_seconds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks import HINT_SEARCHES
from generator.export import FORMATS, export_graph
from generator.linker import load_concept_graph
from generator.links import parse_links, strip_comments
from generator.load import load_entity
from generator.render.markdown import _MAX_EMBEDDED
from generator.render.pages import RenderOptions, render_site
from generator.summary import first_paragraph, plain_text

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "nightly",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Hostile over plain CPU time. Measured: 1-5x at load (plain prose is the cheapest
# text there is), 1-2x at render; a quadratic scanner is 100x or more at 1 MB.
RATIO = 8.0
GOAL_SECONDS = 1.0  # the design's goal for 1 MB of hostile body; reported, not asserted
SIZE = 1_000_000

# --- strategies ------------------------------------------------------------------------

TOKENS = [
    "[[",
    "]]",
    "[",
    "]",
    "(",
    ")",
    "](",
    "![[",
    "![",
    "|",
    "\\|",
    "#",
    "# h\n",
    "## ",
    "`",
    "``",
    "```\n",
    "~~~\n",
    "%%",
    "<",
    ">",
    "<b>",
    "**",
    "*",
    "_",
    "~~",
    "==",
    "$",
    "$$",
    "\n",
    "\n\n",
    " ",
    "a",
    "word",
    "> [!note]\n",
    "- ",
    "1. ",
    "---\n",
    "\t",
    "\r\n",
    "\x00",
    "😀",
    "é",
    "[[a]]",
    "[[b#h|x]]",
    "[t](b.md)",
    "![[p.png|20]]",
    "^x",
]
bodies = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=80).map("".join),
    st.text(max_size=300),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.one_of(st.integers(), st.text(max_size=5), st.booleans()), inner, max_size=4
        ),
    ),
    max_leaves=12,
)
FIELDS = ["title", "summary", "aliases", "parent", "related", "requires", "tags", "demos", "x"]
front_matters = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=6).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)
    ),
    st.lists(
        st.sampled_from([*TOKENS, "title: ", "tags: [", "&a ", "*a", ": ", "- "]), max_size=30
    ).map("".join),
)


@contextmanager
def _folder(files: dict[str, str]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        root = Path(name)
        for relative, text in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
        yield root


def _concept(front: str, body: str) -> str:
    return f"---\n{front}\n---\n{body}"


# --- no exception escapes --------------------------------------------------------------


@PROFILE
@given(front=front_matters, body=bodies)
def test_loader_never_raises(front: str, body: str) -> None:
    with _folder({"a.md": _concept(front, body)}) as root:
        entity, diagnostics = load_entity(root / "a.md")
    assert entity is not None or diagnostics
    for diagnostic in diagnostics:
        assert diagnostic.line >= 1 and diagnostic.col >= 1


@PROFILE
@given(texts=st.lists(bodies, min_size=1, max_size=3), fronts=st.lists(front_matters, max_size=3))
def test_linker_renderer_and_exports_never_raise(texts: list[str], fronts: list[str]) -> None:
    files = {
        f"entities/{'abc'[i]}.md": _concept(fronts[i] if i < len(fronts) else "", text)
        for i, text in enumerate(texts)
    }
    with _folder(files) as root:
        graph = load_concept_graph(root / "entities")
        site = render_site(graph, {}, RenderOptions(entities=root / "entities"))
    assert all(
        path.endswith((".md", ".css", ".js", ".png")) or "/" in path for path in site.tree.files
    )
    for fmt in FORMATS:
        text = export_graph(graph.graph, fmt)
        if fmt == "json":
            json.loads(text, parse_constant=_refuse_constant)
        elif fmt in ("graphml", "gexf"):
            ET.fromstring(text.encode("utf-8"))


def _refuse_constant(name: str) -> float:
    raise AssertionError(f"JSON export holds {name}")


@PROFILE
@given(body=bodies)
def test_summary_and_link_parser_never_raise(body: str) -> None:
    assert "\n" not in plain_text(body)
    assert "\n" not in first_paragraph(body)
    for link in parse_links(body, 1):
        assert link.line >= 1 and link.col >= 1
    stripped, links = strip_comments(body, 1)
    assert len(stripped) <= len(body) and len(links) <= len(body)


# --- linear time on the hostile corpus -------------------------------------------------


def _line_of(piece: str, prefix: str = "x ") -> Callable[[int], str]:
    return lambda size: prefix + piece * (size // len(piece)) + "\n"


def _growing_backtick_runs(size: int) -> str:
    runs, total, n = [], 0, 1
    while total < size:
        runs.append("`" * n)
        total += n + 1
        n += 1
    return "x " + "x".join(runs) + "\n"


HOSTILE: list[tuple[str, Callable[[int], str]]] = [
    # (name, body of about `size` characters)
    ("line of [ (100 KB took 95 s)", _line_of("[", "")),
    ("line of <", _line_of("<")),
    ("line of **", _line_of("**")),
    ("line of [a](", _line_of("[a](")),
    ("line of ![", _line_of("![")),
    ("line of [[", _line_of("[[")),
    ("line of _a", _line_of("_a")),
    ("line of %%", _line_of("%%")),
    ("line of \\|", _line_of("\\|")),
    ("978 KB of backticks (took 32 s)", _line_of("`")),
    ("backtick runs of growing length", _growing_backtick_runs),
]


def _plain_body(size: int) -> str:
    paragraph = "A plain sentence about gradients and [[b]] links, nothing odd. " * 8 + "\n\n"
    return paragraph * (size // len(paragraph))


class _OverBudget(Exception):
    """Raised by the CPU timer when a hostile case has already lost."""


@contextmanager
def _cpu_budget(seconds: float) -> Iterator[None]:
    """Stop the block after ``seconds`` of CPU: a quadratic case must fail, not run for minutes."""

    def expire(signum: int, frame: object) -> None:
        raise _OverBudget(f"over {seconds:.1f} s of CPU")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _load_and_check(root: Path) -> Callable[[], object]:
    return lambda: load_concept_graph(root / "entities")


def _render(root: Path) -> Callable[[], object]:
    graph = load_concept_graph(root / "entities")
    return lambda: render_site(graph, {}, RenderOptions())


def _corpus() -> list[object]:
    return [pytest.param(make, id=name) for name, make in HOSTILE]


def _assert_linear(
    make: Callable[[int], str], stage: Callable[[Path], Callable[[], object]]
) -> None:
    tree = {"entities/b.md": "---\ntitle: B\n---\nB.\n## h\n"}
    with _folder({**tree, "entities/a.md": _concept("title: A", _plain_body(SIZE))}) as root:
        plain = cpu_seconds(stage(root))
    hostile_body = make(SIZE)
    assert SIZE * 0.9 <= len(hostile_body) <= SIZE * 1.1
    budget = RATIO * plain + 0.5
    with _folder({**tree, "entities/a.md": _concept("title: A", hostile_body)}) as root:
        prepared = stage(root)
        with _cpu_budget(budget):
            hostile = cpu_seconds(prepared)
    if hostile > GOAL_SECONDS:
        message = f"1 MB hostile body took {hostile:.2f} s of CPU (goal {GOAL_SECONDS} s)"
        warnings.warn(message, stacklevel=2)
    assert hostile <= RATIO * plain, f"{hostile:.2f} s against {plain:.2f} s for plain text"


def _headings_body(count: int) -> str:
    return "See [[a#h]] and [[#h]].\n\n" + "# h\n" * count


STAGES = pytest.mark.parametrize("stage", [_load_and_check, _render], ids=["load", "render"])


Stage = Callable[[Path], Callable[[], object]]


def _assert_scales_linearly(
    body: Callable[[int], str], counts: tuple[int, int], stage: Stage
) -> None:
    """Four times the pieces must cost far below the 16x of a quadratic scan.

    Each piece is real work (an anchor, a link to resolve and write), so such a
    body is not compared with plain prose of its size but with a quarter of
    itself. The collector is paused while measuring: its full scans grow with
    the objects alive, which is not the scanner's cost.
    """
    tree = {
        "entities/b.md": "---\ntitle: B\n---\nB. ^blk\n## h\n",
        "entities/b.png": "not read",
    }
    _assert_folders_scale_linearly(
        lambda count: {**tree, "entities/a.md": _concept("title: A", body(count))}, counts, stage
    )


def _assert_folders_scale_linearly(
    files: Callable[[int], dict[str, str]], counts: tuple[int, int], stage: Stage
) -> None:
    """``_assert_scales_linearly`` for a folder of ``count`` pieces, some spread over files."""
    times = []
    for count in counts:
        with _folder(files(count)) as root:
            prepared = stage(root)
            collecting = gc.isenabled()
            gc.disable()
            try:
                with _cpu_budget(30):
                    times.append(cpu_seconds(prepared))
            finally:
                if collecting:
                    gc.enable()
    small, large = counts
    assert times[1] <= 8 * times[0] + 0.05, (
        f"{small:,} pieces {times[0]:.2f} s, {large:,} pieces {times[1]:.2f} s"
    )


@STAGES
def test_repeated_headings_scale_linearly(stage: Callable[[Path], Callable[[], object]]) -> None:
    """Finding 7: 8,000 '# h' lines took 13 s; the suffix search restarted for every repeat."""
    _assert_scales_linearly(_headings_body, (8_000, 32_000), stage)


# One line of many links: each piece once took time in the length of the line.
LINES_OF_LINKS = [
    "[[b]] ",
    "[b](b.md) ",
    "![x](b.png) ",
    "[[b#^blk]] ",
    "![[b]] ",  # 30,000 took 0.23 s, 120,000 took 3.1 s: each embed found its line's ends
    "![[b#h]] ",
    "`c` [[b]] ",  # 15,000 took 4.9 s, 60,000 took 86 s: each link's text walked every code span
    "$x$ `c` [[b]] ",
]


@STAGES
@pytest.mark.parametrize("piece", LINES_OF_LINKS)
def test_a_line_of_many_links_scales_linearly(
    piece: str, stage: Callable[[Path], Callable[[], object]]
) -> None:
    _assert_scales_linearly(lambda count: "x " + piece * count + "\n", (30_000, 120_000), stage)


@STAGES
def test_links_to_many_headings_scale_linearly(stage: Stage) -> None:
    """2,000 headings each linked once took 0.11 s, 8,000 took 1.4 s: each link walked them all."""
    _assert_scales_linearly(
        lambda count: "".join(f"## h{i}\n[[#h{i}]]\n" for i in range(count)), (2_000, 8_000), stage
    )


def test_links_to_many_missing_headings_scale_linearly() -> None:
    """1,000 links to missing headings took 0.39 s, 4,000 took 7.8 s: each hint read every one."""
    _assert_scales_linearly(
        lambda count: "".join(f"## h{i}\n[[#nope{i}]]\n" for i in range(count)),
        (1_000, 4_000),
        _load_and_check,
    )


Adds = Callable[[int, int], str]


def _chain(front: Adds, body: Adds) -> Callable[[int], dict[str, str]]:
    """Return ``count`` concepts, each linking the next, concept ``i`` with ``front``/``body``."""

    def files(count: int) -> dict[str, str]:
        return {
            f"entities/c{i}.md": _concept(
                f"title: Concept number {i}{front(i, count)}",
                f"See [[c{(i + 1) % count}]].{body(i, count)}\n",
            )
            for i in range(count)
        }

    return files


def _nothing(i: int, count: int) -> str:
    return ""


def _misspelt_link(i: int, count: int) -> str:
    return f" [[conzept numbr {i}]]"


def _one_misspelt_name(i: int, count: int) -> str:
    return " [[concept numbr 7]]" * count if i == 0 else ""


MISSPELT = [
    # 300 took 1.4 s, 1,200 took 19 s: each link searched its name's hint again.
    pytest.param(_nothing, _one_misspelt_name, id="one name"),
    # 300 took 1.9 s, 1,200 over 25 s: each name searched every concept's names.
    pytest.param(_nothing, _misspelt_link, id="a name in each body"),
    pytest.param(lambda i, count: f"\nrelated: [conzept numbr {i}]", _nothing, id="related"),
]


@pytest.mark.parametrize(("front", "body"), MISSPELT)
def test_many_misspelt_names_scale_linearly(front: Adds, body: Adds) -> None:
    """Past ``HINT_SEARCHES`` names, did-you-mean hints are no longer searched."""
    _assert_folders_scale_linearly(_chain(front, body), (200, 800), _load_and_check)


def test_the_first_misspelt_names_keep_their_hints() -> None:
    """The errors a reader sees first are those whose hints were searched."""
    count = HINT_SEARCHES + 50
    with _folder(_chain(_nothing, _misspelt_link)(count)) as root:
        graph = load_concept_graph(root / "entities")
    dangling = [d.message for d in graph.diagnostics if d.code == "dangling-link"]
    assert len(dangling) == count
    assert dangling[0] == "link target 'conzept numbr 0' is not a concept (did you mean 'c0'?)"
    hinted = [message for message in dangling if message.endswith("?)")]
    assert hinted == dangling[:HINT_SEARCHES]


@pytest.mark.parametrize(
    "rest",
    [
        # 3,000 embeds took 0.43 s, 12,000 took 5.7 s: each read all of b's records.
        pytest.param(lambda count: "[[a]] " * count, id="links"),
        pytest.param(lambda count: "".join(f"x ^b{i}\n\n" for i in range(count)), id="blocks"),
        pytest.param(lambda count: "`c` " * count, id="code spans"),
    ],
)
def test_many_embeds_of_a_section_of_a_long_page_scale_linearly(
    rest: Callable[[int], str],
) -> None:
    """Each embed of b's first section looks only at the links and block ids inside it."""

    def files(count: int) -> dict[str, str]:
        return {
            "entities/b.md": _concept("title: B", "## h\nsmall\n## k\n" + rest(count)),
            "entities/a.md": _concept("title: A", "![[b#h]]\n" * count),
        }

    _assert_folders_scale_linearly(files, (3_000, 12_000), _render)


def test_many_pages_embedding_one_long_page_scale_linearly() -> None:
    """n pages each embedding a section of one page of 10n links gathered them n times (x15)."""

    def files(count: int) -> dict[str, str]:
        pages = {f"entities/p{i}.md": _concept(f"title: P{i}", "![[b#h]]\n") for i in range(count)}
        long = "## h\nsmall\n## k\n" + "[[p0]] " * (10 * count)
        return {**pages, "entities/b.md": _concept("title: B", long)}

    _assert_folders_scale_linearly(files, (400, 1_600), _render)


def _nested_embeds(count: int) -> dict[str, str]:
    """Return a, b, c and d, each embedding the next ``count`` times, and e, a leaf."""
    names = "abcde"
    files = {
        f"entities/{name}.md": _concept(f"title: {name.upper()}", f"![[{after}]]\n" * count)
        for name, after in pairwise(names)
    }
    files["entities/e.md"] = _concept("title: E", "leaf text [[a]]\n")
    return files


def test_nested_embeds_stop_copying_past_a_budget_per_page() -> None:
    """40 embeds of 40 embeds of 40 took 12 s and made a.md 59 MB from its 1.3 KB."""
    with _folder(_nested_embeds(40)) as root:
        render = _render(root)
        with _cpu_budget(10):
            site = render()
    page = site.tree.files["concepts/a.md"]
    assert isinstance(page, str)
    assert len(page) < 2 * _MAX_EMBEDDED
    first = '!!! quote gg-embed "[B](b.md)"\n\n    !!! quote gg-embed "[C](c.md)"\n\n'
    assert first in page  # the first embeds, those a reader meets first, keep their content
    assert page.splitlines().count("[B](b.md)") > 30  # the last ones are links


@pytest.mark.parametrize("make", _corpus())
def test_hostile_body_loads_and_checks_in_linear_time(make: Callable[[int], str]) -> None:
    """Findings 7 and 11: scanners that rescanned the rest of a line from every opener."""
    _assert_linear(make, _load_and_check)


@pytest.mark.parametrize("make", _corpus())
def test_hostile_body_renders_in_linear_time(make: Callable[[int], str]) -> None:
    """Findings 7 and 11, on the page renderer."""
    _assert_linear(make, _render)


@pytest.mark.parametrize("make", [make for _, make in HOSTILE[:9]])
def test_hostile_summary_is_linear(make: Callable[[int], str]) -> None:
    """Finding 7: the default summary's regexes took 95 s on a 100 KB line of '['."""
    small, large = make(100_000), make(400_000)
    with _cpu_budget(10.0):
        ratio = cpu_seconds(lambda: plain_text(large), runs=3) / max(
            cpu_seconds(lambda: plain_text(small), runs=3), 1e-3
        )
    assert ratio <= 4 * 2.5  # four times the text, at most ten times the time
