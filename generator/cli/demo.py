"""``glossgraph demo list|run``, ``cache clean`` and ``freeze``.

The demo engine (and with it nbclient, jupytext) is imported inside each
command function, so other commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import UsageError, not_a_folder

if TYPE_CHECKING:
    from generator.demos.model import RunOptions
    from generator.model import DemoId

_DEFAULT_CACHE = Path(".glossgraph") / "cache"


def register(commands: Any) -> None:
    """Add ``demo``, ``cache`` and ``freeze`` to the glossgraph parser."""
    demo = commands.add_parser("demo", help="list or run the demos")
    demo_commands = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    listing = demo_commands.add_parser("list", help="each demo and its state")
    _add_common(listing, runs=False)
    listing.set_defaults(func=_list)
    run = demo_commands.add_parser("run", help="run one demo and print its outputs")
    run.add_argument("id", metavar="ID", help="demo id (file stem in the demos folder)")
    _add_common(run, runs=True)
    run.set_defaults(func=_run)

    cache = commands.add_parser("cache", help="manage the demo cache")
    cache_commands = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    clean = cache_commands.add_parser("clean", help="delete every cached demo result")
    _add_common(clean, runs=False)
    clean.set_defaults(func=_clean)

    freeze = commands.add_parser(
        "freeze", help="copy executed demo notebooks to demos/_outputs/ (committed)"
    )
    freeze.add_argument("ids", nargs="*", metavar="ID", help="demo ids to freeze")
    freeze.add_argument("--all", action="store_true", help="freeze every demo")
    _add_common(freeze, runs=True)
    freeze.set_defaults(func=_freeze)


def _add_common(parser: argparse.ArgumentParser, runs: bool) -> None:
    from generator.cli import add_folder_options

    add_folder_options(parser)
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=_DEFAULT_CACHE,
        metavar="DIR",
        help="where executed demos are cached (default: .glossgraph/cache)",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda"),
        default="auto",
        help="auto: what the kernel sees; cpu: hide GPUs; cuda: require a GPU",
    )
    if not runs:
        return
    parser.add_argument("--jobs", type=_positive_int, metavar="N", help="parallel kernels")
    add_limit_options(parser)
    parser.add_argument("--rerun", action="store_true", help="ignore the cache and run again")
    parser.add_argument(
        "--executor",
        metavar="dask://HOST:PORT",
        help="execute on a Dask cluster (default: kernels on this machine)",
    )


def add_limit_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--timeout`` and ``--memory-limit`` (shared by ``demo run``, ``build``, ``serve``)."""
    parser.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit of a demo whose header sets none (default 120)",
    )
    parser.add_argument(
        "--memory-limit",
        type=_memory_limit,
        metavar="SIZE",
        help="address space per kernel: 4GB, 500MB, 50%% of physical memory, or none "
        "(default 50%%; not applied to kernels that may see a GPU)",
    )


def _memory_limit(text: str) -> str:
    """Return ``text`` once it reads as a memory limit (parsed again where it is used)."""
    from generator.demos.resources import parse_memory_limit

    try:
        parse_memory_limit(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer but received: {text!r}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number but received: {text!r}")
    return value


def _options(args: argparse.Namespace) -> RunOptions:
    from generator.demos.executors import check_executor
    from generator.demos.model import Device, RunOptions

    if not args.demos.is_dir():
        raise not_a_folder("demos", args.demos)
    from generator.demos.resources import DEFAULT_MEMORY_FRACTION, parse_memory_limit

    executor = getattr(args, "executor", None)
    check_executor(executor)
    memory = getattr(args, "memory_limit", None)
    return RunOptions(
        device=Device(args.device),
        jobs=getattr(args, "jobs", None),
        timeout=getattr(args, "timeout", None),
        memory_limit=DEFAULT_MEMORY_FRACTION if memory is None else parse_memory_limit(memory),
        rerun=getattr(args, "rerun", False),
        cache_dir=args.cache_dir,
        progress=sys.stderr,
        executor=executor,
    )


def _list(args: argparse.Namespace) -> int:
    from generator.demos.states import demo_states

    states = demo_states(args.demos, _options(args))
    width = max((len(demo_id) for demo_id in states), default=0)
    for demo_id, state in states.items():
        print(f"{demo_id:<{width}}  {state}")
    return 0


def _demo_ids(names: list[str], demos_dir: Path) -> list[DemoId]:
    """Return ``names`` as demo ids; raise UsageError for a non-key or a missing demo.

    An id is checked as a key before it is ever used in a path, so ``./d`` or
    ``../../outside`` can neither read nor write outside the demos folder.
    """
    from generator.model import DemoId
    from generator.slugs import is_valid_key

    bad = [name for name in names if not is_valid_key(name)]
    if bad:
        raise UsageError(
            f"{', '.join(repr(name) for name in bad)} is not a demo id: an id is the file stem "
            "of a demo, lowercase letters and digits joined by '-' (see 'glossgraph demo list')"
        )
    missing = [name for name in names if not (demos_dir / f"{name}.py").is_file()]
    if missing:
        raise UsageError(f"no demo {', '.join(repr(i) for i in missing)} in {demos_dir}")
    return [DemoId(name) for name in names]


def _run(args: argparse.Namespace) -> int:
    from generator.demos import run_demos
    from generator.demos.render import record_text, render_text

    options = _options(args)
    (demo_id,) = _demo_ids([args.id], args.demos)
    run = run_demos([demo_id], args.demos, options)
    for warning in run.warnings:
        print(f"glossgraph: warning: {warning}", file=sys.stderr)
    result = run.results[demo_id]
    for line in render_text(result):
        print(line)
    status = "ok" if result.ok else f"failed: {result.status}"
    print(f"{status} · {record_text(result.record)}")
    return 0 if result.ok else 1


def _freeze(args: argparse.Namespace) -> int:
    from generator.demos.runner import summary_lines
    from generator.demos.spec import demo_files
    from generator.demos.states import freeze_demos
    from generator.model import DemoId

    options = _options(args)
    if args.all:
        ids = [DemoId(path.stem) for path in demo_files(args.demos)]
    elif args.ids:
        ids = _demo_ids(args.ids, args.demos)
    else:
        raise UsageError("name the demos to freeze, or pass --all")
    run, written = freeze_demos(ids, args.demos, options)
    for path in written:
        print(f"froze {path}")
    for line in summary_lines(run):
        print(line, file=sys.stderr)
    return 1 if run.failed else 0


def _clean(args: argparse.Namespace) -> int:
    from generator.demos.cache import clean

    removed = clean(args.cache_dir)
    print(f"removed {removed} cached demo results from {args.cache_dir}")
    return 0
