from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.links import parse_links, strip_comments
from generator.model import Link, LinkStyle

W, M = LinkStyle.WIKI, LinkStyle.MARKDOWN

# (target, heading, label, embed, width, style)
Case = tuple[str, str | None, str | None, bool, int | None, LinkStyle]

CASES: list[tuple[str, str, list[Case]]] = [
    ("plain", "See [[attention]].", [("attention", None, None, False, None, W)]),
    ("label", "[[attention|the A]]", [("attention", None, "the A", False, None, W)]),
    ("heading", "[[t#Scaled dot]]", [("t", "Scaled dot", None, False, None, W)]),
    ("heading label", "[[t#H|lbl]]", [("t", "H", "lbl", False, None, W)]),
    ("own heading", "[[#Usage]]", [("", "Usage", None, False, None, W)]),
    ("embed", "![[graph.png]]", [("graph.png", None, None, True, None, W)]),
    ("embed width", "![[graph.png|300]]", [("graph.png", None, None, True, 300, W)]),
    ("embed size", "![[graph.png|300x200]]", [("graph.png", None, None, True, 300, W)]),
    ("embed alt", "![[graph.png|a graph]]", [("graph.png", None, "a graph", True, None, W)]),
    ("number label on link", "[[a|300]]", [("a", None, "300", False, None, W)]),
    ("spaces trimmed", "[[ Batch Norm | BN ]]", [("Batch Norm", None, "BN", False, None, W)]),
    ("markdown in label", "[[x|*emph*]]", [("x", None, "*emph*", False, None, W)]),
    ("table pipe", "| [[x\\|X]] | y |", [("x", None, "X", False, None, W)]),
    (
        "two",
        "[[a]] and [[b]]",
        [("a", None, None, False, None, W), ("b", None, None, False, None, W)],
    ),
    ("unclosed", "[[a and [[b]]", [("b", None, None, False, None, W)]),
    ("unclosed alone", "text [[a\nmore]]", []),
    ("empty", "[[]] [[ ]] [[|x]]", []),
    ("escaped", "\\[[a]]", []),
    ("inline code", "`[[a]]` [[b]]", [("b", None, None, False, None, W)]),
    ("double backticks", "``a ` [[a]]`` [[b]]", [("b", None, None, False, None, W)]),
    ("unmatched backtick", "a ` b [[c]]", [("c", None, None, False, None, W)]),
    ("longer run inside span", "``a```[[b]]`` [[c]]", [("c", None, None, False, None, W)]),
    (
        "span stops at blank line",
        "`a\n\n[[b]]` [[c]]",
        [("b", None, None, False, None, W), ("c", None, None, False, None, W)],
    ),
    ("unmatched pair then single", "`` x `[[a]]` [[b]]", [("b", None, None, False, None, W)]),
    ("code run lengths differ", "```a`` [[x]]", [("x", None, None, False, None, W)]),
    ("fenced", "```\n[[a]]\n```\n[[b]]", [("b", None, None, False, None, W)]),
    ("tilde fence", "~~~python\n[[a]]\n~~~\n[[b]]", [("b", None, None, False, None, W)]),
    (
        "indented fence",
        "- item\n    ```\n    [[a]]\n    ```\n[[b]]",
        [("b", None, None, False, None, W)],
    ),
    ("longer closing", "````\n```\n[[a]]\n````\n[[b]]", [("b", None, None, False, None, W)]),
    ("mismatched fence", "```\n~~~\n[[a]]\n```\n[[b]]", [("b", None, None, False, None, W)]),
    ("unclosed fence", "[[b]]\n```\n[[a]]\n", [("b", None, None, False, None, W)]),
    ("md link", "[the A](attention.md)", [("attention.md", None, "the A", False, None, M)]),
    ("md heading", "[x](sub/a.md#scaled-dot)", [("sub/a.md", "scaled-dot", "x", False, None, M)]),
    ("md encoded", "[x](Batch%20Norm.md)", [("Batch Norm.md", None, "x", False, None, M)]),
    ("md angle", "[x](<Batch Norm.md>)", [("Batch Norm.md", None, "x", False, None, M)]),
    ("md title", '[x](a.md "A")', [("a.md", None, "x", False, None, M)]),
    ("md http", "[x](https://example.org/a.md)", []),
    ("md absolute", "[x](/a.md)", []),
    ("md anchor", "[x](#usage)", []),
    (
        "md any file",
        "[x](a.html) [y](b)",
        [("a.html", None, "x", False, None, M), ("b", None, "y", False, None, M)],
    ),
    ("md embed of a note", "![x](a.md)", [("a.md", None, "x", True, None, M)]),
    (
        "md encoded embed",
        "![alt](Pasted%20image%2020230708174900.png)",
        [("Pasted image 20230708174900.png", None, "alt", True, None, M)],
    ),
    ("md embed width", "![alt|300](x.png)", [("x.png", None, "alt", True, 300, M)]),
    ("md embed size only", "![|300x200](x.png)", [("x.png", None, None, True, 300, M)]),
    ("md label pipe on link", "[a|300](x.md)", [("x.md", None, "a|300", False, None, M)]),
    (
        "md encoded heading",
        "[text](Other%20Note.md#Heading)",
        [("Other Note.md", "Heading", "text", False, None, M)],
    ),
    ("path wikilink", "[[folder/Note|label]]", [("folder/Note", None, "label", False, None, W)]),
    ("nested heading", "[[Note#A#B]]", [("Note", "A#B", None, False, None, W)]),
    ("block reference", "[[Note#^b-1]]", [("Note", "^b-1", None, False, None, W)]),
    ("md in code", "`[x](a.md)`", []),
    ("md nested brackets", "[a [b] c](a.md)", [("a.md", None, "a [b] c", False, None, M)]),
    ("right after code", "`x`[[b]]", [("b", None, None, False, None, W)]),
    ("embed after code", "`x`![[b]]", [("b", None, None, True, None, W)]),
    ("md link across code", "[a`](a.md)` [[c]]", [("c", None, None, False, None, W)]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in CASES], ids=[c[0] for c in CASES]
)
def test_parse_links(text: str, expected: list[Case]) -> None:
    links = parse_links(text, 1)
    got = [(k.target, k.heading, k.label, k.embed, k.width, k.style) for k in links]
    assert got == expected


def test_spans_and_positions() -> None:
    body = "First line.\n\nSee `x` and [[b|B]] then\n  ![[p.png]]"
    links = parse_links(body, 7)
    assert [(body[k.span[0] : k.span[1]], k.line, k.col) for k in links] == [
        ("[[b|B]]", 9, 13),
        ("![[p.png]]", 10, 3),
    ]


LINK_PIECES = ["\n", "\n\n", " ", "a", "[[a]]", "![[b|300]]", "[x](y.md)", "![z](p.png)", "`"]
LINK_PIECES += ["\\", "[[", "]]", "|", "#"]


@settings(max_examples=1_000, deadline=None)  # each example is cheap
@given(st.lists(st.sampled_from(LINK_PIECES), max_size=16).map("".join), st.integers(1, 9))
def test_positions_are_counted_from_the_start_of_the_body(body: str, body_line: int) -> None:
    """Each link's line and column, counted on from the link before, are its place in the body."""
    for link in parse_links(body, body_line):
        at = link.span[0]
        assert (link.line, link.col) == (
            body_line + body.count("\n", 0, at),
            at - body.rfind("\n", 0, at),
        )


def test_strip_comments_keeps_lines_and_maps_spans() -> None:
    body = "a %%hidden [[x]]%% [[b]]\n%%\nblock\n%%\n[[c]] `%%code%%`"
    clean, links = strip_comments(body, 3)
    assert clean == "a  [[b]]\n\n\n\n[[c]] `%%code%%`"
    assert [(k.target, clean[k.span[0] : k.span[1]], k.line, k.col) for k in links] == [
        ("b", "[[b]]", 3, 20),
        ("c", "[[c]]", 7, 1),
    ]


def test_unclosed_comment_hides_the_rest() -> None:
    clean, links = strip_comments("[[a]] %% [[b]]\n[[c]]", 1)
    assert (clean, [k.target for k in links]) == ("[[a]] \n", ["a"])


def test_link_record_is_frozen() -> None:
    link = parse_links("[[a]]", 1)[0]
    assert link == Link("a", None, None, False, None, (0, 5), 1, 1)
