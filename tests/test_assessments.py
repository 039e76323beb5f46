"""The nbgrader course in assessments/ (issue 9).

Fast checks read the source notebooks and run their format checks and hidden tests in-process.
Tests marked ``nbgrader`` run the real nbgrader commands once, in a temporary copy of the
course: generate every assignment, autograde a perfect, an untouched and a half-right
submission of each, validate the sources, and self-grade a learner's notebook.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from walkbeside import assessments, check, curriculum, html, selfgrade
from walkbeside.problems import Problem

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assessments"
FILES = Path(__file__).resolve().parent / "files"
SLUGS = [ref.slug for ref in curriculum.modules(ROOT)]
BIN = Path(sys.executable).parent
NBGRADER = [str(BIN / "nbgrader")] if (BIN / "nbgrader").exists() else [sys.executable, "-m", "nbgrader"]
NOT_ANSWERED = re.compile(r"^Question (\d+) earned 0 of (\d+) points: it was not answered\.$")


# --------------------------------------------------------------------------- helpers

def source_notebook(slug: str) -> Path:
    return COURSE / "source" / slug / f"{slug}-assessment.ipynb"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def src(cell: dict) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def grade_id(cell: dict) -> str | None:
    return (assessments.nbgrader_meta(cell) or {}).get("grade_id")


def setup_code(nb: dict) -> str:
    return next(src(c) for c in nb["cells"] if grade_id(c) == "setup-format-checks")


def questions(slug: str) -> list[assessments.Question]:
    return assessments.outline(load(source_notebook(slug))["cells"])[0]


def run_quietly(code: str, namespace: dict) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<cell>", "exec"), namespace)
    return out.getvalue()


class AlwaysEqual:
    """The classic trick: an answer that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


class SneakyStr(str):
    def __eq__(self, other):
        return True

    __hash__ = str.__hash__


class Hostile:
    """Everything a format check might touch raises."""

    def __eq__(self, other):
        raise RuntimeError("eq")

    def __repr__(self):
        raise RuntimeError("repr")

    __str__ = __repr__

    def __len__(self):
        raise RuntimeError("len")

    def __getattr__(self, name):
        raise RuntimeError(name)


def nbgrader(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]))
    done = subprocess.run([*NBGRADER, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def key_text(q: assessments.Question) -> str:
    assert q.solution is not None
    return q.solution


def well_formed_wrong(q: assessments.Question) -> str:
    """An answer in the right form that is not the key."""
    key = assessments.normalise_letters(key_text(q))
    if q.kind == "order":
        return ", ".join(key[1:] + key[:1])
    extra = next(c for c in q.letters if c not in key)
    return extra if q.kind == "one" else ", ".join(key + [extra])


# --------------------------------------------------------------------------- course layout and content

def test_one_assignment_per_module_plus_header():
    assert (COURSE / "nbgrader_config.py").is_file()
    assert (COURSE / "source" / "header.ipynb").is_file()
    found = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
    assert found == SLUGS
    for slug in SLUGS:
        assert sorted(p.name for p in (COURSE / "source" / slug).glob("*.ipynb")) == [f"{slug}-assessment.ipynb"]


def test_walkbeside_check_passes_on_the_course():
    problems, count = check.run([COURSE / "source"], ROOT)
    assert [str(p) for p in problems] == []
    assert count == len(SLUGS) + 1  # the assessments and the header


@pytest.mark.parametrize("slug", SLUGS)
def test_assessment_follows_the_design(slug):
    nb = load(source_notebook(slug))
    qs, rs = assessments.outline(nb["cells"])
    assert len(qs) >= 8 and len(rs) >= 2
    assert {q.kind for q in qs} & {"all", "order"}, "needs an ordering or choose-all-that-apply item"
    assert [q.number for q in qs] == list(range(1, len(qs) + 1))
    total = sum(q.points for q in qs) + sum(r.points for r in rs)
    intro = src(nb["cells"][0])
    assert f"**Total: {total:g} points.**" in intro
    for q in qs:
        heading = src(nb["cells"][q.heading_index])
        assert heading.startswith(f"### Question {q.number} ({q.points:g} points)")
        assert re.fullmatch(rf"q{q.number:02d}-[a-z0-9]+(-[a-z0-9]+)*-test", q.grade_id)
        answer_id = grade_id(nb["cells"][q.answer_index])
        assert answer_id == q.grade_id[: -len("test")] + "answer"
        assert grade_id(nb["cells"][q.heading_index]) == q.grade_id[: -len("test")] + "question"
        test_source = src(nb["cells"][q.test_index])
        assert re.fullmatch(r'"""Question \d+ \(\d+ points\): .+"""', test_source.splitlines()[0])
        assert assessments.form_ok(key_text(q), q.kind, q.letters)
    for r in rs:
        rubric = src(nb["cells"][r.rubric_index])
        assert rubric.startswith(f"### Reflection {r.number} ({r.points:g} points)")
        assert sum(r.rubric_points) == r.points and len(r.rubric_points) >= 2
        assert assessments.nbgrader_meta(nb["cells"][r.rubric_index])["locked"] is True
        assert nb["cells"][r.answer_index]["cell_type"] == "markdown"


def test_keys_are_spread_over_the_letters():
    firsts = [key_text(q)[0] for slug in SLUGS for q in questions(slug) if q.kind == "one"]
    counts = {letter: firsts.count(letter) for letter in "ABCD"}
    assert all(n >= 3 for n in counts.values()), counts


def test_header_holds_instructions_and_the_crisis_card():
    nb = load(COURSE / "source" / "header.ipynb")
    text = " ".join(" ".join(src(c).split()) for c in nb["cells"])
    for item in html.crisis_resources()["resources"]:
        assert " ".join(item["detail"].split()) in text
    assert "Shift+Enter" in text and 'answer_0 = ""' in text
    assert all(assessments.cell_role(c) in {"readonly", "plain"} for c in nb["cells"])


# --------------------------------------------------------------------------- format checks and hidden tests, in-process

@pytest.mark.parametrize("slug", SLUGS)
def test_hidden_tests_accept_the_key_and_reject_tricks(slug):
    nb = load(source_notebook(slug))
    setup = setup_code(nb)
    for q in questions(slug):
        test = src(nb["cells"][q.test_index])
        prefix = f"Question {q.number} earned 0 of {q.points:g} points: "
        key = key_text(q)
        messy = "  " + key.lower().replace(",", " ,") + " "
        for good in (key, messy):
            ns: dict = {}
            run_quietly(setup, ns)
            ns[q.variable] = good
            out = run_quietly(test, ns)
            assert "Explanation (shown after grading)" in out and "Why: " in out
        not_text = "the answer was not letters inside quote marks."
        tricks = [("", "it was not answered."), (AlwaysEqual(), not_text), (SneakyStr(key), not_text),
                  (3, not_text), (None, not_text), ([key], not_text), (well_formed_wrong(q), None)]
        for given, reason in tricks:
            ns = {}
            run_quietly(setup, ns)
            ns[q.variable] = given
            with pytest.raises(AssertionError) as failed:
                run_quietly(test, ns)
            message = str(failed.value)
            assert message.startswith(prefix), message
            if reason:
                assert message == prefix + reason
        ns = {}  # the learner deleted the answer line: still a plain message, not a NameError
        run_quietly(setup, ns)
        with pytest.raises(AssertionError, match=r"^Question \d+ earned 0"):
            run_quietly(test, ns)


@pytest.mark.parametrize("slug", SLUGS)
def test_format_check_never_reveals_whether_an_answer_is_right(slug):
    nb = load(source_notebook(slug))
    setup = setup_code(nb)
    for q in questions(slug):
        visible, _hidden = assessments.split_hidden(src(nb["cells"][q.test_index]))
        key = assessments.normalise_letters(key_text(q))
        other = key[::-1] if q.kind == "order" else ([c for c in q.letters if c not in key][:1] if q.kind == "one" else key[:-1] or [q.letters[-1]])
        outputs = []
        for letters in (key, other):
            ns: dict = {}
            run_quietly(setup, ns)
            ns[q.variable] = ", ".join(letters)
            outputs.append(re.sub(r'\("[^"]*"\)', '("X")', run_quietly(visible, ns)))
        assert outputs[0] == outputs[1], outputs
        assert "the form is fine" in outputs[0]


HOSTILE_ANSWERS = [
    None, "", " ", "c", "C D", "cd", "E", "maybe C", "Z" * 5000, "ÄÖ", "\n\t", "(b)", "'C'", "A and C",
    3, 3.5, True, b"C", ["C"], {"C": 1}, ("C",), AlwaysEqual(), SneakyStr("C"), Hostile(), object(), print,
]


@pytest.mark.parametrize("kind,letters", [("one", "ABCD"), ("all", "ABCDE"), ("order", "ABCD")])
def test_format_check_never_crashes_and_speaks_plainly(kind, letters):
    setup = setup_code(load(source_notebook(SLUGS[0])))
    missing = object()
    for given in HOSTILE_ANSWERS + [missing]:
        ns: dict = {}
        run_quietly(setup, ns)
        if given is not missing:
            ns["answer_3"] = given
        out = run_quietly(f'check_answer_form(3, "answer_3", "{kind}", "{letters}")', ns)
        assert out.startswith("Question 3"), (given, out)
        assert "Traceback" not in out and "Error" not in out
        if type(given) is str:
            assert ("the form is fine" in out) == assessments.form_ok(given, kind, letters), (given, out)
    ns = {}
    run_quietly(setup, ns)
    ns["answer_3"] = "cd"
    assert "Question 3 wants ONE letter from A to D" in run_quietly('check_answer_form(3, "answer_3", "one", "ABCD")', ns)


# --------------------------------------------------------------------------- walkbeside check on defect fixtures

DEFECTS = {
    "duplicate-grade-id": "grade_id 'q03-sample-3-test' is used twice",
    "answer-without-test": "answer cell 'q05-sample-5-answer' has no test",
    "test-without-points": "this test has no points",
    "missing-rubric": "manually graded cell 'r02-sample-reflection-2-answer' has no rubric right above it",
    "invalid-json": "invalid JSON",
    "visible-answer-key": "the test has no ### BEGIN HIDDEN TESTS",
    "no-type-check": "does not check that the answer is text (type(answer) is str)",
    "rubric-points-mismatch": "the rubric adds up to 6 points but 'r01-sample-reflection-1-answer' is worth 5",
    "wrong-total": "the opening cell says 25 points in total but the graded cells add up to 30",
    "heading-points-mismatch": "the heading says 3 points but the test is worth 2",
    "test-without-docstring": "does not start with a one-line docstring",
    "answer-without-solution-block": "needs one ### BEGIN SOLUTION ... ### END SOLUTION block",
    "saved-outputs": "this code cell has saved outputs",
}


def test_every_defect_fixture_is_listed():
    assert sorted(p.stem[len("assessment-"):] for p in FILES.glob("assessment-*.ipynb")) == sorted(DEFECTS)


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_walkbeside_check_catches(defect, tmp_path):
    fixture = FILES / f"assessment-{defect}.ipynb"
    placed = tmp_path / "assessments" / "source" / "00-foundations" / fixture.name
    placed.parent.mkdir(parents=True)
    shutil.copy(fixture, placed)
    problems, count = check.run([placed], ROOT)  # the real dispatcher: assessments/** -> check_notebook
    assert count == 1
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert DEFECTS[defect] in problem.message
    assert problem.fix and str(problem).startswith(f"{problem.path}:{problem.line}: ")
    lines = placed.read_text(encoding="utf-8").splitlines()
    assert 1 <= problem.line <= len(lines)
    if defect == "duplicate-grade-id":
        assert '"grade_id": "q03-sample-3-test"' in lines[problem.line - 1]
    assert [str(p) for p in assessments.check_notebook(fixture, ROOT)] != []


def test_check_never_raises_on_bad_input(tmp_path):
    base = load(FILES / "assessment-duplicate-grade-id.ipynb")
    bad = {
        "empty.ipynb": "",
        "binary.ipynb": b"\x89PNG\r\n\x1a\n\x00\xff",
        "list.ipynb": "[1, 2]",
        "v3.ipynb": json.dumps({"nbformat": 3, "cells": []}),
        "cells-not-dicts.ipynb": json.dumps({**base, "cells": [1, "x", None]}),
        "meta-string.ipynb": json.dumps({**base, "cells": [{"cell_type": "code", "metadata": {"nbgrader": "yes"}, "source": "x", "outputs": []}]}),
        "points-text.ipynb": json.dumps({**base, "cells": [{**c, "metadata": {"nbgrader": {**c["metadata"]["nbgrader"], "points": "two"}}} if c.get("metadata", {}).get("nbgrader", {}).get("grade") else c for c in base["cells"]]}),
        "no-metadata.ipynb": json.dumps({**base, "cells": [{"cell_type": "markdown", "source": ["# Hi"]}], "metadata": []}),
        "syntax.ipynb": json.dumps({**base, "cells": [{**c, "source": "def (:\n"} if c["cell_type"] == "code" else c for c in base["cells"]]}),
    }
    for name, content in bad.items():
        path = tmp_path / "assessments" / "source" / "00-foundations" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        problems = assessments.check_notebook(path, ROOT)
        assert problems and all(isinstance(p, Problem) for p in problems), name
        assert not any("could not check" in p.message for p in problems), (name, [str(p) for p in problems])


def test_generated_copies_are_not_checked_as_sources(tmp_path):
    released = tmp_path / "assessments" / "release" / "00-foundations" / "x.ipynb"
    released.parent.mkdir(parents=True)
    shutil.copy(FILES / "assessment-duplicate-grade-id.ipynb", released)
    assert assessments.check_notebook(released, ROOT) == []


# --------------------------------------------------------------------------- real nbgrader, once per module

def fill(nb: dict, answers: dict[str, str], reflections: dict[str, str] | None = None) -> dict:
    """A copy of a released notebook with answer cells replaced (``answers``: grade_id -> code)."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        gid = grade_id(cell)
        if gid in answers:
            cell["source"] = answers[gid]
        if reflections and gid in reflections:
            cell["source"] = reflections[gid]
    return nb


def answer_code(q: assessments.Question, text: str) -> str:
    return f"# Question {q.number}\n{q.variable} = {json.dumps(text)}\n"


WRONG = [  # how even-numbered questions are answered in the half-right submission
    lambda q: answer_code(q, well_formed_wrong(q)),
    lambda q: f"class AlwaysEqual:\n    def __eq__(self, other):\n        return True\n{q.variable} = AlwaysEqual()\n",
    lambda q: f"class Sneaky(str):\n    def __eq__(self, other):\n        return True\n    __hash__ = str.__hash__\n{q.variable} = Sneaky({json.dumps(key_text(q))})\n",
    lambda q: f"{q.variable} = 3\n",
    lambda q: "# I deleted the answer line\n",
    lambda q: f"{q.variable} = {json.dumps([key_text(q)])}\n",
    lambda q: f"{q.variable} = {assessments.normalise_letters(key_text(q))[0]}\n",  # no quotes: NameError in the answer cell
]


def right(q: assessments.Question, n: int) -> str:
    """Correct answers typed the way people type: small letters, spaces, other separators."""
    letters = assessments.normalise_letters(key_text(q))
    if q.kind == "all":
        letters = letters[::-1]
    return answer_code(q, [", ".join(letters).lower(), " ".join(letters), "".join(letters), " ; ".join(letters) + "."][n % 4])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Generate every assignment, then autograde three submissions of each with real nbgrader."""
    course = tmp_path_factory.mktemp("nbgrader-course")
    shutil.copytree(COURSE, course, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback", "gradebook.db", ".ipynb_checkpoints"))
    log = nbgrader(["generate_assignment", "*", "--force"], course)
    expected: dict[str, float] = {}
    wrong_index = 0
    for slug in SLUGS:
        released = course / "release" / slug / f"{slug}-assessment.ipynb"
        assert released.is_file(), log.stdout + log.stderr
        rel = load(released)
        qs = questions(slug)
        _, rs = assessments.outline(load(source_notebook(slug))["cells"])
        answer_ids = {q.number: grade_id(load(source_notebook(slug))["cells"][q.answer_index]) for q in qs}
        perfect = {answer_ids[q.number]: answer_code(q, key_text(q)) for q in qs}
        written = {r.grade_id: "I would stay calm, keep my promises and tell my program contact." for r in rs}
        half, points = {}, 0.0
        for q in qs:
            if q.number % 2:
                half[answer_ids[q.number]] = right(q, q.number // 2)
                points += q.points
            else:
                half[answer_ids[q.number]] = WRONG[wrong_index % len(WRONG)](q)
                wrong_index += 1
        expected[slug] = points
        for student, nb in (("perfect", fill(rel, perfect, written)), ("untouched", rel), ("half", fill(rel, half))):
            target = course / "submitted" / student / slug / released.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(nb), encoding="utf-8")
    assert wrong_index >= len(WRONG), "every kind of wrong answer is tried at least once"
    nbgrader(["autograde", "*", "--force"], course)
    return course, expected


def scores(course: Path, slug: str, student: str):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        sub = gb.find_submission(slug, student)
        return {"score": sub.score, "code": sub.code_score, "max_code": sub.max_code_score,
                "written": sub.written_score, "manual": sub.needs_manual_grade}


def autograded(course: Path, slug: str, student: str) -> dict:
    return load(course / "autograded" / student / slug / f"{slug}-assessment.ipynb")


@pytest.mark.nbgrader
@pytest.mark.parametrize("slug", SLUGS)
def test_released_notebook_has_no_key_and_no_hidden_tests(graded, slug):
    course, _ = graded
    path = course / "release" / slug / f"{slug}-assessment.ipynb"
    text = path.read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
                   selfgrade.EXPLANATION_MARK, "Best answer:", "Best order:", "Letters that apply:", "Sample strong answer", "_letters"):
        assert marker not in text, marker
    source = load(source_notebook(slug))
    released = load(path)
    by_id = {grade_id(c): c for c in released["cells"]}
    shown = "\n".join(src(c) for c in released["cells"])
    for q in questions(slug):
        why = next(l for l in src(source["cells"][q.test_index]).splitlines() if l.startswith('print("Why: '))
        why = json.loads(why[len("print("):-1])
        assert why[5:65] not in shown and why[-60:] not in shown
        answer = src(by_id[grade_id(source["cells"][q.answer_index])])
        lines = answer.rstrip("\n").splitlines()
        assert len(lines) == 2 and lines[0].startswith(f"# Question {q.number}:") and lines[1] == f'{q.variable} = ""'
        assert src(by_id[q.grade_id]).strip() == assessments.split_hidden(src(source["cells"][q.test_index]))[0].strip()
    _, rs = assessments.outline(source["cells"])
    for r in rs:
        sample = src(source["cells"][r.answer_index])
        assert sample[40:120] not in shown and sample[-60:] not in shown
        assert src(by_id[r.grade_id]).startswith("*Type your reflection here.")
        assert src(by_id[r.grade_id.replace("-answer", "-rubric")]) == src(source["cells"][r.rubric_index])
    first = released["cells"][0]
    assert grade_id(first) == "header-how-this-works"
    assert "1-888-373-7888" in text and "233733" in text and "1-800-422-4453" in text


@pytest.mark.nbgrader
@pytest.mark.parametrize("slug", SLUGS)
def test_perfect_submission_gets_every_autograded_point(graded, slug):
    course, _ = graded
    result = scores(course, slug, "perfect")
    assert result["code"] == result["max_code"] == sum(q.points for q in questions(slug))
    assert result["manual"], "written reflections wait for the trainer"
    for cell in autograded(course, slug, "perfect")["cells"]:
        assert not [o for o in cell.get("outputs", []) if o["output_type"] == "error" or o.get("name") == "stderr"], src(cell)[:80]


@pytest.mark.nbgrader
@pytest.mark.parametrize("slug", SLUGS)
def test_untouched_release_scores_zero_with_only_plain_messages(graded, slug):
    course, _ = graded
    result = scores(course, slug, "untouched")
    assert result["score"] == 0 and result["code"] == 0 and result["written"] == 0
    qs = {q.grade_id: q for q in questions(slug)}
    failed = set()
    for cell in autograded(course, slug, "untouched")["cells"]:
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", out
            if out["output_type"] != "error":
                continue
            assert out["ename"] == "AssertionError", out["ename"]
            match = NOT_ANSWERED.match(out["evalue"])
            assert match, out["evalue"]
            q = qs[grade_id(cell)]
            assert (int(match.group(1)), float(match.group(2))) == (q.number, q.points)
            failed.add(grade_id(cell))
        if grade_id(cell) in qs:
            shown = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o["output_type"] == "stream")
            assert "has no answer yet" in shown
    assert failed == set(qs)


@pytest.mark.nbgrader
@pytest.mark.parametrize("slug", SLUGS)
def test_half_right_submission_scores_exactly_the_expected_points(graded, slug):
    course, expected = graded
    assert scores(course, slug, "half")["code"] == expected[slug]
    qs = {q.grade_id: q for q in questions(slug)}
    for cell in autograded(course, slug, "half")["cells"]:
        if grade_id(cell) in qs:
            errors = [o for o in cell["outputs"] if o["output_type"] == "error"]
            assert all(e["ename"] == "AssertionError" and e["evalue"].startswith(f"Question {qs[grade_id(cell)].number} earned 0") for e in errors)
            assert bool(errors) == (qs[grade_id(cell)].number % 2 == 0)


@pytest.mark.nbgrader
def test_nbgrader_validate_passes_on_the_solution_versions(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE / "source", course / "source")
    shutil.copy(COURSE / "nbgrader_config.py", course)
    done = nbgrader(["validate", *[str(source_notebook(s).relative_to(COURSE)) for s in SLUGS]], course)
    output = done.stdout + done.stderr
    assert output.count("Success! Your notebook passes all the tests.") == len(SLUGS), output
    assert "failed" not in done.stdout.lower()


@pytest.mark.nbgrader
def test_selfgrade_scores_and_explains_every_question(graded, tmp_path):
    course, expected = graded
    slug = SLUGS[2]
    mine = tmp_path / "my copy.ipynb"  # renamed by the learner: found by its questions
    shutil.copy(course / "submitted" / "half" / slug / f"{slug}-assessment.ipynb", mine)
    before = mine.read_bytes()
    parser = argparse.ArgumentParser()
    from walkbeside.commands import assessment

    assessment.register(parser.add_subparsers())
    args = parser.parse_args(["assessment", "selfgrade", str(mine), "--json", "--html", str(tmp_path / "feedback.html")])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert args.func(args) == 0
    result = json.loads(out.getvalue())
    assert result["assignment"] == slug
    assert result["score"] == expected[slug]
    assert result["max_score"] == sum(q.points for q in questions(slug))
    assert mine.read_bytes() == before, "self-grading never changes the learner's notebook"
    assert (tmp_path / "feedback.html").is_file()
    for q in result["questions"]:
        assert q["why"] and re.match(r"(Best answer|Best order|Letters that apply): ", q["best"])
        assert (q["score"] == q["max_score"]) == (q["number"] % 2 == 1)
    report = selfgrade.Report(assignment=slug, notebook=mine,
                              questions=[selfgrade.QuestionResult(**q) for q in result["questions"]])
    text = selfgrade.render(report)
    assert text.count("Why: ") == len(result["questions"]) and "Traceback" not in text


@pytest.mark.nbgrader
def test_get_writes_a_fresh_copy_and_never_overwrites(tmp_path):
    from walkbeside.problems import UserError

    written = selfgrade.release("trauma-bonds", tmp_path, ROOT)
    assert [p.name for p in written] == ["01-trauma-bonds-assessment.ipynb"]
    text = written[0].read_text(encoding="utf-8")
    cells = "\n".join(src(c) for c in json.loads(text)["cells"])
    assert "BEGIN HIDDEN TESTS" not in cells and "BEGIN SOLUTION" not in cells and 'answer_1 = ""' in cells
    written[0].write_text(text.replace('answer_1 = \\"\\"', 'answer_1 = \\"B\\"'), encoding="utf-8")
    with pytest.raises(UserError, match="already exists"):
        selfgrade.release("01-trauma-bonds", tmp_path, ROOT)
    assert 'answer_1 = \\"B\\"' in written[0].read_text(encoding="utf-8")
    with pytest.raises(UserError, match="no assessment"):
        selfgrade.release("05-nothing", tmp_path, ROOT)


def test_assessment_command_lists_points_and_refuses_strangers(tmp_path):
    from walkbeside.commands import assessment
    from walkbeside.problems import UserError

    parser = argparse.ArgumentParser()
    assessment.register(parser.add_subparsers())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        args = parser.parse_args(["assessment", "list"])
        assert args.func(args) == 0
    listed = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in listed] == SLUGS
    assert all("30 points in total" in line for line in listed)
    stranger = tmp_path / "notes.ipynb"
    stranger.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "hi"}], "nbformat": 4, "nbformat_minor": 5, "metadata": {}}))
    with pytest.raises(UserError, match="does not look like a Walk Beside assessment"):
        selfgrade.identify(stranger, ROOT)
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    with pytest.raises(UserError, match="cannot be read as a notebook"):
        selfgrade.identify(broken, ROOT)
    with pytest.raises(UserError, match="no such file"):
        selfgrade.identify(tmp_path / "missing.ipynb", ROOT)
    for slug in SLUGS:  # a learner's copy is recognised by its questions, whatever its name
        assert selfgrade.identify(source_notebook(slug), ROOT) == (slug, source_notebook(slug))
