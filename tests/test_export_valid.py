"""Exports are valid files for any front matter that ``check`` accepts (finding 8).

Also the Unicode side of finding 9 for exports: titles outside the BMP
survive every format.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from trees import TreeWriter

from generator.cli import main
from generator.export import export_graph
from generator.linker import load_concept_graph
from generator.load import MAX_ALIAS_NODES


def _graph(write_tree: TreeWriter, tmp_path: Path, front: str) -> object:
    write_tree(tmp_path, {"entities/a.md": f"---\n{front}\n---\nBody.\n"})
    return load_concept_graph(tmp_path / "entities")


def _strict_json(text: str) -> object:
    def refuse(name: str) -> object:
        raise AssertionError(f"not strict JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def test_mixed_type_keys_are_stringified(write_tree: TreeWriter, tmp_path: Path) -> None:
    """Finding 8: an unknown field holding {1: a, b: c} crashed json.dumps(sort_keys=True)."""
    cg = _graph(write_tree, tmp_path, "x: {1: a, b: c, 2.5: d, null: e}")
    data = _strict_json(export_graph(cg.graph, "json"))  # type: ignore[attr-defined]
    assert data["nodes"][0]["extra"]["x"] == {"1": "a", "b": "c", "2.5": "d", "null": "e"}
    for fmt in ("graphml", "gexf"):
        root = ET.fromstring(export_graph(cg.graph, fmt))  # type: ignore[attr-defined]
        texts = [element.text or "" for element in root.iter()]
        texts += [value for element in root.iter() for value in element.attrib.values()]
        assert any('"1": "a"' in text and '"b": "c"' in text for text in texts)


def test_nan_and_infinity_are_null_in_json(write_tree: TreeWriter, tmp_path: Path) -> None:
    """Finding 8: .nan / .inf gave JSON with bare NaN."""
    cg = _graph(write_tree, tmp_path, "x: [.nan, .inf, -.inf, 1.5]\ny: {z: .nan}")
    text = export_graph(cg.graph, "json")  # type: ignore[attr-defined]
    assert "NaN" not in text and "Infinity" not in text
    extra = _strict_json(text)["nodes"][0]["extra"]  # type: ignore[index]
    assert extra == {"x": [None, None, None, 1.5], "y": {"z": None}}
    for fmt in ("graphml", "gexf"):
        ET.fromstring(export_graph(cg.graph, fmt))  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_control_characters_are_dropped_from_xml(
    write_tree: TreeWriter, tmp_path: Path, fmt: str
) -> None:
    """Finding 8: a control character in a title gave GraphML/GEXF that is not well-formed."""
    cg = _graph(write_tree, tmp_path, 'title: "bell\\a and \\x01 esc\\e tab\\t ok"\nx: "\\x02"')
    text = export_graph(cg.graph, fmt)  # type: ignore[attr-defined]
    root = ET.fromstring(text.encode("utf-8"))
    texts = {element.text for element in root.iter()} | {
        value for element in root.iter() for value in element.attrib.values()
    }
    assert "bell and  esc tab\t ok" in texts


def test_svg_and_xml_exports_drop_the_same_characters() -> None:
    """Finding 8: XML exports drop what the SVG writer drops, with one rule."""
    from generator.render.graphsvg.scene import esc
    from generator.xmlchars import xml_text

    text = "a\x00b\x1fc\ufffed\ud800e\tf"
    assert xml_text(text) == "abcde\tf"
    assert esc(text) == xml_text(text)


def test_alias_bomb_is_a_check_error(
    write_tree: TreeWriter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding 8: billion-laughs aliases made export expand 9**10 items; check said nothing."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    write_tree(tmp_path, {"entities/bomb.md": "---\n" + "\n".join(lines) + "\n---\nBody.\n"})
    monkeypatch.chdir(tmp_path)
    graph = load_concept_graph(Path("entities"))
    assert [str(d) for d in graph.errors] == [
        f"entities/bomb.md:2:1: error: YAML aliases expand to more than {MAX_ALIAS_NODES:,} "
        "nodes; write the values out instead of repeating anchors"
    ]
    assert len(export_graph(graph.graph, "json")) < 10_000


def test_a_few_aliases_are_fine(write_tree: TreeWriter, tmp_path: Path) -> None:
    """Finding 8: the limit counts expansion, so ordinary anchors and long lists still load."""
    items = ", ".join(f"v{i}" for i in range(MAX_ALIAS_NODES + 5))
    cg = _graph(write_tree, tmp_path, f"x: &t [a, b]\ny: *t\nz: [{items}]")
    assert cg.errors == ()  # type: ignore[attr-defined]
    extra = cg.entities["a"].extra  # type: ignore[attr-defined]
    assert extra["y"] == ["a", "b"] and len(extra["z"]) == MAX_ALIAS_NODES + 5


def test_export_command_writes_valid_json_for_odd_front_matter(
    write_tree: TreeWriter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Finding 8: `export` gave a traceback where `check` was clean."""
    write_tree(tmp_path, {"entities/a.md": "---\nx: {1: .nan, 2020-01-01: [.inf]}\n---\nB.\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "json"]) == 0
    extra = _strict_json(capsys.readouterr().out)["nodes"][0]["extra"]  # type: ignore[index]
    assert extra == {"x": {"1": None, "2020-01-01": [None]}}


@pytest.mark.parametrize("fmt", ["json", "graphml", "gexf", "dot"])
def test_titles_outside_the_bmp_survive_exports(
    write_tree: TreeWriter, tmp_path: Path, fmt: str
) -> None:
    """Finding 9: an emoji title stays one character in every export."""
    cg = _graph(write_tree, tmp_path, "title: Rocket 🚀")
    assert "Rocket 🚀" in export_graph(cg.graph, fmt)  # type: ignore[attr-defined]
