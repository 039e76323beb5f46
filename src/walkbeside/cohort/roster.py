"""Read a roster CSV (nbgrader's import format: ``id,first_name,last_name,email``).

Every bad row is reported as ``roster.csv:LINE: problem — what to do``; a roster with any
problem is not imported at all, so a cohort never starts half-enrolled.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem, display_path

COLUMNS = ("id", "first_name", "last_name", "email")
# An id becomes a folder name (nbgrader's submitted/<id>/) and part of flat LMS file names.
SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


def read_roster(path: Path) -> tuple[list[Learner], list[Problem]]:
    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")  # Excel writes a byte-order mark
    except OSError as exc:
        return [], [Problem(shown, 1, f"cannot read the roster ({exc.strerror})", "check the path")]
    except UnicodeDecodeError:
        return [], [Problem(shown, 1, "the roster is not UTF-8 text", "save it from your spreadsheet as 'CSV UTF-8'")]
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    if "id" not in header:
        return [], [Problem(shown, 1, f"the first line must name the columns, including id (found {','.join(header) or 'nothing'})",
                            "start the file with: id,first_name,last_name,email")]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        return [], [Problem(shown, 1, f"unknown column(s) {', '.join(unknown)}", f"use only: {','.join(COLUMNS)}")]
    learners: list[Learner] = []
    problems: list[Problem] = []
    first_seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(Problem(shown, line, f"{len(row)} values but {len(header)} columns", "remove the extra commas, or quote values that contain commas"))
            continue
        values = {key: value.strip() for key, value in zip(header, row)}
        learner_id = values.get("id", "")
        if not learner_id:
            problems.append(Problem(shown, line, "this row has no id", "give every learner an id, e.g. jane-doe"))
        elif not SAFE_ID.fullmatch(learner_id):
            problems.append(Problem(shown, line, f"the id {learner_id!r} cannot be used as a folder name",
                                    "use only letters, digits, '.', '_' and '-' (up to 64), starting with a letter or digit"))
        elif learner_id.lower() in first_seen:
            problems.append(Problem(shown, line, f"the id {learner_id!r} is used twice (first on line {first_seen[learner_id.lower()]})",
                                    "give each learner their own id (ids differing only in capitals count as the same)"))
        else:
            first_seen[learner_id.lower()] = line
            email = values.get("email", "")
            if email and "@" not in email:
                problems.append(Problem(shown, line, f"{email!r} is not an email address", "fix it or leave it empty"))
                continue
            learners.append(Learner(learner_id, values.get("first_name", ""), values.get("last_name", ""), email))
    if not learners and not problems:
        problems.append(Problem(shown, 1, "the roster has no learners", "add one row per learner under the header"))
    return learners, problems
