"""`walkbeside progress`: what the learner has finished, per module, and what is left."""

from __future__ import annotations

import argparse
from pathlib import Path

from .. import progress


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("progress", help="show what you have completed in each module and what is left",
                       description="Show your progress, read from your workspace (nothing is uploaded). A module is complete when every scenario has reached an ending and every self-check question is answered; reflections are private and optional.")
    p.add_argument("--workspace", type=Path, default=None, help="your workspace folder (default: the one `walkbeside lab` uses)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ws = args.workspace.expanduser().resolve() if args.workspace else progress.workspace()
    rows = progress.summary(ws)
    print(f"Progress in {ws}")
    for row in rows:
        mark = "done" if row["complete"] else "    "
        s_done, s_all = row["scenarios"]
        q_done, q_all = row["self_check"]
        r_done, r_all = row["reflections"]
        print(f"[{mark}] {row['title']}")
        print(f"        scenarios {s_done}/{s_all}, self-check {q_done}/{q_all}, reflections {r_done}/{r_all}")
        if row["scenarios_left"]:
            print(f"        still to play: {', '.join(row['scenarios_left'])}")
    complete = sum(r["complete"] for r in rows)
    print(f"{complete} of {len(rows)} modules complete.")
    return 0
