"""Front matter made only of one-line fields of plain text, read without composing YAML.

Nearly every concept file's front matter is ``name: value`` and
``name: [a, b]`` lines of plain words. Those are read line by line with the
YAML loader's own implicit resolvers, giving the values and positions the
loader would; anything else, or any mistake, is left to the loader.
"""

from __future__ import annotations

import re
from typing import Any

from generator.model import Ref

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as Loader  # type: ignore[assignment]

__all__ = [
    "KNOWN",
    "NULL",
    "REF_FIELDS",
    "TEXT_FIELDS",
    "TEXT_LIST_FIELDS",
    "Loader",
    "read_plain",
]

NULL = "tag:yaml.org,2002:null"
REF_FIELDS = ("children", "related", "requires", "demos")
TEXT_LIST_FIELDS = ("aliases", "tags")
TEXT_FIELDS = ("entity_key", "title", "summary")
KNOWN = frozenset((*REF_FIELDS, *TEXT_LIST_FIELDS, *TEXT_FIELDS, "parent"))


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


def _simple_fields(first_line: int, yaml_text: str) -> dict[str, tuple[_Item, list[_Item] | None]]:
    """Return each field's value and, for a one-line ``[a, b]`` list, its items."""
    fields: dict[str, tuple[_Item, list[_Item] | None]] = {}
    for number, line in enumerate(yaml_text.split("\n"), first_line):
        if not line or (line[0] == "#" and line.isprintable()):
            continue
        match = _SIMPLE_FIELD.fullmatch(line)
        if match is None:
            raise _NotSimple
        name, text = match.groups()
        if name in fields or (name not in KNOWN and _plain(name, False) != name):
            raise _NotSimple
        col = match.start(2)
        if text[0] != "[" or text[-1] != "]":
            fields[name] = ((_plain(text, False), (number, col + 1)), None)
            continue
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
        fields[name] = ((None, (number, col + 1)), items)
    return fields


def read_plain(
    first_line: int, yaml_text: str
) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """Return the fields and positions of front matter that is one-line fields of plain text.

    Such front matter reads the same as through the YAML loader, without
    composing nodes; anything else (or any mistake) gives None.
    """
    try:
        fields = _simple_fields(first_line, yaml_text)
    except _NotSimple:
        return None
    values: dict[str, Any] = {}
    positions: dict[str, tuple[int, int]] = {}
    for name, ((value, where), items) in fields.items():
        positions[name] = where
        if items is None:
            if name in REF_FIELDS or name in TEXT_LIST_FIELDS:
                items = [] if value is None else [(value, where)]
            elif name == "parent":
                values[name] = None if value is None else Ref(value, *where)
                continue
            else:
                values[name] = value
                continue
        if name in REF_FIELDS:
            values[name] = tuple(Ref(text, *at) for text, at in items if text is not None)
        elif name in TEXT_LIST_FIELDS:
            texts: list[str] = []
            for text, at in items:
                if text is not None:
                    if name == "aliases":
                        positions[f"aliases.{len(texts)}"] = at
                    texts.append(text.lstrip("#") if name == "tags" else text)
            values[name] = tuple(texts)
        elif name in TEXT_FIELDS or name == "parent":
            return None  # a list where text is expected: the full reader reports it
        else:
            values[name] = [text for text, _ in items]
    return values, positions
