"""`cohort init`: a new cohort folder from the roster and the curriculum's assessments.

Built in a hidden folder beside DIR and renamed into place at the end, so a failure leaves
nothing half-made, and an existing DIR is never touched.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import sys
from datetime import datetime, timezone
from pathlib import Path

from .. import contract, curriculum
from ..problems import Problem, UserError, display_path
from .course import Cohort
from .roster import Learner, read_roster

CONFIG_TAIL = '''
# --- added by `walkbeside cohort init`: this folder is its own course, with its own gradebook ---
import os as _os
c.CourseDirectory.root = _os.path.dirname(_os.path.abspath(__file__))
c.CourseDirectory.db_url = "sqlite:///" + _os.path.join(c.CourseDirectory.root, "gradebook.db")
c.CourseDirectory.course_id = {course_id!r}
'''


def curriculum_assessments() -> Path:
    return curriculum.curriculum_root() / "assessments"


def module_facts(warn) -> list[dict]:
    """Title and minutes of each curriculum module, kept in the cohort so certificates match
    the curriculum the cohort was taught from."""
    facts = []
    for ref in curriculum.modules():
        try:
            meta = contract.module_summary(ref.notebook)
        except contract.NotebookError as exc:
            warn(f"{exc.problem} (its minutes will not count towards certificate hours)")
            continue
        minutes = meta.get("minutes")
        if isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0:
            facts.append({"slug": ref.slug, "title": str(meta.get("title") or ref.slug), "minutes": minutes})
        else:
            warn(f"{display_path(ref.notebook)}:1: no minutes in its metadata (its minutes will not count towards certificate hours)")
    return facts


def create(target: Path, roster_path: Path, warn=print) -> tuple[Cohort | None, list[Problem]]:
    learners, problems = read_roster(roster_path)
    if problems:
        return None, problems
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"{display_path(target)} already exists and is not empty — choose a new folder for the cohort")
    assessments = curriculum_assessments()
    if not (assessments / "nbgrader_config.py").is_file() or not (assessments / "source").is_dir():
        raise UserError(f"{display_path(assessments)} has no nbgrader_config.py and source/ — the curriculum's assessments are missing")

    course_id = re.sub(r"[^A-Za-z0-9._-]+", "-", target.name).strip("-") or "cohort"
    building = target.parent / f".{target.name}.building"
    shutil.rmtree(building, ignore_errors=True)  # our own leftover from a crash, never user data
    building.mkdir(parents=True)
    try:
        shutil.copytree(assessments / "source", building / "source", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        config = (assessments / "nbgrader_config.py").read_text(encoding="utf-8")
        (building / "nbgrader_config.py").write_text(config + CONFIG_TAIL.format(course_id=course_id), encoding="utf-8")
        shutil.copy2(roster_path, building / "roster.csv")
        meta = {
            "name": target.name,
            "course_id": course_id,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "modules": module_facts(warn),
        }
        (building / "cohort.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        make_gradebook(building, course_id, learners)
        if target.exists():
            target.rmdir()  # checked empty above
        building.rename(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return Cohort(target), []


def make_gradebook(root: Path, course_id: str, learners: list[Learner]) -> None:
    from nbgrader.api import Gradebook

    # A new gradebook runs the `alembic` command, installed beside this Python; the venv may
    # not be activated.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    db = root / "gradebook.db"
    with Gradebook(f"sqlite:///{db}", course_id) as gb:
        for learner in learners:
            gb.update_or_create_student(learner.id, first_name=learner.first_name, last_name=learner.last_name, email=learner.email)
    # WAL lets the formgrader read while grading workers write; the setting stays in the file.
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
