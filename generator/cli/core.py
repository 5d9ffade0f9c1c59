"""The ``check``, ``query``, ``export``, ``new`` and ``schema`` commands.

They load the concept graph and nothing heavier: no torch, no Jupyter, no
MkDocs. Queries and exports answer even when the glossary has errors, after
naming those errors on stderr, because a half-finished glossary is still worth
asking about.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import UsageError, not_a_folder

if TYPE_CHECKING:
    from generator.model import ConceptGraph, Diagnostic

QUERY_NOTE = (
    "Queries answer even when the glossary has errors: the errors are listed on "
    "stderr first (run 'glossgraph check' for all of them)."
)
_ERRORS_SHOWN = 10
CHECK_FORMATS = ("text", "json", "github", "sarif")
# Deeper than any glossary's longest path; the traversal stops early anyway.
MAX_DEPTH = 1_000_000


def register(commands: Any) -> None:
    """Add ``check``, ``query``, ``export``, ``new`` and ``schema`` to the glossgraph parser."""
    from generator.cli import add_folder_options

    folders = argparse.ArgumentParser(add_help=False)
    add_folder_options(folders)
    _register_check(commands, folders)
    _register_query(commands, folders)
    _register_export(commands, folders)
    _register_new(commands, folders)
    _register_schema(commands)


def _register_check(commands: Any, folders: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "check",
        parents=[folders],
        help="check every concept file and demo",
        description="Check the glossary; print each problem as path:line:col: severity: message.",
        epilog="Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage error.",
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument(
        "--format",
        choices=CHECK_FORMATS,
        default="text",
        help="text (default), json, github (Actions annotations) or sarif (SARIF 2.1.0)",
    )
    parser.set_defaults(func=run_check)


def _register_export(commands: Any, folders: argparse.ArgumentParser) -> None:
    from generator.export import FORMATS, LIST_SEPARATOR
    from generator.skos import SKOS_FORMATS

    parser = commands.add_parser(
        "export",
        parents=[folders],
        help="write the concept graph as JSON, GraphML, GEXF, DOT or SKOS",
        description=(
            "Write the concept graph for other tools. JSON is networkx node-link data; "
            f"GraphML and GEXF have no list type, so lists are joined with {LIST_SEPARATOR!r}. "
            "skos-ttl and skos-jsonld write a SKOS thesaurus (Turtle or JSON-LD; needs "
            "the skos extra) whose URIs start at --base-uri, or else at site_url in mkdocs.yml."
        ),
        epilog=QUERY_NOTE,
    )
    parser.add_argument(
        "--format", choices=FORMATS + SKOS_FORMATS, default="json", help="default: json"
    )
    parser.add_argument(
        "--base-uri",
        metavar="URI",
        help="SKOS only: concept URIs are URI + key (default: the pages under site_url)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="SKOS only: the mkdocs.yml to read site_url from (default: ./mkdocs.yml)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of stdout"
    )
    parser.set_defaults(func=run_export)


def _register_new(commands: Any, folders: argparse.ArgumentParser) -> None:
    parser = commands.add_parser(
        "new",
        parents=[folders],
        help="create a concept file",
        description="Create entities/KEY.md with front matter to fill in; never overwrites.",
    )
    parser.add_argument("key", metavar="KEY", help="the new concept's key, e.g. batch-norm")
    parser.add_argument("--parent", metavar="P", help="its broader concept")
    parser.add_argument("--title", metavar="T", help="its title (default: from the key)")
    parser.add_argument(
        "--summary",
        metavar="S",
        help="one sentence saying what it is (default: a 'TODO:' placeholder that check flags)",
    )
    parser.set_defaults(func=run_new)


def _register_schema(commands: Any) -> None:
    parser = commands.add_parser(
        "schema",
        help="print the front matter's JSON Schema",
        description=(
            "Print the JSON Schema (draft 2020-12) of a concept file's front matter, "
            "for editors and validators: glossgraph schema > .glossgraph-schema.json"
        ),
    )
    parser.set_defaults(func=run_schema)


def _register_query(commands: Any, folders: argparse.ArgumentParser) -> None:
    from generator.cli import answers as out
    from generator.cli import whole_number
    from generator.queries import KINDS

    query = commands.add_parser(
        "query",
        help="ask the concept graph a question",
        description="Ask the concept graph a question; text for people, --json for scripts.",
        epilog=QUERY_NOTE,
    )
    questions = query.add_subparsers(dest="question", metavar="QUESTION", required=True)
    common = argparse.ArgumentParser(add_help=False, parents=[folders])
    common.add_argument("--json", action="store_true", help="print JSON for scripts")

    def add(name: str, summary: str, answer: Callable[..., int], keys: Sequence[str]) -> Any:
        parser = questions.add_parser(
            name, parents=[common], help=summary, description=summary, epilog=QUERY_NOTE
        )
        for key in keys:
            parser.add_argument(key, metavar=key.upper(), help="a concept key, title or alias")
        parser.set_defaults(func=lambda args: _answer(args, answer))
        return parser

    add("show", "everything about one concept", out.answer_show, ["key"])
    path = add("path", "shortest path between two concepts", out.answer_path, ["a", "b"])
    add("learn", "prerequisites of a concept, in study order", out.answer_learn, ["key"])
    add("ancestors", "broader concepts, nearest first", out.answer_ancestors, ["key"])
    add("descendants", "the subtree of narrower concepts", out.answer_descendants, ["key"])
    near = add("neighbors", "concepts within N hops", out.answer_neighbors, ["key"])
    add(
        "backlinks",
        "concepts that link to, relate to or require one",
        out.answer_backlinks,
        ["key"],
    )
    add("orphans", "concepts with no relation at all", out.answer_orphans, [])
    add("stats", "counts for the whole graph", out.answer_stats, [])
    for parser in (path, near):
        parser.add_argument(
            "--kind", action="append", choices=KINDS, help="relation to follow (repeatable)"
        )
    near.add_argument(
        "--depth",
        type=whole_number(0, MAX_DEPTH),
        default=1,
        metavar="N",
        help=f"hops, 0 to {MAX_DEPTH:,} (default: 1)",
    )


def load_graph(args: argparse.Namespace) -> ConceptGraph:
    """Load the concept graph from ``--entities``/``--demos``, or raise UsageError."""
    from generator.cli import read_policy
    from generator.linker import load_concept_graph

    entities: Path = args.entities
    if not entities.is_dir():
        advice = " (run in the glossary's folder or give --entities DIR)"
        raise not_a_folder("entities", entities, advice)
    return load_concept_graph(entities, _demos_dir(args), policy=read_policy(args))


def _demos_dir(args: argparse.Namespace) -> Path | None:
    demos: Path = args.demos
    if demos.is_dir():
        return demos
    if demos != Path("demos") or demos.exists():
        raise not_a_folder("demos", demos)
    return None


def run_check(args: argparse.Namespace) -> int:
    """Print every diagnostic and a summary; return 1 on errors (or warnings with --strict)."""
    from generator.cli import read_policy
    from generator.demos.checks import check_demos
    from generator.model import Severity

    graph = load_graph(args)
    demos = _demos_dir(args)
    found = list(graph.diagnostics)
    if demos is not None:
        found.extend(check_demos(graph, demos, policy=read_policy(args)))
    found.sort(key=lambda d: (d.path, d.line, d.col, d.severity, d.message))
    errors = sum(d.severity is Severity.ERROR for d in found)
    warnings = len(found) - errors
    _print_findings(args.format, found, _summary(errors, warnings, graph.graph.number_of_nodes()))
    return 1 if errors or (args.strict and warnings) else 0


def _print_findings(fmt: str, found: Sequence[Diagnostic], summary: str) -> None:
    from generator.cli import package_version, reports

    if fmt == "json":
        print(json.dumps([asdict(d) for d in found], indent=2, ensure_ascii=False))
    elif fmt == "sarif":
        sys.stdout.write(reports.sarif_log(found, package_version()))
    else:
        lines = reports.github_annotations(found) if fmt == "github" else map(str, found)
        for line in lines:
            print(line)
        print(summary)


def _summary(errors: int, warnings: int, concepts: int) -> str:
    return (
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} "
        f"in {_plural(concepts, 'concept')}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def warn_about_errors(diagnostics: Sequence[Diagnostic]) -> None:
    """Name the graph's errors on stderr before a query or export answers anyway."""
    errors = [d for d in diagnostics if d.severity == "error"]
    if not errors:
        return
    for diagnostic in errors[:_ERRORS_SHOWN]:
        print(diagnostic, file=sys.stderr)
    more = f" ({len(errors) - _ERRORS_SHOWN} not shown)" if len(errors) > _ERRORS_SHOWN else ""
    print(
        f"glossgraph: warning: the glossary has {_plural(len(errors), 'error')}{more}; "
        "answering anyway (run 'glossgraph check')",
        file=sys.stderr,
    )


def _answer(args: argparse.Namespace, answer: Callable[..., int]) -> int:
    graph = load_graph(args)
    warn_about_errors(graph.diagnostics)
    return answer(graph, args)


def run_export(args: argparse.Namespace) -> int:
    """Write the graph in ``--format`` to ``-o FILE`` or stdout."""
    from generator.export import export_graph
    from generator.outputs import check_output_file

    if args.output is not None:
        protected = {"entities": args.entities, "demos": args.demos}
        check_output_file(args.output, "-o", protected)
        config = args.config or Path("mkdocs.yml")
        if config.is_file() and args.output.resolve() == config.resolve():
            raise UsageError(
                f"-o '{args.output}' is the site's config file: writing there would replace it;"
                " write the export to another file"
            )
    graph = load_graph(args)
    warn_about_errors(graph.diagnostics)
    text = _skos_text(graph, args) if args.format.startswith("skos-") else None
    if text is None:
        text = export_graph(graph.graph, args.format)
    output: Path | None = args.output
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write '{output}': {error.strerror}") from None
    print(f"wrote {output}", file=sys.stderr)
    return 0


def _skos_text(graph: ConceptGraph, args: argparse.Namespace) -> str:
    from generator.skos import SiteSettings, export_skos, read_site_settings, uri_plan

    config: Path | None = args.config
    if config is None and Path("mkdocs.yml").is_file():
        config = Path("mkdocs.yml")
    if config is not None and not config.is_file():
        raise UsageError(f"no such config file: {config}")
    settings = read_site_settings(config) if config is not None else SiteSettings()
    plan = uri_plan(args.base_uri, settings, config)
    return export_skos(graph.graph, args.format, plan, settings.site_name or "Glossary")


def run_new(args: argparse.Namespace) -> int:
    """Create ``entities/KEY.md`` for a new concept; refuse a bad key or a name in use."""
    from generator.slugs import is_valid_key, slugify

    key: str = args.key
    if not is_valid_key(key):
        hint = f" (did you mean '{slugify(key)}'?)" if is_valid_key(slugify(key)) else ""
        raise UsageError(
            f"invalid key {key!r}: use lowercase letters, digits and single hyphens{hint}"
        )
    entities: Path = args.entities
    if entities.exists() and not entities.is_dir():
        raise UsageError(f"entities folder '{entities}' is not a folder")
    path = entities / f"{key}.md"
    if path.exists():
        raise UsageError(f"'{path}' already exists; edit it instead")
    parent = _check_new_names(args, key) if entities.is_dir() else args.parent
    title: str = args.title or key.replace("-", " ").capitalize()
    entities.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(_new_file_text(title, parent, args.summary))
    except FileExistsError:
        raise UsageError(f"'{path}' already exists; edit it instead") from None
    except OSError as error:
        raise UsageError(f"cannot write '{path}': {error.strerror}") from None
    print(f"created {path}")
    for step in _next_steps(path, parent, args.summary):
        print(f"next: {step}")
    return 0


def _new_file_text(title: str, parent: str | None, summary: str | None) -> str:
    import yaml

    from generator.summary import placeholder_summary

    given = {"title": title, "summary": summary or placeholder_summary(title), "parent": parent}
    front = _template(given)
    return "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True) + "---\n\n"


def _template(given: dict[str, str | None]) -> dict[str, Any]:
    """Return the front matter ``new`` writes: the schema's template fields, empty unless given."""
    from generator.schema import template_fields

    front: dict[str, Any] = {}
    for field in template_fields():
        value = given.get(field.name)
        if value or field.is_list:
            front[field.name] = value or []
    return front


def _next_steps(path: Path, parent: str | None, summary: str | None) -> list[str]:
    steps = []
    if not summary:
        steps.append(f"replace the 'TODO:' summary on line 3 of {path} with one sentence")
    if not parent:
        steps.append("give it a parent, related or requires, or link to it from another concept")
    if steps:
        steps.append("then run 'glossgraph check --strict'")
    return steps


def run_schema(args: argparse.Namespace) -> int:
    """Print the front matter's JSON Schema."""
    from generator.schema import json_schema

    del args
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def _check_new_names(args: argparse.Namespace, key: str) -> str | None:
    from generator.linker import resolve_name
    from generator.queries import suggest

    graph = load_graph(args)
    owner = resolve_name(graph, key)
    if owner is not None:
        raise UsageError(
            f"'{key}' is already a name of concept '{owner}' ({graph.entities[owner].source}): "
            f"pick another key, or link to [[{owner}]] instead"
        )
    parent: str | None = args.parent
    if parent is None or parent in graph.graph:
        return parent
    resolved = resolve_name(graph, parent)
    if resolved is None:
        raise UsageError(f"parent {parent!r} is not a concept{suggest(graph.graph, parent)}")
    return resolved
