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
from generator.reading import DEFAULT_MAX_FILE_SIZE, ReadPolicy, parse_size

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
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="largest content file read, e.g. 5MB or 200kB (default: 5MB)",
    )
    parser.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read symlinks whose target lies outside their folder (default: refuse them)",
    )


def read_policy(args: argparse.Namespace) -> ReadPolicy:
    """Return the reading policy the folder options ask for."""
    size = DEFAULT_MAX_FILE_SIZE if args.max_file_size is None else args.max_file_size
    return ReadPolicy(max_file_size=size, follow_symlinks=args.follow_symlinks)


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """Return an argparse type accepting a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low} to {high:,} but received: {text!r}"
            )
        return value

    return parse


def _size(text: str) -> int:
    try:
        size = parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if size < 1:
        raise argparse.ArgumentTypeError(
            f"expected a size of at least 1 byte but received: {text!r}"
        )
    return size


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
