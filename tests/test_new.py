"""glossgraph new: a file that checks clean first time, or a placeholder check names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from trees import TreeWriter

from generator.cli import main
from generator.summary import is_placeholder, placeholder_summary

GLOSSARY = {
    "entities/neural-network.md": (
        "---\ntitle: Neural network\naliases: [layer stack]\n---\nLayers of units.\n"
    ),
    "entities/layer-normalization.md": (
        "---\ntitle: Layer normalization\nparent: neural-network\naliases: [layer-norm]\n---\n"
        "Rescales each layer's outputs.\n"
    ),
}


@pytest.fixture
def glossary(tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, GLOSSARY)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_new_with_parent_and_summary_passes_strict_check(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = "Rescales each feature over the batch: 'mean' and \"variance\"."
    code, out, _ = run(
        capsys, "new", "batch-norm", "--parent", "Neural network", "--summary", summary
    )
    assert (code, out) == (0, "created entities/batch-norm.md\n")
    assert run(capsys, "check", "--strict")[:2] == (0, "0 errors, 0 warnings in 3 concepts\n")
    code, out, _ = run(capsys, "query", "show", "batch-norm", "--json")
    shown = json.loads(out)
    assert (shown["summary"], shown["parent"]) == (summary, "neural-network")


def test_new_without_summary_writes_a_placeholder_that_strict_check_names(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "new", "dropout", "--parent", "neural-network")
    assert code == 0
    assert out.splitlines() == [
        "created entities/dropout.md",
        "next: replace the 'TODO:' summary on line 3 of entities/dropout.md with one sentence",
        "next: then run 'glossgraph check --strict'",
    ]
    text = (glossary / "entities" / "dropout.md").read_text("utf-8")
    assert text.splitlines()[2] == "summary: 'TODO: say in one sentence what Dropout is.'"
    assert run(capsys, "check")[0] == 0
    code, out, _ = run(capsys, "check", "--strict")
    assert code == 1
    assert out.splitlines()[0] == (
        "entities/dropout.md:3:10: warning: 'dropout' still has a placeholder summary: "
        "replace the 'TODO:' text with one sentence saying what it is"
    )


def test_new_without_relations_says_to_add_one(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "new", "tensor", "--summary", "An n-dimensional array.")
    assert code == 0
    assert "next: give it a parent, related or requires" in out


@pytest.mark.parametrize(
    ("key", "owner"),
    [("layer-norm", "layer-normalization"), ("layer-stack", "neural-network")],
)
def test_a_taken_name_names_the_concept_that_holds_it(
    glossary: Path, capsys: pytest.CaptureFixture[str], key: str, owner: str
) -> None:
    code, out, err = run(capsys, "new", key, "--parent", "neural-network")
    assert (code, out) == (2, "")
    assert err == (
        f"glossgraph: error: '{key}' is already a name of concept '{owner}' "
        f"(entities/{owner}.md): pick another key, or link to [[{owner}]] instead\n"
    )
    assert not (glossary / "entities" / f"{key}.md").exists()


@pytest.mark.parametrize(
    ("summary", "placeholder"),
    [
        (placeholder_summary("Dropout"), True),
        ("  todo: write this", True),
        ("Dropout zeroes random units; TODO: more.", False),
        ("", False),
    ],
)
def test_what_counts_as_a_placeholder(summary: str, placeholder: bool) -> None:
    assert is_placeholder(summary) is placeholder
