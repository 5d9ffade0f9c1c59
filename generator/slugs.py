"""Slugs: the safe, lowercase names concepts are keyed by, and the forms names match in."""

from __future__ import annotations

import hashlib
import re
import unicodedata

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
"""What a key is: lowercase letters and digits, in words joined by single hyphens."""
_KEY = re.compile(KEY_PATTERN)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Letters NFKD does not decompose into ASCII.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
    }
)
# A Greek letter standing alone in a name ("ε-greedy", "β-VAE", "μP") is a
# symbol, read by its name; a Greek word keeps its letters (see ``file_key``).
_GREEK_NAMES = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
}  # fmt: skip
# In NFKD text without its accents: a lowercase Greek letter with no Greek letter next to it.
_LONE_GREEK = re.compile("(?<![\u0370-\u03ff])[α-ω](?![\u0370-\u03ff])")
_COMBINING = re.compile("[\u0300-\u036f]+")


def _greek_name(match: re.Match[str]) -> str:
    return f" {_GREEK_NAMES[match.group()]} "


def slugify(text: str) -> str:
    """Return the slug of ``text``: ASCII-folded, lowercase, words joined by ``-``.

    >>> slugify("Batch Norm")
    'batch-norm'
    >>> slugify("Café Ørsted"), slugify("ε-greedy")
    ('cafe-orsted', 'epsilon-greedy')
    """
    lowered = text.lower()
    if _KEY.fullmatch(lowered):
        return lowered
    if lowered.isascii():
        return _NON_ALNUM.sub("-", lowered).strip("-")
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    spelled = _LONE_GREEK.sub(_greek_name, _COMBINING.sub("", folded))
    ascii_text = spelled.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub("-", ascii_text).strip("-")


def is_valid_key(text: str) -> bool:
    """Return whether ``text`` is a safe key: ``[a-z0-9]+(-[a-z0-9]+)*``.

    >>> is_valid_key("batch-norm"), is_valid_key("../x"), is_valid_key("A B")
    (True, False, False)
    """
    return _KEY.fullmatch(text) is not None


def name_fold(text: str) -> str:
    """Return the form a name is matched by: its slug, with letters of every script kept.

    Latin letters lose their accents as in ``slugify``; letters and marks of
    other scripts stay (NFC), so a title in Cyrillic or Chinese is a name a
    link can use. For ASCII text this is ``slugify``.

    >>> name_fold("Naïve Bayes"), name_fold("Обратное распространение"), name_fold("注意力")
    ('naive-bayes', 'обратное-распространение', '注意力')
    """
    if text.isascii():
        return slugify(text)
    # Compatibility forms first ("㏗" is "PH"), then case, then what casefold composed.
    folded = unicodedata.normalize("NFKD", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", folded)
    kept: list[str] = []
    for char in decomposed:
        mark = unicodedata.category(char)[0] == "M"
        if mark and (not kept or kept[-1].isascii()):
            continue  # an accent on a Latin letter (or on nothing)
        kept.append(char if char.isalnum() or mark else " ")
    words = unicodedata.normalize("NFC", "".join(kept)).split()
    return "-".join(words)


def file_key(stem: str) -> str:
    """Return the key a file name gives when front matter sets none.

    That is its slug when the slug keeps every letter of the name. A name
    with letters the slug drops (Chinese, Cyrillic, a Greek word, or
    ``Attention (注意力)`` beside ``Attention``) gets ``n-`` and ten hex digits
    of a hash of its ``name_fold``, so a vault in any language loads as it is
    and two such names never share a key. '' when the name has no letter or
    digit.

    >>> file_key("Batch Norm"), file_key("β-VAE"), file_key("注意力"), file_key("--")
    ('batch-norm', 'beta-vae', 'n-105a8b5a19', '')
    """
    if stem.isascii():
        return slugify(stem)
    folded = name_fold(stem)
    if not folded:
        return ""
    slug = slugify(stem)
    if slug and _slug_keeps_letters(folded):
        return slug
    return "n-" + hashlib.sha256(folded.encode("utf-8")).hexdigest()[:10]


def _slug_keeps_letters(folded: str) -> bool:
    """Return whether the slug spells every letter of a ``name_fold``: Latin and lone Greek."""
    unaccented = _COMBINING.sub("", unicodedata.normalize("NFKD", folded))
    return _LONE_GREEK.sub("", unaccented).isascii()


def name_slug(name: str) -> str:
    """Return the slug a written name is looked up by: file names lose folders and ``.md``.

    >>> name_slug("sub/Batch Norm.md"), name_slug(" Batch  Norm ")
    ('batch-norm', 'batch-norm')
    """
    text = name.strip()
    if "/" in text:
        text = text.rsplit("/", 1)[1]
    if text.lower().endswith(".md"):
        text = text[:-3]
    return name_fold(text)
