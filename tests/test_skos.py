"""SKOS exports load back in rdflib with the concepts, labels and relations they should have."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from trees import TreeWriter

from generator.cli import main

rdflib = pytest.importorskip("rdflib")
from rdflib import RDF, RDFS, SKOS, Literal, URIRef  # noqa: E402
from rdflib.compare import isomorphic  # noqa: E402

GG = rdflib.Namespace("urn:glossgraph:vocab:")
BASE = "https://example.org/dl/"

GLOSSARY = {
    "entities/machine-learning.md": "---\ntitle: Machine learning\n---\nLearning from data.\n",
    "entities/neural-network.md": (
        "---\ntitle: Neural network\nparent: machine-learning\naliases: [NN, neural net]\n"
        "related: [machine-learning]\ntags: [model]\n---\nLayers of units.\n"
    ),
    "entities/attention.md": (
        "---\ntitle: Attention\nparent: neural-network\nrequires: [softmax]\n"
        "related: [softmax]\naliases: [Attention, attention mechanism]\ntags: [model, nlp]\n"
        "---\nWeights inputs by relevance; see [[softmax]].\n"
    ),
    "entities/softmax.md": (
        "---\ntitle: Softmax\nparent: machine-learning\n---\nTurns scores into probabilities.\n"
    ),
}


@pytest.fixture
def glossary(tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, GLOSSARY)


def export(capsys: pytest.CaptureFixture[str], fmt: str, *extra: str) -> tuple[int, str, str]:
    code = main(["export", "--format", fmt, *extra])
    out, err = capsys.readouterr()
    return code, out, err


def load(capsys: pytest.CaptureFixture[str], fmt: str, *extra: str) -> rdflib.Graph:
    code, out, err = export(capsys, fmt, *extra)
    assert code == 0, err
    graph = rdflib.Graph()
    graph.parse(data=out, format="turtle" if fmt == "skos-ttl" else "json-ld")
    return graph


def c(key: str) -> URIRef:
    return URIRef(BASE + key)


@pytest.mark.parametrize("fmt", ["skos-ttl", "skos-jsonld"])
def test_export_round_trips_with_counts_and_triples(
    glossary: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    g = load(capsys, fmt, "--base-uri", BASE)
    assert set(g.subjects(RDF.type, SKOS.ConceptScheme)) == {URIRef(BASE)}
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) == 4
    assert set(g.subjects(RDF.type, SKOS.Collection)) == {c("tags/model"), c("tags/nlp")}
    assert set(g.objects(c("tags/model"), SKOS.member)) == {c("attention"), c("neural-network")}
    assert g.value(c("attention"), SKOS.prefLabel) == Literal("Attention")
    # The alias equal to the title is left out: SKOS forbids a label as both (S13).
    assert set(g.objects(c("attention"), SKOS.altLabel)) == {Literal("attention mechanism")}
    assert g.value(c("softmax"), SKOS.definition) == Literal("Turns scores into probabilities.")
    assert (c("attention"), SKOS.broader, c("neural-network")) in g
    assert (c("neural-network"), SKOS.narrower, c("attention")) in g
    assert (c("attention"), GG.requires, c("softmax")) in g
    assert (c("attention"), SKOS.related, c("softmax")) in g
    assert (c("softmax"), SKOS.related, c("attention")) in g
    assert set(g.objects(URIRef(BASE), SKOS.hasTopConcept)) == {c("machine-learning")}
    assert (c("attention"), SKOS.inScheme, URIRef(BASE)) in g


def test_requires_is_declared_a_sub_property_of_related(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g = load(capsys, "skos-ttl", "--base-uri", BASE)
    assert (GG.requires, RDFS.subPropertyOf, SKOS.related) in g
    assert (GG.requires, RDF.type, RDF.Property) in g
    assert g.value(GG.requires, RDFS.comment) is not None


def test_related_to_an_ancestor_is_left_to_the_hierarchy(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    g = load(capsys, "skos-ttl", "--base-uri", BASE)
    # neural-network is related to its own parent: SKOS holds the two apart (S27).
    assert (c("neural-network"), SKOS.broader, c("machine-learning")) in g
    assert (c("neural-network"), SKOS.related, c("machine-learning")) not in g
    assert (c("machine-learning"), SKOS.related, c("neural-network")) not in g


def test_turtle_and_json_ld_hold_the_same_graph(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    turtle = load(capsys, "skos-ttl", "--base-uri", BASE)
    jsonld = load(capsys, "skos-jsonld", "--base-uri", BASE)
    assert len(turtle) > 40
    assert isomorphic(turtle, jsonld)


def test_site_url_makes_each_concept_uri_its_page(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (glossary / "mkdocs.yml").write_text(
        "site_name: DL terms\nsite_url: https://example.org/site/\nuse_directory_urls: false\n"
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n",
        "utf-8",
    )
    g = load(capsys, "skos-ttl")
    page = URIRef("https://example.org/site/concepts/attention.html")
    assert g.value(page, SKOS.prefLabel) == Literal("Attention")
    assert (URIRef("https://example.org/site/tags/nlp.html"), SKOS.member, page) in g
    assert g.value(URIRef("https://example.org/site/"), SKOS.prefLabel) == Literal("DL terms")


def test_site_url_from_the_environment_is_read_as_mkdocs_reads_it(
    glossary: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`site_url: !ENV [...]` was read as no site_url at all."""
    (glossary / "mkdocs.yml").write_text(
        'site_url: !ENV [GG_SITE_URL, "https://example.org/default/"]\n', "utf-8"
    )
    monkeypatch.delenv("GG_SITE_URL", raising=False)
    page = "concepts/attention/"
    g = load(capsys, "skos-ttl")
    assert (URIRef(f"https://example.org/default/{page}"), RDF.type, SKOS.Concept) in g
    monkeypatch.setenv("GG_SITE_URL", "https://env.example.org/")
    g = load(capsys, "skos-ttl")
    assert (URIRef(f"https://env.example.org/{page}"), RDF.type, SKOS.Concept) in g


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("site_url: 42\n", "site_url in mkdocs.yml must be a URL, not int 42"),
        ("site_url: [unclosed\n", 'in "mkdocs.yml", line 2'),
    ],
)
def test_a_wrong_site_url_or_bad_yaml_names_the_file(
    glossary: Path, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    (glossary / "mkdocs.yml").write_text(text, "utf-8")
    code, _, err = export(capsys, "skos-ttl")
    assert code == 2 and said in err, err


def test_site_url_with_directory_urls(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (glossary / "site.yml").write_text("site_url: https://example.org/site\n", "utf-8")
    g = load(capsys, "skos-ttl", "--config", "site.yml")
    assert (URIRef("https://example.org/site/concepts/attention/"), RDF.type, SKOS.Concept) in g


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "give --base-uri URI"),
        (["--base-uri", "example.org/x"], "is not an absolute URI"),
        (["--base-uri", "https://example.org/a b/"], "is not an absolute URI"),
        (["--config", "missing.yml"], "no such config file: missing.yml"),
    ],
)
def test_uri_problems_are_usage_errors(
    glossary: Path, capsys: pytest.CaptureFixture[str], args: list[str], expected: str
) -> None:
    code, out, err = export(capsys, "skos-ttl", *args)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err


def test_missing_rdflib_names_the_pip_command(
    glossary: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "rdflib", None)  # makes `import rdflib` raise ImportError
    code, _, err = export(capsys, "skos-ttl", "--base-uri", BASE)
    assert code == 2
    assert "pip install 'glossgraph[skos]'" in err


def test_shipped_glossary_passes_skosify_checks(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    skosify_check = pytest.importorskip("skosify.check")
    root = Path(__file__).resolve().parents[1]
    code = main(
        [
            "export",
            "--format",
            "skos-ttl",
            "--base-uri",
            BASE,
            "--entities",
            str(root / "entities"),
            "--demos",
            str(root / "demos"),
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    g = rdflib.Graph().parse(data=out, format="turtle")
    assert len(set(g.subjects(RDF.type, SKOS.Concept))) >= 50
    with caplog.at_level(logging.WARNING):
        skosify_check.hierarchy_cycles(g)
        skosify_check.disjoint_relations(g)
        skosify_check.hierarchical_redundancy(g)
        skosify_check.preflabel_uniqueness(g, policy="shortest")  # "all" is broken
        skosify_check.label_overlap(g)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_check_and_plain_exports_import_no_rdflib(glossary: Path) -> None:
    probe = (
        "import sys; from generator.cli import main; "
        "main(['check']); main(['export', '--format', 'gexf', '-o', 'g.gexf']); "
        "print('rdflib' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=glossary, capture_output=True, text=True, check=False
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr
