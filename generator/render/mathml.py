"""TeX math (``$…$``, ``$$…$$``) to MathML Core at render time, offline, via math-core.

math-core writes the spacing a browser's native MathML needs to look like TeX
(a sign's minus with no space, limits under ``\\sum`` only in display style,
``\\operatorname`` spaced as a function, aligned columns). This module finds
formulas, wraps them for Markdown, keeps trailing punctuation on the formula's
line, lets long inline math break after a relation, mends two spots where a
browser draws TeX's output badly (primes, a sign after ``\\Big(``), and reports
the formulas math-core cannot read.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from math_core import LatexError, LatexToMathML

from generator.coderegions import code_ranges, gaps

# A formula opens at a dollar no backslash escapes: "$$" for a block, a single
# "$" (not after another) for inline math. The pattern starts with the dollar
# itself, so the regex engine skips to each one; asserting what comes before it
# first would try the pattern at every character (20x slower on a body).
_MATH = re.compile(
    r"\$(?<!\\\$)(?:\$(?P<block>.+?)(?<!\\)\$\$"
    r"|(?<!\$\$)(?P<inline>[^\s$](?:[^$\n]|\n(?!\s*\n))*?)(?<![\s\\])\$(?![$\d]))",
    re.DOTALL,
)
# Punctuation that must not start a line after inline math ("$x$," "$f(x)$.").
_TRAILING = re.compile(r"[.,;:!?)]+")
_TEXT_NODE = re.compile(r">([^<]+)<")
# math-core parses by recursion and a deep enough formula overflows the native
# stack, killing the process; TeX a person writes nests a few levels deep.
MAX_DEPTH = 200
_TOKEN = re.compile(
    r"\\(?:begin|left)(?![A-Za-z])|\\(?:end|right)(?![A-Za-z])|\\[A-Za-z]+|\\.|[{}^_]|\S"
)
# math-core tries more readings for every bracket left open: its time doubles
# with each one ("(" * 26 took 1.4 s, "\\sin(" * 24 took 7 s). An interval
# ("[0, 1)") or a typo leaves one or two.
MAX_UNCLOSED = 4
_BRACKET = re.compile(
    r"\\\\|[(\[]|[)\]]|\\[{}]"
    r"|\\(?:langle|rangle|[lr](?:brace|brack|paren|ceil|floor|angle|group))(?![A-Za-z])"
)
_OPENERS = frozenset(("(", "[", "\\{"))  # and every "\\l…" command the pattern finds
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]{}$]")
# Inline math breaks only after a relation at its top level, as TeX does; a
# browser never breaks inside one <math>, so the formula becomes several.
_RELATIONS = frozenset("=≈<>≤≥≠≡∼≃≅∝→←↦⇒⇔∈∉⊂⊆≪≫")
_TAG = re.compile(r"<(/?)[a-z]+[^>]*?(/?)>")
_MATH_OPEN = '<math xmlns="http://www.w3.org/1998/Math/MathML">'
# A prime character is already raised in a math font: as a superscript a browser
# draws it raised twice and at script size ("f'" would look like an accent).
_PRIME = re.compile(
    r"<msup>(<m[in](?: [^>]*)?>[^<]*</m[in]>|<mrow><mspace/><mi>[^<]*</mi></mrow>)"
    r"<mo>([′″‴⁗])</mo></msup>"
)
# TeX counts \big( as an ordinary symbol, so "\Big(-x" spaces the minus as a
# subtraction; after an opening bracket it can only be a sign.
_SIGN_AFTER_BIG_OPEN = re.compile(
    r'(<mo minsize="[^"]*" maxsize="[^"]*">[(\[{⟨]</mo>)<mo>([−+±])</mo>'
)
# Named references some Markdown tools and XML readers do not know.
_NAMED = {"&ApplyFunction;": "&#x2061;", "&InvisibleTimes;": "&#x2062;"}
_NAMED_RE = re.compile("|".join(map(re.escape, _NAMED)))


@dataclass(frozen=True, slots=True)
class FormulaError:
    """A formula math-core could not read: where in the scanned text, and why."""

    offset: int  # of the formula's first character after its opening dollars
    message: str


def render_math(text: str) -> str:
    """Return Markdown text with its formulas as MathML and ``\\$`` as a literal dollar.

    Call it only on text outside code. A formula that cannot be read is shown
    as marked source text instead.
    """
    if "$" not in text:
        return text
    out: list[str] = []
    pos = 0
    for match in _MATH.finditer(text):
        out.append(_literal_dollars(text[pos : match.start()]))
        block = match.group("block")
        trailing = None if block is not None else _TRAILING.match(text, match.end())
        if block is not None:
            out.append(formula(block, display=True))
        elif trailing is None:
            out.append(formula(match.group("inline"), display=False))
        else:
            out.append(_before_punctuation(match.group("inline"), trailing.group()))
        pos = match.end() if trailing is None else trailing.end()
    out.append(_literal_dollars(text[pos:]))
    return "".join(out)


def formula_errors(body: str) -> Iterator[FormulaError]:
    """Yield each formula of ``body`` outside its code that cannot be read, in order."""
    if "$" not in body:
        return
    for start, stop in gaps(code_ranges(body), 0, len(body)):
        yield from _text_errors(body, start, stop)


def _text_errors(text: str, start: int, stop: int) -> Iterator[FormulaError]:
    for match in _MATH.finditer(text, start, stop):
        block = match.group("block")
        source = block if block is not None else match.group("inline")
        problem = _convert(source, display=block is not None)
        if isinstance(problem, FormulaError):
            at = match.start("block" if block is not None else "inline")
            skipped = len(source) - len(source.lstrip())
            yield FormulaError(at + skipped + problem.offset, problem.message)


@lru_cache(maxsize=4096)
def formula(source: str, *, display: bool) -> str:
    """Return one formula as HTML whose text Markdown will leave alone."""
    return "".join(_pieces(source, display=display))


def _before_punctuation(source: str, punctuation: str) -> str:
    """Return an inline formula whose last piece keeps ``punctuation`` on its line."""
    *head, last = _pieces(source, display=False)
    return "".join(head) + f'<span class="gg-nowrap">{last}{punctuation}</span>'


@lru_cache(maxsize=4096)
def _pieces(source: str, *, display: bool) -> tuple[str, ...]:
    """Return the formula as wrapped MathML, inline math in pieces a line may break between."""
    mathml = _convert(source, display=display)
    if isinstance(mathml, FormulaError):
        shown = _MARKDOWN_SPECIAL.sub(_entity, html.escape(source.strip(), quote=True))
        why = html.escape(f"could not read this formula: {mathml.message}", quote=True)
        why = _MARKDOWN_SPECIAL.sub(_entity, why)
        return (f'<code class="gg-math-error" title="{why}">{shown}</code>',)
    # Python-Markdown counts <math> as a block-level tag: one at the start of a
    # line would split its paragraph or list item, so wrap it in an inline span.
    kind = "gg-math-display" if display else "gg-math"
    mathml = _SIGN_AFTER_BIG_OPEN.sub(r'\1<mo lspace="0" rspace="0">\2</mo>', mathml)
    mathml = _PRIME.sub(r'\1<mo lspace="0" rspace="0">\2</mo>', mathml)
    mathml = _TEXT_NODE.sub(_protect_text, _NAMED_RE.sub(lambda m: _NAMED[m.group()], mathml))
    pieces = (mathml,) if display else _break_after_relations(mathml)
    return tuple(f'<span class="{kind}">{piece}</span>' for piece in pieces)


def _break_after_relations(mathml: str) -> tuple[str, ...]:
    """Return ``mathml`` as one <math> per piece, cut after each top-level relation."""
    if not mathml.startswith(_MATH_OPEN) or not mathml.endswith("</math>"):
        return (mathml,)
    inner = mathml[len(_MATH_OPEN) : -len("</math>")]
    pieces: list[str] = []
    depth = start = text_from = children = 0
    for tag in _TAG.finditer(inner):
        closing, empty = tag.group(1), tag.group(2)
        depth += 0 if empty else -1 if closing else 1
        text, text_from = inner[text_from : tag.start()], tag.end()
        if depth != 0 or not closing:
            continue
        children += 1
        relation = inner.startswith("</mo>", tag.start()) and html.unescape(text) in _RELATIONS
        if relation and children > 1 and tag.end() < len(inner):
            pieces.append(f"{_MATH_OPEN}{inner[start : tag.end()]}</math>")
            start, children = tag.end(), 0
    pieces.append(f"{_MATH_OPEN}{inner[start:]}</math>")
    return tuple(pieces)


@lru_cache(maxsize=4096)
def _convert(source: str, *, display: bool) -> str | FormulaError:
    """Return the MathML of ``source``, or why it cannot be read."""
    text = source.strip()
    if _depth(text) > MAX_DEPTH:
        return FormulaError(0, f"it nests deeper than {MAX_DEPTH} levels; split it up")
    unclosed = _unclosed(text)
    if unclosed > MAX_UNCLOSED:
        return FormulaError(
            0, f"{unclosed} of its brackets are never closed (at most {MAX_UNCLOSED}); close them"
        )
    try:
        return _converter().convert_with_local_state(text, displaystyle=display)
    except LatexError as error:
        return _error(str(error), len(text))
    except BaseException as error:  # a panic inside the Rust library is a BaseException
        if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit | MemoryError):
            raise
        return FormulaError(0, "the converter failed on it; simplify the formula")


def _depth(text: str) -> int:
    """Return an upper bound on how deep math-core will recurse into ``text``.

    Each open group (``{``, ``\\left``, ``\\begin``) is a level, and so is each
    command or script mark in a run of them, since each may take the next as
    its argument (``\\sqrt\\sqrt x``, ``x^\\hat y``).
    """
    runs: list[int] = []  # the run of commands that was open at each enclosing group
    run = held = deepest = 0  # held: sum(runs)
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("{", "\\left", "\\begin"):
            runs.append(run)
            held += run
            run = 0
        elif token in ("}", "\\right", "\\end"):
            run = runs.pop() if runs else 0
            held -= run
        elif token.startswith("\\") or token in "^_":
            run += 1
        else:
            run = 0
        deepest = max(deepest, len(runs) + held + run)
    return deepest


def _unclosed(text: str) -> int:
    """Return how many opening brackets of ``text`` no later closing bracket matches.

    Any closer closes any opener (``[0, 1)`` leaves none), and an escaped
    backslash is skipped, so ``\\\\[2pt]`` is not a bracket.
    """
    open_now = 0
    for match in _BRACKET.finditer(text):
        token = match.group()
        if token == "\\\\":
            continue
        if token in _OPENERS or token.startswith("\\l"):
            open_now += 1
        elif open_now:
            open_now -= 1
    return open_now


@lru_cache(maxsize=1)
def _converter() -> LatexToMathML:
    return LatexToMathML(xml_namespace=True, fancy_error=False)


def _error(text: str, length: int) -> FormulaError:
    """Split math-core's ``"OFFSET: message"`` into a record."""
    offset, sep, message = text.partition(": ")
    if sep and offset.isdigit():
        return FormulaError(min(int(offset), length), message.strip().rstrip("."))
    return FormulaError(0, text.strip() or "it is not valid TeX")


def _entity(match: re.Match[str]) -> str:
    return f"&#{ord(match.group())};"


def _protect_text(match: re.Match[str]) -> str:
    return f">{_MARKDOWN_SPECIAL.sub(_entity, match.group(1))}<"


def _literal_dollars(text: str) -> str:
    return text.replace("\\$", "&#36;")
