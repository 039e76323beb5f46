"""`walkbeside check [PATH...]`"""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import check


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="validate modules, scenarios, self-checks and assessments (file:line: problem)",
                       description="Validate curriculum files. With no PATH, checks the whole curriculum. Prints 'file:line: problem — what to do' for each problem and exits 1 if there are any.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders to check")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    problems, count = check.run(args.paths or None)
    for problem in problems:
        print(problem)
    noun = "file" if count == 1 else "files"
    if problems:
        print(f"{len(problems)} problem(s) in {count} {noun} checked.")
        return 1
    print(f"All good: {count} {noun} checked, no problems.")
    return 0
