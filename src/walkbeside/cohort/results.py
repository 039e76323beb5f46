"""The cohort's grades, read from nbgrader's gradebook into plain objects for feedback,
report and certificates. Scores follow nbgrader's rules: a manual score replaces the
autograder's, extra credit is added, a late penalty is taken off the notebook."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .course import Cohort

DEFAULT_PASS_MARK = 80.0

QUERY = """
SELECT student.id, assignment.name, notebook.name, base_cell.name, grade_cells.max_score,
       grade.auto_score, grade.manual_score, grade.extra_credit, grade.needs_manual_grade,
       submitted_notebook.late_submission_penalty, comment.manual_comment, comment.auto_comment
FROM grade
JOIN submitted_notebook ON grade.notebook_id = submitted_notebook.id
JOIN submitted_assignment ON submitted_notebook.assignment_id = submitted_assignment.id
JOIN student ON submitted_assignment.student_id = student.id
JOIN assignment ON submitted_assignment.assignment_id = assignment.id
JOIN notebook ON submitted_notebook.notebook_id = notebook.id
JOIN base_cell ON grade.cell_id = base_cell.id
JOIN grade_cells ON grade.cell_id = grade_cells.id
LEFT JOIN comment ON comment.notebook_id = submitted_notebook.id AND comment.cell_id IN (
    -- nbgrader hangs comments on the solution cell: for a cell graded by hand that is a
    -- separate row with the grade cell's name
    SELECT same.id FROM base_cell AS same WHERE same.name = base_cell.name AND same.notebook_id = base_cell.notebook_id)
"""


@dataclass
class Question:
    notebook: str
    cell: str  # the grade cell's grade_id
    max_score: float
    score: float
    needs_manual_grade: bool
    comment: str = ""


@dataclass
class AssignmentResult:
    assignment: str
    questions: list[Question] = field(default_factory=list)
    late_penalty: float = 0.0

    @property
    def score(self) -> float:
        return max(0.0, sum(q.score for q in self.questions) - self.late_penalty)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0

    @property
    def needs_manual_grade(self) -> bool:
        return any(q.needs_manual_grade for q in self.questions)


@dataclass
class LearnerResult:
    id: str
    first_name: str
    last_name: str
    email: str
    assignments: dict[str, AssignmentResult] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or self.id

    def passed(self, assignment: str, pass_mark: float) -> bool:
        result = self.assignments.get(assignment)
        return bool(result) and not result.needs_manual_grade and result.percent >= pass_mark


def max_scores(cohort: Cohort) -> dict[str, float]:
    """assignment -> points available, from the gradebook (also for learners who sent nothing)."""
    query = """SELECT assignment.name, SUM(grade_cells.max_score) FROM grade_cells
               JOIN base_cell ON grade_cells.id = base_cell.id
               JOIN notebook ON base_cell.notebook_id = notebook.id
               JOIN assignment ON notebook.assignment_id = assignment.id GROUP BY assignment.name"""
    with sqlite3.connect(f"file:{cohort.db_path}?mode=ro", uri=True) as conn:
        return {name: float(total or 0) for name, total in conn.execute(query)}


def grading_problems(cohort: Cohort) -> dict[str, str]:
    """"learner/assignment" -> why `cohort grade` could not grade it, or why its grade needs
    a look (answer cells holding code)."""
    found = {key: f"could not be graded ({why})" for key, why in cohort.read_state("problems.json").items()}
    for key, cells in cohort.read_state("flags.json").items():
        found.setdefault(key, f"answer cells hold code, check by hand: {', '.join(cells)}")
    return found


def graded_pairs(cohort: Cohort) -> set[tuple[str, str]]:
    """(learner, assignment) with an autograded notebook on disk: the gradebook also holds
    zero rows nbgrader makes for assignments a learner never sent."""
    folder = cohort.path("autograded")
    return {(p.parent.parent.name, p.parent.name) for p in folder.glob("*/*/*.ipynb")} if folder.is_dir() else set()


def load(cohort: Cohort) -> list[LearnerResult]:
    learners = {i: LearnerResult(i, *facts) for i, facts in cohort.learners().items()}
    graded = graded_pairs(cohort)
    with sqlite3.connect(f"file:{cohort.db_path}?mode=ro", uri=True) as conn:
        rows = conn.execute(QUERY + " ORDER BY assignment.name, notebook.name, base_cell.id").fetchall()
    for (learner, assignment, notebook, cell, max_score, auto, manual, extra, needs_manual,
         penalty, manual_comment, auto_comment) in rows:
        if learner not in learners or (learner, assignment) not in graded:
            continue
        result = learners[learner].assignments.setdefault(assignment, AssignmentResult(assignment))
        score = (manual if manual is not None else auto or 0.0) + (extra or 0.0)
        result.questions.append(Question(notebook, cell, float(max_score or 0), float(score), bool(needs_manual),
                                         manual_comment or auto_comment or ""))
        result.late_penalty = float(penalty or 0)
    for learner in learners.values():  # cohort order: the order of source/
        learner.assignments = {a: learner.assignments[a] for a in cohort.assignments if a in learner.assignments}
    return list(learners.values())


def question_texts(cohort: Cohort, learner: str, assignment: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(notebook, grade id) -> (prompt, the learner's answer), from the autograded notebook.

    The prompt is the last locked markdown cell before the answer (nbgrader restores locked
    cells from the source, so it is the curriculum's text); the answer is the last answer
    cell before a test, or the cell itself when it is graded by hand. Test code is never
    returned: hidden tests are the answer key.
    """
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for path in sorted(cohort.path("autograded", learner, assignment).glob("*.ipynb")):
        try:
            nb = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        prompt = answer = ""
        for cell in nb.get("cells", []):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            if meta.get("solution"):
                answer = src
            elif cell.get("cell_type") == "markdown" and meta.get("locked"):
                prompt = src
            if meta.get("grade") and meta.get("grade_id"):
                found[(path.stem, meta["grade_id"])] = (prompt, answer)
                answer = ""
    return found
