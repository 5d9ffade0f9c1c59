"""TeX math to MathML Core: golden formulas from the shipped glossary, spacing, limits, errors.

Each GOLDEN row names where the formula is written in ``entities/`` (checked
below, so the list stays taken from the shipped glossary) and the golden file
under ``tests/golden/math/`` with its expected HTML. Rows marked ``fixture``
cover a feature the glossary does not use yet. Set
``GLOSSGRAPH_UPDATE_GOLDEN=1`` to rewrite the golden files after a deliberate
change, then read the diff.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest

from generator.linker import link_entities
from generator.links import parse_links
from generator.model import Entity, EntityKey, SiteUrl, SourcePath
from generator.render.markdown import rewrite_body
from generator.render.mathml import (
    MAX_DEPTH,
    MAX_UNCLOSED,
    formula,
    formula_errors,
    render_math,
)

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = Path(__file__).parent / "golden" / "math"
UPDATE = os.environ.get("GLOSSGRAPH_UPDATE_GOLDEN") == "1"
NS = "{http://www.w3.org/1998/Math/MathML}"
MINUS = "\N{MINUS SIGN}"

# (golden name, where it is written: "file.md:line" or "fixture", the Markdown)
GOLDEN = [
    (
        "minus-result",
        "backpropagation.md:39",
        r"$\frac{\partial L}{\partial \hat{y}} = 2(\hat{y} - y) = -4$",
    ),
    ("minus-interval", "activation-function.md:31", r"$(-1, 1)$"),
    ("minus-leading", "contrastive-learning.md:39", r"$-\ln 0.338 = 1.085$"),
    ("minus-exponent", "adam.md:26", r"$\epsilon = 10^{-8}$"),
    (
        "sign-plus",
        "perceptron.md:14",
        r"$$\hat y = \operatorname{sign}(\mathbf w^\top \mathbf x + b) \in \{-1, +1\}$$",
    ),
    ("frac-display", "sigmoid.md:14", r"$$\sigma(z) = \frac{1}{1 + e^{-z}}$$"),
    ("frac-inline", "chain-rule.md:17", r"$\frac{dy}{du} = 2u$"),
    (
        "frac-display-chain",
        "chain-rule.md:13",
        r"$$\frac{dy}{dx} = \frac{dy}{du} \cdot \frac{du}{dx}$$",
    ),
    (
        "sum-display-left-right",
        "artificial-neuron.md:15",
        (
            r"$$y = \phi\left(\sum_{i=1}^{n} w_i x_i + b\right) = "
            r"\phi(\mathbf{w}^\top \mathbf{x} + b)$$"
        ),
    ),
    ("sum-inline", "artificial-neuron.md:12", r"$\sum_i w_i x_i + b$"),
    (
        "sum-display-nll",
        "gpt.md:20",
        r"$$L = -\sum_{i=1}^{n} \log p_\theta(t_i \mid t_1, \dots, t_{i-1})$$",
    ),
    (
        "prod-display",
        "maximum-likelihood.md:15",
        r"$$\mathcal L(\theta) = \prod_{n=1}^{N} p_\theta(y_n \mid x_n)$$",
    ),
    (
        "min-max-display",
        "gan.md:22",
        (
            r"$$\min_G \max_D \; \mathbb E_{x}\big[\log D(x)\big] + \mathbb E_{z}\big[\log(1 - "
            r"D(G(z)))\big].$$"
        ),
    ),
    ("max-inline", "softmax.md:22", r"$\max_j z_j$"),
    (
        "operatorname-left-right",
        "attention.md:23",
        (
            r"$$\operatorname{Attention}(Q, K, V) = "
            r"\operatorname{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right) V$$"
        ),
    ),
    (
        "operatorname-cases",
        "relu.md:14",
        (
            r"$$\operatorname{ReLU}(z) = \max(0, z), \qquad "
            r"\operatorname{ReLU}′(z) = \begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}$$"
        ),
    ),
    (
        "pmatrix-signs",
        "convolution.md:21",
        r"$$K = \begin{pmatrix} -1 & 0 & 1 \\ -1 & 0 & 1 \\ -1 & 0 & 1 \end{pmatrix}$$",
    ),
    (
        "pmatrix-forward-pass",
        "forward-pass.md:21",
        (
            r"$$W_1 = \begin{pmatrix} 1 & -1 \\ 0.5 & 1 \end{pmatrix},\; \mathbf{b}_1 = "
            r"\begin{pmatrix} 0 \\ -1 \end{pmatrix},\; \mathbf{w}_2 = (2, -1),\; b_2 = 0.5$$"
        ),
    ),
    (
        "text-display",
        "weight-decay.md:13",
        (
            r"$$\theta \leftarrow \theta - \eta\, \lambda\, \theta - \eta\,(\text{the optimizer's "
            r"step})$$"
        ),
    ),
    (
        "text-subscript",
        "weight-initialization.md:32",
        r"$\sigma^2 = \frac{2}{n_{\text{in}} + n_{\text{out}}}$",
    ),
    (
        "underbrace",
        "bias-variance-tradeoff.md:17",
        (
            r"$$\mathbb E\big[(y - \hat f(x))^2\big] = \underbrace{\big(\mathbb E[\hat f(x)] - "
            r"f(x)\big)^2}_{\text{bias}^2} + \underbrace{\mathbb E\big[(\hat f(x) - \mathbb E[\hat "
            r"f(x)])^2\big]}_{\text{variance}} + \sigma^2$$"
        ),
    ),
    (
        "lstm-long",
        "lstm.md:22",
        (
            r"$$\mathbf{f}_t = \sigma(W_f [\mathbf{h}_{t-1}, \mathbf{x}_t] + \mathbf{b}_f), \qquad "
            r"\mathbf{i}_t = \sigma(W_i [\mathbf{h}_{t-1}, \mathbf{x}_t] + \mathbf{b}_i)$$"
        ),
    ),
    (
        "tfrac-nested-left",
        "gelu.md:53",
        (
            r"$$\operatorname{GELU}(z) \approx \tfrac{1}{2} z \left(1 + "
            r"\tanh\!\left(\sqrt{2/\pi}\,(z + 0.044715\,z^3)\right)\right)$$"
        ),
    ),
    (
        "limits-subscript-names",
        "learning-rate-schedule.md:30",
        (
            r"$$\eta_t = \eta_{\min} + \tfrac12(\eta_{\max} - \eta_{\min})\left(1 + \cos\frac{\pi "
            r"(t - W)}{T - W}\right)$$"
        ),
    ),
    (
        "big-open-sign",
        "perplexity.md:16",
        r"$$\mathrm{PPL} = \exp\!\Big(-\frac1N \sum_{i=1}^{N} \ln p_i\Big),$$",
    ),
    (
        "big-brackets",
        "rlhf.md:54",
        (
            r"$$\mathcal L = -\log \sigma\!\Big(\beta \Big[\log \tfrac{\pi(y_w \mid "
            r"x)}{\pi_\text{ref}(y_w \mid x)} - \log \tfrac{\pi(y_l \mid x)}{\pi_\text{ref}(y_l "
            r"\mid x)}\Big]\Big).$$"
        ),
    ),
    (
        "blackboard-min",
        "fine-tuning.md:39",
        (
            r"$$W′ = W + BA, \qquad B \in \mathbb{R}^{d \times r},\; A \in \mathbb{R}^{r \times "
            r"k},\; r \ll \min(d, k)$$"
        ),
    ),
    (
        "pmatrix-arrow",
        "pooling.md:22",
        (
            r"$$\begin{pmatrix} 1 & 3 & 2 & 0 \\ 4 & 6 & 1 & 1 \\ 0 & 2 & 5 & 7 \\ "
            r"1 & 1 & 8 & 3 \end{pmatrix}"
            "\n"
            r"\;\xrightarrow{\text{max}}\; \begin{pmatrix} 6 & 2 \\ 2 & 8 \end{pmatrix}"
            "\n\\qquad\n"
            r"\xrightarrow{\text{mean}}\; \begin{pmatrix} 3.5 & 1 \\ 1 & 5.75 \end{pmatrix}$$"
        ),
    ),
    ("thousands", "parameters.md:26", r"$$784 \cdot 128 + 128 + 128 \cdot 10 + 10 = 101{,}770$$"),
    (
        "inline-break-points",
        "forward-pass.md:25",
        r"$W_1 \mathbf{x} + \mathbf{b}_1 = (1 - 2,\; 0.5 + 2 - 1) = (-1, 1.5)$.",
    ),
    ("bmatrix", "fixture", r"$$I = \begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}$$"),
    ("aligned", "fixture", r"$$\begin{aligned} L &= (\hat y - y)^2 \\ &= 4 \end{aligned}$$"),
    ("align", "fixture", r"$$\begin{align} a &= b + c \\ d &= e \end{align}$$"),
    ("lim-display", "fixture", r"$$\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e$$"),
    ("argmax-display", "fixture", r"$$\hat y = \arg\max_k p_k$$"),
]


def _golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.html"


@pytest.mark.parametrize(("name", "origin", "text"), GOLDEN, ids=[row[0] for row in GOLDEN])
def test_formula_matches_golden(name: str, origin: str, text: str) -> None:
    html = render_math(text)
    if UPDATE:
        _golden_path(name).write_text(html + "\n", "utf-8")
    expected = _golden_path(name).read_text("utf-8").rstrip("\n")
    assert html == expected, f"{name} ({origin}) changed; GLOSSGRAPH_UPDATE_GOLDEN=1 accepts"


@pytest.mark.parametrize(("name", "origin", "text"), GOLDEN, ids=[row[0] for row in GOLDEN])
def test_golden_formula_is_written_where_it_says(name: str, origin: str, text: str) -> None:
    if origin == "fixture":
        return
    file, line = origin.split(":")
    source = (REPO / "entities" / file).read_text("utf-8")
    at = source.find(text.rstrip("."))
    assert at >= 0, f"{name}: not found in entities/{file}"
    assert source.count("\n", 0, at) + 1 == int(line), f"{name}: not on line {line} of {file}"


def test_every_golden_file_has_a_row() -> None:
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.html")) == sorted(row[0] for row in GOLDEN)


# --- targeted assertions: each says what a reader would see wrong -------------------


def _maths(text: str) -> list[ET.Element]:
    """Return each <math> element that ``render_math(text)`` writes."""
    html = render_math(text)
    found = re.findall(r"<math\b.*?</math>", html, re.DOTALL)
    assert found, f"no MathML in {html!r}"
    return [ET.fromstring(m.replace("&#x2061;", "\u2061")) for m in found]


def _minus_signs(text: str) -> list[dict[str, str]]:
    return [mo.attrib for m in _maths(text) for mo in m.iter(f"{NS}mo") if mo.text == MINUS]


@pytest.mark.parametrize(
    "text",
    [
        r"$L = -4$",
        r"$(-1, 1)$",
        r"$e^{-x}$",
        r"$-\log 0.7$",
        r"$\begin{pmatrix} -1 \end{pmatrix}$",
        r"$\exp\!\Big(-\frac1N x\Big)$",
    ],
)
def test_a_sign_minus_has_no_space_around_it(text: str) -> None:
    signs = _minus_signs(text)
    assert signs, f"no minus sign in {text}"
    for attrs in signs:
        spacing = (attrs.get("lspace"), attrs.get("rspace"))
        assert spacing == ("0", "0"), f"{text}: minus spaced as subtraction ({spacing})"


def test_a_subtraction_keeps_its_spaces() -> None:
    attrs = _minus_signs(r"$a - b$")
    assert attrs == [{}], "binary minus should keep the operator dictionary's spacing"


def _first(text: str, tag: str) -> ET.Element | None:
    return next((e for m in _maths(text) for e in m.iter(f"{NS}{tag}")), None)


@pytest.mark.parametrize("op", [r"\sum", r"\prod"])
def test_display_big_operator_takes_limits_above_and_below(op: str) -> None:
    under = _first(f"$${op}_{{i=1}}^{{n}} x_i$$", "munderover")
    assert under is not None, f"display {op} has no munderover: its limits sit beside it"
    assert under[0].tag == f"{NS}mo" and "movablelimits" not in under[0].attrib


@pytest.mark.parametrize("name", [r"\max", r"\min", r"\lim", r"\arg\max"])
def test_display_limit_names_take_limits_below(name: str) -> None:
    assert _first(f"$${name}_{{x}} f(x)$$", "munder") is not None, f"display {name}_x: no munder"


@pytest.mark.parametrize("name", [r"\max", r"\lim"])
def test_inline_limit_names_take_limits_beside(name: str) -> None:
    text = f"${name}_{{x}} f$"
    assert _first(text, "munder") is None and _first(text, "msub") is not None


def test_inline_sum_is_not_display_style() -> None:
    (math,) = _maths(r"$\sum_i x_i$")
    assert math.get("display") is None, "inline math must stay in text style"


def test_operatorname_and_text_are_upright_names() -> None:
    mi = _first(r"$\operatorname{ReLU}(z)$", "mi")
    assert mi is not None and mi.text == "ReLU"
    mtext = _first(r"$\text{the step}$", "mtext")
    assert mtext is not None and (mtext.text or "").replace("\xa0", " ") == "the step"


def test_cases_and_aligned_are_tables_with_aligned_columns() -> None:
    cases = _first(r"$$\begin{cases} 1 & z > 0 \\ 0 & z < 0 \end{cases}$$", "mtable")
    assert cases is not None and len(cases) == 2
    aligned = _first(r"$$\begin{aligned} a &= b \\ &= c \end{aligned}$$", "mtable")
    assert aligned is not None
    cells = [td.get("style", "") for td in aligned.iter(f"{NS}mtd")]
    assert "text-align: right" in cells[0] and "text-align: left" in cells[1]


def test_left_right_delimiters_stretch_and_plain_ones_do_not() -> None:
    fences = [
        mo.attrib.get("stretchy")
        for m in _maths(r"$$\left(\frac{a}{b}\right) (c)$$")
        for mo in m.iter(f"{NS}mo")
        if mo.text in "()"
    ]
    assert fences == [None, None, "false", "false"]


@pytest.mark.parametrize("punctuation", [",", ".", ";", ":", "?", "!", ")", ")."])
def test_punctuation_after_inline_math_stays_on_its_line(punctuation: str) -> None:
    html = render_math(f"so $x${punctuation} then")
    assert html.startswith('so <span class="gg-nowrap"><span class="gg-math"><math')
    assert html.endswith(f"</math></span>{punctuation}</span> then")


def test_only_the_last_piece_of_a_long_formula_is_kept_with_its_comma() -> None:
    html = render_math(r"$a = b = c$,")
    assert html.count("<math") == 3, "an inline formula breaks after each top-level relation"
    assert html.index('<span class="gg-nowrap">') > html.rindex("</math>", 0, html.rindex("<math"))


def test_a_leading_relation_is_not_a_break_point() -> None:
    assert render_math(r"$= -4$").count("<math") == 1


# --- wrapping for Markdown -----------------------------------------------------------

INLINE = '<span class="gg-math"><math xmlns="http://www.w3.org/1998/Math/MathML">'
BLOCK = (
    '<span class="gg-math-display"><math xmlns="http://www.w3.org/1998/Math/MathML" '
    'display="block">'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$x$", f"{INLINE}<mi>x</mi></math></span>"),
        ("$$x$$", f"{BLOCK}<mi>x</mi></math></span>"),
        (r"costs \$5", "costs &#36;5"),
        (r"\$x\$", "&#36;x&#36;"),
        ("between $5 and $10", "between $5 and $10"),
        ("$ x $", "$ x $"),
        ("no math here", "no math here"),
    ],
)
def test_render_math(text: str, expected: str) -> None:
    assert render_math(text) == expected


def test_markdown_characters_inside_formulas_are_entities() -> None:
    out = render_math(r"$a_i * b_j$")
    assert "_" not in out and "*" not in out
    assert "<msub><mi>a</mi><mi>i</mi></msub>" in out


def test_display_math_across_lines() -> None:
    out = render_math("$$\n\\sum_i x_i\n$$")
    assert out.startswith(BLOCK) and "∑" in out


def test_math_in_code_is_left_alone() -> None:
    body = "`$x$` and\n```\n$y$\n```\nbut $z$"
    concept = Entity(
        EntityKey("a"), "A", "", SourcePath("a.md"), body, 1, links=parse_links(body, 1)
    )
    graph = link_entities([concept], {}, None)
    out = rewrite_body(concept, graph, SiteUrl("concepts/a.md")).markdown
    assert out.startswith(f"`$x$` and\n```\n$y$\n```\nbut {INLINE}")


def test_formula_at_the_start_of_a_line_stays_inside_its_paragraph() -> None:
    html = markdown.markdown(render_math("The sum\n$a + b$ is\nsmall."))
    assert html.count("<p>") == 1
    assert html.startswith("<p>The sum") and html.endswith("small.</p>")


def test_function_names_are_spaced_as_functions() -> None:
    out = render_math(r"$\log K$")
    assert "<mi>log</mi></mrow><mo" in out and "&#x2061;</mo><mi>K</mi>" in out


# --- unreadable formulas --------------------------------------------------------------


def test_unreadable_formula_is_marked_not_raised() -> None:
    out = render_math(r"$\frac{1}{$")
    assert out.startswith('<code class="gg-math-error" title="could not read this formula: ')
    assert "&#92;frac" in out and "reached end of input" in out


def test_formula_nested_too_deep_is_refused_before_the_converter() -> None:
    deep = "{" * (MAX_DEPTH + 1) + "x" + "}" * (MAX_DEPTH + 1)
    out = formula(deep, display=False)
    assert out.startswith('<code class="gg-math-error"') and "nests deeper" in out
    assert formula("{" * 20 + "x" + "}" * 20, display=False).startswith('<span class="gg-math">')


@pytest.mark.parametrize(
    "opener", ["(", "[", "\\{", "\\langle ", "\\lbrace ", "\\lfloor ", "\\sin(", "(a"]
)
def test_brackets_left_open_are_refused_before_the_converter(opener: str) -> None:
    """math-core's time doubles per unclosed bracket: 40 of them would run for hours.

    20 take it a fraction of a second, so without the guard this fails at once.
    """
    refused = formula(opener * 20 + "x", display=False)
    assert refused.startswith('<code class="gg-math-error"'), refused
    assert "20 of its brackets are never closed" in refused
    allowed = formula(opener * MAX_UNCLOSED + "x", display=False)
    assert allowed.startswith('<span class="gg-math">'), allowed
    assert "never closed" in formula(opener * (MAX_UNCLOSED + 1) + "x", display=False)


@pytest.mark.parametrize(
    "source",
    ["[0, 1)", "(a, b] \\cup [c, d)", "a \\\\[2pt] b", "\\left( x \\right.", "\\{" * 9 + "\\}" * 9],
)
def test_closed_brackets_and_intervals_are_not_counted(source: str) -> None:
    assert formula(source, display=True).startswith('<span class="gg-math-display">')


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Bad $\\frac{1}{$ here.\n",
            "a.md:5:15: warning: cannot typeset this formula: "
            'Expected closing token "}", but reached end of input',
        ),
        (
            "Fine $x$.\n\n$$\\begin{pmatrix} 1 \\end{bmatrix}$$\n",
            "a.md:7:21: warning: cannot "
            'typeset this formula: Expected "\\end{pmatrix}", but found "\\end{bmatrix}"',
        ),
        (
            "`$\\foo$` is code, $\\foo$ is not\n",
            'a.md:5:20: warning: cannot typeset this formula: Unknown command "\\foo"',
        ),
    ],
)
def test_bad_formula_is_a_warning_at_its_line_and_column(body: str, expected: str) -> None:
    concept = Entity(
        EntityKey("a"), "A", "", SourcePath("a.md"), body, 5, links=parse_links(body, 5)
    )
    found = [str(d) for d in link_entities([concept], {}, None).diagnostics]
    math = [d for d in found if "formula" in d]
    assert math == [f"{expected} (fix the TeX, or write \\$ for a literal dollar)"]


def test_shipped_glossary_has_no_unreadable_formula() -> None:
    for path in sorted((REPO / "entities").glob("*.md")):
        problems = list(formula_errors(path.read_text("utf-8")))
        assert problems == [], f"{path.name}: {problems}"


@pytest.mark.parametrize("text", [r"$\phi′(z)$", r"$f'(x)$", r"$W′ = W$", r"$f''$", r"$\tanh′(z)$"])
def test_a_prime_follows_its_letter_at_full_size(text: str) -> None:
    html = render_math(text)
    assert "<msup>" not in html, f"{text}: a prime as a superscript is drawn raised twice"
    assert re.search(r'</mi>(</mrow>)?<mo lspace="0" rspace="0">[′″]</mo>', html)


def _math_warnings(body: str) -> list[str]:
    concept = Entity(
        EntityKey("a"), "A", "", SourcePath("a.md"), body, 5, links=parse_links(body, 5)
    )
    return [str(d) for d in link_entities([concept], {}, None).diagnostics if "formula" in str(d)]


def test_many_bad_formulas_on_many_lines_each_have_their_place() -> None:
    body = "$\\foo$ $\\bar$\nok\n  $\\baz$\n"
    places = [d.split(": warning")[0] for d in _math_warnings(body)]
    assert places == ["a.md:5:2", "a.md:5:13", "a.md:7:4"]  # as before the linear scan
