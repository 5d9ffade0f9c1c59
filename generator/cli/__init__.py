"""The ``glossgraph`` command line.

Each sub-module registers its own sub-commands and imports anything heavy
(torch, jupyter, mkdocs) inside the function that runs the command, so that
``check``, ``query`` and ``export`` start fast.

Exit codes: 0 fine, 1 content errors, 2 usage errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from generator.cli import core, demo, site
from generator.errors import GlossgraphError, UsageError

EXIT_OK = 0
EXIT_CONTENT = 1
EXIT_USAGE = 2

Command = Callable[[argparse.Namespace], int]


def add_folder_options(parser: argparse.ArgumentParser) -> None:
    """Add the ``--entities`` and ``--demos`` options every command takes."""
    parser.add_argument(
        "--entities",
        type=Path,
        default=Path("entities"),
        metavar="DIR",
        help="folder of concept files (default: entities/)",
    )
    parser.add_argument(
        "--demos",
        type=Path,
        default=Path("demos"),
        metavar="DIR",
        help="folder of demo scripts (default: demos/)",
    )


def package_version() -> str:
    """Return the installed glossgraph distribution's version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("glossgraph")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="glossgraph",
        description="Check, query and publish a glossary kept as one Markdown file per concept.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {package_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (core, demo, site):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command: Command = args.func
    try:
        return command(args)
    except UsageError as error:
        print(f"glossgraph: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except GlossgraphError as error:
        print(f"glossgraph: error: {error}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("glossgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
