"""Page front matter: title and description escaped for themes that print them raw."""

from __future__ import annotations

import html

import pytest
import yaml

from generator.render.text import DESCRIPTION_MAX, meta_description, page_meta


def front_matter(text: str) -> dict[str, object]:
    assert text.startswith("---\n") and text.endswith("---\n")
    loaded = yaml.safe_load(text[4:-4])
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize(
    "summary",
    [
        'It\'s "quoted" & <b>bold</b>.',
        "Emoji 🚀 and é, with a\nline break",
        "</title><script>alert(1)</script>",
        "Colon: value # not a comment",
    ],
)
def test_description_reads_back_escaped(summary: str) -> None:
    meta = front_matter(page_meta("T", description=summary, article=True))
    assert meta["description"] == html.escape(" ".join(summary.split()))
    assert "<" not in str(meta["description"]) and '"' not in str(meta["description"])
    assert meta["og_type"] == "article"


def test_listing_has_no_article_type_and_no_empty_description() -> None:
    meta = front_matter(page_meta(description="", searched=False))
    assert "description" not in meta and "og_type" not in meta


def test_long_description_is_cut_at_a_word() -> None:
    text = ("backpropagation computes gradients, " * 20).strip()
    cut = meta_description(text)
    assert len(cut) <= DESCRIPTION_MAX and cut.endswith("gradients…")
    assert text.startswith(cut[:-1])
    assert meta_description("x" * 400) == "x" * (DESCRIPTION_MAX - 1) + "…"
