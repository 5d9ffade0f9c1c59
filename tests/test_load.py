from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import UsageError
from generator.load import load_entities, load_entity
from generator.model import Diagnostic, Entity, Ref, SourcePath
from generator.slugs import is_valid_key

TreeWriter = Callable[[Path, Mapping[str, str | bytes]], Path]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _load(
    write_tree: TreeWriter, tmp_path: Path, text: str | bytes, name: str = "a.md"
) -> tuple[Entity | None, list[Diagnostic]]:
    write_tree(tmp_path, {f"entities/{name}": text})
    return load_entity(tmp_path / "entities" / name)


def _messages(diagnostics: list[Diagnostic]) -> list[str]:
    return [str(d) for d in diagnostics]


def test_full_front_matter(write_tree: TreeWriter, tmp_path: Path) -> None:
    text = (
        "---\n"
        "entity_key: backpropagation\n"
        "title: Backpropagation\n"
        "summary: How a network finds its gradient.\n"
        "aliases: [backprop, BP]\n"
        "parent: neural-network\n"
        "children: [a, b]\n"
        "related: gradient-descent\n"
        "requires:\n  - chain-rule\n  - '[[Loss Function]]'\n"
        "tags: [training, '#algorithm']\n"
        "demos: [backprop-by-hand]\n"
        "created: 2024-01-02\n"
        "---\n"
        "Body with [[gradient-descent]].\n"
    )
    entity, diagnostics = _load(write_tree, tmp_path, text)
    assert diagnostics == []
    assert entity is not None
    assert (entity.key, entity.title, entity.summary, entity.summary_given) == (
        "backpropagation",
        "Backpropagation",
        "How a network finds its gradient.",
        True,
    )
    assert entity.aliases == ("backprop", "BP")
    assert entity.parent == Ref("neural-network", 6, 9)
    assert entity.children == (Ref("a", 7, 12), Ref("b", 7, 15))
    assert entity.related == (Ref("gradient-descent", 8, 10),)
    assert entity.requires == (Ref("chain-rule", 10, 5), Ref("Loss Function", 11, 5))
    assert entity.tags == ("training", "algorithm")
    assert entity.demos == (Ref("backprop-by-hand", 13, 9),)
    assert dict(entity.extra) == {"created": datetime.date(2024, 1, 2)}
    assert entity.source == "entities/a.md"
    assert entity.body_line == 16
    assert [(k.target, k.line, k.col) for k in entity.links] == [("gradient-descent", 16, 11)]
    assert entity.positions["aliases.1"] == (5, 21)


def test_obsidian_note_without_front_matter(write_tree: TreeWriter, tmp_path: Path) -> None:
    text = (
        "# Batch Norm\n\n> [!note] A callout\n> inside\n\n"
        "Normalizes *each* [[Layer|layer's]] inputs %%not shown%% over a `batch`.\n"
        "Second line, $x^2$.\n\nNext paragraph.\n"
    )
    entity, diagnostics = _load(write_tree, tmp_path, text, "Batch Norm.md")
    assert diagnostics == []
    assert entity is not None
    assert (entity.key, entity.title, entity.body_line) == ("batch-norm", "Batch Norm", 1)
    assert entity.summary == "Normalizes each layer's inputs over a batch. Second line, $x^2$."
    assert entity.summary_given is False
    assert "%%" not in entity.body
    assert [(k.target, k.line, k.col) for k in entity.links] == [("Layer", 6, 19)]


def test_bom_and_crlf_load_cleanly(write_tree: TreeWriter, tmp_path: Path) -> None:
    text = "\ufeff---\r\ntitle: T\r\nparent: p\r\n---\r\nBody [[x]].\r\n"
    entity, diagnostics = _load(write_tree, tmp_path, text.encode("utf-8"))
    assert diagnostics == []
    assert entity is not None
    assert (entity.title, entity.parent, entity.body) == ("T", Ref("p", 3, 9), "Body [[x]].\n")
    assert [(k.line, k.col) for k in entity.links] == [(5, 6)]


def test_single_strings_and_nulls(write_tree: TreeWriter, tmp_path: Path) -> None:
    text = "---\ntags: one\naliases:\nparent:\ntitle: 1984\nrelated: [[x]]\n---\n"
    entity, diagnostics = _load(write_tree, tmp_path, text)
    assert diagnostics == []
    assert entity is not None
    assert (entity.tags, entity.aliases, entity.parent, entity.title) == (
        ("one",),
        (),
        None,
        "1984",
    )
    assert entity.related == (Ref("x", 6, 12),)


KEY_HINT = "is not a valid key: use lowercase letters, digits and '-'"
YAML = "error: invalid YAML in front matter:"


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: [a, b]", "2:8: error: 'title' must be text, not a list"),
        ("parent: {a: 1}", "2:9: error: 'parent' must be a concept name, not a mapping"),
        ("tags: [a, [b]]", "2:11: error: 'tags' must be text, not a list"),
        (
            "related:\n  - x\n  - {y: 1}",
            "4:5: error: each of 'related' must be a concept name, not a mapping",
        ),
        ("- a\n- b", "2:1: error: front matter must be a mapping of fields, not a list"),
        ("text", "2:1: error: front matter must be a mapping of fields, not a single value"),
        ("title: a\ntitle: b", "3:1: warning: field 'title' is given twice; the last one is used"),
        (
            "title: a\nparent: [x\n",
            f"5:1: {YAML} did not find expected ',' or ']' (while parsing a flow sequence at 3:9)",
        ),
        ("title: a\n  bad: x", f"3:6: {YAML} mapping values are not allowed in this context"),
        ("date: 2024-13-45", "2:7: error: cannot read the value of 'date': month must be in 1..12"),
        ("n: &a [*a]", f"2:4: {YAML} found unconstructable recursive node"),
        ("entity_key: ../../x", f"2:13: error: entity_key '../../x' {KEY_HINT} (e.g. 'x')"),
        ("entity_key: a/b", f"2:13: error: entity_key 'a/b' {KEY_HINT} (e.g. 'a-b')"),
        ("entity_key: A B", f"2:13: error: entity_key 'A B' {KEY_HINT} (e.g. 'a-b')"),
    ],
)
def test_front_matter_mistakes(
    write_tree: TreeWriter, tmp_path: Path, front: str, expected: str
) -> None:
    entity, diagnostics = _load(write_tree, tmp_path, f"---\n{front}\n---\nBody.\n")
    assert _messages(diagnostics) == [f"entities/a.md:{expected}"]
    assert entity is not None


def test_invalid_key_is_loaded_under_no_key(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, _ = _load(write_tree, tmp_path, "---\nentity_key: ../../x\n---\nBody.\n")
    assert entity is not None and entity.key == ""
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.md", "entities"]


def test_file_name_in_another_script_gives_a_hashed_key(
    write_tree: TreeWriter, tmp_path: Path
) -> None:
    entity, diagnostics = _load(write_tree, tmp_path, "Body.\n", "日本.md")
    assert entity is not None and is_valid_key(entity.key) and entity.key.startswith("n-")
    assert entity.title == "日本"
    assert diagnostics == []
    again, _ = _load(write_tree, tmp_path / "again", "Other body.\n", "日本.md")
    assert again is not None and again.key == entity.key  # the name decides it, nothing else


def test_file_name_without_a_letter_gives_no_key(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, diagnostics = _load(write_tree, tmp_path, "Body.\n", "--.md")
    assert entity is not None and entity.key == ""
    assert _messages(diagnostics) == [
        "entities/--.md:1:1: error: file name '--' gives no usable key;"
        " set 'entity_key' in front matter"
    ]


def test_invalid_utf8_is_a_diagnostic(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, diagnostics = _load(write_tree, tmp_path, b"---\ntitle: x\n---\nab\xffc\n")
    assert entity is None
    assert _messages(diagnostics) == [
        "entities/a.md:4:3: error: file is not valid UTF-8 (byte 0xff); save it as UTF-8"
    ]


def test_unreadable_file_is_a_diagnostic(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, diagnostics = load_entity(tmp_path / "entities" / "missing.md")
    assert entity is None
    assert [d.code for d in diagnostics] == ["unreadable"]
    assert str(diagnostics[0]).startswith("entities/missing.md:1:1: error: cannot read file: ")


def test_unclosed_front_matter_is_body_and_said(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, diagnostics = _load(write_tree, tmp_path, "---\ntitle: x\nText.\n")
    assert [str(d) for d in diagnostics] == [
        "entities/a.md:1:1: warning: front matter is opened but never closed, so the file is"
        " read as body: end the front matter with a line '---'"
    ]
    assert entity is not None and entity.title == "a" and entity.body_line == 1
    assert entity.body.startswith("---\ntitle: x\n")  # nothing is lost


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ("", ""),
        ("# Only a heading\n", ""),
        ("```\ncode first\n```\nThen prose.\n", "Then prose."),
        ("- a list\n- item\n\nProse [link](b.md) and ![img](x.png).\n", "Prose link and ."),
        ("| a | b |\n|---|---|\n\n**Bold** ~~gone~~ text.", "Bold gone text."),
        ("![[pic.png]]\n\nSee [[t#Part]] and <b>x</b>.", "See t and x."),
    ],
)
def test_default_summary(write_tree: TreeWriter, tmp_path: Path, body: str, summary: str) -> None:
    entity, _ = _load(write_tree, tmp_path, body)
    assert entity is not None and entity.summary == summary


def test_load_entities_skips_dot_folders_and_indexes_images(
    write_tree: TreeWriter, tmp_path: Path
) -> None:
    write_tree(
        tmp_path,
        {
            "entities/a.md": "A.",
            "entities/sub/B Note.md": "B.",
            "entities/.obsidian/c.md": "C.",
            "entities/.trash/d.md": "D.",
            "entities/img/Graph.PNG": b"\x89PNG",
            "entities/z/graph.png": b"\x89PNG",
            "entities/.DS_Store": b"",
        },
    )
    entities, diagnostics, images = load_entities(tmp_path / "entities")
    assert diagnostics == []
    assert [(e.key, e.source) for e in entities] == [
        ("a", "entities/a.md"),
        ("b-note", "entities/sub/B Note.md"),
    ]
    assert images == {"graph.png": "entities/img/Graph.PNG"}


def test_load_entity_skips_dot_folder_of_root(write_tree: TreeWriter, tmp_path: Path) -> None:
    write_tree(tmp_path, {"entities/.obsidian/c.md": "C."})
    root = tmp_path / "entities"
    assert load_entity(root / ".obsidian" / "c.md", root) == (None, [])


def test_missing_entities_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        load_entities(tmp_path / "nope")


def test_entity_is_frozen(write_tree: TreeWriter, tmp_path: Path) -> None:
    entity, _ = _load(write_tree, tmp_path, "Body.")
    assert isinstance(entity, Entity)
    with pytest.raises(AttributeError):
        entity.title = "x"  # type: ignore[misc]


def test_sources_when_the_entities_folder_is_the_working_directory(
    write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, {"entities/a.md": "A.", "entities/sub/b.md": "B."})
    monkeypatch.chdir(tmp_path / "entities")
    entities, _, _ = load_entities(Path("."))
    assert [e.source for e in entities] == ["a.md", "sub/b.md"]


@pytest.mark.parametrize(
    ("front_matter", "plain"),
    [
        ("title: A\nsummary: One line.\nparent: b\naliases: [x y,  z]\ntags: [t]\n", True),
        ("related: [a, null, é😀 b]\nrequires: c\nchildren: ~\nweight: [p, q]\nnote: x\n", True),
        ("# a comment\n\ntitle: null\naliases: []\ndemos: [d]\n", True),
        ("title: [a]\n", False),  # a list where text is expected
        ("weight: 3\n", False),  # not plain text: constructed by the loader
        ("aliases: [a, b\n  , c]\n", False),  # a list over two lines
        ("title: a: b\n", False),  # a YAML mistake
        ("title: A\ntitle: B\n", False),  # a repeated field
        ("yes: x\n", False),  # a field name that is not text
    ],
)
def test_plain_front_matter_reads_as_the_yaml_loader_does(
    front_matter: str, plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import load, plain_front_matter

    assert (plain_front_matter.read_plain(2, front_matter) is not None) == plain

    def read(yaml_text: str) -> tuple[object, ...]:
        reader = load._Reader(SourcePath("a.md"), first_line=2)
        values = load._read_fields(reader, yaml_text)
        return values, reader.positions, reader.diagnostics

    fast = read(front_matter)
    monkeypatch.setattr(load, "read_plain", lambda first_line, yaml_text: None)
    assert fast == read(front_matter)


FIELD_NAMES = ["title", "summary", "entity_key", "parent", "aliases", "alias", "tags", "tag"]
FIELD_NAMES += ["related", "requires", "children", "demos", "weight", "note", "yes"]
PLAIN_WORDS = ["a", "b c", "null", "~", "3", "é", "#t", "x.y", "true", "-a", "x:y", "it's", "[[a]]"]
ODD_WORDS = ["", " ", "\t", ",", "[", "]", "{", "!", "&x", "*x", "%", "'q'", ": ", "a #c", "x:"]
WORDS = PLAIN_WORDS * 4 + ODD_WORDS  # mostly plain, so the one-line reader often applies
_TEXT = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)
_VALUE = st.one_of(_TEXT, st.lists(_TEXT, max_size=3).map(lambda items: f"[{', '.join(items)}]"))
_LINE = st.tuples(
    st.sampled_from(FIELD_NAMES), st.sampled_from([": "] * 6 + [":  ", ":", " : "]), _VALUE
)
_OTHER = st.sampled_from(["", "# note", "  - a", "---", "title: again"])


@settings(
    max_examples=1_500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    front_matter=st.tuples(
        st.lists(_LINE, max_size=6, unique_by=lambda line: line[0]).map(
            lambda lines: ["".join(line) for line in lines]
        ),
        st.lists(_OTHER, max_size=1),
    ).map(lambda parts: "\n".join(parts[0] + parts[1]))
)
def test_plain_front_matter_reads_as_yaml_whenever_it_applies(
    front_matter: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the one-line reader takes front matter, it reads what the YAML reader reads."""
    from generator import load, plain_front_matter

    if plain_front_matter.read_plain(2, front_matter) is None:
        return  # the YAML reader reads it: nothing to compare

    def read(yaml_text: str) -> tuple[object, ...]:
        reader = load._Reader(SourcePath("a.md"), first_line=2)
        values = load._read_fields(reader, yaml_text)
        return values, reader.positions, reader.diagnostics

    fast = read(front_matter)
    with monkeypatch.context() as patched:
        patched.setattr(load, "read_plain", lambda first_line, yaml_text: None)
        assert fast == read(front_matter)
