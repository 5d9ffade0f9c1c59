"""``check``'s findings for CI: GitHub Actions annotations and SARIF 2.1.0.

GitHub reads ``::error file=…,line=…,col=…::message`` lines from a job's log
and pins them to the file in a pull request. SARIF is the OASIS format that
code-scanning pages (GitHub's among them) import. Both are made from the same
Diagnostics the text format prints; only the spelling differs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from generator.model import Diagnostic

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"


def github_annotations(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """Return one workflow command per diagnostic (``::error`` or ``::warning``)."""
    return [_annotation(d) for d in diagnostics]


def _annotation(d: Diagnostic) -> str:
    properties = {
        "file": d.path,
        "line": str(max(d.line, 1)),
        "col": str(max(d.col, 1)),
        "title": f"glossgraph {d.code}",
    }
    fields = ",".join(f"{name}={_escape_property(value)}" for name, value in properties.items())
    return f"::{d.severity} {fields}::{_escape_data(d.message)}"


def _escape_data(text: str) -> str:
    # GitHub's runner decodes exactly these; a raw newline would end the command.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def sarif_log(diagnostics: Sequence[Diagnostic], tool_version: str) -> str:
    """Return a SARIF 2.1.0 log with one run of glossgraph and a result per diagnostic."""
    codes = sorted({d.code for d in diagnostics})
    index = {code: i for i, code in enumerate(codes)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "glossgraph",
                "version": tool_version,
                "rules": [{"id": code, "name": _rule_name(code)} for code in codes],
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(d, index[d.code]) for d in diagnostics],
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule_name(code: str) -> str:
    # SARIF suggests an upper-camel-case rule name: dangling-link -> DanglingLink.
    return "".join(part.capitalize() for part in code.replace("_", "-").split("-")) or "Check"


def _sarif_result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    return {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": str(d.severity),
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(d.path),
                    "region": {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)},
                }
            }
        ],
    }


def _artifact(path: str) -> dict[str, str]:
    pure = PurePosixPath(path)
    if pure.is_absolute():
        return {"uri": "file://" + quote(path)}
    # Relative paths are relative to where check ran, which CI makes the checkout's root.
    return {"uri": quote(path), "uriBaseId": "%SRCROOT%"}
