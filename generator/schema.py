"""The front-matter fields a concept file may set: declared once, read by everything else.

The fast one-line reader (``plain_front_matter``), the YAML reader (``load``),
``glossgraph new``'s template, the README's field table and the published JSON
Schema (``glossgraph schema``) all come from ``FIELDS``. Any other field is
kept as it is (``Entity.extra``), never an error.

The JSON Schema accepts what ``check`` accepts, no more and no less as far as
types go: text is any YAML scalar (``title: 2024`` is the text ``2024``), a
list field also takes one bare item, and a concept name may be written as an
unquoted ``[[wikilink]]``, which YAML reads as a list inside a list. Whether
a name is a concept is for ``check`` to say, not the schema; nor can the
schema see YAML's flow style, so a ``[[name]]`` written as a block list passes
it and fails ``check``. It uses only keywords that draft-07 shares with 2020-12,
so a draft-07 validator reads it the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from generator.slugs import KEY_PATTERN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


class Kind(StrEnum):
    """What a field holds, as ``check`` reads it."""

    TEXT = "text"  # one scalar, read as text
    NAME = "name"  # one concept name, text or [[wikilink]]
    NAMES = "names"  # a list of names (demo ids for ``demos``); one bare name is a list of one
    TEXTS = "texts"  # a list of text; one bare item is a list of one


@dataclass(frozen=True, slots=True)
class Field:
    """One known front-matter field.

    ``default`` says, for people, what an absent field means; ``aliases``
    are other spellings read as this field (older Obsidian vaults write
    ``alias:`` and ``tag:``); ``template`` puts it in the file ``new`` writes.
    ``drop_prefix`` is stripped from each item; ``item_positions`` records
    each item's position as ``<name>.<index>`` (for messages about one item).
    """

    name: str
    kind: Kind
    description: str
    default: str
    aliases: tuple[str, ...] = ()
    template: bool = False
    pattern: str | None = None
    drop_prefix: str = ""
    item_positions: bool = False

    @property
    def is_list(self) -> bool:
        return self.kind in (Kind.NAMES, Kind.TEXTS)


FIELDS: tuple[Field, ...] = (
    Field(
        "entity_key",
        Kind.TEXT,
        "The concept's key: lowercase letters, digits and single hyphens.",
        "the slug of the file name (`Batch Norm.md` → `batch-norm`, `ε-greedy.md` →"
        " `epsilon-greedy`; a name with letters of another script, `注意力.md`, → `n-` and"
        " a hash of it)",
        pattern=f"^{KEY_PATTERN}$",
    ),
    Field("title", Kind.TEXT, "The name shown on pages.", "the file name", template=True),
    Field(
        "summary",
        Kind.TEXT,
        "One sentence that says what the concept is.",
        "the body's first paragraph",
        template=True,
    ),
    Field(
        "aliases",
        Kind.TEXTS,
        "Other names a link may use.",
        "none",
        aliases=("alias",),
        item_positions=True,
    ),
    Field(
        "parent",
        Kind.NAME,
        "The one broader concept.",
        "none: a top-level concept",
        template=True,
    ),
    Field(
        "children",
        Kind.NAMES,
        "Narrower concepts; optional, and must agree with their `parent`.",
        "the concepts whose `parent` this is",
    ),
    Field("related", Kind.NAMES, "See also; symmetric.", "none", template=True),
    Field(
        "requires",
        Kind.NAMES,
        "Prerequisites, which drive learning paths.",
        "none",
        template=True,
    ),
    Field(
        "tags",
        Kind.TEXTS,
        "Tags; a leading `#` is dropped.",
        "none",
        aliases=("tag",),
        template=True,
        drop_prefix="#",
    ),
    Field("demos", Kind.NAMES, "Demo ids: stems of files in `demos/`.", "none"),
)

BY_NAME: Mapping[str, Field] = MappingProxyType(
    {name: f for f in FIELDS for name in (f.name, *f.aliases)}
)
"""Every known field by its name and by each of its aliases."""

KNOWN: frozenset[str] = frozenset(BY_NAME)

ALIASES: Mapping[str, str] = MappingProxyType(
    {alias: f.name for f in FIELDS for alias in f.aliases}
)
"""Each other spelling of a field, mapped to the field's name."""


def known(name: str) -> Field | None:
    """Return the field ``name`` is, by its name or an alias, or None for an unknown field."""
    return BY_NAME.get(name)


def template_fields() -> tuple[Field, ...]:
    """Return the fields ``glossgraph new`` writes, in order."""
    return tuple(f for f in FIELDS if f.template)


def json_schema() -> dict[str, Any]:
    """Return the front matter's JSON Schema (draft 2020-12)."""
    properties: dict[str, Any] = {}
    for f in FIELDS:
        properties[f.name] = _property(f)
        for alias in f.aliases:
            properties[alias] = {
                **_property(f),
                "description": f"Another spelling of `{f.name}`. {f.description}",
                "deprecated": True,
            }
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "glossgraph concept front matter",
        "description": (
            "The YAML front matter of one concept file. Every field is optional; "
            "fields not listed here are kept as they are."
        ),
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": True,
    }


_SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean", "null"]}
# An unquoted [[name]]: YAML reads it as a one-item list holding a one-item list.
_WIKILINK: dict[str, Any] = {
    "type": "array",
    "minItems": 1,
    "maxItems": 1,
    "items": {"type": "array", "minItems": 1, "maxItems": 1, "items": _SCALAR},
}


def _property(f: Field) -> dict[str, Any]:
    described = {"description": f"{f.description} Default: {_plain(f.default)}."}
    if f.kind is Kind.TEXT:
        scalar = {**_SCALAR, "pattern": f.pattern} if f.pattern else _SCALAR
        return {**described, **scalar}
    if f.kind is Kind.NAME:
        return {**described, "anyOf": [_SCALAR, _WIKILINK]}
    if f.kind is Kind.NAMES:
        name = {"anyOf": [_SCALAR, _WIKILINK]}
        shapes = [_SCALAR, _WIKILINK, {"type": "array", "items": name}]
    else:
        shapes = [_SCALAR, {"type": "array", "items": _SCALAR}]
    return {**described, "anyOf": shapes, "default": []}


def _plain(text: str) -> str:
    return text.replace("`", "")


def markdown_table() -> str:
    """Return the README's table of fields: name, what it holds, default, meaning."""
    rows = ["| field | holds | default | meaning |", "| --- | --- | --- | --- |"]
    for f in FIELDS:
        name = f"`{f.name}`" + "".join(f" (or `{alias}`)" for alias in f.aliases)
        rows.append(f"| {name} | {_HOLDS[f.kind]} | {f.default} | {f.description} |")
    return "\n".join(rows) + "\n"


_HOLDS: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.TEXT: "text",
        Kind.NAME: "a concept name",
        Kind.NAMES: "a list of names",
        Kind.TEXTS: "a list of text",
    }
)
