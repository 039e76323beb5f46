"""Grading for learners who work alone: the same nbgrader steps a trainer runs, in a temporary copy.

``walkbeside assessment selfgrade NOTEBOOK`` is the learner "submitting to themselves":

1. find which assessment the notebook is (by its nbgrader grade_ids, so a renamed copy works);
2. copy the installed curriculum's nbgrader course (config, header, that assignment's source)
   into a temporary folder and run ``nbgrader generate_assignment`` there, which fills a fresh
   gradebook with the hidden tests;
3. put the learner's notebook in ``submitted/me/<assignment>/`` and run ``nbgrader autograde``:
   nbgrader restores the hidden tests, runs every cell and records a score per question;
4. read the scores from the gradebook and the explanations that the hidden tests print, and
   (optionally) save nbgrader's own HTML feedback page.

The answer key and the explanations live only in the source notebooks' hidden-test blocks, which
nbgrader strips from released notebooks; they appear only after grading. (The curriculum is
open source, so a determined learner can read the source notebooks. The point is that the
notebook a learner works in never shows the key.)
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import assessments, curriculum
from .problems import UserError, display_path

STUDENT = "me"
EXPLANATION_MARK = "Explanation (shown after grading)"
NBGRADER_TIMEOUT = 600


@dataclass
class QuestionResult:
    number: int
    title: str
    grade_id: str
    score: float
    max_score: float
    answer: str  # what the learner typed, as shown to them
    best: str = ""  # "Best answer: C"
    why: str = ""
    message: str = ""  # the hidden test's plain-language failure message, if any


@dataclass
class ReflectionResult:
    number: int
    title: str
    max_score: float
    rubric: str
    written: str  # the learner's text ("" if untouched)
    sample: str


@dataclass
class Report:
    assignment: str
    notebook: Path
    questions: list[QuestionResult] = field(default_factory=list)
    reflections: list[ReflectionResult] = field(default_factory=list)
    feedback_html: Path | None = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)


# --------------------------------------------------------------------------- the course

def course_root(root: Path | None = None) -> Path:
    return (root or curriculum.curriculum_root()) / "assessments"


def assignment_ids(root: Path | None = None) -> list[str]:
    source = course_root(root) / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def source_notebooks(assignment: str, root: Path | None = None) -> list[Path]:
    return sorted((course_root(root) / "source" / assignment).glob("*.ipynb"))


def _grade_ids(nb: dict[str, Any]) -> set[str]:
    ids = set()
    for cell in nb.get("cells") or []:
        meta = assessments.nbgrader_meta(cell) if isinstance(cell, dict) else None
        if meta and isinstance(meta.get("grade_id"), str) and assessments.cell_role(cell) in {"answer", "test", "reflection"}:
            ids.add(meta["grade_id"])
    return ids


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{display_path(path)}: no such file. Check the name, or give the full path to your notebook.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{display_path(path)}: this file cannot be read as a notebook ({exc}). "
                        "If you edited it outside JupyterLab, open a fresh copy with `walkbeside assessment get`.") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise UserError(f"{display_path(path)}: this is not a Jupyter notebook.")
    return data


def identify(notebook: Path, root: Path | None = None) -> tuple[str, Path]:
    """(assignment id, source notebook) that a learner's notebook belongs to."""
    learner = _grade_ids(_read_json(notebook))
    best: tuple[int, str, Path] | None = None
    for assignment in assignment_ids(root):
        for source in source_notebooks(assignment, root):
            try:
                ids = _grade_ids(json.loads(source.read_text(encoding="utf-8")))
            except (OSError, json.JSONDecodeError):
                continue
            overlap = len(ids & learner)
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, assignment, source)
    if best is None:
        raise UserError(f"{display_path(notebook)} does not look like a Walk Beside assessment notebook "
                        "(none of its questions match). Get a fresh copy with `walkbeside assessment get MODULE`.")
    return best[1], best[2]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # nbgrader runs `alembic` for its gradebook: make the tools beside this Python findable.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("PYTHONIOENCODING", "utf-8")
    return env


def run_nbgrader(args: list[str], course: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader ARGS`` in ``course``; raise UserError with nbgrader's own words on failure."""
    try:
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=_env(),
                              capture_output=True, text=True, timeout=NBGRADER_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise UserError(f"nbgrader {args[0]} took longer than {NBGRADER_TIMEOUT // 60} minutes and was stopped.") from None
    if done.returncode != 0:
        errors = [l for l in (done.stdout + done.stderr).splitlines() if "ERROR" in l or "Error" in l]
        detail = "\n".join(errors[-6:]) or (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise UserError(f"nbgrader {args[0]} failed:\n{detail}")
    return done


def copy_course(root: Path | None, dest: Path, assignments: list[str]) -> Path:
    """A minimal copy of the nbgrader course (config, header, chosen assignments) in ``dest``."""
    src = course_root(root)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src / "nbgrader_config.py", dest / "nbgrader_config.py")
    (dest / "source").mkdir(exist_ok=True)
    header = src / "source" / assessments.HEADER_NAME
    if header.exists():
        shutil.copy2(header, dest / "source" / assessments.HEADER_NAME)
    for assignment in assignments:
        shutil.copytree(src / "source" / assignment, dest / "source" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"), dirs_exist_ok=True)
    return dest


def release(assignment: str, to: Path, root: Path | None = None, force: bool = False) -> list[Path]:
    """Generate the learner's copy of an assessment and put it in ``to``; never overwrite work."""
    if assignment not in assignment_ids(root):
        found = curriculum.find_module(assignment, root) if (course_root(root).parent / curriculum.MANIFEST).exists() else None
        if found and found.slug in assignment_ids(root):
            assignment = found.slug
        else:
            raise UserError(f"there is no assessment {assignment!r}. Choose one of: {', '.join(assignment_ids(root)) or '(none found)'}")
    written = []
    with tempfile.TemporaryDirectory(prefix="walkbeside-release-") as tmp:
        course = copy_course(root, Path(tmp) / "course", [assignment])
        run_nbgrader(["generate_assignment", assignment, "--force", "--no-db"], course)
        to.mkdir(parents=True, exist_ok=True)
        for made in sorted((course / "release" / assignment).glob("*.ipynb")):
            target = to / made.name
            if target.exists() and not force:
                raise UserError(f"{display_path(target)} already exists and may hold your answers; nothing was overwritten. "
                                "Rename or move it first, or use --force to replace it.")
            shutil.copy2(made, target)
            target.chmod(0o644)
            written.append(target)
    return written


# --------------------------------------------------------------------------- grading

def _answer_shown(cell_source: str, variable: str) -> str:
    """What the learner typed for ``variable``, read without running their code."""
    value: Any = None
    found = False
    try:
        tree = ast.parse(cell_source)
    except SyntaxError:
        return "(the answer cell has a typing error, so it could not be read)"
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets):
            found = True
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = ...
    if not found:
        return "(no answer line)"
    if value is ...:
        return "(not letters between quotes)"
    if type(value) is not str:
        return "(not letters between quotes)"
    letters = assessments.normalise_letters(value)
    return ", ".join(letters) if letters else "(not answered)"


def _outputs_text(cell: dict[str, Any]) -> tuple[str, str]:
    stdout, error = [], ""
    for out in cell.get("outputs") or []:
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            text = out.get("text", "")
            stdout.append("".join(text) if isinstance(text, list) else str(text))
        elif out.get("output_type") == "error":
            error = f"{out.get('evalue', '')}"
    return "".join(stdout), error


def _explanation(stdout: str) -> tuple[str, str]:
    if EXPLANATION_MARK not in stdout:
        return "", ""
    after = stdout.split(EXPLANATION_MARK, 1)[1].strip().splitlines()
    best = after[0].strip() if after else ""
    why = " ".join(l.strip() for l in after[1:]).strip()
    if why.startswith("Why:"):
        why = why[4:].strip()
    return best, why


def selfgrade(notebook: Path, root: Path | None = None, html: Path | None = None) -> Report:
    """Autograde a learner's notebook with nbgrader against the curriculum's source."""
    notebook = Path(notebook)
    assignment, source = identify(notebook, root)
    from nbgrader.api import Gradebook  # heavy import: only when grading

    with tempfile.TemporaryDirectory(prefix="walkbeside-selfgrade-") as tmp:
        course = copy_course(root, Path(tmp) / "course", [assignment])
        run_nbgrader(["generate_assignment", assignment, "--force"], course)
        submitted = course / "submitted" / STUDENT / assignment
        submitted.mkdir(parents=True)
        shutil.copy2(notebook, submitted / source.name)
        run_nbgrader(["autograde", assignment, "--student", STUDENT, "--force"], course)
        graded_path = course / "autograded" / STUDENT / assignment / source.name
        graded = json.loads(graded_path.read_text(encoding="utf-8"))
        with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
            scores = {}
            for grade in gb.find_submission_notebook(source.stem, assignment, STUDENT).grades:
                scores[grade.name] = (float(grade.score or 0), float(grade.max_score))
        report = Report(assignment=assignment, notebook=notebook)
        source_nb = json.loads(source.read_text(encoding="utf-8"))
        questions, reflections = assessments.outline(source_nb["cells"])
        by_id = {(assessments.nbgrader_meta(c) or {}).get("grade_id"): c for c in graded["cells"]}
        for q in questions:
            test = by_id.get(q.grade_id) or {}
            stdout, error = _outputs_text(test)
            best, why = _explanation(stdout)
            answer_id = (assessments.nbgrader_meta(source_nb["cells"][q.answer_index]) or {}).get("grade_id") if q.answer_index is not None else None
            answer_cell = by_id.get(answer_id) or {}
            score, max_score = scores.get(q.grade_id, (0.0, q.points))
            report.questions.append(QuestionResult(
                number=q.number, title=assessments._heading_title(q.heading, assessments.QUESTION_HEADING),
                grade_id=q.grade_id, score=score, max_score=max_score,
                answer=_answer_shown(_src(answer_cell), q.variable), best=best, why=why, message=error,
            ))
        stub = ""
        for r in reflections:
            rubric = _src(source_nb["cells"][r.rubric_index]) if r.rubric_index is not None else ""
            learner_cell = by_id.get(r.grade_id) or {}
            written = _src(learner_cell).strip()
            release_nb = course / "release" / assignment / source.name
            if not stub and release_nb.exists():
                rel = json.loads(release_nb.read_text(encoding="utf-8"))
                stub = next((_src(c) for c in rel["cells"] if (assessments.nbgrader_meta(c) or {}).get("grade_id") == r.grade_id), "")
            if written == stub.strip():
                written = ""
            report.reflections.append(ReflectionResult(
                number=r.number, title=r.title, max_score=r.points, rubric=rubric, written=written,
                sample=re.sub(r"^\*Sample strong answer:\*\s*", "", _src(source_nb["cells"][r.answer_index]).strip()),
            ))
        if html is not None:
            run_nbgrader(["generate_feedback", assignment, "--student", STUDENT, "--force"], course)
            made = course / "feedback" / STUDENT / assignment / f"{source.stem}.html"
            if made.exists():
                html.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(made, html)
                report.feedback_html = html
    return report


def _src(cell: dict[str, Any]) -> str:
    src = cell.get("source", "") if isinstance(cell, dict) else ""
    return "".join(src) if isinstance(src, list) else str(src)


def _pts(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render(report: Report, width: int = 88) -> str:
    """The plain-language feedback a learner reads in the terminal."""
    wrap = lambda text, indent="   ": textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)  # noqa: E731
    lines = [
        f"Walk Beside assessment {report.assignment}: your results",
        f"Notebook: {display_path(report.notebook)}",
        "",
        f"Questions checked automatically: {_pts(report.score)} of {_pts(report.max_score)} points.",
    ]
    written_max = sum(r.max_score for r in report.reflections)
    if report.reflections:
        lines.append(f"Written reflections: {_pts(written_max)} more points, scored with the rubrics (by your trainer, or by you).")
    lines.append("")
    for q in report.questions:
        verdict = "full points" if q.score >= q.max_score else ("0 points" if q.score == 0 else f"{_pts(q.score)} points")
        lines.append(f"Question {q.number}: {q.title} ({_pts(q.score)} of {_pts(q.max_score)}, {verdict})")
        lines.append(f"   Your answer: {q.answer}")
        if q.best:
            lines.append(f"   {q.best}")
        if q.why:
            lines.append(wrap("Why: " + q.why))
        lines.append("")
    for r in report.reflections:
        lines.append(f"Reflection {r.number}: {r.title} ({_pts(r.max_score)} points, not scored automatically)")
        if r.written:
            lines.append("   You wrote:")
            lines.append(wrap(" ".join(r.written.split()), "     "))
        else:
            lines.append("   You have not written this reflection yet.")
        rubric_rows = [row for row in r.rubric.splitlines() if row.strip().startswith("|") and not re.fullmatch(r"\|[\s|:-]+\|?", row.strip())]
        if rubric_rows:
            lines.append("   Score it with the rubric:")
            for row in rubric_rows[1:]:
                cells = [c.strip() for c in row.strip().strip("|").split("|")]
                if len(cells) >= 2:
                    unit = "point" if cells[-1] == "1" else "points"
                    lines.append(wrap(f"- {cells[0]} ({cells[-1]} {unit})", "     "))
        if r.sample:
            lines.append("   One example of a strong answer (yours can be quite different):")
            lines.append(wrap(" ".join(r.sample.split()), "     "))
        lines.append("")
    if report.feedback_html:
        lines.append(f"A feedback page with every question is saved at {display_path(report.feedback_html)}.")
    lines.append("If any of this stirred up strong feelings, take a break and talk with your program contact. "
                 "The crisis resources are at the top of your notebook.")
    return "\n".join(lines)
