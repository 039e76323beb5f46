"""`cohort release`: nbgrader's learner versions, and one zip per assignment to email or upload."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..problems import UserError
from .course import Cohort
from .nbgrader_api import api


def last_error_line(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "").strip().splitlines()
    return text[-1] if text else "nbgrader gave no reason"


def release(cohort: Cohort, assignments: list[str] | None = None) -> list[Path]:
    wanted = assignments or list(cohort.assignments)
    unknown = [a for a in wanted if a not in cohort.assignments]
    if unknown:
        raise UserError(f"unknown assignment(s) {', '.join(unknown)} — this cohort has: {', '.join(cohort.assignments)}")
    nbgrader = api(cohort)
    zips = []
    for assignment in wanted:
        result = nbgrader.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            raise UserError(f"source/{assignment}: nbgrader could not make the learner version: {last_error_line(result)} — run `walkbeside check` on the curriculum's assessments")
        zips.append(zip_release(cohort, assignment))
    return zips


def zip_release(cohort: Cohort, assignment: str) -> Path:
    """outbox/<assignment>.zip holding <assignment>/<files>: unzipped, it is the folder
    nbgrader's layout expects back."""
    folder = cohort.path("release", assignment)
    target = cohort.path("outbox", f"{assignment}.zip")
    target.parent.mkdir(exist_ok=True)
    partial = target.with_suffix(".zip.part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                zf.write(path, f"{assignment}/{path.relative_to(folder).as_posix()}")
    partial.replace(target)
    return target
