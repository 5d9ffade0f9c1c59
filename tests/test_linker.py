from __future__ import annotations

import ast
import gc
import sys
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path

import networkx as nx
import pytest

from generator.linker import load_concept_graph, release_loaded, resolve_name
from generator.model import ConceptGraph

TreeWriter = Callable[[Path, Mapping[str, str | bytes]], Path]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _graph(write_tree: TreeWriter, tmp_path: Path, files: Mapping[str, str]) -> ConceptGraph:
    write_tree(tmp_path, {f"entities/{name}": text for name, text in files.items()})
    write_tree(tmp_path, {"demos/known.py": "# %%\nprint(1)\n"})
    return load_concept_graph(Path("entities"), Path("demos"))


def _front(**fields: str) -> str:
    lines = [f"{name}: {value}" for name, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\nA summary.\n"


# Every file below is connected and has a summary, so each case yields only its own finding.
BASE = {
    "transformer.md": _front(related="attention"),
    "attention.md": _front(related="transformer"),
}

CASES: list[tuple[str, dict[str, str], str]] = [
    (
        "dangling parent with hint",
        {"x.md": _front(parent="transfomer", related="attention")},
        "entities/x.md:2:9: error: parent 'transfomer' is not a concept"
        " (did you mean 'transformer'?)",
    ),
    (
        "dangling related, no hint",
        {"x.md": _front(parent="attention", related="[zebra]")},
        "entities/x.md:3:11: error: related concept 'zebra' is not a concept",
    ),
    (
        "dangling requires",
        {"x.md": _front(parent="attention", requires="[attention, atention]")},
        "entities/x.md:3:23: error: prerequisite 'atention' is not a concept"
        " (did you mean 'attention'?)",
    ),
    (
        "dangling child",
        {"x.md": _front(parent="attention", children="[nothing-here]")},
        "entities/x.md:3:12: error: child 'nothing-here' is not a concept",
    ),
    (
        "dangling body link",
        {"x.md": "---\nparent: attention\n---\nSee [[Transformr|it]].\n"},
        "entities/x.md:4:5: error: link target 'Transformr' is not a concept"
        " (did you mean 'transformer'?)",
    ),
    (
        "dangling markdown link",
        {"x.md": "---\nparent: attention\n---\nSee [it](nothing.md).\n"},
        "entities/x.md:4:5: error: link target 'nothing.md' is not a concept",
    ),
    (
        "missing image",
        {"x.md": "---\nparent: attention\n---\nA.\n\n![[plot.png|200]]\n"},
        "entities/x.md:6:1: error: embedded file 'plot.png' is not in the entities folder",
    ),
    (
        "self reference",
        {"x.md": _front(parent="attention", related="[x]")},
        "entities/x.md:3:11: error: 'x' lists itself as related concept",
    ),
    (
        "unknown demo",
        {"x.md": _front(parent="attention", demos="[knwn]")},
        "entities/x.md:3:9: error: unknown demo 'knwn': there is no demos/knwn.py"
        " (did you mean 'known'?)",
    ),
    (
        "invalid demo id",
        {"x.md": _front(parent="attention", demos="'../etc'")},
        "entities/x.md:3:8: error: demo id '../etc' is not valid:"
        " use lowercase letters, digits and '-'",
    ),
    (
        "duplicate key",
        {"x.md": _front(entity_key="attention", parent="transformer")},
        "entities/x.md:2:13: error: duplicate key 'attention': entities/attention.md has it too;"
        " set another entity_key in one of them, or rename one file",
    ),
    (
        "ambiguous alias",
        {"x.md": _front(parent="attention", aliases="[Transformer]")},
        "entities/x.md:3:11: error: alias 'Transformer' is also the key of"
        " entities/transformer.md: links to it are ambiguous; change one of them",
    ),
    (
        "cycle in parent",
        {
            "a.md": _front(parent="b"),
            "b.md": _front(parent="c"),
            "c.md": _front(parent="a"),
        },
        "entities/a.md:2:9: error: cycle in 'parent': a -> b -> c -> a",
    ),
    (
        "cycle in requires",
        {"a.md": _front(requires="b"), "b.md": _front(requires="[attention, a]")},
        "entities/a.md:2:11: error: cycle in 'requires': a -> b -> a",
    ),
    (
        "children disagree with parent",
        {"x.md": _front(parent="attention", children="[transformer]")},
        "entities/x.md:3:12: warning: children lists 'transformer', whose file sets no parent:"
        " add 'parent: x' to entities/transformer.md",
    ),
    (
        "isolated",
        {"x.md": "Alone.\n"},
        "entities/x.md:1:1: warning: 'x' is not connected to any concept:"
        " give it a parent, related or requires, or link to it",
    ),
    (
        "no summary",
        {"x.md": "---\nparent: attention\n---\n"},
        "entities/x.md:1:1: warning: 'x' has no summary:"
        " start the body with a paragraph or set 'summary'",
    ),
    (
        "missing heading",
        {"x.md": "---\nparent: attention\n---\nSee [[attention#Scaled dot]].\n"},
        "entities/x.md:4:5: warning: heading 'Scaled dot' is not in entities/attention.md:"
        " the link opens the page",
    ),
    (
        "missing block",
        {"x.md": "---\nparent: attention\n---\nSee [[attention#^nope]].\n"},
        "entities/x.md:4:5: warning: block '^nope' is not in entities/attention.md:"
        " the link opens the page",
    ),
    (
        "markdown link to a missing file",
        {"x.md": "---\nparent: attention\n---\nSee [data](nothing.csv).\n"},
        "entities/x.md:4:5: error: linked file 'nothing.csv' is not in the entities folder",
    ),
    (
        "missing markdown embed",
        {"x.md": "---\nparent: attention\n---\nA.\n\n![plot](Pasted%20image.png)\n"},
        "entities/x.md:6:1: error: embedded file 'Pasted image.png' is not in the entities folder",
    ),
    (
        "file outside the entities folder",
        {"x.md": "---\nparent: attention\n---\nSee [it](../secret.pdf).\n"},
        "entities/x.md:4:5: error: '../secret.pdf' is outside the entities folder:"
        " move the file into it or link to it by its URL",
    ),
    (
        "dangling path wikilink",
        {"x.md": "---\nparent: attention\n---\nSee [[notes/Transformr]].\n"},
        "entities/x.md:4:5: error: link target 'notes/Transformr' is not a concept"
        " (did you mean 'transformer'?)",
    ),
    (
        "transclusion cycle",
        {
            "a.md": _front(parent="attention") + "\n![[b]]\n\n## Part\n",
            "b.md": _front(parent="attention") + "\n![[a#Part]]\n",
        },
        "entities/a.md:6:1: error: transclusion cycle: a -> b -> a",
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_check(
    write_tree: TreeWriter, tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    cg = _graph(write_tree, tmp_path, {**BASE, **files})
    assert [str(d) for d in cg.diagnostics] == [expected]


def test_children_disagreeing_with_another_parent(write_tree: TreeWriter, tmp_path: Path) -> None:
    cg = _graph(
        write_tree,
        tmp_path,
        {
            **BASE,
            "x.md": _front(parent="attention", children="[y]"),
            "y.md": _front(parent="transformer"),
        },
    )
    assert [str(d) for d in cg.diagnostics] == [
        "entities/x.md:3:12: warning: children lists 'y', but its parent is 'transformer'"
    ]
    assert list(cg.graph.successors("y")) == ["transformer"]


def test_all_errors_reported_together(write_tree: TreeWriter, tmp_path: Path) -> None:
    files = {
        **BASE,
        "bad-yaml.md": "---\ntitle: [unclosed\n---\nBody.\n",
        "list.md": "---\n- a\n---\nBody.\n",
        "types.md": _front(parent="attention", title="[a, b]"),
        "key.md": _front(entity_key="../../x"),
        "dup.md": _front(entity_key="attention"),
        "dangling.md": _front(parent="transfomer"),
        "self.md": _front(parent="self"),
        "demo.md": _front(parent="attention", demos="nope"),
        "cyc-a.md": _front(requires="cyc-b"),
        "cyc-b.md": _front(requires="cyc-a"),
        "amb.md": _front(parent="attention", aliases="[dangling]"),
    }
    write_tree(tmp_path, {"entities/latin1.md": b"caf\xe9\n"})
    cg = _graph(write_tree, tmp_path, files)
    codes = sorted({d.code for d in cg.errors})
    assert codes == [
        "ambiguous-name",
        "cycle",
        "dangling-ref",
        "duplicate-key",
        "encoding",
        "invalid-key",
        "not-a-mapping",
        "self-reference",
        "unknown-demo",
        "wrong-type",
        "yaml-error",
    ]
    order = [(d.path, d.line, d.col) for d in cg.diagnostics]
    assert order == sorted(order)


def test_greek_symbols_and_mixed_scripts_key_apart(write_tree: TreeWriter, tmp_path: Path) -> None:
    """ε-greedy is not greedy, and α-decay is not β-decay: no duplicate key, every link found."""
    files = {
        "greedy.md": _front(related="attention"),
        "ε-greedy.md": "---\nsummary: Explore.\nparent: greedy\n---\nSee [[β-decay]].\n",
        "α-decay.md": _front(parent="greedy", related="beta-decay"),
        "β-decay.md": (
            "---\nsummary: Emit.\nparent: greedy\n---\nAfter [[α-decay]], [[ε-greedy]].\n"
        ),
        "Attention (注意力).md": _front(parent="attention"),
        **BASE,
    }
    cg = _graph(write_tree, tmp_path, files)
    assert cg.errors == ()
    assert {"greedy", "epsilon-greedy", "alpha-decay", "beta-decay"} <= set(cg.graph)
    assert sorted(cg.graph.successors("beta-decay")) == ["alpha-decay", "epsilon-greedy", "greedy"]
    mixed = [key for key in cg.graph if key.startswith("n-")]
    assert len(mixed) == 1 and cg.entities[mixed[0]].parent.name == "attention"


def test_invalid_keys_never_become_nodes(write_tree: TreeWriter, tmp_path: Path) -> None:
    cg = _graph(
        write_tree,
        tmp_path,
        {**BASE, "a.md": _front(entity_key="../../x"), "b.md": _front(entity_key="a/b")},
    )
    assert sorted(cg.graph.nodes) == ["attention", "transformer"]
    assert sorted(cg.entities) == ["attention", "transformer"]
    assert [d.code for d in cg.errors] == ["invalid-key", "invalid-key"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demos", "entities"]


def test_graph_nodes_edges_and_names(write_tree: TreeWriter, tmp_path: Path) -> None:
    cg = _graph(
        write_tree,
        tmp_path,
        {
            "Neural Network.md": "---\naliases: [NN]\ntags: [basics]\n---\nNets. [[Backprop]]\n",
            "backpropagation.md": (
                "---\nparent: neural-network\naliases: [backprop]\nrelated: [chain-rule]\n"
                "requires: [chain-rule, Chain Rule]\ndemos: [known]\n---\n"
                "Uses [[chain-rule]] twice: [[chain-rule#Statement]].\n"
            ),
            "chain-rule.md": "---\ntitle: Chain Rule\n---\nCalculus.\n\n## Statement\n",
        },
    )
    assert cg.diagnostics == ()
    g = cg.graph
    assert nx.is_frozen(g)
    assert sorted(g.edges(keys=True)) == [
        ("backpropagation", "chain-rule", "mentions"),
        ("backpropagation", "chain-rule", "related"),
        ("backpropagation", "chain-rule", "requires"),
        ("backpropagation", "neural-network", "broader"),
        ("chain-rule", "backpropagation", "related"),
        ("neural-network", "backpropagation", "mentions"),
    ]
    assert all(data["kind"] == key for _, _, key, data in g.edges(keys=True, data=True))
    rebuilt = nx.MultiDiGraph()
    rebuilt.add_nodes_from(g.nodes(data=True))
    rebuilt.add_edges_from(g.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(g, rebuilt)
    assert sorted(g.predecessors("chain-rule")) == ["backpropagation"]
    assert g.in_degree("backpropagation") == 2
    assert g.nodes["neural-network"] == {
        "title": "Neural Network",
        "summary": "Nets. Backprop",
        "tags": ["basics"],
        "aliases": ["NN"],
        "source": "entities/Neural Network.md",
        "demos": [],
    }
    assert g.nodes["backpropagation"]["demos"] == ["known"]
    assert resolve_name(cg, "nn") == "neural-network"
    assert resolve_name(cg, "sub/Neural Network.md") == "neural-network"
    assert resolve_name(cg, "CHAIN RULE") == "chain-rule"
    assert resolve_name(cg, "nothing") is None
    assert cg.names["backprop"] == "backpropagation"


def test_images_resolve_by_file_name(write_tree: TreeWriter, tmp_path: Path) -> None:
    write_tree(tmp_path, {"entities/assets/deep/Plot.PNG": b"\x89PNG"})
    cg = _graph(
        write_tree,
        tmp_path,
        {**BASE, "x.md": _front(parent="attention") + "![[plot.png|A plot]]\n"},
    )
    assert cg.diagnostics == ()
    assert cg.images == {"plot.png": "entities/assets/deep/Plot.PNG"}


def test_headings_own_page_block_refs_and_anchors(write_tree: TreeWriter, tmp_path: Path) -> None:
    body = (
        "---\nparent: attention\n---\nIntro. [[#Usage]] [[#Nope]]\n\n## Usage\n\nA line ^blk\n"
        "[[attention#^blk2]] [x](attention.md#the-part) [[attention#The Part]]\n"
    )
    files = {
        **BASE,
        "attention.md": _front(related="transformer") + "\n## The Part\n\nText ^blk2\n",
        "x.md": body,
    }
    cg = _graph(write_tree, tmp_path, files)
    assert [str(d) for d in cg.diagnostics] == [
        "entities/x.md:4:19: warning: heading 'Nope' is not in entities/x.md:"
        " the link opens the page"
    ]


def test_obsidian_wikilink_values_in_front_matter(write_tree: TreeWriter, tmp_path: Path) -> None:
    files = {**BASE, "x.md": '---\nparent: "[[Attention]]"\nrelated: [[transformer]]\n---\nX.\n'}
    cg = _graph(write_tree, tmp_path, files)
    assert cg.diagnostics == ()
    assert set(cg.graph.successors("x")) == {"attention", "transformer"}


def test_demos_dir_none_skips_demo_files(write_tree: TreeWriter, tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"entities/a.md": _front(demos="[ghost]", related="b"), "entities/b.md": "B."}
    )
    cg = load_concept_graph(Path("entities"))
    assert cg.diagnostics == ()


def test_link_to_an_ambiguous_name(write_tree: TreeWriter, tmp_path: Path) -> None:
    files = {
        **BASE,
        "x.md": _front(parent="attention", aliases="[shared]"),
        "y.md": _front(parent="attention", aliases="[shared]"),
        "z.md": "---\nparent: attention\n---\nSee [[Shared]] and ![[Ghost Note]].\n",
    }
    cg = _graph(write_tree, tmp_path, files)
    assert [str(d) for d in cg.diagnostics] == [
        "entities/y.md:3:11: error: alias 'shared' is also the alias of entities/x.md:"
        " links to it are ambiguous; change one of them",
        "entities/z.md:4:5: error: link target 'Shared' is ambiguous:"
        " entities/x.md and entities/y.md",
        "entities/z.md:4:20: error: embedded note 'Ghost Note' is not a concept",
    ]


CORE_MODULES = ["slugs", "load", "links", "linker", "checks", "summary"]
STDLIB = set(sys.stdlib_module_names)
HEAVY = {"torch", "nbclient", "jupyter_client", "jupytext", "mkdocs", "matplotlib", "material"}


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_modules_import_nothing_heavy(module: str) -> None:
    source = Path(__file__).parent.parent / "generator" / f"{module}.py"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    imported = {
        name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
        )
    }
    assert imported & HEAVY == set()
    assert imported - STDLIB - {"generator"} <= {"yaml", "networkx"}


def test_an_embedded_note_is_a_mention(write_tree: TreeWriter, tmp_path: Path) -> None:
    files = {**BASE, "x.md": _front(parent="attention") + "\n![[transformer]]\n"}
    cg = _graph(write_tree, tmp_path, files)
    assert cg.diagnostics == ()
    assert cg.graph.has_edge("x", "transformer", key="mentions")
    (record,) = cg.links["x"]
    assert record.link.embed and record.target.key == "transformer"  # type: ignore[union-attr]


class _Cycle:
    """An object that refers to itself: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_a_first_load_freezes_what_exists_and_the_next_load_thaws_it(
    write_tree: TreeWriter, tmp_path: Path
) -> None:
    """The collector skips a process's first graph for the build; a later load hands it back.

    Otherwise a long-lived ``serve`` would keep, forever, any cyclic garbage
    that existed while its first build ran.
    """
    release_loaded()  # as in a fresh process: earlier tests have loaded graphs
    garbage = _Cycle()
    alive = weakref.ref(garbage)
    _graph(write_tree, tmp_path, BASE)
    frozen = gc.get_freeze_count()
    assert frozen > 0
    del garbage
    gc.collect()
    assert alive() is not None  # frozen with the graph: the collector does not see it
    _graph(write_tree, tmp_path, BASE)
    assert gc.get_freeze_count() == 0  # a later load thaws and freezes nothing
    gc.collect()
    assert alive() is None
