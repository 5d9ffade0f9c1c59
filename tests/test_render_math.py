"""TeX math to MathML: inline, display, literal dollars, code untouched, bad formulas marked."""

from __future__ import annotations

import pytest

from generator.linker import link_entities
from generator.links import parse_links
from generator.model import Entity, EntityKey, SiteUrl, SourcePath
from generator.render.markdown import rewrite_body
from generator.render.mathml import render_math

INLINE = '<span class="gg-math"><math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">'
BLOCK = (
    '<span class="gg-math-display"><math xmlns="http://www.w3.org/1998/Math/MathML" '
    'display="block">'
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$x$", f"{INLINE}<mrow><mi>x</mi></mrow></math></span>"),
        ("$$x$$", f"{BLOCK}<mrow><mi>x</mi></mrow></math></span>"),
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
    assert out.startswith(BLOCK) and "&#x02211;" in out


def test_unreadable_formula_is_marked_not_raised() -> None:
    out = render_math(r"$\frac{1}{$")
    assert out.startswith('<code class="gg-math-error"')
    assert "&#92;frac" in out


def test_math_in_code_is_left_alone() -> None:
    body = "`$x$` and\n```\n$y$\n```\nbut $z$"
    concept = Entity(
        EntityKey("a"), "A", "", SourcePath("a.md"), body, 1, links=parse_links(body, 1)
    )
    graph = link_entities([concept], {}, None)
    out = rewrite_body(concept, graph, SiteUrl("concepts/a.md")).markdown
    assert out.startswith('`$x$` and\n```\n$y$\n```\nbut <span class="gg-math"><math')


def test_formula_at_the_start_of_a_line_stays_inside_its_paragraph() -> None:
    import markdown

    html = markdown.markdown(render_math("The sum\n$a + b$ is\nsmall."))
    assert html.count("<p>") == 1
    assert html.startswith("<p>The sum") and html.endswith("small.</p>")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"$-\log 0.7$", '<mi>log</mi><mspace width="0.1667em"></mspace><mn>0.7</mn>'),
        (r"$\log K$", '<mi>log</mi><mspace width="0.1667em"></mspace><mi>K</mi>'),
        (r"$\max(0, z)$", '<mi>max</mi><mo stretchy="false">&#x00028;</mo>'),
        (r"$\operatorname{ReLU}(z)$", '<mi>ReLU</mi><mo stretchy="false">&#x00028;</mo>'),
        (r"$\exp(z)$", '<mi>exp</mi><mo stretchy="false">&#x00028;</mo>'),
    ],
)
def test_function_names_are_spaced_like_functions(text: str, expected: str) -> None:
    assert expected in render_math(text)
