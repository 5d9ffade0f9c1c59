"""Only the MkDocs adapter imports mkdocs: the core renders plain Markdown and files."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
ADAPTER = PACKAGE / "mkdocs_plugin.py"


def imported_modules(path: Path) -> set[str]:
    """Return the top-level names of every module ``path`` imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_imported_modules_reads_both_forms(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("import mkdocs.config\nfrom material import x\nfrom . import y\n")
    assert imported_modules(source) == {"mkdocs", "material"}


def test_only_the_adapter_imports_mkdocs() -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != ADAPTER and imported_modules(path) & {"mkdocs", "material"}
    ]
    assert offenders == []
    assert "mkdocs" in imported_modules(ADAPTER)
