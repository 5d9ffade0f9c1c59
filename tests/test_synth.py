"""The synthetic benchmark corpus: deterministic, well formed, and clean under check."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml
from trees import load_bench_module

from generator.slugs import slugify

N = 200
DEMOS = 3
_WIKILINK = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|[^\]]*)?\]\]")
_MDLINK = re.compile(r"\]\(([^)]+)\.md\)")


synth = load_bench_module("synth")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a folder holding a corpus of N concepts and DEMOS demos."""
    root = tmp_path_factory.mktemp("corpus")
    synth.write_corpus(N, root, seed=7, demos=DEMOS)
    return root


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _split(path: Path) -> tuple[dict[str, Any], str]:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data, body


def _entities(corpus: Path) -> dict[str, tuple[dict[str, Any], str]]:
    """Return key -> (front matter, body), keyed the way the loader keys files."""
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for path in sorted((corpus / "entities").glob("*.md")):
        data, body = _split(path)
        out[str(data.get("entity_key", slugify(path.stem)))] = (data, body)
    return out


@pytest.mark.parametrize(("seed_a", "seed_b", "same"), [(7, 7, True), (7, 8, False)])
def test_same_seed_gives_identical_bytes(
    tmp_path: Path, seed_a: int, seed_b: int, same: bool
) -> None:
    synth.write_corpus(60, tmp_path / "a", seed=seed_a, demos=2)
    synth.write_corpus(60, tmp_path / "b", seed=seed_b, demos=2)
    assert (_digest(tmp_path / "a") == _digest(tmp_path / "b")) is same


def test_writes_n_concepts_and_d_demos(corpus: Path) -> None:
    assert len(list((corpus / "entities").glob("*.md"))) == N
    assert sorted(p.name for p in (corpus / "demos").glob("*.py")) == [
        f"synth-demo-{i:04d}.py" for i in range(DEMOS)
    ]


def test_every_name_is_unique_after_slugging(corpus: Path) -> None:
    names: list[str] = []
    for key, (data, _) in _entities(corpus).items():
        titles = [data["title"]] if "title" in data else []
        names.extend({slugify(n) for n in [key, *titles, *data.get("aliases", [])]})
    assert len(names) == len(set(names))


def test_tree_has_few_roots_and_is_shallow(corpus: Path) -> None:
    entities = _entities(corpus)
    tree = nx.DiGraph((k, d["parent"]) for k, (d, _) in entities.items() if "parent" in d)
    roots = [k for k, (d, _) in entities.items() if "parent" not in d]
    assert 10 <= len(roots) <= 20
    assert nx.is_directed_acyclic_graph(tree)
    assert nx.dag_longest_path_length(tree) <= synth.MAX_DEPTH


def test_requires_form_no_cycle_and_links_resolve(corpus: Path) -> None:
    entities = _entities(corpus)
    names = {slugify(n): k for k, (d, _) in entities.items() for n in d.get("aliases", [])}
    names.update({slugify(d["title"]): k for k, (d, _) in entities.items() if "title" in d})
    names.update({k: k for k in entities})
    requires = nx.DiGraph((k, r) for k, (d, _) in entities.items() for r in d.get("requires", []))
    assert requires.number_of_edges() > N // 4
    assert nx.is_directed_acyclic_graph(requires)
    for key, (data, body) in entities.items():
        targets = _WIKILINK.findall(body) + _MDLINK.findall(body)
        fields = [*data.get("related", []), *data.get("requires", []), data.get("parent")]
        for target in [*targets, *(f for f in fields if f)]:
            assert names.get(slugify(target), key) != key, (key, target)


def test_related_degrees_follow_a_heavy_tail(corpus: Path) -> None:
    degree: dict[str, int] = {}
    for data, _ in _entities(corpus).values():
        for other in data.get("related", []):
            degree[other] = degree.get(other, 0) + 1
    counts = sorted(degree.values())
    assert counts[-1] >= 5 * counts[len(counts) // 2]


def test_bodies_are_a_few_paragraphs_of_150_to_400_words(corpus: Path) -> None:
    sizes = [len(body.split()) for _, body in _entities(corpus).values()]
    assert min(sizes) >= 140
    assert max(sizes) <= 420
    assert all(body.count("\n\n") >= 3 for _, body in _entities(corpus).values())


def test_cli_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "entities").mkdir()
    (tmp_path / "entities" / "mine.md").write_text("keep me\n")
    with pytest.raises(SystemExit) as exit_info:
        synth.main(["5", str(tmp_path)])
    assert exit_info.value.code == 2
    assert (tmp_path / "entities" / "mine.md").read_text() == "keep me\n"


def test_corpus_passes_check_with_no_errors(corpus: Path) -> None:
    linker = pytest.importorskip("generator.linker")
    graph = linker.load_concept_graph(corpus / "entities", corpus / "demos")
    assert [str(d) for d in graph.errors] == []
    assert graph.graph.number_of_nodes() == N
    assert sum(len(d) for _, d in graph.graph.nodes(data="demos")) == DEMOS


def test_demos_change_only_the_demos_lines(tmp_path: Path) -> None:
    synth.write_corpus(80, tmp_path / "with", seed=3, demos=4)
    synth.write_corpus(80, tmp_path / "without", seed=3, demos=0)
    changed = 0
    for path in sorted((tmp_path / "with" / "entities").glob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        other = (tmp_path / "without" / "entities" / path.name).read_text(encoding="utf-8")
        kept = [line for line in lines if not line.startswith("demos: ")]
        changed += len(lines) - len(kept)
        assert kept == other.splitlines()
    assert changed == 4
