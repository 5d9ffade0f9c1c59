"""The README's console examples run as written, in order, on a copy of the shipped glossary.

A ``$ glossgraph …`` line is an example; a ``# exit N`` comment on it is the
exit code it must end with (0 when there is none), and the lines under it, up
to the next ``$`` line, are output it must print (stdout or stderr).
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(sys.executable).with_name("glossgraph")
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)
_EXIT = re.compile(r"#\s*exit (\d+)\b")
# Examples that build the site or run a demo's kernel: slow, and what `make site` does anyway.
_SLOW = ("build", "export-docs", "demo run")


@dataclass(frozen=True, slots=True)
class Example:
    """One ``$`` line of a console block and what it must give."""

    line: int
    argv: tuple[str, ...]
    exit_code: int
    shown: tuple[str, ...]

    @property
    def slow(self) -> bool:
        words = " ".join(self.argv[1:3])
        return any(words == w or words.startswith(w + " ") for w in _SLOW)


def readme_examples(text: str) -> list[Example]:
    """Return every ``$ glossgraph`` example of the README's console blocks, in order."""
    examples: list[Example] = []
    for block in _CONSOLE.finditer(text):
        first_line = text.count("\n", 0, block.start(1)) + 1
        current: tuple[int, str] | None = None
        shown: list[str] = []
        for offset, raw in enumerate([*block.group(1).splitlines(), "$"]):
            if not raw.startswith("$"):
                shown.append(raw.rstrip())
                continue
            if current is not None:
                examples.append(_example(*current, shown))
            current, shown = (first_line + offset, raw[1:].strip()), []
    return [e for e in examples if e.argv[:1] == ("glossgraph",)]


def _example(line: int, command: str, shown: list[str]) -> Example:
    expected = _EXIT.search(command)
    argv = tuple(shlex.split(command, comments=True))
    return Example(line, argv, int(expected.group(1)) if expected else 0, tuple(shown))


EXAMPLES = readme_examples((REPO / "README.md").read_text("utf-8"))


def test_the_readme_has_examples_and_states_failures() -> None:
    assert len(EXAMPLES) >= 10
    assert any(e.exit_code == 2 for e in EXAMPLES)
    assert ("glossgraph", "new", "layer-norm", "--parent", "neural-network") in {
        e.argv for e in EXAMPLES
    }


def test_the_example_parser_reads_exit_codes_and_output() -> None:
    text = (
        "```console\n$ glossgraph check   # exit 1: a typo\nx.md:1:1: error: e\n"
        "$ glossgraph query learn a   # study order\n$ ls\n```\n"
    )
    assert readme_examples(text) == [
        Example(2, ("glossgraph", "check"), 1, ("x.md:1:1: error: e",)),
        Example(4, ("glossgraph", "query", "learn", "a"), 0, ()),
    ]


def shipped_copy(root: Path) -> Path:
    """Copy the shipped glossary (entities, demos, mkdocs.yml) into ``root``."""
    for folder in ("entities", "demos"):
        shutil.copytree(REPO / folder, root / folder)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # Share the repository's demo cache: content-addressed, so a warm one is only faster.
    (REPO / ".glossgraph" / "cache").mkdir(parents=True, exist_ok=True)
    (root / ".glossgraph").symlink_to(REPO / ".glossgraph", target_is_directory=True)
    return root


def _run(example: Example, cwd: Path) -> None:
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "generator.cli"]
    result = subprocess.run(
        [*command, *example.argv[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    where = f"README.md:{example.line}: {shlex.join(example.argv)}"
    output = result.stdout + result.stderr
    assert result.returncode == example.exit_code, f"{where}\n{output[-3000:]}"
    printed = {line.rstrip() for line in output.splitlines()}
    missing = [line for line in example.shown if line not in printed]
    assert missing == [], f"{where}: not printed\n{output[-3000:]}"


@pytest.mark.slow
def test_every_console_example_runs_as_written(tmp_path: Path) -> None:
    root = shipped_copy(tmp_path)
    for example in EXAMPLES:
        _run(example, root)


def test_quick_console_examples_run_as_written(tmp_path: Path) -> None:
    """Run the examples that need no kernel or site build, in order."""
    root = shipped_copy(tmp_path)
    quick = [e for e in EXAMPLES if not e.slow]
    assert len(quick) < len(EXAMPLES)
    for example in quick:
        _run(example, root)
