"""A cohort folder: an nbgrader course of its own, plus what walkbeside adds.

    DIR/nbgrader_config.py        the curriculum's nbgrader settings + this cohort's course id
    DIR/source/                   the curriculum's assessments, copied at `cohort init`
    DIR/release/, outbox/         learner versions, and one zip per assignment to send out
    DIR/submissions/              every file ever collected, never changed or deleted
    DIR/submitted/                the latest submission per learner and assignment (nbgrader's)
    DIR/autograded/, gradebook.db nbgrader's
    DIR/feedback-html/, report/, certificates/
    DIR/cohort.json               roster-independent facts: modules' titles and minutes
    DIR/.walkbeside/              bookkeeping (what was graded from which files)

Every nbgrader command run by hand inside DIR sees the same course.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..problems import UserError, display_path

STATE = ".walkbeside"


def write_atomic(path: Path, text: str) -> None:
    """Write so that a crash or kill -9 leaves either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


@dataclass(frozen=True)
class ModuleInfo:
    slug: str
    title: str
    minutes: int


class Cohort:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        if not (self.root / "cohort.json").is_file() or not (self.root / "nbgrader_config.py").is_file():
            raise UserError(f"{display_path(root)} is not a cohort folder (no cohort.json) — make one with `walkbeside cohort init {display_path(root)} --roster roster.csv`")

    @cached_property
    def meta(self) -> dict[str, Any]:
        try:
            return json.loads((self.root / "cohort.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UserError(f"{display_path(self.root / 'cohort.json')}:1: cannot read it ({exc}) — restore it from a backup") from None

    @property
    def name(self) -> str:
        return self.meta.get("name") or self.root.name

    @property
    def modules(self) -> dict[str, ModuleInfo]:
        return {m["slug"]: ModuleInfo(m["slug"], m["title"], int(m["minutes"])) for m in self.meta.get("modules", [])}

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @cached_property
    def assignments(self) -> dict[str, list[str]]:
        """assignment -> its notebook names (without .ipynb), from source/, in order."""
        source = self.root / "source"
        found = {}
        for folder in sorted(p for p in source.iterdir() if p.is_dir() and not p.name.startswith(".")):
            notebooks = sorted(nb.stem for nb in folder.glob("*.ipynb"))
            if notebooks:
                found[folder.name] = notebooks
        return found

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def state_file(self, name: str) -> Path:
        return self.root / STATE / name

    def read_state(self, name: str) -> dict[str, Any]:
        try:
            return json.loads(self.state_file(name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:  # written atomically, so this means someone edited it: start afresh
            return {}

    def write_state(self, name: str, data: dict[str, Any]) -> None:
        write_atomic(self.state_file(name), json.dumps(data, indent=1, sort_keys=True))

    def learners(self) -> dict[str, tuple[str, str, str]]:
        """id -> (first name, last name, email), from the gradebook (read only)."""
        try:
            with sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True) as conn:
                rows = conn.execute("SELECT id, first_name, last_name, email FROM student ORDER BY id").fetchall()
        except sqlite3.Error as exc:
            raise UserError(f"{display_path(self.db_path)}:1: cannot read the gradebook ({exc}) — restore it from a backup") from None
        return {r[0]: (r[1] or "", r[2] or "", r[3] or "") for r in rows}

    def module_for(self, assignment: str) -> ModuleInfo | None:
        return self.modules.get(assignment)
