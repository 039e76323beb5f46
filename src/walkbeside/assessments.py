"""The graded assessments: an nbgrader course in ``assessments/`` (issue 9).

Each module has one assignment, ``assessments/source/<module slug>/<slug>-assessment.ipynb``,
and every released notebook starts with the shared ``assessments/source/header.ipynb``
(instructions and the crisis card). A notebook is built from a few kinds of cells:

``question``   read-only markdown: ``### Question 3 (2 points)``, a vignette, lettered options.
``answer``     nbgrader answer cell (code, ``solution``): ``answer_3 = ""`` for the learner, then
               ``### BEGIN SOLUTION`` / ``answer_3 = "C"`` / ``### END SOLUTION``. The course config
               sets ``ClearSolutions.code_stub`` to an empty line, so the release keeps only
               ``answer_3 = ""``.
``test``       nbgrader autograder test (code, ``grade``, points). Its first line is a one-line
               docstring. The visible part calls ``check_answer_form`` (defined in the read-only
               set-up cell), which prints in plain words whether the answer has the expected form
               and never whether it is right. Between ``### BEGIN HIDDEN TESTS`` and
               ``### END HIDDEN TESTS`` it prints the explanation and raises ``AssertionError``
               with a plain-language message unless ``type(answer) is str`` and the letters match.
               nbgrader removes that part from the release and restores it when autograding.
``rubric``     read-only markdown right above a reflection: ``### Reflection 1 (5 points)``, the
               prompt, and a criteria/points table. Trainers see it in formgrader, learners in
               their feedback.
``reflection`` nbgrader "manually graded answer" (markdown, ``solution`` + ``grade``). The source
               holds a sample strong answer; the release holds the text stub.

:func:`check_notebook` is what ``walkbeside check`` runs on every ``assessments/**/*.ipynb``.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import contract, curriculum, html
from .language import find_avoided_terms
from .problems import Problem, display_path

HEADER_NAME = "header.ipynb"
FORM_CHECK = "check_answer_form"
FORM_KINDS = {"one", "all", "order"}
MIN_AUTOGRADED = 8
MIN_REFLECTIONS = 2
GENERATED_DIRS = {"release", "submitted", "autograded", "feedback", "outbound", "inbound"}

GRADE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ANSWER_STUB = re.compile(r"""^(answer_(\d+))\s*=\s*(?:""|'')\s*(?:#.*)?$""")
SOLUTION_LINE = re.compile(r"""^\s*(answer_(\d+))\s*=\s*("[^"\\]*"|'[^'\\]*')\s*(?:#.*)?$""")
QUESTION_HEADING = re.compile(r"^#{1,6}\s*Question\s+(\d+)\s*\((\d+(?:\.\d+)?)\s+points?\)", re.IGNORECASE | re.MULTILINE)
REFLECTION_HEADING = re.compile(r"^#{1,6}\s*Reflection\s+(\d+)\s*\((\d+(?:\.\d+)?)\s+points?\)", re.IGNORECASE | re.MULTILINE)
OPTION_LINE = re.compile(r"^\s*(?:[-*]\s+)?\**\s*\(?([A-H])[.)]\**\s+\S", re.MULTILINE)
TOTAL = re.compile(r"\btotal\s*:?\s*(\d+(?:\.\d+)?)\s+points\b", re.IGNORECASE)
# Characters a learner may put between letters ("A, C", "b d", "(A)"): the format check and the
# hidden tests drop exactly these, so both agree on what was typed.
SEPARATORS = " \t\r\n,;/.&+-()'\""


# --------------------------------------------------------------------------- reading cells

def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any] | None:
    meta = (cell.get("metadata") or {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    return meta if isinstance(meta, dict) else None


def _flag(meta: dict[str, Any] | None, key: str) -> bool:
    return bool(meta) and meta.get(key) is True


def cell_role(cell: dict[str, Any]) -> str:
    """question-less roles from the nbgrader flags: answer, test, reflection, readonly, task or plain."""
    meta = nbgrader_meta(cell)
    if not meta:
        return "plain"
    if _flag(meta, "task"):
        return "task"
    grade, solution = _flag(meta, "grade"), _flag(meta, "solution")
    if solution and grade:
        return "reflection" if cell.get("cell_type") == "markdown" else "graded-answer"
    if solution:
        return "answer"
    if grade:
        return "test"
    if _flag(meta, "locked"):
        return "readonly"
    return "plain"


def normalise_letters(text: str) -> list[str]:
    """The letters a learner typed, as the hidden tests read them ("a, c" -> ["A", "C"])."""
    return [c for c in text.upper() if c not in SEPARATORS and not c.isspace()]


def form_ok(text: str, kind: str, letters: str) -> bool:
    """Would ``check_answer_form`` accept this text as well formed?"""
    found = normalise_letters(text)
    if not found or any(c not in letters for c in found) or len(set(found)) != len(found):
        return False
    if kind == "one":
        return len(found) == 1
    if kind == "order":
        return sorted(found) == sorted(letters)
    return True


def split_hidden(source: str) -> tuple[str, str | None]:
    """(visible part, hidden part or None) of a test cell's source."""
    begin = source.find("### BEGIN HIDDEN TESTS")
    if begin < 0:
        return source, None
    end = source.find("### END HIDDEN TESTS", begin)
    hidden = source[begin:] if end < 0 else source[begin:end]
    return source[:begin], hidden.split("\n", 1)[1] if "\n" in hidden else ""


def form_call(source: str) -> tuple[int, str, str, str] | None:
    """The literal arguments of ``check_answer_form(number, name, kind, letters)`` in a cell."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == FORM_CHECK:
            try:
                args = [ast.literal_eval(a) for a in node.args]
            except ValueError:
                return None
            if len(args) == 4 and isinstance(args[0], int) and all(isinstance(a, str) for a in args[1:]):
                return args[0], args[1], args[2], args[3]
            return None
    return None


def answer_names(source: str) -> set[str]:
    return set(re.findall(r"\banswer_\d+\b", source))


@dataclass
class Question:
    number: int
    points: float
    heading_index: int | None
    heading: str
    answer_index: int | None
    test_index: int
    variable: str
    kind: str = "one"
    letters: str = "ABCD"
    grade_id: str = ""
    solution: str | None = None


@dataclass
class Reflection:
    number: int
    points: float
    rubric_index: int | None
    answer_index: int
    title: str = ""
    grade_id: str = ""
    rubric_points: list[int] = field(default_factory=list)


def rubric_points(markdown: str) -> list[int]:
    """Point values in the last column of a rubric table, leaving out a "Total" row."""
    values = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped.startswith("|") or re.fullmatch(r"\|?[\s:|-]+\|?", stripped):
            continue
        cells = [c.strip().strip("*").strip() for c in stripped.strip("|").split("|")]
        if len(cells) < 2 or cells[0].lower().startswith("total"):
            continue
        if re.fullmatch(r"\d+", cells[-1]):
            values.append(int(cells[-1]))
    return values


def _heading_title(markdown: str, pattern: re.Pattern) -> str:
    match = pattern.search(markdown)
    if not match:
        return ""
    line = markdown[match.start():].split("\n", 1)[0]
    title = re.sub(r"^#+\s*", "", line)
    title = re.sub(r"^(Question|Reflection)\s+\d+\s*\([^)]*\)\s*[:\-–—]?\s*", "", title, flags=re.IGNORECASE)
    return title.strip()


def outline(cells: list[dict[str, Any]]) -> tuple[list[Question], list[Reflection]]:
    """The questions and reflections of an assessment notebook, in order (best effort)."""
    questions: list[Question] = []
    reflections: list[Reflection] = []
    answers: dict[str, int] = {}
    last_heading: int | None = None
    for index, cell in enumerate(cells):
        role = cell_role(cell)
        text = contract.source(cell)
        meta = nbgrader_meta(cell) or {}
        if cell.get("cell_type") == "markdown" and QUESTION_HEADING.search(text):
            last_heading = index
        if role == "answer" and cell.get("cell_type") == "code":
            for name in answer_names(text):
                answers.setdefault(name, index)
        elif role == "test" and cell.get("cell_type") == "code":
            call = form_call(text)
            names = sorted(answer_names(text))
            variable = call[1] if call else (names[0] if names else "")
            number = int(variable.split("_")[1]) if re.fullmatch(r"answer_\d+", variable or "") else 0
            heading = contract.source(cells[last_heading]) if last_heading is not None else ""
            q = Question(
                number=number, points=_points(meta), heading_index=last_heading, heading=heading,
                answer_index=answers.get(variable), test_index=index, variable=variable,
                kind=call[2] if call else "one", letters=call[3] if call else "", grade_id=str(meta.get("grade_id", "")),
            )
            if q.answer_index is not None:
                q.solution = solution_value(contract.source(cells[q.answer_index]), variable)
            questions.append(q)
        elif role == "reflection":
            above = index - 1 if index > 0 else None
            rubric_text = contract.source(cells[above]) if above is not None and cells[above].get("cell_type") == "markdown" else ""
            match = REFLECTION_HEADING.search(rubric_text)
            reflections.append(Reflection(
                number=int(match.group(1)) if match else len(reflections) + 1,
                points=_points(meta), rubric_index=above if rubric_text else None, answer_index=index,
                title=_heading_title(rubric_text, REFLECTION_HEADING), grade_id=str(meta.get("grade_id", "")),
                rubric_points=rubric_points(rubric_text),
            ))
    return questions, reflections


def solution_value(source: str, variable: str) -> str | None:
    """The key an answer cell's solution block assigns to ``variable`` (source notebooks only)."""
    inside = False
    value = None
    for line in source.splitlines():
        if "BEGIN SOLUTION" in line:
            inside = True
        elif "END SOLUTION" in line:
            inside = False
        elif inside:
            match = SOLUTION_LINE.match(line)
            if match and match.group(1) == variable:
                value = ast.literal_eval(match.group(3))
    return value


def _points(meta: dict[str, Any]) -> float:
    value = meta.get("points")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            return float(value)
        except (TypeError, ValueError):
            return 0.0
    return float(value)


def _fmt(points: float) -> str:
    return str(int(points)) if float(points).is_integer() else str(points)


# --------------------------------------------------------------------------- the checker

def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*_`>]", "", text)).strip().lower()


def _is_generated(path: Path) -> bool:
    parts = path.resolve().parts
    if "assessments" not in parts:
        return False
    after = parts[len(parts) - 1 - parts[::-1].index("assessments") + 1:]
    return bool(after) and after[0] in GENERATED_DIRS


class _Checker:
    def __init__(self, path: Path, root: Path | None):
        self.path = path
        self.root = root
        self.shown = display_path(path)
        self.problems: list[Problem] = []
        self.nb: contract.Notebook | None = None
        self.bad_points: set[int] = set()  # cells whose points are missing or invalid (reported once)

    def add(self, line: int, message: str, fix: str) -> None:
        self.problems.append(Problem(self.shown, max(int(line or 1), 1), message, fix))

    def line(self, index: int, needle: str | None = None) -> int:
        """Line of cell ``index``, or of ``needle`` inside that cell's JSON when given."""
        assert self.nb is not None
        start = self.nb.cell_line(index)
        if needle is None:
            return start
        text = self.nb.text
        offset = sum(len(l) + 1 for l in text.split("\n")[: start - 1])
        end = len(text)
        if index + 1 < len(self.nb.cells):
            end_line = self.nb.cell_line(index + 1)
            if end_line > start:
                end = sum(len(l) + 1 for l in text.split("\n")[: end_line - 1])
        pos = text.find(needle, offset, end)
        return text.count("\n", 0, pos) + 1 if pos >= 0 else start

    # ------------------------------------------------------------------ entry points
    def run(self) -> list[Problem]:
        try:
            self.nb = contract.read(self.path)
        except contract.NotebookError as exc:
            return [exc.problem]
        if self.path.name == HEADER_NAME:
            self.check_header()
        else:
            self.check_assessment()
        return self.problems

    def common(self) -> None:
        assert self.nb is not None
        for index, cell in enumerate(self.nb.cells):
            if not isinstance(cell, dict):
                self.add(1, f"cell {index + 1} is not a notebook cell", "restore the notebook from git")
                continue
            if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count")):
                self.add(self.line(index), "this code cell has saved outputs", "clear outputs before committing (Edit > Clear Outputs of All Cells)")
            if cell.get("cell_type") == "markdown":
                for _offset, term, instead in find_avoided_terms(contract.source(cell)):
                    self.add(self.line(index), f"avoid the term {term!r}", f"say {instead!r} (Luxembourg Guidelines)")

    # ------------------------------------------------------------------ header
    def check_header(self) -> None:
        assert self.nb is not None
        self.common()
        if not all(isinstance(c, dict) for c in self.nb.cells):
            return
        for index, cell in enumerate(self.nb.cells):
            if cell_role(cell) in {"answer", "test", "reflection", "graded-answer", "task"}:
                self.add(self.line(index), "the shared header holds a graded or answer cell; nbgrader copies the header into every assessment",
                         "move questions into the assessment notebooks; keep only instructions and the crisis card here")
        text = _squash("\n".join(contract.source(c) for c in self.nb.cells if isinstance(c, dict) and c.get("cell_type") == "markdown"))
        try:
            card = html.crisis_resources()
            resources = card.get("resources") or []
        except Exception:  # the package data is ours; never let it hide the header's own problems
            return
        for item in resources:
            for key in ("name", "detail"):
                value = str(item.get(key, "")).strip()
                if value and _squash(value) not in text:
                    self.add(1, f"the crisis card in the header does not say: {value!r}",
                             "copy the card's text from src/walkbeside/data/crisis-resources.yaml into the header")

    # ------------------------------------------------------------------ assessment
    def header_ids(self) -> dict[str, str]:
        header = self.path.parent.parent / HEADER_NAME
        try:
            nb = contract.read(header)
        except contract.NotebookError:
            return {}
        ids = {}
        for cell in nb.cells:
            meta = nbgrader_meta(cell) if isinstance(cell, dict) else None
            if meta and isinstance(meta.get("grade_id"), str):
                ids[meta["grade_id"]] = display_path(header)
        return ids

    def check_assessment(self) -> None:
        nb = self.nb
        assert nb is not None
        self.common()
        if not all(isinstance(c, dict) for c in nb.cells):
            return  # reported by common(); the rest needs real cells
        cells = nb.cells
        meta = nb.nb.get("metadata")
        if not isinstance(meta, dict):
            self.add(1, "the notebook metadata is not an object", "restore the notebook from git")
            return
        kernel = meta.get("kernelspec") or {}
        if not isinstance(kernel, dict) or kernel.get("language", "python") != "python" or not kernel.get("name"):
            self.add(nb.meta_line("kernelspec"), "the notebook has no Python kernel in its metadata",
                     "open it in JupyterLab, choose Kernel > Change Kernel > Python 3, and save")
        self.check_folder()
        self.check_metadata()
        if any(p.message.startswith("nbgrader metadata") for p in self.problems):
            return  # the structure checks below would only repeat the same fault
        self.check_answers_and_tests()
        self.check_reflections()
        self.check_totals()

    def check_folder(self) -> None:
        parts = self.path.resolve().parts
        if len(parts) >= 3 and parts[-3] == "source" and self.root is not None:
            slug = parts[-2]
            try:
                known = curriculum.find_module(slug, self.root)
            except Exception:
                return  # no readable manifest: nothing to compare against
            if known is None or known.slug != slug:
                self.add(1, f"the assignment folder {slug!r} is not a module slug in modules/manifest.yml",
                         "name each assignment folder after its module, e.g. assessments/source/02-boundaries/")

    def check_metadata(self) -> None:
        assert self.nb is not None
        seen: dict[str, int] = {}
        from_header = self.header_ids()
        for index, cell in enumerate(self.nb.cells):
            if not isinstance(cell, dict):
                continue
            raw = (cell.get("metadata") or {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
            if raw is None:
                continue
            line = self.line(index, '"nbgrader"')
            if not isinstance(raw, dict):
                self.add(line, "nbgrader metadata must be an object", "recreate the cell with nbgrader's Create Assignment toolbar")
                continue
            flags = {k: raw.get(k) for k in ("grade", "solution", "locked")}
            if any(not isinstance(v, bool) for v in flags.values()):
                self.add(line, "nbgrader metadata needs true or false for grade, solution and locked",
                         "set the cell type again in the Create Assignment toolbar")
                continue
            if raw.get("schema_version") != 3:
                self.add(line, f"nbgrader metadata has schema_version {raw.get('schema_version')!r}, not 3",
                         "open and save the notebook with nbgrader 0.9's Create Assignment toolbar, or run `nbgrader update`")
            role = cell_role(cell)
            if role == "plain":
                continue
            grade_id = raw.get("grade_id")
            id_line = self.line(index, f'"grade_id": {_json_str(grade_id)}') if isinstance(grade_id, str) else line
            if not isinstance(grade_id, str) or not grade_id.strip():
                self.add(line, "this nbgrader cell has no grade_id", "give it a stable, descriptive grade_id such as q03-midnight-text-test")
                continue
            if not GRADE_ID.match(grade_id):
                self.add(id_line, f"grade_id {grade_id!r} is not lowercase words joined by hyphens",
                         "use a stable, descriptive id such as q03-midnight-text-answer")
            if grade_id in seen:
                self.add(id_line, f"grade_id {grade_id!r} is used twice (first at line {seen[grade_id]})",
                         "give each cell its own grade_id; nbgrader matches grades to cells by this id")
            else:
                seen[grade_id] = id_line
            if grade_id in from_header:
                self.add(id_line, f"grade_id {grade_id!r} is also used in {from_header[grade_id]}, which nbgrader adds to the top of every assessment",
                         "rename this cell's grade_id")
            if role == "task":
                self.add(line, "nbgrader task cells are not used in Walk Beside assessments", "make it a manually graded answer with a rubric above it")
            if raw.get("grade"):
                points = raw.get("points")
                what = "this test" if role == "test" else "this graded cell"
                if points is None or isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
                    self.bad_points.add(index)
                if points is None:
                    self.add(line, f"{what} has no points", "set its points in the Create Assignment toolbar (metadata.nbgrader.points)")
                elif isinstance(points, bool) or not isinstance(points, (int, float)):
                    self.add(line, f"{what} has points {points!r}, which is not a number", "set points to a whole number such as 2")
                elif points <= 0:
                    self.add(line, f"{what} is worth {points} points", "give it at least 1 point, or remove the test")
            if cell.get("cell_type") == "markdown" and raw.get("solution") and not raw.get("grade"):
                self.add(line, "nbgrader metadata marks this markdown cell as an answer that is not graded; nbgrader refuses that",
                         "make it a 'Manually graded answer' with points and a rubric above it")

    def check_answers_and_tests(self) -> None:
        nb = self.nb
        assert nb is not None
        cells = nb.cells
        defined_form_check = None
        tested: set[str] = set()
        answer_cells: dict[str, tuple[int, str]] = {}
        for index, cell in enumerate(cells):
            text = contract.source(cell)
            if cell.get("cell_type") == "code" and re.search(rf"^def {FORM_CHECK}\(", text, re.MULTILINE) and defined_form_check is None:
                defined_form_check = index
            role = cell_role(cell)
            if "BEGIN SOLUTION" in text and role not in {"answer", "graded-answer", "reflection"}:
                self.add(self.line(index), "### BEGIN SOLUTION is in a cell that is not an answer cell; nbgrader stops with an error",
                         "move the solution into the answer cell, or mark this cell as 'Autograded answer'")
            if role == "graded-answer":
                self.add(self.line(index), "this code answer cell is graded itself; learners' answers are graded by the test cell after it",
                         "make it an 'Autograded answer' (not graded) and put the points on its test cell")
            if role == "answer" and cell.get("cell_type") == "code":
                self.check_answer_cell(index, text, answer_cells)
            if role == "test" and cell.get("cell_type") == "code":
                self.check_test_cell(index, text, defined_form_check, tested)
        for name, (index, grade_id) in answer_cells.items():
            if name not in tested:
                self.add(self.line(index), f"answer cell {grade_id!r} has no test: nothing checks {name}",
                         f"add an autograder test cell after it that checks {name} (with points and hidden tests)")

    def check_answer_cell(self, index: int, text: str, answer_cells: dict[str, tuple[int, str]]) -> None:
        meta = nbgrader_meta(self.nb.cells[index]) or {}  # type: ignore[union-attr]
        grade_id = str(meta.get("grade_id", ""))
        line = self.line(index)
        lines = text.splitlines()
        stubs = [m for m in (ANSWER_STUB.match(l.strip()) for l in lines) if m]
        begin = [i for i, l in enumerate(lines) if "BEGIN SOLUTION" in l]
        end = [i for i, l in enumerate(lines) if "END SOLUTION" in l]
        if not stubs:
            self.add(line, "the answer cell has no line like answer_3 = \"\" for the learner to type into",
                     "start the cell with a comment saying what to type, then answer_N = \"\"")
            return
        name = stubs[0].group(1)
        if name in answer_cells:
            self.add(line, f"{name} is set in two answer cells", "give each question its own answer_N")
        answer_cells[name] = (index, grade_id)
        if not grade_id.endswith("-answer"):
            self.add(self.line(index, '"grade_id"'), f"answer cell grade_id {grade_id!r} does not end in -answer",
                     f"name it like q{int(stubs[0].group(2)):02d}-<topic>-answer")
        if len(begin) != 1 or len(end) != 1 or end[0] < begin[0]:
            self.add(line, "the answer cell needs one ### BEGIN SOLUTION ... ### END SOLUTION block holding the key",
                     f"after {name} = \"\", add ### BEGIN SOLUTION, {name} = \"<key>\", ### END SOLUTION")
            return
        stub_lines = [i for i, l in enumerate(lines) if ANSWER_STUB.match(l.strip())]
        if not any(i < begin[0] for i in stub_lines):
            self.add(line, f"the line {name} = \"\" must come before ### BEGIN SOLUTION, or the released notebook has nowhere to type",
                     "move the empty answer line above the solution block")
        outside = [l for i, l in enumerate(lines) if not begin[0] <= i <= end[0] and l.strip() and not l.strip().startswith("#")
                   and not ANSWER_STUB.match(l.strip())]
        if outside:
            self.add(line, f"the answer cell has code besides {name} = \"\": {outside[0].strip()!r}",
                     "learners only type letters; keep checks in the test cell")
        if solution_value(text, name) is None:
            self.add(line, f"the solution block does not set {name} to letters in quotes",
                     f"write the key as {name} = \"C\" between the solution markers")

    def check_test_cell(self, index: int, text: str, defined_form_check: int | None, tested: set[str]) -> None:
        nb = self.nb
        assert nb is not None
        meta = nbgrader_meta(nb.cells[index]) or {}
        grade_id = str(meta.get("grade_id", ""))
        line = self.line(index)
        try:
            tree = ast.parse(text)
        except SyntaxError as exc:
            self.add(line + (exc.lineno or 1), f"Python syntax error in this test: {exc.msg}", "fix the code")
            return
        first = text.lstrip("\n").split("\n", 1)[0].strip()
        if not re.fullmatch(r'(?:"""|\'\'\')\S.*(?:"""|\'\'\')', first):
            self.add(line, "the test cell does not start with a one-line docstring saying what it checks",
                     'start it with e.g. """Question 3 (2 points): is answer_3 the best response to the midnight text?"""')
        if tree.body and isinstance(tree.body[-1], ast.Expr) and len(tree.body) > 1:
            self.add(line, "the test ends with an expression; nbgrader reads a number there as partial credit",
                     "end the test with a statement (an if/raise), not a value")
        visible, hidden = split_hidden(text)
        names = answer_names(text)
        tested |= names
        if not grade_id.endswith("-test"):
            self.add(self.line(index, '"grade_id"'), f"test cell grade_id {grade_id!r} does not end in -test",
                     "name it like its answer cell, e.g. q03-midnight-text-test")
        if hidden is None or "### END HIDDEN TESTS" not in text:
            self.add(line, "the test has no ### BEGIN HIDDEN TESTS ... ### END HIDDEN TESTS block, so the answer key would be readable in the released notebook",
                     "put the correctness check between the hidden-test markers")
        else:
            hidden_code = hidden
            if not re.search(r"type\(\s*\w+\s*\)\s+is\s+str\b", hidden_code):
                self.add(line, "the hidden test does not check that the answer is text (type(answer) is str) before comparing; an object whose == is always True would score",
                         "compare only after checking type(given) is str")
            if not answer_names(hidden_code):
                self.add(line, "the hidden test does not read any answer_N variable", "check the learner's answer variable in the hidden part")
        call = form_call(visible)
        if call is None:
            self.add(line, f"the test shows the learner no format check: the visible part must call {FORM_CHECK}(number, \"answer_N\", kind, letters)",
                     f'add e.g. {FORM_CHECK}(3, "answer_3", "one", "ABCD") before the hidden tests')
            return
        number, name, kind, letters = call
        if defined_form_check is None or defined_form_check > index:
            self.add(line, f"{FORM_CHECK} is used before any cell defines it", "keep the read-only set-up cell near the top of the notebook")
        if name != f"answer_{number}":
            self.add(line, f"the format check is for question {number} but names {name}", f"use {FORM_CHECK}({number}, \"answer_{number}\", ...)")
        if kind not in FORM_KINDS:
            self.add(line, f"the format check kind {kind!r} is unknown", "use 'one' (one letter), 'all' (choose all that apply) or 'order'")
        if not re.fullmatch(r"[A-H]{2,8}", letters) or len(set(letters)) != len(letters):
            self.add(line, f"the format check letters {letters!r} are not a run of option letters", "list the options' letters, e.g. 'ABCD'")
        questions, _ = outline(nb.cells)
        q = next((q for q in questions if q.test_index == index), None)
        if q is None:
            return
        if q.heading_index is None:
            self.add(line, f"question {number} has no heading stating its points",
                     f"start the question's markdown cell with ### Question {number} ({_fmt(q.points)} points)")
        else:
            match = QUESTION_HEADING.search(q.heading)
            hline = self.line(q.heading_index)
            if match and int(match.group(1)) != number:
                self.add(hline, f"the heading says Question {match.group(1)} but its test checks answer_{number}", "renumber the heading or the answer")
            if match and float(match.group(2)) != q.points and index not in self.bad_points:
                self.add(hline, f"the heading says {match.group(2)} points but the test is worth {_fmt(q.points)}",
                         "make the heading and the test's points agree")
            options = OPTION_LINE.findall(q.heading)
            if options and "".join(options) != letters:
                self.add(hline, f"the question lists options {''.join(options)} but its format check accepts {letters}",
                         "make the format check's letters match the options")
        if q.answer_index is None:
            self.add(line, f"the test checks {name} but no answer cell before it sets {name}",
                     f"add an answer cell with {name} = \"\" above this test")
        elif q.solution is not None and kind in FORM_KINDS and not form_ok(q.solution, kind, letters):
            self.add(self.line(q.answer_index), f"the key {q.solution!r} for {name} would fail its own format check ({kind}, {letters})",
                     "fix the key or the format check")

    def check_reflections(self) -> None:
        nb = self.nb
        assert nb is not None
        _, reflections = outline(nb.cells)
        for r in reflections:
            line = self.line(r.answer_index)
            above = nb.cells[r.rubric_index] if r.rubric_index is not None else None
            text = contract.source(above) if above else ""
            if above is None or "rubric" not in text.lower() or not r.rubric_points:
                self.add(line, f"manually graded cell {r.grade_id!r} has no rubric right above it",
                         "add a read-only markdown cell above it with the prompt and a table of criteria and points")
                continue
            rline = self.line(r.rubric_index)  # type: ignore[arg-type]
            if not _flag(nbgrader_meta(above), "locked"):
                self.add(rline, "the rubric cell is not read-only, so a learner could change it", "mark it 'Read-only' in the Create Assignment toolbar")
            if sum(r.rubric_points) != r.points and r.answer_index not in self.bad_points:
                self.add(rline, f"the rubric adds up to {sum(r.rubric_points)} points but {r.grade_id!r} is worth {_fmt(r.points)}",
                         "make the rubric's points add up to the cell's points")
            match = REFLECTION_HEADING.search(text)
            if not match:
                self.add(rline, "the rubric cell has no heading stating the reflection's points",
                         f"start it with ### Reflection {r.number} ({_fmt(r.points)} points)")
            elif float(match.group(2)) != r.points and r.answer_index not in self.bad_points:
                self.add(rline, f"the heading says {match.group(2)} points but the reflection is worth {_fmt(r.points)}",
                         "make the heading and the cell's points agree")

    def check_totals(self) -> None:
        nb = self.nb
        assert nb is not None
        cells = nb.cells
        tests = [i for i, c in enumerate(cells) if cell_role(c) == "test"]
        manual = [i for i, c in enumerate(cells) if cell_role(c) in {"reflection", "graded-answer"}]
        total = sum(_points(nbgrader_meta(cells[i]) or {}) for i in tests + manual)
        if len(tests) < MIN_AUTOGRADED:
            self.add(1, f"the assessment has {len(tests)} autograded question(s); it needs at least {MIN_AUTOGRADED}", "add questions")
        if len(manual) < MIN_REFLECTIONS:
            self.add(1, f"the assessment has {len(manual)} written reflection(s); it needs at least {MIN_REFLECTIONS}", "add reflections with rubrics")
        first_md = next((i for i, c in enumerate(cells) if c.get("cell_type") == "markdown"), None)
        if first_md is None:
            self.add(1, "the assessment has no opening text", f"start with a markdown cell that says 'Total: {_fmt(total)} points'")
            return
        match = TOTAL.search(re.sub(r"[*_]", "", contract.source(cells[first_md])))
        if not match:
            self.add(self.line(first_md), "the opening cell does not show the total points",
                     f"add 'Total: {_fmt(total)} points' to the first cell")
        elif float(match.group(1)) != total and not self.bad_points:
            self.add(self.line(first_md), f"the opening cell says {match.group(1)} points in total but the graded cells add up to {_fmt(total)}",
                     "update the total (or the points)")


def _json_str(value: str) -> str:
    import json

    return json.dumps(value)


def check_notebook(path: Path, root: Path | None = None) -> list[Problem]:
    """Every way a source assessment notebook (or the shared header) can break the course."""
    path = Path(path)
    if _is_generated(path):
        return []  # nbgrader's own copies (release/, submitted/, ...): check the source instead
    try:
        return _Checker(path, root).run()
    except Exception as exc:  # never show a traceback for a bad notebook
        return [Problem(display_path(path), 1, f"could not check this assessment ({type(exc).__name__}: {exc})",
                        "restore the notebook from git, or report this to the Walk Beside maintainers")]
