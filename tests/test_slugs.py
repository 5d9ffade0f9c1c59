from __future__ import annotations

import pytest

from generator.slugs import is_valid_key, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Batch Norm", "batch-norm"),
        ("batch-norm", "batch-norm"),
        ("  Leading and trailing  ", "leading-and-trailing"),
        ("ReLU", "relu"),
        ("Scaled dot-product attention", "scaled-dot-product-attention"),
        ("k-means++", "k-means"),
        ("L2 / weight decay", "l2-weight-decay"),
        ("Café", "cafe"),
        ("Ørsted", "orsted"),
        ("Straße", "strasse"),
        ("naïve Bayes", "naive-bayes"),
        ("Œuvre", "oeuvre"),
        ("under_score", "under-score"),
        ("a--b", "a-b"),
        ("../../x", "x"),
        ("a/b", "a-b"),
        ("ﬁne", "fine"),
        ("日本語", ""),
        ("", ""),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("attention", True),
        ("batch-norm", True),
        ("l2", True),
        ("2d-convolution", True),
        ("", False),
        ("-a", False),
        ("a-", False),
        ("a--b", False),
        ("A", False),
        ("A B", False),
        ("a b", False),
        ("a/b", False),
        ("../../x", False),
        ("..", False),
        ("a_b", False),
        ("café", False),
        ("a\n", False),
    ],
)
def test_is_valid_key(text: str, valid: bool) -> None:
    assert is_valid_key(text) is valid


def test_slugify_result_is_a_valid_key_or_empty() -> None:
    for text in ["Batch Norm", "  x  ", "Ørsted & Co.", "--"]:
        slug = slugify(text)
        assert slug == "" or is_valid_key(slug)
