"""Heading anchors as MkDocs' toc extension gives them, and block ids."""

from __future__ import annotations

import pytest
from cputime import cpu_seconds
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import headings
from generator.coderegions import code_regions
from generator.headings import block_ids, block_sections, default_slugify, page_headings

SLUGIFY = default_slugify()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Scaled dot-product", "scaled-dot-product"),
        ("What is it?", "what-is-it"),
        ("Café  au  lait", "cafe-au-lait"),
        ("a_b", "a_b"),
        ("  -x- ", "-x-"),
    ],
)
def test_default_slugify_is_tocs(text: str, slug: str) -> None:
    assert SLUGIFY(text, "-") == slug


def _anchors(body: str, title: str | None = None) -> list[tuple[int, str, str]]:
    return [(h.level, h.text, h.anchor) for h in page_headings(body, title, SLUGIFY)]


def test_headings_and_anchors() -> None:
    body = (
        "# Intro\n"
        "## Scaled *dot*-product ##\n"
        "### Custom {#my-id}\n"
        "## Intro\n"
        "```\n# not a heading\n```\n"
        "####### too deep\n"
        "#nospace\n"
        "## See [[attention|Attention]]\n"
        "## The `snake_case` name\n"
        "\nSetext *one*\n===\n"
        "\nSetext two\n---\n"
    )
    assert _anchors(body) == [
        (1, "Intro", "intro"),
        (2, "Scaled dot-product", "scaled-dot-product"),
        (3, "Custom", "my-id"),
        (2, "Intro", "intro_1"),
        (2, "See Attention", "see-attention"),
        (2, "The snake_case name", "the-snake_case-name"),
        (1, "Setext one", "setext-one"),
        (2, "Setext two", "setext-two"),
    ]


def test_page_title_takes_the_first_anchor() -> None:
    assert _anchors("## Attention\n", title="Attention") == [(2, "Attention", "attention_1")]


def test_unique_ids_follow_toc() -> None:
    body = "# h\n# h_1\n# h\n# h_1\n# h\n"
    assert [a for _, _, a in _anchors(body)] == ["h", "h_1", "h_2", "h_3", "h_4"]


def test_configured_slugify_is_used() -> None:
    headings = page_headings("## Hello World\n", None, lambda text, sep: text.upper())
    assert [h.anchor for h in headings] == ["HELLO WORLD"]


def test_sections_end_at_the_next_heading_as_high() -> None:
    body = "# A\nx\n## B\ny\n# C\n"
    spans = [(h.text, body[h.start : h.end]) for h in page_headings(body, None, SLUGIFY)]
    assert spans == [("A", "# A\nx\n## B\ny\n"), ("B", "## B\ny\n"), ("C", "# C\n")]


def test_block_ids_outside_code() -> None:
    body = "A line ^one\n`x ^two`\n```\nb ^three\n```\n- item ^four\n"
    assert list(block_ids(body)) == ["one", "four"]


def test_a_block_is_its_paragraph_or_list_item_up_to_its_marker() -> None:
    """An embed of [[page#^id]] showed the whole page."""
    body = "Intro.\n\nFirst line\nsecond ^p\n\n- a ^a\n- b ^b\n\n> quoted\n\n^q\n"
    sections = block_sections(body, block_ids(body))
    shown = {block: body[start:stop] for block, (start, stop) in sections.items()}
    assert shown == {"p": "First line\nsecond", "a": "- a", "b": "- b", "q": "> quoted"}


def test_many_blocks_in_one_paragraph_cost_its_length() -> None:
    """Each block's paragraph start is found by search, not by walking back."""

    def body(count: int) -> str:
        return "".join(f"line {n} ^b{n}\n" for n in range(count))

    small, large = body(20_000), body(80_000)
    timed = [cpu_seconds(lambda b=b: block_sections(b, block_ids(b))) for b in (small, large)]
    assert timed[1] <= 8 * timed[0] + 0.05, timed


def _cpu(body: str) -> float:
    return cpu_seconds(lambda: page_headings(body, None, SLUGIFY))


def test_repeated_headings_take_linear_time() -> None:
    repeated = "# h\n" * 8000
    distinct = "".join(f"# h{n}\n" for n in range(8000))
    assert _cpu(repeated) < max(_cpu(distinct), 0.01) * 5


HEADING_PIECES = ["\n", "\n\n", " ", "   ", "\t", "#", "## ", "####### ", "=", "--", "- ", "***"]
HEADING_PIECES += ["```", "~~~", "    ", "> ", "a", "b c", "\r", "\xa0", "`x`", "[[a]]", "{#id}"]


@settings(max_examples=2_000, deadline=None)  # each example is cheap
@given(st.lists(st.sampled_from(HEADING_PIECES), max_size=16).map("".join))
def test_one_scan_headings_are_the_line_scan_headings(body: str) -> None:
    """The whole-body scan, where no setext underline can be, finds what the line scan finds."""
    blocks = [region.span for region in code_regions(body) if region.block]
    assert list(headings._raw_headings(body)) == list(headings._line_headings(body, blocks))


TEXT_PIECES = ["a", " ", "\t", "{#x}", "{: .c}", "{", "}", "[[a|b]]", "[x](y)", "<b>", "`c`", "*"]
TEXT_PIECES += ["_", "&amp;", "&", "#", "\xa0", "b_c"]


@settings(max_examples=1_000, deadline=None)  # each example is cheap
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=10).map("".join))
def test_plain_heading_text_is_the_full_reading(raw: str) -> None:
    """Text with no markup character reads, without the markup passes, as it does through them."""
    assert headings.heading_text(raw) == headings._marked_text(raw)
