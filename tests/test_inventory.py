"""objects.inv: our writer's bytes read back by sphobjinv as Sphinx reads them."""

from __future__ import annotations

import doctest
import zlib
from pathlib import Path

import pytest
from trees import TreeWriter

import generator.inventory
import generator.render.text
from generator.build import BuildOptions, build_docs
from generator.demos import RunOptions
from generator.inventory import inventory_bytes, inventory_entries
from generator.linker import load_concept_graph

soi = pytest.importorskip("sphobjinv")

GLOSSARY = {
    "entities/neural-network.md": (
        "---\ntitle: Neural network\naliases: [ANN, Neural  Net]\n---\nLayers of units.\n"
    ),
    "entities/backpropagation.md": (
        "---\ntitle: Backpropagation\nparent: neural-network\naliases: [backprop]\n---\n"
        "The gradient of the loss.\n"
    ),
}


def read(data: bytes) -> dict[str, tuple[str, str, str, str, str]]:
    inventory = soi.Inventory(zlib=data)
    return {o.name: (o.domain, o.role, o.priority, o.uri, o.dispname) for o in inventory.objects}


def test_each_concept_is_a_term_and_each_name_an_extra_entry(
    tmp_path: Path, write_tree: TreeWriter
) -> None:
    graph = load_concept_graph(write_tree(tmp_path, GLOSSARY) / "entities", None)
    data = inventory_bytes(inventory_entries(graph, directory_urls=False), "DL terms", "1.0")
    assert data.startswith(b"# Sphinx inventory version 2\n# Project: DL terms\n# Version: 1.0\n")
    backprop = ("concepts/backpropagation.html", "Backpropagation")
    network = ("concepts/neural-network.html", "Neural network")
    assert {name: entry[:3] for name, entry in read(data).items()} == dict.fromkeys(
        ["backpropagation", "neural-network", "backprop", "neural network", "ann", "neural net"],
        ("std", "term", "-1"),
    )
    assert {name: entry[3:] for name, entry in read(data).items()} == {
        "backpropagation": backprop,
        "neural-network": network,
        "backprop": backprop,
        "neural network": network,
        "ann": network,
        "neural net": network,
    }
    inventory = soi.Inventory(zlib=data)
    assert (inventory.project, inventory.version) == ("DL terms", "1.0")


def test_directory_urls_point_at_folders(tmp_path: Path, write_tree: TreeWriter) -> None:
    graph = load_concept_graph(write_tree(tmp_path, GLOSSARY) / "entities", None)
    data = inventory_bytes(inventory_entries(graph, directory_urls=True), "x")
    assert read(data)["backprop"][3] == "concepts/backpropagation/"


def test_an_alias_never_takes_a_key(tmp_path: Path, write_tree: TreeWriter) -> None:
    files = {
        **GLOSSARY,
        "entities/ann.md": "---\ntitle: Approximate nearest neighbours\n---\nSearch.\n",
    }
    graph = load_concept_graph(write_tree(tmp_path, files) / "entities", None)
    entries = inventory_entries(graph, directory_urls=False)
    assert [e.uri for e in entries if e.name == "ann"] == ["concepts/ann.html"]


def test_the_body_is_zlib_and_lines_follow_the_format(
    tmp_path: Path, write_tree: TreeWriter
) -> None:
    graph = load_concept_graph(write_tree(tmp_path, GLOSSARY) / "entities", None)
    data = inventory_bytes(inventory_entries(graph, directory_urls=False), "x")
    body = zlib.decompress(data.split(b"zlib.\n", 1)[1]).decode("utf-8")
    assert body.splitlines()[0] == (
        "backpropagation std:term -1 concepts/backpropagation.html Backpropagation"
    )


def test_the_site_build_puts_it_at_the_root(tmp_path: Path, write_tree: TreeWriter) -> None:
    root = write_tree(tmp_path, GLOSSARY)
    options = BuildOptions(
        root / "entities",
        root / "demos",
        site_name="Terms",
        run=RunOptions(cache_dir=root / "cache"),
    )
    tree = build_docs(options).tree
    assert read(bytes(tree.files["objects.inv"]))["ann"][3] == "concepts/neural-network.html"


@pytest.mark.parametrize("module", [generator.inventory, generator.render.text])
def test_doctests_pass(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0 and result.failed == 0
