"""``glossgraph build``, ``serve`` and ``export-docs``: publish the glossary as a site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_CONTENT = 1
MAX_JOBS = 256


def register(commands: Any) -> None:
    """Add this module's sub-commands to the glossgraph parser."""
    from generator.cli import add_folder_options

    build = commands.add_parser("build", help="build the static site with MkDocs")
    add_folder_options(build)
    _add_site_options(build)
    build.add_argument("--site-dir", type=Path, metavar="DIR", help="where to write the site")
    build.set_defaults(func=run_build)

    serve = commands.add_parser("serve", help="serve the site and rebuild when content changes")
    add_folder_options(serve)
    _add_site_options(serve)
    serve.add_argument(
        "--dev-addr", metavar="HOST:PORT", help="address to serve on (default: 127.0.0.1:8000)"
    )
    serve.set_defaults(func=run_serve)

    export = commands.add_parser(
        "export-docs", help="write the plain docs tree and a mkdocs.yml that needs no plugin"
    )
    add_folder_options(export)
    export.add_argument("folder", type=Path, metavar="DIR", help="folder to write (new or empty)")
    export.add_argument("--site-name", default="Glossary", help="site title (default: Glossary)")
    _add_demo_options(export)
    export.set_defaults(func=run_export_docs)


def _add_site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict", action="store_true", help="fail on dangling links and failed demos"
    )
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help="MkDocs config (default: ./mkdocs.yml if present, else a built-in Material config)",
    )
    _add_demo_options(parser)


def _add_demo_options(parser: argparse.ArgumentParser) -> None:
    from generator.cli import whole_number
    from generator.cli.demo import add_limit_options

    parser.add_argument("--rerun", action="store_true", help="execute demos even when cached")
    parser.add_argument(
        "--jobs", type=whole_number(1, MAX_JOBS), metavar="N", help="demos run in parallel"
    )
    add_limit_options(parser)
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default=None,
        help="where demos run (default: auto)",
    )
    parser.add_argument(
        "--executor",
        metavar="dask://HOST:PORT",
        help="execute demos on a Dask cluster (default: kernels on this machine)",
    )


def run_build(args: argparse.Namespace) -> int:
    """Build the site."""
    from generator.mkdocs_plugin import build_site

    return _guarded(lambda: build_site(_site_command(args, site_dir=args.site_dir)))


def run_serve(args: argparse.Namespace) -> int:
    """Serve the site, rebuilding on changes."""
    from generator.mkdocs_plugin import serve_site

    return _guarded(lambda: serve_site(_site_command(args, dev_addr=args.dev_addr)))


def run_export_docs(args: argparse.Namespace) -> int:
    """Write the docs tree and a plugin-free mkdocs.yml into a folder."""
    from generator.build import BuildOptions, build_docs
    from generator.cli import read_policy
    from generator.demos import Device, RunOptions
    from generator.demos.executors import check_executor
    from generator.demos.model import DEFAULT_CACHE_DIR
    from generator.demos.resources import DEFAULT_MEMORY_FRACTION, parse_memory_limit
    from generator.outputs import check_output_folder
    from generator.render.siteconfig import export_docs

    protected = {"entities": args.entities, "demos": args.demos, "cache": DEFAULT_CACHE_DIR}
    check_output_folder(args.folder, "export folder", protected)
    check_executor(args.executor)
    run = RunOptions(
        device=Device(args.device or "auto"),
        jobs=args.jobs,
        timeout=args.timeout,
        memory_limit=(
            DEFAULT_MEMORY_FRACTION
            if args.memory_limit is None
            else parse_memory_limit(args.memory_limit)
        ),
        rerun=args.rerun,
        executor=args.executor,
    )
    options = BuildOptions(
        args.entities, args.demos, site_name=args.site_name, run=run, reading=read_policy(args)
    )

    def export() -> None:
        built = build_docs(options)
        for warning in built.warnings:
            print(warning, file=sys.stderr)
        config = export_docs(built.tree, args.folder, args.site_name)
        print(f"wrote {len(built.tree.files)} files and {config}", file=sys.stderr)

    return _guarded(export)


def _site_command(args: argparse.Namespace, **extra: Any) -> Any:
    from generator.demos.executors import check_executor
    from generator.mkdocs_plugin import SiteCommand

    check_executor(args.executor)
    config = args.config
    if config is None and Path("mkdocs.yml").is_file():
        config = Path("mkdocs.yml")
    # Folders left at their defaults defer to the config file's plugin options.
    given = {
        flag: getattr(args, flag)
        for flag in ("entities", "demos")
        if config is None or getattr(args, flag) != Path(flag)
    }
    return SiteCommand(
        config_file=config,
        strict=args.strict,
        rerun=args.rerun,
        jobs=args.jobs,
        timeout=args.timeout,
        memory_limit=args.memory_limit,
        device=args.device,
        max_file_size=args.max_file_size,
        follow_symlinks=args.follow_symlinks,
        executor=args.executor,
        **given,
        **extra,
    )


def _guarded(action: Any) -> int:
    from generator.build import ContentBlocked

    try:
        action()
    except ContentBlocked as blocked:
        for diagnostic in blocked.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(f"glossgraph: error: {blocked}", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK
