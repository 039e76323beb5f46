"""Benchmark: `walkbeside cohort grade` against plain `nbgrader autograde`.

Builds a synthetic cohort (default 20 learners x every assessment; answers a seeded mix of
letters and blanks, so some right, some wrong, some empty), grades one copy with
`nbgrader autograde ASSIGNMENT` per assignment (how nbgrader is normally run) and another
with `walkbeside cohort grade`, checks that every grade cell got the same score, and prints
the seconds for each and the ratio.

    .venv/bin/python benchmarks/grade_cohort.py [--learners 20] [--workers N] [--keep DIR]

The tests reuse ``fill_answers`` and ``make_cohort`` to build their small cohorts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ANSWER = re.compile(r"^(\s*answer_(\d+)\s*=\s*)(['\"]).*?\3", re.M)
CHOICES = ["A", "B", "C", "D", ""]


def fill_answers(notebook: Path, answers: dict[int, str]) -> bytes:
    """The learner version of a notebook with ``answer_N = "X"`` typed in for each N given."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] != "code" or not meta.get("solution"):
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]

        def typed(match: re.Match) -> str:
            n = int(match.group(2))
            return f'{match.group(1)}"{answers[n]}"' if n in answers else match.group(0)

        cell["source"] = ANSWER.sub(typed, src)
    return (json.dumps(nb, indent=1) + "\n").encode("utf-8")


def answer_numbers(notebook: Path) -> list[int]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found += [int(m.group(2)) for m in ANSWER.finditer(src)]
    return found


def walkbeside(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "walkbeside.cli", *args], check=True, capture_output=True, text=True, env=env)


def make_cohort(where: Path, learners: int, seed: int = 10, env: dict | None = None) -> tuple[Path, Path]:
    """A released cohort and a folder of submissions in nbgrader's layout: (cohort, submissions)."""
    where.mkdir(parents=True, exist_ok=True)
    roster = where / "roster.csv"
    roster.write_text("id,first_name,last_name,email\n" + "".join(
        f"learner-{i:02d},First{i},Last{i},learner{i}@example.org\n" for i in range(learners)), encoding="utf-8")
    cohort = where / "cohort"
    walkbeside("cohort", "init", str(cohort), "--roster", str(roster), env=env)
    walkbeside("cohort", "release", str(cohort), env=env)
    rng = random.Random(seed)
    inbox = where / "inbox"
    for i in range(learners):
        for folder in sorted((cohort / "release").iterdir()):
            for notebook in sorted(folder.glob("*.ipynb")):
                answers = {n: rng.choice(CHOICES) for n in answer_numbers(notebook)}
                target = inbox / f"learner-{i:02d}" / folder.name / notebook.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(fill_answers(notebook, answers))
    return cohort, inbox


def scores(cohort: Path) -> dict[tuple[str, str, str, str], float | None]:
    """(learner, assignment, notebook, grade cell) -> score, straight from the gradebook."""
    query = """
        SELECT student.id, assignment.name, notebook.name, base_cell.name,
               COALESCE(grade.manual_score, grade.auto_score)
        FROM grade
        JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
        JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
        JOIN student ON submitted_assignment.student_id = student.id
        JOIN assignment ON submitted_assignment.assignment_id = assignment.id
        JOIN notebook ON submitted_notebook.notebook_id = notebook.id
        JOIN base_cell ON grade.cell_id = base_cell.id"""
    with sqlite3.connect(cohort / "gradebook.db") as conn:
        return {tuple(row[:4]): row[4] for row in conn.execute(query)}


def nbgrader_autograde(cohort: Path, assignments: list[str] | None = None) -> None:
    """Plain `nbgrader autograde ASSIGNMENT` in the cohort folder, for each (or the given) assignment."""
    nbgrader = Path(sys.executable).with_name("nbgrader")
    for assignment in assignments or sorted(p.name for p in (cohort / "source").iterdir() if p.is_dir()):
        subprocess.run([str(nbgrader), "autograde", assignment], cwd=cohort, check=True, capture_output=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, help="build the cohorts here and keep them")
    args = parser.parse_args(argv)
    where = args.keep or Path(tempfile.mkdtemp(prefix="walkbeside-bench-"))
    try:
        base, inbox = make_cohort(where / "base", args.learners)
        walkbeside("cohort", "collect", str(base), str(inbox))
        plain, ours = where / "nbgrader", where / "walkbeside"
        shutil.copytree(base, plain)
        shutil.copytree(base, ours)
        count = sum(1 for _ in (base / "submitted").glob("*/*/*.ipynb"))
        print(f"{args.learners} learners, {count} notebooks, {os.cpu_count()} cores")

        began = time.perf_counter()
        nbgrader_autograde(plain)
        plain_seconds = time.perf_counter() - began
        print(f"nbgrader autograde:      {plain_seconds:6.1f} s")

        began = time.perf_counter()
        walkbeside("cohort", "grade", str(ours), *(["--workers", str(args.workers)] if args.workers else []))
        our_seconds = time.perf_counter() - began
        print(f"walkbeside cohort grade: {our_seconds:6.1f} s")

        expected, got = scores(plain), scores(ours)
        if expected != got or not expected:
            differ = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
            print(f"SCORES DIFFER in {len(differ)} grade cell(s), e.g. {differ[:3]}")
            return 1
        print(f"scores identical ({len(expected)} grade cells); {plain_seconds / our_seconds:.1f}x faster")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(where, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
