"""`walkbeside cohort ...`: a trainer's cohort, from roster to certificates (docs/trainers.md)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..problems import UserError, display_path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("cohort", help="run a cohort: roster, release, collect, grade, feedback, report, certificates",
                       description="Run a cohort of learners through the assessments with nbgrader. See docs/trainers.md.")
    steps = p.add_subparsers(dest="step", metavar="STEP", title="steps")
    p.set_defaults(func=lambda args: p.print_help())

    s = steps.add_parser("init", help="make a cohort folder from a roster CSV (id,first_name,last_name,email)")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("--roster", type=Path, required=True, metavar="CSV")
    s.set_defaults(func=run_init)

    s = steps.add_parser("release", help="make the learner versions and one zip per assignment (outbox/)")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    s.set_defaults(func=run_release)

    s = steps.add_parser("collect", help="file submissions from a folder or zip (nbgrader, flat or Canvas names)")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("source", type=Path, metavar="SOURCE")
    s.set_defaults(func=run_collect)

    s = steps.add_parser("grade", help="autograde what changed since the last run, in parallel")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("--workers", type=int, metavar="N", help="grading processes (default: cores + 1)")
    s.set_defaults(func=run_grade)

    s = steps.add_parser("formgrade", help="open nbgrader's formgrader for manual grading")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("--no-browser", action="store_true", help="print the address instead of opening a browser")
    s.add_argument("--port", type=int, default=0, help="port for the local server (default: any free port)")
    s.set_defaults(func=run_formgrade)

    s = steps.add_parser("feedback", help="one self-contained HTML feedback file per learner (feedback-html/)")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.set_defaults(func=run_feedback)

    s = steps.add_parser("report", help="report/grades.csv and report/report.html with charts")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("--pass-mark", type=float, default=None, metavar="P", help="percent needed on each assessment (default 80)")
    s.set_defaults(func=run_report)

    s = steps.add_parser("certificates", help="a printable certificate for each learner who passed every assessment")
    s.add_argument("dir", type=Path, metavar="DIR")
    s.add_argument("--pass-mark", type=float, default=None, metavar="P", help="percent needed on each assessment (default 80)")
    s.set_defaults(func=run_certificates)


def _cohort(path: Path):
    from ..cohort.course import Cohort

    return Cohort(path)


def run_init(args: argparse.Namespace) -> int:
    from ..cohort.create import create

    cohort, problems = create(args.dir, args.roster, warn=lambda text: print(f"warning: {text}", file=sys.stderr))
    if problems:
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s) in the roster; nothing was created.")
        return 1
    learners = cohort.learners()
    print(f"Made cohort {display_path(cohort.root)}: {len(learners)} learners, assessments {', '.join(cohort.assignments)}.")
    print(f"Next: walkbeside cohort release {display_path(cohort.root)}")
    return 0


def run_release(args: argparse.Namespace) -> int:
    from ..cohort.release import release

    for path in release(_cohort(args.dir), args.assignments):
        print(f"wrote {display_path(path)}")
    return 0


def run_collect(args: argparse.Namespace) -> int:
    from ..cohort.collect import collect

    if not args.source.exists():
        raise UserError(f"{display_path(args.source)} does not exist — give the folder or zip of submissions")
    outcome = collect(_cohort(args.dir), args.source)
    for sub in outcome.used:
        print(f"collected {sub.learner}/{sub.assignment} ({', '.join(sorted(sub.files))}, {sub.when:%Y-%m-%d %H:%M} UTC)")
    for sub in outcome.kept:
        print(f"kept {sub.learner}/{sub.assignment} from {sub.when:%Y-%m-%d %H:%M} UTC in submissions/: a later one is graded")
    for problem in outcome.problems:
        print(problem)
    print(f"{len(outcome.used)} submission(s) ready to grade, {len(outcome.kept)} older kept, "
          f"{len(outcome.duplicates)} already collected, {len(outcome.problems)} problem(s).")
    return 0


def run_grade(args: argparse.Namespace) -> int:
    from ..cohort.grade import grade

    if args.workers is not None and args.workers < 1:
        raise UserError("--workers must be 1 or more")
    if os.geteuid() != 0:
        from ..cohort.sandbox import user_namespaces_work

        if user_namespaces_work():
            print("note: not running as root: learner code is isolated in a user namespace (no network, your files "
                  "hidden) but runs with your user's permissions; see docs/trainers.md", file=sys.stderr)
        else:
            print("note: not running as root and this system does not allow user namespaces, so learner code runs as "
                  "you, with resource limits but without the sandbox (no network or file isolation); see docs/trainers.md",
                  file=sys.stderr)
    run = grade(_cohort(args.dir), args.workers)
    for job, reason in run.failed:
        print(f"{job.key}: could not be graded: {reason} — open submitted/{job.key}/ to look, then collect a new copy")
    for job, cells in run.flagged:
        print(f"{job.key}: graded, but answer cells hold code that may fool the checks ({', '.join(cells)}) — look at submitted/{job.key}/ before trusting this grade")
    print(f"graded {len(run.graded)}, unchanged {run.unchanged}, could not grade {len(run.failed)}.")
    return 1 if run.failed else 0


def run_formgrade(args: argparse.Namespace) -> int:
    from ..cohort.formgrade import formgrade

    return formgrade(_cohort(args.dir), open_browser=not args.no_browser, port=args.port)


def run_feedback(args: argparse.Namespace) -> int:
    from ..cohort.feedback import write_feedback

    cohort = _cohort(args.dir)
    paths = write_feedback(cohort)
    print(f"wrote {len(paths)} feedback file(s) in {display_path(cohort.path('feedback-html'))}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from ..cohort.report import write_report

    for path in write_report(_cohort(args.dir), args.pass_mark):
        print(f"wrote {display_path(path)}")
    return 0


def run_certificates(args: argparse.Namespace) -> int:
    from ..cohort.certificates import write_certificates

    written, not_yet = write_certificates(_cohort(args.dir), args.pass_mark)
    for path in written:
        print(f"wrote {display_path(path)}")
    for learner, reason in not_yet:
        print(f"no certificate yet for {learner}: {reason}")
    print(f"{len(written)} certificate(s).")
    return 0
