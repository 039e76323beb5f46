"""`walkbeside assessment list|get|selfgrade`: the graded assessments for learners working alone.

Trainers run nbgrader itself in ``assessments/`` (see assessments/nbgrader_config.py). A learner
without a trainer uses these commands: ``get`` writes a fresh copy of an assessment to answer,
``selfgrade`` grades it with the same nbgrader steps and explains every answer.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import assessments, selfgrade
from ..problems import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assessment", help="get an assessment to answer, or grade your own answers (learners working alone)",
                       description="The graded assessments, one per module. With a trainer, hand your notebook in as your trainer asks. "
                                   "On your own: `walkbeside assessment get 00-foundations`, answer it in JupyterLab, "
                                   "then `walkbeside assessment selfgrade 00-foundations-assessment.ipynb`.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="actions")

    lister = actions.add_parser("list", help="list the assessments and their points")
    lister.set_defaults(func=run_list)

    get = actions.add_parser("get", help="write a fresh copy of an assessment notebook to answer",
                             description="Write the learner's copy of an assessment (no answers, no hidden checks) into a folder.")
    get.add_argument("assignment", metavar="MODULE", help="module slug or name, e.g. 00-foundations or boundaries")
    get.add_argument("--to", type=Path, default=Path("."), metavar="FOLDER", help="where to write it (default: this folder)")
    get.add_argument("--force", action="store_true", help="replace an existing copy (its answers are lost)")
    get.set_defaults(func=run_get)

    grade = actions.add_parser("selfgrade", help="grade your answered notebook and explain every question",
                               description="Grade your notebook with nbgrader against the curriculum's answer key, then show your score "
                                           "and an explanation of every question. Your notebook is not changed.")
    grade.add_argument("notebook", type=Path, metavar="NOTEBOOK", help="your answered assessment notebook (.ipynb)")
    grade.add_argument("--html", type=Path, metavar="FILE", default=None,
                       help="also save nbgrader's feedback page here (default: NOTEBOOK-feedback.html beside your notebook)")
    grade.add_argument("--no-html", action="store_true", help="do not save a feedback page")
    grade.add_argument("--json", action="store_true", help="print the results as JSON")
    grade.set_defaults(func=run_selfgrade)
    p.set_defaults(func=lambda args: p.print_help() or 0)


def run_list(args: argparse.Namespace) -> int:
    ids = selfgrade.assignment_ids()
    if not ids:
        raise UserError("no assessments were found in this curriculum (assessments/source/ is empty).")
    for assignment in ids:
        for path in selfgrade.source_notebooks(assignment):
            try:
                nb = json.loads(path.read_text(encoding="utf-8"))
                questions, reflections = assessments.outline(nb["cells"])
            except (OSError, ValueError, KeyError, TypeError):
                print(f"{assignment}: (cannot be read; run `walkbeside check {path}`)")
                continue
            auto = sum(q.points for q in questions)
            written = sum(r.points for r in reflections)
            print(f"{assignment}: {len(questions)} questions ({auto:g} points) and {len(reflections)} reflections "
                  f"({written:g} points), {auto + written:g} points in total")
    return 0


def run_get(args: argparse.Namespace) -> int:
    written = selfgrade.release(args.assignment, args.to, force=args.force)
    for path in written:
        print(f"Wrote {path}. Open it in JupyterLab and follow 'Before you begin' at the top.")
        print(f"When you are done: walkbeside assessment selfgrade {path}")
    return 0


def run_selfgrade(args: argparse.Namespace) -> int:
    notebook: Path = args.notebook
    if notebook.suffix != ".ipynb":
        raise UserError(f"{notebook} is not a notebook (.ipynb) file.")
    html = None if args.no_html else (args.html or notebook.with_name(f"{notebook.stem}-feedback.html"))
    if not args.json:
        print("Grading your answers with nbgrader. This takes about half a minute...", flush=True)
    report = selfgrade.selfgrade(notebook, html=html)
    if args.json:
        print(json.dumps({
            "assignment": report.assignment,
            "score": report.score,
            "max_score": report.max_score,
            "questions": [q.__dict__ for q in report.questions],
            "reflections": [{"number": r.number, "title": r.title, "max_score": r.max_score, "written": bool(r.written)}
                            for r in report.reflections],
            "feedback_html": str(report.feedback_html) if report.feedback_html else None,
        }, indent=2))
    else:
        print(selfgrade.render(report))
    return 0
