"""The front-matter schema: one declaration for both readers, new, the README and JSON Schema."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from trees import TreeWriter

from generator.load import load_entity, split_front_matter
from generator.model import Entity
from generator.plain_front_matter import read_plain
from generator.schema import FIELDS, Kind, json_schema, markdown_table, template_fields

REPO = Path(__file__).resolve().parents[1]
VALIDATOR = jsonschema.Draft202012Validator(json_schema())

# (front matter, accepted?): check's verdict on types, which the schema must share.
CASES = [
    ("title: 2024", True),
    ("title: [a, b]", False),
    ("summary: {a: 1}", False),
    ("entity_key: good-key", True),
    ("entity_key: Bad Key", False),
    ("parent: neural-network", True),
    ("parent: [[neural-network]]", True),
    ("parent: '[[neural-network|the net]]'", True),
    ("parent: [a, b]", False),
    ("parent: {a: 1}", False),
    ("related: gradient-descent", True),
    ("related: [[gradient-descent]]", True),
    ("related: [[[a]], b, '[[c]]']", True),
    ("related: [a, {b: 1}]", False),
    ("related: [[a, b]]", False),
    ("requires: null", True),
    ("demos: [hello, 3]", True),
    ("tags: [a, '#b']", True),
    ("tags: 5", True),
    ("tags: [[a]]", False),
    ("tags: [a, [b]]", False),
    ("tag: [a]", True),
    ("tag: {a: 1}", False),
    ("alias: [A]", True),
    ("aliases: [[A]]", False),
    ("created: {any: [thing, 1]}", True),
]


def test_schema_is_a_valid_2020_12_schema() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft7Validator.check_schema(schema)  # what older YAML editors validate with


@pytest.mark.parametrize(("front", "accepted"), CASES)
def test_schema_and_check_agree_on_types(
    front: str, accepted: bool, write_tree: TreeWriter, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"entities/a.md": f"---\n{front}\n---\nBody.\n"})
    _, diagnostics = load_entity(tmp_path / "entities" / "a.md")
    type_errors = [d for d in diagnostics if d.code in ("wrong-type", "invalid-key")]
    assert (type_errors == []) is accepted, type_errors
    value = yaml.safe_load(front)
    assert VALIDATOR.is_valid(value) is accepted
    assert jsonschema.Draft7Validator(json_schema()).is_valid(value) is accepted


def test_every_shipped_concept_validates() -> None:
    files = sorted((REPO / "entities").glob("*.md"))
    assert len(files) > 40
    for path in files:
        yaml_text, _, _ = split_front_matter(path.read_text("utf-8"))
        assert yaml_text is not None, path
        errors = [e.message for e in VALIDATOR.iter_errors(yaml.safe_load(yaml_text))]
        assert errors == [], path


def test_wrong_type_names_the_field() -> None:
    errors = list(VALIDATOR.iter_errors({"title": "ok", "parent": {"a": 1}}))
    assert [list(e.absolute_path) for e in errors] == [["parent"]]


def test_readme_has_the_field_table() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert markdown_table() in readme, "paste generator.schema.markdown_table() into README.md"
    for field in FIELDS:
        assert f"| `{field.name}`" in readme


def test_entity_holds_every_field_read_as_is() -> None:
    attributes = {f.name for f in dataclasses.fields(Entity)}
    as_read = {f.name for f in FIELDS if f.kind is not Kind.TEXT}
    assert as_read <= attributes
    assert {f.name for f in FIELDS if f.kind is Kind.TEXT} == {"entity_key", "title", "summary"}


@pytest.mark.parametrize(
    "front", ["tag: [a, '#b']\nalias: [A]", "tag:\n  - a\n  - '#b'\nalias:\n  - A"]
)
def test_field_aliases_read_as_their_field(
    front: str, write_tree: TreeWriter, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"entities/a.md": f"---\n{front}\n---\nBody.\n"})
    entity, diagnostics = load_entity(tmp_path / "entities" / "a.md")
    assert diagnostics == []
    assert entity is not None
    assert (entity.tags, entity.aliases, dict(entity.extra)) == (("a", "b"), ("A",), {})
    assert "aliases.0" in entity.positions


def test_plain_reader_knows_the_aliases() -> None:
    read = read_plain(2, "tag: [a, b]\ntitle: T")
    assert read is not None
    assert read[0] == {"tags": ("a", "b"), "title": "T"}
    assert read_plain(2, "tag: [a]\ntags: [b]") is None  # given twice: the YAML reader reports it


def test_a_field_and_its_alias_together_warn(
    write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_tree(tmp_path, {"entities/a.md": "---\ntags: [a]\ntag: [b]\n---\nBody.\n"})
    entity, diagnostics = load_entity(tmp_path / "entities" / "a.md")
    assert [str(d) for d in diagnostics] == [
        "entities/a.md:3:1: warning: field 'tag' is another name for 'tags', given already;"
        " the last one is used"
    ]
    assert entity is not None and entity.tags == ("b",)


def test_schema_command_prints_the_schema() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "schema"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json_schema()


def test_new_writes_the_template_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["new", "layer-norm"]) == 0
    capsys.readouterr()
    yaml_text, _, _ = split_front_matter((tmp_path / "entities/layer-norm.md").read_text())
    assert yaml_text is not None
    written = yaml.safe_load(yaml_text)
    absent = {"parent"}  # no --parent given
    assert list(written) == [f.name for f in template_fields() if f.name not in absent]
    assert VALIDATOR.is_valid(written)
