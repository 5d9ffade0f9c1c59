"""Front matter made only of one-line fields of plain text, read without composing YAML.

Nearly every concept file's front matter is ``name: value`` and
``name: [a, b]`` lines of plain words. Those are read line by line with the
YAML loader's own implicit resolvers, giving the values and positions the
loader would; anything else, or any mistake, is left to the loader.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from generator.model import Ref
from generator.schema import ALIASES, BY_NAME, KNOWN, Field, Kind

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

__all__ = ["NULL", "Loader", "collect_texts", "read_plain"]

NULL = "tag:yaml.org,2002:null"


class _NotSimple(Exception):
    """The front matter uses more of YAML than one-line fields of plain text."""


# One ``name: value`` line at the left margin, the value without surrounding space.
_SIMPLE_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): +(\S(?:.*\S)?)")
_NOT_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_INDICATOR = re.compile(r"[,\[\]{}:]")
_Item = tuple[str | None, tuple[int, int]]  # a plain value (None for null) and its position


def _plain(text: str, flow: bool) -> str | None:
    """Return a plain scalar's value, None for null; raise _NotSimple unless it is plain text."""
    if (
        text[0] in _NOT_FIRST
        or ": " in text
        or " #" in text
        or text[-1] == ":"
        or not text.isprintable()
        or (flow and _FLOW_INDICATOR.search(text))
    ):
        raise _NotSimple
    resolvers = Loader.yaml_implicit_resolvers
    if None in resolvers:
        raise _NotSimple
    for tag, regexp in resolvers.get(text[0], ()):
        if regexp.match(text):
            if tag == NULL:
                return None
            raise _NotSimple
    return text


def _items(number: int, col: int, text: str) -> list[_Item]:
    """Return the plain items of a one-line ``[a, b]`` list whose ``[`` is at column ``col``."""
    items: list[_Item] = []
    if len(text) > 2:
        at = col + 1
        for piece in text[1:-1].split(","):
            item = piece.strip(" ")
            if not item:
                raise _NotSimple
            where = (number, at + len(piece) - len(piece.lstrip(" ")) + 1)
            items.append((_plain(item, True), where))
            at += len(piece) + 1
    return items


def _simple_fields(
    first_line: int, yaml_text: str
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """Return the fields and positions, reading each line once; raise _NotSimple if not simple."""
    values: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    for number, line in enumerate(yaml_text.split("\n"), first_line):
        if not line or (line[0] == "#" and line.isprintable()):
            continue
        match = _SIMPLE_FIELD.fullmatch(line)
        if match is None:
            raise _NotSimple
        name, text = match.groups()
        if name not in KNOWN and _plain(name, False) != name:
            raise _NotSimple
        name = ALIASES.get(name, name)
        if name in positions:
            raise _NotSimple
        col = match.start(2)
        where = positions[name] = (number, col + 1)
        field = BY_NAME.get(name)
        listed = text[0] == "[" and text[-1] == "]"
        if field is None or field.kind is Kind.TEXT or field.kind is Kind.NAME:
            if listed:
                if field is not None:
                    raise _NotSimple  # a list where text is expected: the full reader reports it
                values[name] = [item for item, _ in _items(number, col, text)]
                continue
            value = _plain(text, False)
            if field is not None and field.kind is Kind.NAME:
                values[name] = None if value is None else Ref(value, *where)
            else:
                values[name] = value
            continue
        if listed:
            items = _items(number, col, text)
        else:
            value = _plain(text, False)
            items = [] if value is None else [(value, where)]
        if field.kind is Kind.NAMES:
            values[name] = tuple(Ref(item, *at) for item, at in items if item is not None)
        else:
            values[name] = collect_texts(field, items, positions)
    return values, positions


def read_plain(
    first_line: int, yaml_text: str
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """Return the fields and positions of front matter that is one-line fields of plain text.

    Such front matter reads the same as through the YAML loader, without
    composing nodes; anything else (or any mistake) gives None.
    """
    try:
        return _simple_fields(first_line, yaml_text)
    except _NotSimple:
        return None


def collect_texts(
    field: Field, items: Iterable[tuple[str | None, tuple[int, int]]], positions: dict[str, Any]
) -> tuple[str, ...]:
    """Return a text-list field's items, stripped, the empty ones dropped; record positions."""
    texts: list[str] = []
    for text, at in items:
        stripped = text.strip() if text else ""
        if stripped:
            if field.item_positions:
                positions[f"{field.name}.{len(texts)}"] = at
            texts.append(stripped.lstrip(field.drop_prefix) if field.drop_prefix else stripped)
    return tuple(texts)
