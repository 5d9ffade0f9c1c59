"""Zoom levels for the whole graph's labels, so that no two labels on screen ever overlap.

A label keeps one size on screen (``LABEL_PX``): in picture units it is
``LABEL_PX / p`` tall at a zoom of ``p`` screen pixels per unit, and it shrinks
towards its anchor, the node's rim, as ``p`` grows. Zoom is quantised into
levels ``p = floor * STEP**level``. Walking up the levels, each label not yet
placed is tried in priority order against the labels already placed (those of
lower levels and earlier ones of this level); the first level where it clears
them all is its level, and the page shows it from that zoom on.

Why that holds between levels too: labels on the right half of the picture
start at their anchor and run right, those on the left end at theirs and run
left, so two labels never face each other; then, if two boxes are apart at
``p``, they stay apart at every larger ``p``. Each level is one pass over a
grid whose cells are a label's size at that level, so placement is linear in
the number of labels per level and needs no all-pairs test.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

LABEL_PX = 13.0  # a label's font size on screen, zoom or not
GAP_EM = 0.3  # between the node's rim and its label
HALF_EM = 0.65  # half a label's height: ascent and descent, with a margin
STEP = 2 ** (1 / 3)  # three levels per doubling of the zoom
MAX_LEVELS = 90  # a factor of 2**30 above the floor; no real picture gets near it

# Advance widths in em, at or above DejaVu Sans (the widest common sans-serif),
# so the estimate bounds what a browser draws.
_NARROW = frozenset("iljtfrI.,;:'!|()[] -")
_WIDE = frozenset("mwMW@%")


def _ascii_width(c: str) -> float:
    if c in _NARROW:
        return 0.42
    if c in _WIDE:
        return 1.0
    return 0.8 if c.isupper() or c.isdigit() else 0.66


_WIDTHS = {chr(i): _ascii_width(chr(i)) for i in range(32, 127)}


def text_em(text: str) -> float:
    """Return an upper bound of ``text``'s width in em (1 em for any character beyond ASCII)."""
    return sum([_WIDTHS.get(c, 1.0) for c in text])


@dataclass(frozen=True, slots=True)
class Label:
    """One label to place: its anchor in picture units, its side, its width in em."""

    x: float
    y: float
    right: bool
    em: float


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def label_box(label: Label, p: float) -> Box:
    """Return the label's box at zoom ``p`` (screen pixels per picture unit)."""
    em = LABEL_PX / p
    if label.right:
        x0 = label.x + GAP_EM * em
        x1 = x0 + label.em * em
    else:
        x1 = label.x - GAP_EM * em
        x0 = x1 - label.em * em
    return x0, label.y - HALF_EM * em, x1, label.y + HALF_EM * em


def level_zoom(floor: float, level: int) -> float:
    """Return the zoom at which ``level`` starts."""
    return float(floor * STEP**level)


_REBUILD = 3  # levels between grid rebuilds: once per doubling of the zoom


def place_labels(labels: Sequence[Label], floor: float) -> list[int]:
    """Return each label's level, earlier labels first to claim their space."""
    # Per label, its box edges relative to the anchor in em; one multiplication
    # per level gives the box, which keeps the inner loop to plain arithmetic.
    lefts = [GAP_EM if lb.right else -GAP_EM - lb.em for lb in labels]
    rights = [GAP_EM + lb.em if lb.right else -GAP_EM for lb in labels]
    xs = [lb.x for lb in labels]
    ys = [lb.y for lb in labels]
    levels = [-1] * len(labels)
    placed: list[int] = []
    due: dict[int, list[int]] = {0: list(range(len(labels)))}
    reach = 2 * (max((lb.em for lb in labels), default=1.0) + GAP_EM)
    grid = _Grid(1.0, 1.0)
    built = -_REBUILD
    for level in range(MAX_LEVELS):
        waiting = sorted(due.pop(level, ()))
        if not waiting:
            if not due:
                break
            continue
        em = LABEL_PX / level_zoom(floor, level)
        ch = 2 * HALF_EM * em  # two labels on rows closer than this meet if they meet sideways
        if level - built >= _REBUILD:
            # Cells sized for this level's boxes stay large enough as boxes shrink
            # over the next levels, so the grid is rebuilt only now and then.
            grid = _Grid(reach * em, ch)
            for i in placed:
                grid.add(xs[i], ys[i], i)
            built = level
        for k in waiting:
            x, y = xs[k], ys[k]
            x0, x1 = x + lefts[k] * em, x + rights[k] * em
            rival = -1
            for o in grid.near(x, y):
                xo, dy = xs[o], ys[o] - y
                if x0 < xo + rights[o] * em and xo + lefts[o] * em < x1 and abs(dy) < ch:
                    rival = o
                    break
            if rival < 0:
                grid.add(x, y, k)
                levels[k] = level
                placed.append(k)
            else:
                # The rival stays, so nothing can change before the two part.
                later = max(level + 1, _parting_level(labels[k], labels[rival], floor))
                due.setdefault(min(later, MAX_LEVELS), []).append(k)
    for k in due.get(MAX_LEVELS, ()):  # only labels on one spot; shown last rather than never
        levels[k] = MAX_LEVELS
    return levels


class _Grid:
    """Label anchors bucketed in cells at least as wide as two labels and as high as one.

    Two labels can meet only if their anchors are closer than that, so a label's
    cell and the eight around it hold every label it could meet.
    """

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.cells: dict[tuple[int, int], list[int]] = {}

    def add(self, x: float, y: float, i: int) -> None:
        self.cells.setdefault((int(x // self.width), int(y // self.height)), []).append(i)

    def near(self, x: float, y: float) -> Iterator[int]:
        ci, cj = int(x // self.width), int(y // self.height)
        for i in (ci - 1, ci, ci + 1):
            for j in (cj - 1, cj, cj + 1):
                yield from self.cells.get((i, j), ())


def _parting_level(a: Label, b: Label, floor: float) -> int:
    """Return the last level at or below which labels ``a`` and ``b`` surely still overlap."""
    dx, dy = b.x - a.x, abs(b.y - a.y)
    a0, a1 = label_box(a, LABEL_PX)[0] - a.x, label_box(a, LABEL_PX)[2] - a.x
    b0, b1 = label_box(b, LABEL_PX)[0] - b.x, label_box(b, LABEL_PX)[2] - b.x
    # Apart sideways once em <= dx / (a1 - b0) (b to the right) or dx / (a0 - b1) (to the left).
    span = a1 - b0 if dx > 0 else a0 - b1
    em_x = dx / span if dx != 0 and span * dx > 0 else 0.0
    em_y = dy / (2 * HALF_EM)
    em = max(em_x, em_y)
    if em <= 0:
        return MAX_LEVELS
    return max(0, math.floor(math.log(LABEL_PX / em / floor, STEP) - 1e-6))
