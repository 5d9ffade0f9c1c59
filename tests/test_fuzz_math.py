"""The math converter on random and hostile TeX: never an exception, time linear in length.

Uses the profiles of ``test_fuzz`` (``HYPOTHESIS_PROFILE=nightly`` for many more
examples). Linearity is shown by a ratio measured in one run: the CPU time of
each hostile shape at 4x the size against 1x, never by a fixed number of seconds.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from cputime import cpu_seconds
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fuzz import PROFILE, _cpu_budget

from generator.render import mathml
from generator.render.mathml import formula, formula_errors, render_math

TEX = [
    "x",
    "1",
    " ",
    "\n",
    "{",
    "}",
    "^",
    "_",
    "&",
    "\\\\",
    "'",
    "′",
    "-",
    "+",
    "=",
    "(",
    ")",
    "[",
    "]",
    "|",
    ",",
    ".",
    "%",
    "#",
    "$",
    "$$",
    "\\$",
    "~",
    "\\frac",
    "\\sqrt",
    "\\sum",
    "\\left(",
    "\\right)",
    "\\left.",
    "\\right",
    "\\begin{pmatrix}",
    "\\end{pmatrix}",
    "\\begin{cases}",
    "\\end{cases}",
    "\\begin{aligned}",
    "\\end{aligned}",
    "\\text{",
    "\\operatorname{",
    "\\mathbf",
    "\\hat",
    "\\underbrace",
    "\\xrightarrow",
    "\\max",
    "\\lim",
    "\\newcommand{\\a}{\\a\\a}",
    "\\a",
    "\\foo",
    "\\",
    "é",
    "😀",
    "\x00",
    "<",
    ">",
    '"',
    "*",
    "`",
]
tex = st.one_of(st.lists(st.sampled_from(TEX), max_size=60).map("".join), st.text(max_size=200))


@PROFILE
@given(source=tex, display=st.booleans())
def test_formula_never_raises(source: str, display: bool) -> None:
    out = formula(source, display=display)
    assert out.startswith(('<span class="gg-math', '<code class="gg-math-error"'))
    assert "<script" not in out.lower()


@PROFILE
@given(text=tex)
def test_render_math_and_its_check_never_raise(text: str) -> None:
    html = render_math(text)
    assert isinstance(html, str)
    for problem in formula_errors(text):
        assert 0 <= problem.offset <= len(text) and problem.message


# The formula pattern as first written, asserting the character before a dollar
# first; the pattern in use must find exactly its matches (it only starts at
# the dollar so that the engine can skip to each one).
PLAIN_MATH = re.compile(
    r"(?<!\\)\$\$(?P<block>.+?)(?<!\\)\$\$"
    r"|(?<![\\$])\$(?P<inline>[^\s$](?:[^$\n]|\n(?!\s*\n))*?)(?<![\s\\])\$(?![$\d])",
    re.DOTALL,
)
DOLLARS = st.lists(st.sampled_from(["$", "$$", "\\", "\\$", " ", "\n", "\n\n", "a", "1", "{"]))


def _found(pattern: re.Pattern[str], text: str, start: int, stop: int) -> list[object]:
    return [
        (m.span(), m.span("block"), m.span("inline")) for m in pattern.finditer(text, start, stop)
    ]


@settings(PROFILE, max_examples=max(PROFILE.max_examples, 2_000))  # each example is cheap
@given(pieces=DOLLARS, data=st.data())
def test_formula_scan_finds_what_the_plain_pattern_finds(
    pieces: list[str], data: st.DataObject
) -> None:
    text = "".join(pieces)
    start = data.draw(st.integers(0, len(text)))
    stop = data.draw(st.integers(start, len(text)))
    assert _found(mathml._MATH, text, start, stop) == _found(PLAIN_MATH, text, start, stop)


def _line(piece: str) -> Callable[[int], str]:
    return lambda size: piece * (size // len(piece))


HOSTILE: list[tuple[str, Callable[[int], str]]] = [
    ("many-inline", _line("$x_1$, ")),
    ("lone-dollars", _line("$a ")),
    ("escaped-closers", lambda n: "$$" + "\\$$ x " * (n // 6)),
    ("unclosed-inline", _line("$a\n")),
    ("one-flat-formula", lambda n: "$$" + "a+" * (n // 2) + "$$"),
    (
        "wide-matrix",
        lambda n: "$$\\begin{pmatrix}" + "1 & -2 \\\\ " * (n // 11) + "\\end{pmatrix}$$",
    ),
    ("braces-too-deep", lambda n: "$" + "{" * (n // 2) + "x" + "}" * (n // 2) + "$"),
    ("command-chain", lambda n: "$" + "\\sqrt" * (n // 5) + " x$"),
    ("long-inline-relations", lambda n: "$" + "a = " * (n // 4) + "b$."),
    # Each formula leaves as many brackets open as the converter is given.
    (
        "brackets-left-open",
        lambda n: "".join(f"$\\sin(\\sin(\\sin(\\sin({i}$ " for i in range(n // 30)),
    ),
    (
        "brackets-never-closed",
        lambda n: "".join(f"$[{i}" + "(" * 30 + "$ " for i in range(n // 40)),
    ),
]
SMALL = 40_000
GROWTH = 4
BOUND = 3.0 * GROWTH  # linear is ~4x; quadratic would be ~16x and more


def _time(text: str) -> float:
    def convert_cold() -> None:
        for cached in (mathml.formula, mathml._pieces, mathml._convert):
            cached.cache_clear()
        render_math(text)
        list(formula_errors(text))

    return cpu_seconds(convert_cold, runs=2)


@pytest.mark.parametrize("make", [pytest.param(m, id=n) for n, m in HOSTILE])
def test_hostile_math_is_linear(make: Callable[[int], str]) -> None:
    _time(make(SMALL // 10))  # warm the converter and the regexes
    small = max(_time(make(SMALL)), 2e-3)
    with _cpu_budget(BOUND * small + 5.0):
        large = _time(make(SMALL * GROWTH))
    assert large <= BOUND * small + 0.05, f"{large:.3f} s at {GROWTH}x against {small:.3f} s"
