"""The shipped glossary: checked strictly, complete, connected, and built by plain MkDocs.

The site test builds entities/ and demos/ exactly as `make site` does, through
`mkdocs build --strict` with the repository's mkdocs.yml, so every shipped demo
executes on a real kernel (on the CPU in CI) unless the demo cache is warm.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from test_site_build import broken_links

from generator.cli import main
from generator.linker import load_concept_graph, resolve_name
from generator.model import ConceptGraph

REPO = Path(__file__).resolve().parents[1]
REQUIRED = [
    "neural-network",
    "deep-learning",
    "machine-learning",
    "artificial-neuron",
    "multilayer-perceptron",
    "activation-function",
    "relu",
    "sigmoid",
    "tanh",
    "gelu",
    "softmax",
    "forward-pass",
    "loss-function",
    "cross-entropy",
    "backpropagation",
    "gradient-descent",
    "stochastic-gradient-descent",
    "adam",
    "learning-rate",
    "overfitting",
    "regularization",
    "dropout",
    "early-stopping",
    "vanishing-gradient",
    "batch-normalization",
    "residual-connection",
    "convolutional-neural-network",
    "recurrent-neural-network",
    "lstm",
    "attention",
    "transformer",
    "embedding",
    "gpt",
    "bert",
    "transfer-learning",
    "fine-tuning",
    "parameters",
    "universal-approximation-theorem",
    "inference",
    "vision-transformer",
]
ABBREVIATIONS = {
    "CNN": "convolutional-neural-network",
    "RNN": "recurrent-neural-network",
    "MLP": "multilayer-perceptron",
    "SGD": "stochastic-gradient-descent",
    "ViT": "vision-transformer",
    "LSTM": "lstm",
    "backprop": "backpropagation",
    "BatchNorm": "batch-normalization",
}


@pytest.fixture(scope="module")
def glossary() -> ConceptGraph:
    return load_concept_graph(REPO / "entities", REPO / "demos")


def test_check_strict_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["check", "--strict", "--entities", str(REPO / "entities"), "--demos", str(REPO / "demos")]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 errors, 0 warnings in" in out


def test_every_required_concept_has_summary_and_relations(glossary: ConceptGraph) -> None:
    G = glossary.graph
    missing = [key for key in REQUIRED if key not in G]
    assert missing == []
    for key in REQUIRED:
        assert glossary.entities[key].summary_given, key
        assert G.degree(key) > 0, key


def test_graph_is_one_component_and_demos_are_attached(glossary: ConceptGraph) -> None:
    assert nx.number_weakly_connected_components(glossary.graph) == 1
    attached = {ref.name for e in glossary.entities.values() for ref in e.demos}
    on_disk = {p.stem for p in (REPO / "demos").glob("*.py")}
    assert attached == on_disk and len(on_disk) >= 12


@pytest.mark.parametrize(("name", "key"), sorted(ABBREVIATIONS.items()))
def test_abbreviations_resolve(glossary: ConceptGraph, name: str, key: str) -> None:
    assert resolve_name(glossary, name) == key


@pytest.mark.slow
def test_mkdocs_build_strict_on_the_shipped_glossary(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert " 0 failed" in result.stderr
    assert broken_links(site) == []
    for demo in sorted((REPO / "demos").glob("*.py")):
        pages = [
            p
            for p in (site / "concepts").glob("*.html")
            if f">{demo.stem}<" in p.read_text("utf-8")
        ]
        assert pages, f"demo {demo.stem} is on no concept page"
        page = pages[0].read_text("utf-8")
        assert "gg-badge-ok" in page, demo.stem
        assert "<img" in page, f"{pages[0].name} shows no plot"
