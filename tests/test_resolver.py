"""The resolver's shortcuts decide every link as the full lookup decides it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.checks import HINT_SEARCHES, Reporter, register_keys, register_names
from generator.headings import Heading, default_slugify
from generator.model import Diagnostic, Entity, EntityKey, Link, ResolvedLink, SourcePath
from generator.resolver import Resolver, _HeadingIndex

SLUGIFY = default_slugify()
BODY = "Intro text. ^blk\n\n## Intro\n\nMore.\n"
NOTES = [
    ("a", "entities/A.md"),
    ("b", "entities/sub/B.md"),
    ("c-d", "entities/sub/deep/C D.md"),
    ("e", "entities/deep/B.md"),  # 'deep/B' names this one from the root,
    ("f", "entities/sub/deep/B.md"),  # and this one from entities/sub
]
FILES = {"x.png": SourcePath("entities/sub/x.png"), "b.csv": SourcePath("entities/b.csv")}
TARGETS = ["a", "A", " a ", "A.md", "B", "sub/B", "/sub/B", "../B", "deep/B", "sub/deep/C D"]
TARGETS += [
    "deep/C D",
    "../deep/B",
    "c d",
    "C D.md",
    "c-d",
    "x.png",
    "sub/x.png",
    "b.csv",
    "missing",
    "",
    "E",
    "e",
]
HEADINGS = [None, "Intro", "intro", "^blk", "^nope", "Nope", "#Intro"]


def _entities() -> list[Entity]:
    return [
        Entity(EntityKey(key), source.rsplit("/", 1)[-1][:-3], "S.", SourcePath(source), BODY, 3)
        for key, source in NOTES
    ]


def _resolver(entities: list[Entity]) -> tuple[Resolver, Reporter]:
    report = Reporter()
    kept = register_keys(entities, report)
    names, ambiguous = register_names(kept.values(), report)
    report.diagnostics.clear()
    resolver = Resolver(kept, names, ambiguous, FILES, "entities", SLUGIFY, report)
    return resolver, report


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(NOTES) - 1),
            st.sampled_from(TARGETS),
            st.sampled_from(HEADINGS),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_one_resolver_decides_each_link_as_a_fresh_one(
    links: list[tuple[int, str, str | None, bool]],
) -> None:
    """What one resolver remembers between links changes no record and no diagnostic."""
    entities = _entities()
    warm, warm_report = _resolver(entities)
    found: list[tuple[ResolvedLink, list[Diagnostic]]] = []
    expected: list[tuple[ResolvedLink, list[Diagnostic]]] = []
    for line, (note, target, heading, embed) in enumerate(links, 1):
        entity = entities[note]
        link = Link(target, heading, None, embed, None, (0, 1), line, 1)
        before = len(warm_report.diagnostics)
        found.append((warm.resolve(entity, link), warm_report.diagnostics[before:]))
        cold, cold_report = _resolver(entities)
        expected.append((cold.resolve(entity, link), cold_report.diagnostics))
    assert found == expected


def _walk_headings(headings: tuple[Heading, ...], wanted: str) -> Heading | None:
    """Find ``wanted`` the plain way: the first by text (any case), else by anchor or slug."""
    lowered = wanted.casefold()
    by_text = next((h for h in headings if h.text.casefold() == lowered), None)
    if by_text is not None:
        return by_text
    slug = SLUGIFY(wanted, "-")
    return next((h for h in headings if h.anchor in (wanted, slug)), None)


_WORDS = st.sampled_from(["a", "A", "ss", "ß", "a b", "A B", "a-b"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_WORDS, _WORDS), max_size=6), _WORDS)
def test_the_heading_index_finds_the_heading_a_walk_finds(
    pairs: list[tuple[str, str]], wanted: str
) -> None:
    """Texts and anchors that repeat, and a slug matching a later anchor, pick as before."""
    headings = tuple(Heading(2, text, anchor, i, i + 1) for i, (text, anchor) in enumerate(pairs))
    assert _HeadingIndex.of(headings).find(wanted, SLUGIFY) is _walk_headings(headings, wanted)


@pytest.mark.parametrize(("target", "heading"), [("nope", None), ("a", "Nope")])
def test_a_missing_name_written_many_times_is_searched_once(
    target: str, heading: str | None
) -> None:
    """Each did-you-mean search costs every name: a name linked again reuses its answer."""
    entities = _entities()
    resolver, report = _resolver(entities)
    for line in range(1, 51):
        resolver.resolve(
            entities[line % 2], Link(target, heading, None, False, None, (0, 1), line, 1)
        )
    assert len(report.diagnostics) == 50
    assert len({d.message for d in report.diagnostics}) == 1
    assert report.searches_left == HINT_SEARCHES - 1
