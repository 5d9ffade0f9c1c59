"""One concept file -> an ``Entity`` and the diagnostics found while reading it.

Front matter is composed into YAML nodes (which carry line and column) and the
known fields are read from the nodes directly, so every value has a position
at no extra cost; only unknown fields are constructed into Python values.
Front matter made only of one-line fields of plain text (the common case) is
read line by line instead (generator/plain_front_matter.py), to the same result.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from generator.errors import not_a_folder
from generator.links import strip_comments
from generator.model import Diagnostic, Entity, EntityKey, Ref, Severity, SourcePath
from generator.plain_front_matter import NULL as _NULL
from generator.plain_front_matter import Loader as _Loader
from generator.plain_front_matter import collect_texts, read_plain
from generator.reading import (
    DEFAULT_POLICY,
    ReadPolicy,
    ReadRefused,
    cannot_read,
    read_bytes,
    real_folder,
    refusal,
)
from generator.schema import FIELDS, KNOWN, Field, Kind, known
from generator.slugs import file_key, is_valid_key, slugify
from generator.summary import first_paragraph

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_WIKILINK_VALUE = re.compile(r"\[\[([^\[\]|#]+)(?:#[^\[\]|]*)?(?:\|[^\[\]]*)?\]\]")
_MERGE = "tag:yaml.org,2002:merge"
_POLICY = DEFAULT_POLICY
# Far above any real front matter, far below what an alias bomb expands to.
MAX_ALIAS_NODES = 10_000


def display_path(path: Path) -> SourcePath:
    """Return ``path`` as shown to the user: relative to the working directory when inside it."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute == cwd:
        return SourcePath(".")
    if absolute.startswith(cwd + os.sep):
        absolute = absolute[len(cwd) + 1 :]
    return SourcePath(absolute.replace(os.sep, "/"))


@dataclass(slots=True)
class _Reader:
    """Collects diagnostics for one file while its front matter is read."""

    source: SourcePath
    first_line: int
    diagnostics: list[Diagnostic] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)

    def where(self, node: yaml.Node) -> tuple[int, int]:
        mark = node.start_mark
        return self.first_line + mark.line, mark.column + 1

    def report(
        self, line: int, col: int, message: str, code: str, severity: Severity = Severity.ERROR
    ) -> None:
        self.diagnostics.append(Diagnostic(self.source, line, col, severity, message, code))

    def wrong_type(self, node: yaml.Node, what: str, expected: str) -> None:
        found = "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
        self.report(*self.where(node), f"{what} must be {expected}, not {found}", "wrong-type")

    def text(self, node: yaml.Node, name: str) -> str | None:
        if isinstance(node, yaml.ScalarNode):
            return None if node.tag == _NULL else str(node.value)
        self.wrong_type(node, f"'{name}'", "text")
        return None

    def ref(self, node: yaml.Node, what: str) -> Ref | None:
        inner = _bare_wikilink(node)
        if inner is not None:
            node = inner
        if not isinstance(node, yaml.ScalarNode):
            self.wrong_type(node, what, "a concept name")
            return None
        if node.tag == _NULL or not str(node.value).strip():
            return None
        value = str(node.value).strip()
        linked = _WIKILINK_VALUE.fullmatch(value) if value.startswith("[[") else None
        mark = node.start_mark
        name = linked.group(1).strip() if linked else value
        return Ref(name, self.first_line + mark.line, mark.column + 1)

    def items(self, node: yaml.Node) -> list[yaml.Node]:
        if isinstance(node, yaml.SequenceNode) and _bare_wikilink(node) is None:
            return list(node.value)
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
            return []
        return [node]


def _bare_wikilink(node: yaml.Node) -> yaml.ScalarNode | None:
    """Return ``x`` for an unquoted ``[[x]]`` (YAML reads it as a list in a list), else None."""
    if isinstance(node, yaml.SequenceNode) and len(node.value) == 1:
        inner = node.value[0]
        if isinstance(inner, yaml.SequenceNode) and len(inner.value) == 1:
            scalar = inner.value[0]
            if isinstance(scalar, yaml.ScalarNode) and node.flow_style:
                return scalar
    return None


def read_source(
    path: str | Path, source: SourcePath, folder: str | None = None, policy: ReadPolicy = _POLICY
) -> tuple[str | None, Diagnostic | None]:
    """Return the file's text (BOM dropped, LF line ends) or the diagnostic saying why not.

    ``folder`` is the real path of the content folder the file was found in
    (default: the file's own folder); ``policy`` decides what may be read.
    """
    where = real_folder(Path(path).parent) if folder is None else folder
    try:
        data = read_bytes(path, where, policy)
    except ReadRefused as refused:
        return None, Diagnostic(source, 1, 1, Severity.ERROR, str(refused), "unreadable")
    except OSError as error:
        return None, Diagnostic(source, 1, 1, Severity.ERROR, cannot_read(error), "unreadable")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        col = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"file is not valid UTF-8 (byte 0x{data[error.start]:02x}); save it as UTF-8"
        return None, Diagnostic(source, line, col, Severity.ERROR, message, "encoding")
    return text.replace("\r\n", "\n").replace("\r", "\n"), None


def _opens_front_matter(text: str) -> bool:
    """Return whether the first line of ``text`` is the ``---`` that opens front matter."""
    first_end = text.find("\n")
    return (text if first_end < 0 else text[:first_end]).rstrip() == "---"


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return the front matter's YAML (None if absent), the body, and the body's first line."""
    first_end = text.find("\n")
    if first_end < 0 or not _opens_front_matter(text):
        return None, text, 1
    close = _FRONT_MATTER_END.search(text, first_end + 1)
    if close is None:
        return None, text, 1
    yaml_text = text[first_end + 1 : close.start()]
    body_start = text.find("\n", close.end())
    body_start = len(text) if body_start < 0 else body_start + 1
    return yaml_text, text[body_start:], text.count("\n", 0, body_start) + 1


def _report_yaml_error(reader: _Reader, error: yaml.MarkedYAMLError) -> None:
    """Report a YAML error at its line in the file, naming where its context began."""
    mark = error.problem_mark or error.context_mark
    line, col = (reader.first_line + mark.line, mark.column + 1) if mark else (1, 1)
    message = f"invalid YAML in front matter: {error.problem or error.context or error}"
    if error.problem and error.context and error.context_mark:
        start = error.context_mark
        message += f" ({error.context} at {reader.first_line + start.line}:{start.column + 1})"
    reader.report(line, col, message, "yaml-error")


def _compose(reader: _Reader, yaml_text: str) -> tuple[yaml.Node | None, _Loader | None]:
    """Return the front matter's root node and its loader, or report the YAML error."""
    loader = _Loader(yaml_text)
    try:
        return loader.get_single_node(), loader
    except yaml.MarkedYAMLError as error:
        _report_yaml_error(reader, error)
    except yaml.YAMLError as error:
        reader.report(reader.first_line, 1, f"invalid YAML in front matter: {error}", "yaml-error")
    loader.dispose()
    return None, None


def expanded_size(root: yaml.Node, limit: int) -> int:
    """Return how many nodes ``root`` has once every alias is copied out (capped past ``limit``).

    Composed YAML shares an aliased node instead of copying it, so a few lines
    of anchors can stand for billions of values that an export would write
    out. Each distinct node is counted once, so this is linear in the text;
    a node inside itself adds nothing here (it cannot be constructed at all).
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes and not children_done:
            continue  # counted, or a node inside itself (the constructor reports that)
        children = _children(node)
        if not children_done:
            sizes[id(node)] = -1
            stack.append((node, True))
            stack.extend((child, False) for child in children)
            continue
        inner = sum(max(sizes[id(child)], 0) for child in children)
        sizes[id(node)] = min(limit + 1, 1 + inner)
    return sizes[id(root)]


def _aliases_too_big(root: yaml.Node) -> bool:
    """Return whether aliases copy out more than MAX_ALIAS_NODES nodes beyond those written."""
    if expanded_size(root, MAX_ALIAS_NODES) <= MAX_ALIAS_NODES:
        return False
    allowed = _distinct_nodes(root) + MAX_ALIAS_NODES
    return expanded_size(root, allowed) > allowed


def _distinct_nodes(root: yaml.Node) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in _children(stack.pop()):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _fields(reader: _Reader, root: yaml.Node) -> Iterator[tuple[str, yaml.Node]]:
    """Yield each field's name and value node, reporting names that are not text and repeats."""
    seen: set[str] = set()
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode):
            reader.wrong_type(key_node, "a field name", "text")
            continue
        written = str(key_node.value)
        field = known(written)
        name = field.name if field is not None else written
        if name in seen:
            message = f"field '{name}' is given twice; the last one is used"
            if written != name:
                message = f"field '{written}' is another name for '{name}', given already; "
                message += "the last one is used"
            reader.report(*reader.where(key_node), message, "duplicate-field", Severity.WARNING)
        seen.add(name)
        yield written, value_node


def _read_fields(reader: _Reader, yaml_text: str) -> dict[str, Any]:
    """Return the front matter's fields, type-checked; known ones as str, Ref or tuples."""
    simple = read_plain(reader.first_line, yaml_text)
    if simple is not None:
        reader.positions.update(simple[1])
        return simple[0]
    root, loader = _compose(reader, yaml_text)
    if loader is None:
        return {}
    if root is None:
        loader.dispose()
        return {}
    values: dict[str, Any] = {}
    if _aliases_too_big(root):
        message = (
            f"YAML aliases expand to more than {MAX_ALIAS_NODES:,} nodes; "
            "write the values out instead of repeating anchors"
        )
        reader.report(*reader.where(root), message, "yaml-aliases")
        loader.dispose()
        return {}
    try:
        if not isinstance(root, yaml.MappingNode):
            if not (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):
                kind = "a list" if isinstance(root, yaml.SequenceNode) else "a single value"
                message = f"front matter must be a mapping of fields, not {kind}"
                reader.report(*reader.where(root), message, "not-a-mapping")
            return {}
        if any(key.tag == _MERGE for key, _ in root.value):
            loader.flatten_mapping(root)
        for written, node in _fields(reader, root):
            field = known(written)
            name = field.name if field is not None else written
            reader.positions[name] = reader.where(node)
            values[name] = _read_field(reader, loader, written, field, node)
    except yaml.MarkedYAMLError as error:
        _report_yaml_error(reader, error)
    finally:
        loader.dispose()
    return values


def _read_field(
    reader: _Reader, loader: _Loader, name: str, field: Field | None, node: yaml.Node
) -> Any:
    """Return one field's value: checked for known fields, constructed for the rest."""
    if field is None:
        return _construct(reader, loader, name, node)
    if field.kind is Kind.TEXT:
        return reader.text(node, name)
    if field.kind is Kind.NAME:
        return reader.ref(node, f"'{name}'")
    if field.kind is Kind.NAMES:
        refs = (reader.ref(item, f"each of '{name}'") for item in reader.items(node))
        return tuple(ref for ref in refs if ref is not None)
    texts = ((reader.text(item, name), reader.where(item)) for item in reader.items(node))
    return collect_texts(field, texts, reader.positions)


def _construct(reader: _Reader, loader: _Loader, name: str, node: yaml.Node) -> Any:
    """Return an unknown field's value as YAML constructs it, or None (reported)."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as error:
        _report_yaml_error(reader, error)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        message = f"cannot read the value of '{name}': {error}"
        reader.report(*reader.where(node), message, "yaml-error")
    return None


def _key(reader: _Reader, given: str | None, stem: str) -> EntityKey:
    """Return the entity's key, or '' (reported) when it is not a safe slug."""
    if given is None:
        key = file_key(stem)
        if not key:
            message = f"file name '{stem}' gives no usable key; set 'entity_key' in front matter"
            reader.report(1, 1, message, "invalid-key")
        return EntityKey(key)
    if is_valid_key(given):
        return EntityKey(given)
    hint = slugify(given)
    message = f"entity_key '{given}' is not a valid key: use lowercase letters, digits and '-'"
    message += f" (e.g. '{hint}')" if hint else ""
    reader.report(*reader.positions["entity_key"], message, "invalid-key")
    return EntityKey("")


def load_entity(
    path: Path, root: Path | None = None, policy: ReadPolicy = _POLICY
) -> tuple[Entity | None, list[Diagnostic]]:
    """Return the concept in ``path`` and what is wrong with it.

    An entity whose key is not a safe slug is returned with the key ``''``:
    its other mistakes are still reported, but it never becomes a page.
    Files under a dot-folder of ``root`` are not concepts: ``(None, [])``.
    """
    if root is not None and any(part.startswith(".") for part in path.relative_to(root).parts[:-1]):
        return None, []
    folder = real_folder(root if root is not None else path.parent)
    return _load_file(str(path), display_path(path), path.stem, _Source(folder, policy))


@dataclass(frozen=True, slots=True)
class _Source:
    """The real path of the folder being loaded, and the policy its files are read under."""

    folder: str
    policy: ReadPolicy


def _load_file(
    path: str, source: SourcePath, stem: str, where: _Source
) -> tuple[Entity | None, list[Diagnostic]]:
    """Return the concept in the file ``path``, shown as ``source``, named ``stem``."""
    text, problem = read_source(path, source, where.folder, where.policy)
    if text is None:
        return None, [problem] if problem else []
    yaml_text, body, body_line = split_front_matter(text)
    reader = _Reader(source, first_line=2)
    values = _read_fields(reader, yaml_text) if yaml_text is not None else {}
    if yaml_text is None and _opens_front_matter(text):
        reader.report(
            1,
            1,
            "front matter is opened but never closed, so the file is read as body:"
            " end the front matter with a line '---'",
            "unclosed-front-matter",
            Severity.WARNING,
        )
    body, links = strip_comments(body, body_line)
    summary = values.get("summary")
    entity = Entity(
        key=_key(reader, values.get("entity_key"), stem),
        title=values.get("title") or stem,
        summary=summary.strip() if summary is not None else first_paragraph(body),
        source=source,
        body=body,
        body_line=body_line,
        links=links,
        extra=MappingProxyType({k: v for k, v in values.items() if k not in KNOWN}),
        summary_given=summary is not None,
        positions=MappingProxyType(reader.positions),
        **_relations(values),
    )
    return entity, reader.diagnostics


# The fields the Entity holds as read, with their value when absent; the text
# fields (key, title, summary) have computed defaults instead.
_AS_READ = tuple((f.name, () if f.is_list else None) for f in FIELDS if f.kind is not Kind.TEXT)


def _relations(values: dict[str, Any]) -> dict[str, Any]:
    """Return the Entity's list and name fields: as read, or empty when absent."""
    return {name: values.get(name, empty) for name, empty in _AS_READ}


def _walk(entities_dir: Path) -> Iterator[tuple[str, SourcePath, str]]:
    """Yield (path, path as shown, file name) for every file, sorted, skipping dot-folders."""
    for folder, subfolders, files in os.walk(entities_dir):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        shown = display_path(Path(folder))
        prefix = "" if shown == "." else f"{shown}/"
        for name in sorted(files):
            if not name.startswith("."):
                yield os.path.join(folder, name), SourcePath(prefix + name), name


def load_entities(
    entities_dir: Path, policy: ReadPolicy = _POLICY
) -> tuple[list[Entity], list[Diagnostic], dict[str, SourcePath]]:
    """Return every concept under ``entities_dir``, the diagnostics, and its other files by name.

    Non-Markdown files (images) are indexed by lower-cased file name, the
    first in sorted path order winning, so ``![[x.png]]`` finds them in any sub-folder.
    A file the reading policy refuses is reported (an error for a concept, a
    warning for any other file) and never indexed, so it is never published.
    """
    if not entities_dir.is_dir():
        raise not_a_folder("entities", entities_dir)
    where = _Source(real_folder(entities_dir), policy)
    entities: list[Entity] = []
    diagnostics: list[Diagnostic] = []
    images: dict[str, SourcePath] = {}
    for path, source, name in _walk(entities_dir):
        if not name.lower().endswith(".md"):
            problem = refusal(path, where.folder, policy)
            if problem is None:
                images.setdefault(name.lower(), source)
            else:
                message = f"{problem}; it is not published"
                diagnostics.append(
                    Diagnostic(source, 1, 1, Severity.WARNING, message, "unreadable")
                )
            continue
        entity, found = _load_file(path, source, name[:-3], where)
        diagnostics.extend(found)
        if entity is not None:
            entities.append(entity)
    return entities, diagnostics, images
