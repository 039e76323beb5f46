"""`cohort collect`: file submissions from a folder or zip into the cohort.

Accepted names (NAME is a notebook of the assignment, e.g. ``00-foundations``; an email
client's `` (1)`` or an LMS's ``-1`` after NAME is ignored):

1. nbgrader's layout: ``<learner_id>/<assignment>/NAME.ipynb`` (+ ``timestamp.txt``), also
   inside wrapping folders such as ``submitted/``;
2. one folder per learner: ``<learner_id>/NAME.ipynb``;
3. nbgrader ZipCollect-style flat names: ``<learner_id>_<assignment>_NAME.ipynb``;
4. a Canvas "Download submissions" zip: ``<lastfirst>[_late]_<userid>_<submissionid>_NAME.ipynb``,
   matched on the roster's last and first names.

Every file is first copied, unchanged, to ``submissions/<learner>/<assignment>/<time>-<hash>/``
(never overwritten). The newest submission then becomes nbgrader's
``submitted/<learner>/<assignment>/``; an older one is only kept.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..problems import Problem, display_path
from .course import Cohort
from .sources import Entry, Rejected, read_source

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's timestamp.txt
COPY_SUFFIX = re.compile(r"(?: \(\d+\)|-\d+)$")


@dataclass
class Submission:
    learner: str
    assignment: str
    when: datetime
    files: dict[str, bytes] = field(default_factory=dict)  # notebook name -> bytes
    origin: list[str] = field(default_factory=list)
    stamp: str | None = None  # name of its timestamp.txt in the source, if it came with one

    @property
    def digest(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.files):
            h.update(name.encode() + b"\0" + hashlib.sha256(self.files[name]).digest())
        return h.hexdigest()


@dataclass
class Outcome:
    used: list[Submission] = field(default_factory=list)  # now the one graded
    kept: list[Submission] = field(default_factory=list)  # older than the one graded: archived only
    duplicates: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _stamp(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def notebook_problem(data: bytes) -> tuple[int, str] | None:
    """(line, problem) if these bytes are not a notebook nbgrader can grade."""
    if not data.strip():
        return 1, "the file is empty"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1, "not a notebook (not UTF-8 text)"
    try:
        nb = json.loads(text)
    except ValueError as exc:
        return getattr(exc, "lineno", 1), f"not a notebook (invalid JSON: {getattr(exc, 'msg', exc)}; truncated?)"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return 1, "JSON but not a Jupyter notebook (no list of cells)"
    if nb.get("nbformat") != 4:
        return 1, f"notebook format {nb.get('nbformat')!r}; nbgrader grades format 4"
    return None


def read_stamp_text(data: bytes) -> datetime | None:
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(data.decode("utf-8").strip())
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None


def read_stamp(path: Path) -> datetime | None:
    try:
        return read_stamp_text(path.read_bytes())
    except OSError:
        return None


class Matcher:
    """Works out (learner, assignment, notebook) from a file's path inside the source."""

    def __init__(self, cohort: Cohort, learners: dict[str, tuple[str, str]]):
        self.ids = {i.lower(): i for i in learners}
        self.by_name: dict[str, str | None] = {}
        for learner_id, (first, last) in learners.items():
            if first or last:  # two learners with the same name cannot be told apart: None
                key = re.sub(r"[^a-z0-9]", "", (last + first).lower())
                self.by_name[key] = None if key in self.by_name else learner_id
        self.assignments = cohort.assignments
        self.notebook_owner: dict[str, str | None] = {}
        for assignment, notebooks in self.assignments.items():
            for nb in notebooks:  # a notebook name in two assignments is ambiguous on its own
                self.notebook_owner[nb] = None if nb in self.notebook_owner else assignment

    def notebook(self, assignment: str, filename: str) -> str | None:
        stem = filename[: -len(".ipynb")]
        for name in (stem, COPY_SUFFIX.sub("", stem)):
            if name in self.assignments.get(assignment, ()):
                return name
        return None

    def owner(self, filename: str) -> tuple[str, str] | None:
        stem = COPY_SUFFIX.sub("", filename[: -len(".ipynb")])
        assignment = self.notebook_owner.get(stem) or self.notebook_owner.get(filename[: -len(".ipynb")])
        return (assignment, self.notebook(assignment, filename)) if assignment else None

    def match(self, parts: tuple[str, ...]) -> tuple[str, str, str] | str:
        """(learner, assignment, notebook), or the reason it does not match."""
        filename = parts[-1]
        if len(parts) >= 3 and parts[-3].lower() in self.ids:
            learner = self.ids[parts[-3].lower()]
            if parts[-2] in self.assignments:
                nb = self.notebook(parts[-2], filename)
                return (learner, parts[-2], nb) if nb else f"{filename} is not a notebook of {parts[-2]}"
        if len(parts) >= 2 and parts[-2].lower() in self.ids:
            owner = self.owner(filename)
            if owner:
                return self.ids[parts[-2].lower()], *owner
        if len(parts) >= 3 and parts[-2] in self.assignments:
            return f"unknown learner {parts[-3]!r} (not in the roster)"
        flat = self._flat(filename)
        if flat:
            return flat
        if len(parts) >= 2 and parts[-2].lower() in self.ids:
            return f"no assignment has a notebook called {filename}"
        return "unknown learner or assignment in this name"

    def _flat(self, filename: str) -> tuple[str, str, str] | None:
        lower = filename.lower()
        for key in sorted(self.ids, key=len, reverse=True):  # ids may contain '_': longest first
            if lower.startswith(key + "_"):
                rest = filename[len(key) + 1:]
                for assignment in sorted(self.assignments, key=len, reverse=True):
                    if rest.startswith(assignment + "_"):
                        nb = self.notebook(assignment, rest[len(assignment) + 1:])
                        if nb:
                            return self.ids[key], assignment, nb
        canvas = re.fullmatch(r"([a-z0-9]+)(?:_late)?_\d+_\d+_(.+\.ipynb)", lower)
        if canvas and self.by_name.get(canvas.group(1)):
            owner = self.owner(filename[len(filename) - len(canvas.group(2)):])
            if owner:
                return self.by_name[canvas.group(1)], *owner
        return None


def collect(cohort: Cohort, source: Path) -> Outcome:
    outcome = Outcome()
    learners = {i: (first, last) for i, (first, last, _) in cohort.learners().items()}
    shown = display_path(source)
    matcher = Matcher(cohort, learners)
    groups: dict[tuple[str, str], Submission] = {}
    entries: list[Entry] = []
    contents: dict[str, bytes] = {}
    for item in read_source(source):
        if isinstance(item, Rejected):
            outcome.problems.append(Problem(f"{shown}/{item.name}", 1, item.reason, "ask the learner to send the notebook itself"))
            continue
        if not (item.name.endswith(".ipynb") or item.name.endswith("timestamp.txt")):
            continue
        try:
            contents[item.name] = item.read()
        except (OSError, ValueError) as exc:
            outcome.problems.append(Problem(f"{shown}/{item.name}", 1, f"cannot be read ({exc})", "ask the learner to send it again"))
            continue
        entries.append(item)
    # Names are matched from their end, so wrapping folders ('submitted/', 'downloads/') do not matter.
    located = [(tuple(e.name.split("/")), e) for e in entries]
    stamps = {parts[:-1]: entry for parts, entry in located if parts[-1] == "timestamp.txt"}
    for parts, entry in located:
        if parts[-1] == "timestamp.txt":
            continue
        found = matcher.match(parts)
        where = f"{shown}/{entry.name}"
        if isinstance(found, str):
            outcome.problems.append(Problem(where, 1, f"not collected: {found}", "rename it as docs/trainers.md shows, or add the learner to the roster"))
            continue
        learner, assignment, notebook = found
        data = contents[entry.name]
        bad = notebook_problem(data)
        if bad:
            outcome.problems.append(Problem(where, bad[0], f"{learner}/{assignment}: {bad[1]}",
                                            "kept in submissions/ but not graded: ask the learner to send the notebook again"))
            _archive_loose(cohort, learner, assignment, "unreadable", entry.name, data)
            continue
        sub = groups.setdefault((learner, assignment), Submission(learner, assignment, entry.mtime))
        if notebook in sub.files and sub.files[notebook] != data:
            # two different copies in one source: the newer is used, the other is kept too
            new_is_older = entry.mtime < sub.when
            _archive_loose(cohort, learner, assignment, "other-copy", entry.name if new_is_older else notebook + ".ipynb",
                           data if new_is_older else sub.files[notebook])
            outcome.problems.append(Problem(where, 1, f"{learner}/{assignment}: a second copy of {notebook}.ipynb in this source",
                                            "the newer copy is graded; the other is kept in submissions/"))
            if new_is_older:
                continue
        sub.files[notebook] = data
        sub.origin.append(where)
        sub.when = max(sub.when, entry.mtime)
        if parts[:-1] in stamps:
            sub.stamp = stamps[parts[:-1]].name
    for sub in groups.values():
        if sub.stamp:
            when = read_stamp_text(contents[sub.stamp])
            if when is None:
                outcome.problems.append(Problem(f"{shown}/{sub.stamp}", 1, "not a time nbgrader can read", "the file's own date is used instead"))
            else:
                sub.when = when
        file_submission(cohort, sub, outcome)
    return outcome


def _archive_loose(cohort: Cohort, learner: str, assignment: str, kind: str, name: str, data: bytes) -> None:
    """Keep a file that is not (part of) a submission to grade, under its content's hash."""
    digest = hashlib.sha256(data).hexdigest()[:16]
    folder = cohort.path("submissions", learner, assignment, f"{kind}-{digest}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / Path(name).name).write_bytes(data)


def _archived_digests(cohort: Cohort, learner: str, assignment: str) -> set[str]:
    folder = cohort.path("submissions", learner, assignment)
    return {p.name.rsplit("-", 1)[-1] for p in folder.iterdir()} if folder.is_dir() else set()


def archive(cohort: Cohort, sub: Submission) -> Path:
    folder = cohort.path("submissions", sub.learner, sub.assignment, f"{sub.when.strftime('%Y%m%dT%H%M%S')}-{sub.digest[:16]}")
    folder.mkdir(parents=True, exist_ok=False)
    for name, data in sub.files.items():
        (folder / f"{name}.ipynb").write_bytes(data)
    (folder / "timestamp.txt").write_text(_stamp(sub.when), encoding="utf-8")
    (folder / "origin.json").write_text(json.dumps({"collected_from": sub.origin}, indent=1), encoding="utf-8")
    return folder


def keep_unarchived(cohort: Cohort, current: Path, sub: Submission) -> None:
    """A submission someone put into submitted/ by hand is archived before anything replaces it."""
    if not current.is_dir():
        return
    files = {p.stem: p.read_bytes() for p in current.glob("*.ipynb")}
    if not files:
        return
    old = Submission(sub.learner, sub.assignment, read_stamp(current / "timestamp.txt") or datetime.fromtimestamp(current.stat().st_mtime, timezone.utc),
                     files, [display_path(current)])
    if old.digest[:16] not in _archived_digests(cohort, sub.learner, sub.assignment):
        archive(cohort, old)


def file_submission(cohort: Cohort, sub: Submission, outcome: Outcome) -> None:
    if sub.digest[:16] in _archived_digests(cohort, sub.learner, sub.assignment):
        outcome.duplicates.append(sub)
        return
    kept = archive(cohort, sub)
    current = cohort.path("submitted", sub.learner, sub.assignment)
    keep_unarchived(cohort, current, sub)
    current_when = read_stamp(current / "timestamp.txt") if current.exists() else None
    if current.exists() and current_when is not None and current_when > sub.when:
        outcome.kept.append(sub)
        return
    # Swap in a copy of the archived folder; the old current one is already in submissions/.
    staging = current.parent / f".{sub.assignment}.incoming"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(kept, staging, ignore=shutil.ignore_patterns("origin.json"))
    if current.exists():
        retired = current.parent / f".{sub.assignment}.retired"
        shutil.rmtree(retired, ignore_errors=True)
        current.rename(retired)
        staging.rename(current)
        shutil.rmtree(retired)
    else:
        staging.rename(current)
    outcome.used.append(sub)
