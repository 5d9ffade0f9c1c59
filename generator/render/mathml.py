"""TeX math (``$…$``, ``$$…$$``) to MathML at render time, offline, via latex2mathml."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from latex2mathml.converter import convert

_MATH = re.compile(
    r"(?<!\\)\$\$(?P<block>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$\n]|\n(?!\s*\n))*?)(?<![\s\\])\$(?![$\d])",
    re.DOTALL,
)
_TEXT_NODE = re.compile(r">([^<]+)<")
# latex2mathml writes \max and \operatorname{ReLU} as operators (spaced like +) and
# \log or \exp as identifiers glued to their argument ("log0.7"): name them as
# identifiers, and give a function name a thin space unless a parenthesis follows.
_OPERATOR_NAME = re.compile(r"<mo>([A-Za-z]{2,})</mo>")
_FUNCTION_NAME = re.compile(r"(<mi>[A-Za-z]{2,}</mi>)(?!<mo[^>]*>&#x00028;|</)")
_THIN_SPACE = '<mspace width="0.1667em"></mspace>'

_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]{}$]")


def render_math(text: str) -> str:
    """Return Markdown text with its formulas as MathML and ``\\$`` as a literal dollar.

    Call it only on text outside code. A formula latex2mathml cannot read is shown
    as marked source text instead.
    """
    if "$" not in text:
        return text
    out: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        out.append(_literal_dollars(text[pos : match.start()]))
        block = match.group("block")
        source = block if block is not None else match.group("inline")
        out.append(formula(source, display=block is not None))
        pos = match.end()
    out.append(_literal_dollars(text[pos:]))
    return "".join(out)


@lru_cache(maxsize=4096)
def formula(source: str, *, display: bool) -> str:
    """Return one formula as MathML whose text Markdown will leave alone."""
    try:
        mathml = convert(source.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many unrelated types for bad input
        shown = html.escape(source.strip(), quote=True)
        shown = _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", shown)
        return f'<code class="gg-math-error" title="could not read this formula">{shown}</code>'
    # Python-Markdown counts <math> as a block-level tag: one at the start of a
    # line would split its paragraph or list item, so wrap it in an inline span.
    mathml = _OPERATOR_NAME.sub(r"<mi>\1</mi>", mathml)
    mathml = _FUNCTION_NAME.sub(lambda m: m.group(1) + _THIN_SPACE, mathml)
    kind = "gg-math-display" if display else "gg-math"
    return f'<span class="{kind}">{_TEXT_NODE.sub(_protect_text, mathml)}</span>'


def _protect_text(match: re.Match[str]) -> str:
    protected = _MARKDOWN_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", match.group(1))
    return f">{protected}<"


def _literal_dollars(text: str) -> str:
    return text.replace("\\$", "&#36;")
