"""The `walkbeside` command. Each subcommand lives in its own module with a ``register``
function; add a new one to ``COMMANDS`` below."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback

from . import __version__
from .problems import UserError

# module name in walkbeside.commands -> registered in this order in --help
COMMANDS = ["lab", "check", "progress", "assessment", "export", "cohort", "hub"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="walkbeside",
        description="Walk Beside: training for volunteer mentors of survivors of sex trafficking and CSEC.",
        epilog="Run 'walkbeside COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"walkbeside {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"walkbeside.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"walkbeside.commands.{name}":
                raise
            continue  # a command still being built is simply not offered
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"walkbeside: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("walkbeside: stopped.", file=sys.stderr)
        return 130
    except Exception as exc:  # never show a traceback to a mentor or trainer
        if os.environ.get("WALKBESIDE_DEBUG"):
            traceback.print_exc()
        print(
            f"walkbeside: something went wrong that we did not expect ({type(exc).__name__}: {exc}).\n"
            "Nothing you wrote has been changed. Set WALKBESIDE_DEBUG=1 to see details for a bug report.",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
