from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.slugs import file_key, is_valid_key, name_fold, slugify


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
        # A Greek letter alone is a symbol, spelled by its name; a Greek word is dropped.
        ("ε-greedy", "epsilon-greedy"),
        ("β-VAE", "beta-vae"),
        ("μP", "mu-p"),
        ("µP", "mu-p"),  # the micro sign is mu
        ("Q(λ)", "q-lambda"),
        ("ϵ-net", "epsilon-net"),
        ("Σ", "sigma"),
        ("Νευρωνικό δίκτυο", ""),
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Batch Norm", "batch-norm"),
        ("Café Ørsted", "cafe-orsted"),
        ("Обратное  распространение", "обратное-распространение"),
        ("ВНИМАНИЕ", "внимание"),
        ("Йогурт", "йогурт"),  # a Cyrillic letter keeps its mark
        ("注意力 机制", "注意力-机制"),
        ("नमस्ते", "नमस्ते"),  # vowel signs are part of the word
        ("α-decay", "α-decay"),
        ("Straße", "strasse"),
        ("日本語!", "日本語"),
        ("--", ""),
    ],
)
def test_name_fold(text: str, expected: str) -> None:
    assert name_fold(text) == expected


@given(st.text(max_size=40))
def test_name_fold_is_slugify_for_ascii_and_stable(text: str) -> None:
    folded = name_fold(text)
    if text.isascii():
        assert folded == slugify(text)
    assert name_fold(folded) == folded  # a fold matches itself: names are folded once
    assert folded == name_fold(unicodedata.normalize("NFD", text))  # however it was typed
    assert "--" not in folded and not folded.startswith("-") and not folded.endswith("-")


@pytest.mark.parametrize(
    ("stem", "key"),
    [
        ("Batch Norm", "batch-norm"),
        ("Naïve Bayes", "naive-bayes"),
        ("α-decay", "alpha-decay"),
        ("β-decay", "beta-decay"),
        ("ε-greedy", "epsilon-greedy"),
        ("注意力", "n-105a8b5a19"),
        ("--", ""),
    ],
)
def test_file_key(stem: str, key: str) -> None:
    assert file_key(stem) == key


@pytest.mark.parametrize(
    ("stem", "other"),
    [
        ("ε-greedy", "greedy"),
        ("α-decay", "β-decay"),
        ("Attention (注意力)", "Attention"),
        ("Attention (注意力)", "Attention (自注意力)"),
        ("Νευρωνικό δίκτυο", "Νευρωνικό"),
        ("éβ", "e"),
    ],
)
def test_file_key_keeps_what_the_slug_would_drop(stem: str, other: str) -> None:
    """Two names that differ in letters of another script never share a key."""
    assert file_key(stem) != file_key(other)
    assert is_valid_key(file_key(stem))


# A few letters of each kind, so that two drawn names often share a key.
_MIXED = st.text(alphabet="aAeéβΒεσς注力Жж -(", max_size=6)


@given(_MIXED, _MIXED)
def test_names_that_fold_apart_get_keys_apart_unless_both_are_spelled(a: str, b: str) -> None:
    """A shared key means one fold, or two names the slug spells in full (Latin, lone Greek)."""
    key = file_key(a)
    if key == file_key(b) != "":
        assert name_fold(a) == name_fold(b) or key == slugify(a) == slugify(b)


@given(st.text(max_size=40))
def test_file_key_is_a_valid_key_or_empty(text: str) -> None:
    key = file_key(text)
    assert key == "" or is_valid_key(key)
    assert (key == "") == (name_fold(text) == "")
