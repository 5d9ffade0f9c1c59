"""check, query, export and new, end to end through the command line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from generator.cli import main

GLOSSARY = {
    "entities/machine-learning.md": "---\ntitle: Machine learning\n---\nLearning from data.\n",
    "entities/neural-network.md": (
        "---\ntitle: Neural network\nparent: machine-learning\n---\nLayers of units.\n"
    ),
    "entities/transformer.md": (
        "---\ntitle: Transformer\nparent: neural-network\n---\nBuilt on [[attention]].\n"
    ),
    "entities/attention.md": (
        "---\ntitle: Attention\nparent: transformer\nrequires: [softmax, dot-product]\n"
        "aliases: [self-attention]\n---\nWeights inputs by relevance.\n"
    ),
    "entities/softmax.md": (
        "---\ntitle: Softmax\nparent: machine-learning\nrequires: [exponential]\n---\n"
        "Turns scores into probabilities.\n"
    ),
    "entities/exponential.md": (
        "---\ntitle: Exponential\nrelated: [dot-product]\ntags: [math]\n---\ne to the x.\n"
    ),
    "entities/dot-product.md": "---\ntitle: Dot product\ntags: [math]\n---\nSum of products.\n",
}

BROKEN = {
    **GLOSSARY,
    "entities/attention.md": (
        "---\ntitle: Attention\nparent: transfomer\nrequires: [softmax]\n---\nWeights.\n"
    ),
}

TreeWriter = Callable[..., Path]
HEAVY = {"torch", "nbclient", "jupyter_client", "jupytext", "mkdocs", "matplotlib", "ipykernel"}
SCRIPT = Path(sys.executable).with_name("glossgraph")


@pytest.fixture
def glossary(tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, GLOSSARY)


@pytest.fixture
def broken(tmp_path: Path, write_tree: TreeWriter, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path, BROKEN)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def script(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "generator.cli"]
    return subprocess.run(
        [*command, *argv], cwd=cwd, capture_output=True, text=True, encoding="utf-8", check=False
    )


def test_check_clean_glossary(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0
    assert out.splitlines()[-1] == "0 errors, 0 warnings in 7 concepts"


def test_check_reports_errors_like_a_compiler(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "check")
    assert code == 1
    assert "entities/attention.md:3:9: error: parent 'transfomer' is not a concept" in out
    assert "did you mean 'transformer'?" in out
    assert out.splitlines()[-1].startswith("1 error, ")
    assert "Traceback" not in out + err


def test_check_json_lists_diagnostics(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--format", "json")
    found = json.loads(out)
    assert code == 1
    assert {"path", "line", "col", "severity", "message", "code"} <= set(found[0])
    assert [d["path"] for d in found if d["severity"] == "error"] == ["entities/attention.md"]


def test_check_strict_fails_on_warnings(
    tmp_path: Path, write_tree: TreeWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"entities/loner.md": "---\ntitle: Loner\n---\nAll alone.\n"})
    entities = str(tmp_path / "entities")
    code, out, _ = run(capsys, "check", "--entities", entities)
    assert (code, out.splitlines()[-1]) == (0, "0 errors, 1 warning in 1 concept")
    assert run(capsys, "check", "--strict", "--entities", entities)[0] == 1


def test_check_includes_demo_problems(
    glossary: Path, write_tree: TreeWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    header = "# ---\n# jupyter:\n#   glossgraph:\n#     timeout: 0\n# ---\n"
    write_tree(glossary, {"demos/slow.py": header + "# %%\nprint(1)\n"})
    code, out, _ = run(capsys, "check")
    assert code == 1
    (line,) = [line for line in out.splitlines() if line.startswith("demos/slow.py:")]
    assert ": error: demo option 'timeout'" in line
    assert out.splitlines()[-1] == "1 error, 0 warnings in 7 concepts"


def test_check_refuses_a_named_demos_folder_that_is_missing(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "check", "--demos", "nowhere")
    assert code == 2
    assert err == "glossgraph: error: demos folder 'nowhere' does not exist\n"


@pytest.mark.parametrize("option", ["--demos", "--entities"])
def test_a_folder_option_naming_a_file_says_so(
    glossary: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    """`--demos mkdocs.yml` reported every demo as missing; `--entities x.txt` 'does not exist'."""
    (glossary / "x.txt").write_text("a file")
    code, _, err = run(capsys, "check", option, "x.txt")
    what = option.removeprefix("--")
    assert code == 2 and err.startswith(f"glossgraph: error: {what} folder 'x.txt' is a file"), err


def test_query_path_json_labels_hops(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "path", "neural-network", "attention", "--json")
    assert code == 0
    assert json.loads(out) == {
        "source": "neural-network",
        "target": "attention",
        "hops": [
            {
                "source": "neural-network",
                "target": "transformer",
                "kind": "broader",
                "direction": "backward",
            },
            {
                "source": "transformer",
                "target": "attention",
                "kind": "broader",
                "direction": "backward",
            },
        ],
    }


def test_query_path_text_draws_labelled_arrows(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "query", "path", "dot-product", "softmax")
    assert code == 0
    assert out.splitlines() == [
        "dot-product  <--requires--  attention",
        "attention    --requires-->  softmax",
        "2 hops from dot-product to softmax",
    ]


def test_query_path_without_a_path_exits_1(
    glossary: Path, write_tree: TreeWriter, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(glossary, {"entities/loner.md": "---\ntitle: Loner\n---\nAlone.\n"})
    code, out, err = run(capsys, "query", "path", "attention", "loner", "--json")
    assert code == 1
    assert json.loads(out) == {"source": "attention", "target": "loner", "hops": None}
    assert err == "glossgraph: no path between 'attention' and 'loner'\n"


def test_query_learn_lists_prerequisites_first(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "query", "learn", "attention", "--json")
    assert code == 0
    assert json.loads(out)["order"] == ["dot-product", "exponential", "softmax", "attention"]
    code, out, _ = run(capsys, "query", "learn", "Self-Attention")
    assert [line.split()[1] for line in out.splitlines()] == [
        "dot-product",
        "exponential",
        "softmax",
        "attention",
    ]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ancestors", "attention"], ["transformer", "neural-network", "machine-learning"]),
        (["descendants", "neural-network"], ["transformer", "attention"]),
        (["backlinks", "attention"], ["transformer"]),
        (["orphans"], []),
        (["neighbors", "attention", "--kind", "requires"], ["dot-product", "softmax"]),
    ],
)
def test_query_answers_in_json(
    glossary: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: list[str]
) -> None:
    code, out, _ = run(capsys, "query", *argv, "--json")
    data = json.loads(out)
    listed = next(value for name, value in data.items() if isinstance(value, list))
    assert code == 0
    assert [
        item if isinstance(item, str) else item.get("key", item.get("source")) for item in listed
    ] == expected


def test_query_show_and_stats(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shown = json.loads(run(capsys, "query", "show", "attention", "--json")[1])
    assert (shown["parent"], shown["requires"], shown["aliases"]) == (
        "transformer",
        ["dot-product", "softmax"],
        ["self-attention"],
    )
    counts = json.loads(run(capsys, "query", "stats", "--json")[1])
    assert (counts["concepts"], counts["edges"]["broader"], counts["tags"]) == (7, 4, 1)


def test_query_answers_a_broken_glossary_after_naming_its_errors(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "query", "learn", "attention", "--json")
    assert code == 0
    assert json.loads(out)["order"] == ["exponential", "softmax", "attention"]
    assert "parent 'transfomer' is not a concept" in err
    assert "answering anyway" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "show", "atention"], "'atention' is not a concept (did you mean 'attention'?)"),
        (
            ["query", "show", "x", "--entities", "nowhere"],
            "entities folder 'nowhere' does not exist",
        ),
        (["new", "Bad/../key"], "invalid key 'Bad/../key'"),
        (["new", "attention"], "'entities/attention.md' already exists"),
        (["new", "self-attention"], "'self-attention' is already a name of concept 'attention'"),
        (["new", "mha", "--parent", "atention"], "parent 'atention' is not a concept"),
    ],
)
def test_usage_errors_exit_2(
    glossary: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err.startswith(f"glossgraph: error: {message}")
    assert "Traceback" not in err


def test_new_writes_front_matter_that_checks(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "new", "multi-head", "--parent", "Attention", "--title", 'Multi: "head"'
    )
    assert (code, out.splitlines()[0]) == (0, "created entities/multi-head.md")
    text = (glossary / "entities" / "multi-head.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    assert "parent: attention\n" in text
    shown = json.loads(run(capsys, "query", "show", "multi-head", "--json")[1])
    assert (shown["title"], shown["parent"]) == ('Multi: "head"', "attention")


def test_new_starts_an_empty_glossary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "new", "first-idea", "--entities", str(tmp_path / "notes"))
    assert code == 0
    assert (
        (tmp_path / "notes" / "first-idea.md")
        .read_text(encoding="utf-8")
        .startswith("---\ntitle: First idea\n")
    )


def test_export_graphml_to_file_loads_back(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, _ = run(capsys, "export", "--format", "graphml", "-o", "graph.graphml")
    graph = nx.read_graphml(glossary / "graph.graphml", force_multigraph=True)
    assert code == 0
    assert set(graph.nodes) == {Path(name).stem for name in GLOSSARY}
    assert ("attention", "softmax", "requires") in set(graph.edges(keys=True))


def test_export_to_an_unwritable_place_is_a_usage_error(
    glossary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "export", "-o", "missing/graph.json")
    assert code == 2
    assert err.startswith("glossgraph: error: cannot write 'missing/graph.json': ")


@pytest.mark.parametrize("target", ["entities/attention.md", "entities", "entities/new.json"])
def test_export_never_writes_into_the_entities_folder(
    glossary: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    concept = glossary / "entities" / "attention.md"
    before = concept.read_bytes()
    code, _, err = run(capsys, "export", "-o", target)
    assert code == 2
    assert f"-o '{target}' lies in the entities folder" in err
    assert concept.read_bytes() == before and not (glossary / "entities" / "new.json").exists()


@pytest.mark.parametrize("target", ["mkdocs.yml", "./mkdocs.yml"])
def test_export_never_writes_over_the_config_file(
    glossary: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """`export -o mkdocs.yml` replaced the project's config without a word."""
    config = glossary / "mkdocs.yml"
    config.write_text("site_name: Mine\n")
    code, _, err = run(capsys, "export", "-o", target)
    assert code == 2 and "is the site's config file" in err, err
    assert config.read_text() == "site_name: Mine\n"


def test_argparse_usage_error_exits_2(glossary: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["query", "neighbors", "attention", "--kind", "parent"])
    assert raised.value.code == 2
    assert "invalid choice: 'parent'" in capsys.readouterr().err


def test_console_script_check_and_export(broken: Path) -> None:
    checked = script(broken, "check")
    assert checked.returncode == 1
    assert "entities/attention.md:3:9: error:" in checked.stdout
    assert "Traceback" not in checked.stderr
    exported = script(broken, "export", "--format", "gexf")
    graph = nx.read_gexf(io.StringIO(exported.stdout))
    assert exported.returncode == 0
    assert graph.nodes["attention"]["label"] == "Attention"


def test_console_script_usage_errors(glossary: Path) -> None:
    assert script(glossary, "query", "path", "attention").returncode == 2
    missing = script(glossary, "check", "--entities", "missing")
    assert missing.returncode == 2
    assert missing.stderr == (
        "glossgraph: error: entities folder 'missing' does not exist "
        "(run in the glossary's folder or give --entities DIR)\n"
    )


def test_check_imports_nothing_heavy(glossary: Path) -> None:
    code = (
        "import sys; from generator.cli import main; "
        f"main(['check', '--entities', {str(glossary / 'entities')!r}]); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {sorted(HEAVY)!r}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=glossary
    )
    assert result.stdout.splitlines()[-1] == "[]", result.stderr
