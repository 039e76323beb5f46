"""`cohort grade`: autograde every submission that changed since it was last graded, in
parallel worker processes (worker.py), with a progress line.

What was graded from which files is kept in ``.walkbeside/graded.json``, written after every
finished submission, so an interrupted run loses at most the submissions in progress.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from .course import Cohort
from .inspect_answers import unexpected_code
from .progress import Progress
from .release import last_error_line, release

STATE = "graded.json"
PROBLEMS = "problems.json"  # "learner/assignment" -> why it could not be graded; read by the report
FLAGS = "flags.json"  # "learner/assignment" -> answer cells holding code (inspect_answers.py)


@dataclass(frozen=True)
class Job:
    learner: str
    assignment: str
    digest: str

    @property
    def key(self) -> str:
        return f"{self.learner}/{self.assignment}"


@dataclass
class GradeRun:
    graded: list[Job] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[Job, str]] = field(default_factory=list)
    flagged: list[tuple[Job, list[str]]] = field(default_factory=list)


# nbgrader's failures, in words a trainer can act on (first match wins)
EXPLANATIONS = (
    ("DeadKernelError", "the notebook stopped Python while it ran (sys.exit or os._exit, a crash, or far too much memory)"),
    ("UnresponsiveKernelError", "a cell ran too long and could not be interrupted"),
    ("exists multiple times", "grading cells were duplicated in the notebook, so nbgrader cannot tell which one to grade"),
    ("SchemaTooOldError", "the hidden grading settings of some cells were changed or removed"),
    ("SchemaTooNewError", "the hidden grading settings of some cells were changed"),
    ("database is locked", "the gradebook was busy; run `cohort grade` again"),
)


def explain(result: dict) -> str:
    text = (result.get("log") or "") + (result.get("error") or "")
    for marker, words in EXPLANATIONS:
        if marker in text:
            return words
    return last_error_line(result)


def _digest_files(h, folder: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())


def submission_digest(cohort: Cohort, learner: str, assignment: str) -> str:
    """Changes when the learner's files, the assessment or nbgrader's settings change."""
    h = hashlib.sha256()
    for folder in (cohort.path("submitted", learner, assignment), cohort.path("source", assignment)):
        h.update(b"\1")
        _digest_files(h, folder)
    for name in ("nbgrader_config.py", "source/header.ipynb"):
        path = cohort.path(*name.split("/"))
        h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()


def plan(cohort: Cohort) -> tuple[list[Job], int]:
    """(submissions to grade, number already graded from the same files)."""
    done = cohort.read_state(STATE)
    jobs, unchanged = [], 0
    submitted = cohort.path("submitted")
    for learner_dir in sorted(submitted.iterdir()) if submitted.is_dir() else []:
        for folder in sorted(learner_dir.iterdir()) if learner_dir.is_dir() else []:
            if folder.name not in cohort.assignments or not any(folder.glob("*.ipynb")):
                continue
            job = Job(learner_dir.name, folder.name, submission_digest(cohort, learner_dir.name, folder.name))
            if done.get(job.key) == job.digest and cohort.path("autograded", job.learner, job.assignment).is_dir():
                unchanged += 1
            else:
                jobs.append(job)
    return jobs, unchanged


def assignments_in_gradebook(cohort: Cohort) -> set[str]:
    try:
        with sqlite3.connect(f"file:{cohort.db_path}?mode=ro", uri=True) as conn:
            return {row[0] for row in conn.execute("SELECT name FROM assignment")}
    except sqlite3.Error:
        return set()


def default_workers() -> int:
    # A worker spends about half of each notebook waiting for its kernel (start-up handshake,
    # cell replies, shutdown), so two workers per core keep the cores busy.
    return 2 * (os.cpu_count() or 1)


def grade(cohort: Cohort, workers: int | None = None, stream: TextIO | None = None) -> GradeRun:
    from . import worker

    jobs, unchanged = plan(cohort)
    run = GradeRun(unchanged=unchanged)
    if not jobs:
        return run
    missing = {job.assignment for job in jobs} - assignments_in_gradebook(cohort)
    if missing:  # autograde needs the assignment (its cells and points) in the gradebook
        release(cohort, sorted(missing))
    state = cohort.read_state(STATE)
    problems = cohort.read_state(PROBLEMS)
    flags = cohort.read_state(FLAGS)
    progress = Progress(len(jobs), stream)
    count = max(1, min(workers or default_workers(), len(jobs)))
    by_key = {job.key: job for job in jobs}
    # "spawn": a fresh interpreter per worker, never a fork of this process's open gradebook
    with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                             initializer=worker.start, initargs=(str(cohort.root),)) as pool:
        futures = [pool.submit(worker.autograde, job.learner, job.assignment) for job in jobs]
        try:
            for future in as_completed(futures):
                result = future.result()
                job = by_key[f"{result['learner']}/{result['assignment']}"]
                flags.pop(job.key, None)
                if result["success"]:
                    state[job.key] = job.digest
                    problems.pop(job.key, None)
                    flagged = unexpected_code(cohort.path("submitted", job.learner, job.assignment))
                    if flagged:
                        flags[job.key] = flagged
                        run.flagged.append((job, flagged))
                    run.graded.append(job)
                    progress.step(job.key)
                else:
                    state.pop(job.key, None)
                    problems[job.key] = explain(result)
                    run.failed.append((job, problems[job.key]))
                    progress.step(f"{job.key}: could not be graded")
                cohort.write_state(STATE, state)
                cohort.write_state(PROBLEMS, problems)
                cohort.write_state(FLAGS, flags)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return run
