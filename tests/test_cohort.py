"""`walkbeside cohort`: roster to certificates with real nbgrader.

Collecting is tested on the small fixture course in tests/files/cohort-course (no grading
needed); the end-to-end run uses the curriculum's own five assessments with a 3-learner cohort.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from conftest import FILES, REPO, free_port, run_cli

COURSE = FILES / "cohort-course"
FIXTURE = {"WALKBESIDE_ROOT": str(COURSE)}

_spec = importlib.util.spec_from_file_location("grade_cohort", REPO / "benchmarks" / "grade_cohort.py")
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def cli(*args, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_cli("cohort", *args, env=env or {}, timeout=600)


def notebook_with(released: Path, answers: dict[int, str], reflection: str = "") -> bytes:
    """A learner's submission: answers typed into the released notebook, and every written
    reflection (markdown answer cell) filled in when ``reflection`` is given."""
    nb = json.loads(bench.fill_answers(released, answers))
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if reflection and cell["cell_type"] == "markdown" and meta.get("solution"):
            cell["source"] = reflection
    return json.dumps(nb).encode()


# ---------------------------------------------------------------- roster (no nbgrader needed)

@pytest.mark.parametrize("fixture, expected", [
    ("roster-duplicate-id.csv", ["roster-duplicate-id.csv:4: the id 'Ana' is used twice (first on line 2)"]),
    ("roster-missing-id.csv", ["roster-missing-id.csv:3: this row has no id"]),
    ("roster-unsafe-id.csv", ["roster-unsafe-id.csv:2: the id '../ana' cannot be used as a folder name",
                              "roster-unsafe-id.csv:3: the id 'ben okafor' cannot be used as a folder name"]),
])
def test_bad_roster_is_reported_by_line_and_nothing_is_made(tmp_path, fixture, expected):
    shutil.copy(FILES / fixture, tmp_path / fixture)
    result = run_cli("cohort", "init", "made", "--roster", fixture, cwd=tmp_path, env=FIXTURE)
    assert result.returncode == 1
    lines = [line.split(" — ")[0] for line in result.stdout.splitlines() if line.startswith("roster-")]
    assert lines == expected
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [fixture]  # no cohort, no half-made folder


def test_init_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "notes.txt").write_text("mine")
    result = run_cli("cohort", "init", tmp_path / "c", "--roster", FILES / "roster-good.csv", env=FIXTURE)
    assert result.returncode == 2 and "already exists and is not empty" in result.stderr
    assert (tmp_path / "c" / "notes.txt").read_text() == "mine"


def test_progress_is_plain_lines_when_not_a_terminal():
    from walkbeside.cohort.progress import Progress

    out = io.StringIO()
    progress = Progress(3, out)
    for key in ("a", "b", "c"):
        progress.step(key)
    lines = out.getvalue().splitlines()
    assert [line.split(" · ")[0] for line in lines] == ["1/3", "2/3", "3/3"]
    assert "left" in lines[0] and lines[-1].endswith("· c")


# ---------------------------------------------------------------- collecting (fixture course)

@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("small")
    made = cli("init", where / "spring", "--roster", FILES / "roster-good.csv", env=FIXTURE)
    assert made.returncode == 0, made.stderr
    released = cli("release", where / "spring", env=FIXTURE)
    assert released.returncode == 0, released.stderr
    return where / "spring"


def small_notebook(cohort: Path, assignment: str, answers: dict[int, str]) -> bytes:
    return notebook_with(cohort / "release" / assignment / f"{assignment}.ipynb", answers)


@pytest.mark.nbgrader
def test_release_writes_one_zip_per_assignment_without_the_key(small):
    for assignment in ("00-foundations", "01-trauma-bonds"):
        with zipfile.ZipFile(small / "outbox" / f"{assignment}.zip") as zf:
            assert zf.namelist() == [f"{assignment}/{assignment}.ipynb"]
            text = zf.read(zf.namelist()[0]).decode()
        assert "HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        assert 'answer_1 = \\"\\"' in text


@pytest.mark.nbgrader
def test_collect_folder_and_zip_names_and_problems(small, tmp_path):
    inbox = tmp_path / "inbox"
    nb = small_notebook(small, "00-foundations", {1: "B"})
    for rel in ("ana/00-foundations/00-foundations.ipynb",  # nbgrader's layout
                "ben_2/00-foundations (1).ipynb",  # a folder per learner, an email client's copy name
                "zoe/00-foundations/00-foundations.ipynb"):  # not in the roster
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_bytes(nb)
    (inbox / "ana" / "00-foundations" / "timestamp.txt").write_text("2026-03-01 10:00:00.000000 UTC")
    folder = cli("collect", small, inbox)
    assert folder.returncode == 0, folder.stderr
    assert "collected ana/00-foundations (00-foundations, 2026-03-01 10:00 UTC)" in folder.stdout
    assert "collected ben_2/00-foundations" in folder.stdout
    assert "zoe/00-foundations/00-foundations.ipynb:1: not collected: unknown learner 'zoe'" in folder.stdout
    assert (small / "submitted" / "ana" / "00-foundations" / "timestamp.txt").read_text() == "2026-03-01 10:00:00.000000 UTC"

    lms = tmp_path / "lms.zip"
    with zipfile.ZipFile(lms, "w") as zf:
        zf.writestr("downloads/cara_00-foundations_00-foundations.ipynb", nb)  # ZipCollect-style
        zf.writestr("downloads/smithcara_late_4411_9012_01-trauma-bonds-1.ipynb", small_notebook(small, "01-trauma-bonds", {}))  # Canvas
        zf.writestr("downloads/cara_99-unknown_notes.ipynb", b"{}")
        zf.writestr("downloads/ana_01-trauma-bonds_01-trauma-bonds.ipynb", b'{"cells": [')  # truncated
        zf.writestr("../../evil.ipynb", b"{}")
        zf.writestr("/etc/evil.ipynb", b"{}")
    result = cli("collect", small, lms)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "collected cara/00-foundations" in out and "collected cara/01-trauma-bonds" in out
    assert "evil.ipynb:1: an absolute path or '..' in the zip" in out and "/etc/evil.ipynb:1: an absolute path" in out
    assert "cara_99-unknown_notes.ipynb:1: not collected" in out
    assert "ana_01-trauma-bonds_01-trauma-bonds.ipynb:1: ana/01-trauma-bonds: not a notebook (invalid JSON" in out
    assert "2 submission(s) ready to grade, 0 older kept, 0 already collected, 4 problem(s)." in out
    assert not (small.parent / "evil.ipynb").exists() and not (small / "evil.ipynb").exists()
    assert not (small / "submitted" / "ana" / "01-trauma-bonds").exists()  # unreadable: kept, not graded
    assert len(list((small / "submissions" / "ana" / "01-trauma-bonds").iterdir())) == 1


@pytest.mark.nbgrader
def test_later_submission_is_graded_and_earlier_kept_and_repeats_ignored(small, tmp_path):
    def send(name: str, answers: dict[int, str], when: str) -> str:
        folder = tmp_path / name / "ben_2" / "01-trauma-bonds"
        folder.mkdir(parents=True)
        (folder / "01-trauma-bonds.ipynb").write_bytes(small_notebook(small, "01-trauma-bonds", answers))
        (folder / "timestamp.txt").write_text(when)
        return cli("collect", small, tmp_path / name).stdout

    assert "collected ben_2/01-trauma-bonds" in send("first", {1: "A"}, "2026-04-01 09:00:00.000000 UTC")
    assert "collected ben_2/01-trauma-bonds" in send("second", {1: "B"}, "2026-04-02 09:00:00.000000 UTC")
    assert "kept ben_2/01-trauma-bonds from 2026-03-30" in send("older", {1: "C"}, "2026-03-30 09:00:00.000000 UTC")
    assert "1 already collected" in cli("collect", small, tmp_path / "second").stdout
    graded = json.loads((small / "submitted" / "ben_2" / "01-trauma-bonds" / "01-trauma-bonds.ipynb").read_text())
    assert any('answer_1 = "B"' in "".join(c["source"]) for c in graded["cells"])
    kept = sorted(p.name[:15] for p in (small / "submissions" / "ben_2" / "01-trauma-bonds").iterdir())
    assert kept[-3:] == ["20260330T090000", "20260401T090000", "20260402T090000"]


@pytest.mark.nbgrader
def test_two_copies_in_one_source_the_newer_is_graded_and_both_kept(small, tmp_path):
    older = tmp_path / "inbox" / "ana" / "01-trauma-bonds" / "01-trauma-bonds.ipynb"
    older.parent.mkdir(parents=True)
    older.write_bytes(small_notebook(small, "01-trauma-bonds", {1: "A"}))
    os.utime(older, (1_700_000_000, 1_700_000_000))
    (tmp_path / "inbox" / "ana_01-trauma-bonds_01-trauma-bonds.ipynb").write_bytes(small_notebook(small, "01-trauma-bonds", {1: "B"}))
    result = cli("collect", small, tmp_path / "inbox")
    assert "a second copy of 01-trauma-bonds.ipynb in this source" in result.stdout
    graded = json.loads((small / "submitted" / "ana" / "01-trauma-bonds" / "01-trauma-bonds.ipynb").read_text())
    assert any('answer_1 = "B"' in "".join(c["source"]) for c in graded["cells"])
    kept = sorted(p.name.split("-")[0] for p in (small / "submissions" / "ana" / "01-trauma-bonds").iterdir())
    assert kept.count("other") == 1


@pytest.mark.server
@pytest.mark.nbgrader
def test_formgrade_opens_nbgraders_formgrader_on_the_cohort(small):
    port, token = free_port(), "cohort-test-token"
    server = subprocess.Popen([sys.executable, "-m", "walkbeside.cli", "cohort", "formgrade", str(small), "--no-browser", "--port", str(port)],
                              env={**os.environ, **FIXTURE, "JUPYTER_TOKEN": token}, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/formgrader/api/assignments", headers={"Authorization": f"token {token}"})
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    assignments = json.loads(response.read())
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "the formgrader did not start"
                time.sleep(0.5)
        assert sorted(a["name"] for a in assignments) == ["00-foundations", "01-trauma-bonds"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# ---------------------------------------------------------------- end to end (the curriculum)

KEY = re.compile(r'### BEGIN SOLUTION\s*\n\s*answer_(\d+)\s*=\s*"([^"]*)"')


def curriculum_key(source: Path) -> dict[int, str]:
    nb = json.loads(source.read_text(encoding="utf-8"))
    return {int(n): v for c in nb["cells"] for n, v in KEY.findall("".join(c["source"]))}


def points(source: Path) -> tuple[float, float]:
    """(points checked automatically, points for the test of answer_1)."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    auto = first = 0.0
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            auto += meta["points"]
            if re.search(r"\banswer_1\b", "".join(cell["source"])):
                first = meta["points"]
    return auto, first


@pytest.mark.nbgrader
def test_cohort_end_to_end(tmp_path):
    from walkbeside import contract, curriculum
    from walkbeside.cohort.certificates import hours

    root = tmp_path / "cohort"
    assert cli("init", root, "--roster", FILES / "roster-good.csv").returncode == 0
    assert cli("release", root).returncode == 0
    assignments = sorted(p.name for p in (root / "source").iterdir() if p.is_dir())
    assert assignments == [m.slug for m in curriculum.modules()]

    # ana: the key and a reflection everywhere; ben_2: nothing typed; cara: all but question 1.
    inbox, lms = tmp_path / "inbox", tmp_path / "lms.zip"
    expected: dict[str, dict[str, float]] = {"ana": {}, "ben_2": {}, "cara": {}}
    with zipfile.ZipFile(lms, "w") as zf:
        for assignment in assignments:
            released = next((root / "release" / assignment).glob("*.ipynb"))
            source = root / "source" / assignment / released.name
            key = curriculum_key(source)
            auto, first = points(source)
            for learner, answers, reflection in (("ana", key, "I would listen, keep my word and talk to my supervisor."),
                                                 ("ben_2", {}, ""), ("cara", {**key, 1: ""}, "")):
                data = notebook_with(released, answers, reflection)
                if learner == "cara":  # cara's LMS download: flat names in a zip
                    zf.writestr(f"cara_{assignment}_{released.name}", data)
                else:
                    (inbox / learner / assignment).mkdir(parents=True)
                    (inbox / learner / assignment / released.name).write_bytes(data)
            expected["ana"][assignment], expected["ben_2"][assignment], expected["cara"][assignment] = auto, 0.0, auto - first
    assert "10 submission(s) ready to grade" in cli("collect", root, inbox).stdout
    assert "5 submission(s) ready to grade" in cli("collect", root, lms).stdout

    # grading: the same scores as plain `nbgrader autograde`, and the ones the key implies
    plain = tmp_path / "plain"
    shutil.copytree(root, plain)
    graded = cli("grade", root, "--workers", "2")
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert "graded 15, unchanged 0, could not grade 0." in graded.stdout and "15/15" in graded.stderr
    bench.nbgrader_autograde(plain, assignments[:2])  # the benchmark compares all of them at scale
    ours = bench.scores(root)
    compared = {k: v for k, v in ours.items() if k[1] in assignments[:2]}
    assert compared == bench.scores(plain) and len(compared) > 6
    for learner, per_assignment in expected.items():
        for assignment, total in per_assignment.items():
            auto = sum(v or 0 for (who, a, _, cell), v in ours.items() if who == learner and a == assignment and "reflection" not in cell)
            assert auto == total, (learner, assignment)
    assert "graded 0, unchanged 15" in cli("grade", root).stdout

    # manual grading as the formgrader saves it: full marks for ana's reflections, one comment
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", "cohort") as gb:
        for assignment in assignments:
            for notebook in gb.find_submission(assignment, "ana").notebooks:
                for grade in notebook.grades:
                    if grade.needs_manual_grade:
                        grade.manual_score = grade.max_score
                        grade.needs_manual_grade = False
                        comment = gb.find_comment(grade.cell.name, notebook.name, assignment, "ana")
                        comment.manual_comment = f"Thank you, {assignment}."
        gb.db.commit()

    # feedback: one self-contained file per learner; their answers and comments; never the key
    assert cli("feedback", root).returncode == 0
    assert sorted(p.name for p in (root / "feedback-html").iterdir()) == ["ana.html", "ben_2.html", "cara.html"]
    ana, cara = ((root / "feedback-html" / f"{who}.html").read_text() for who in ("ana", "cara"))
    assert f"Thank you, {assignments[0]}." in ana and "I would listen, keep my word" in ana
    first_title = contract.module_summary(curriculum.modules()[0].notebook)["title"]
    assert "To review:</strong> module “" in cara and first_title.split(":")[0] in cara
    for page in (ana, cara):
        assert not re.search(r"(src|href)=\"(https?:)?//", page) and "<script" not in page
        assert "HIDDEN TESTS" not in page and "BEGIN SOLUTION" not in page and "_given" not in page

    # report: exact CSV rows, charts inline
    assert cli("report", root).returncode == 0
    rows = list(csv.DictReader((root / "report" / "grades.csv").open()))
    maximum = float(rows[0]["max"])
    totals = {r["id"]: (float(r["total"]), r["status"]) for r in rows}
    assert totals == {"ana": (maximum, "passed all"), "ben_2": (0.0, "follow up"),
                      "cara": (sum(expected["cara"].values()), "follow up")}
    assert [float(rows[2][a]) for a in assignments] == [expected["cara"][a] for a in assignments]
    html = (root / "report" / "report.html").read_text()
    assert html.count("<svg") == 2 + len(assignments) and "<script" not in html

    # certificates: only ana; hours from the modules' minutes
    certs = cli("certificates", root)
    assert sorted(p.name for p in (root / "certificates").iterdir()) == ["ana.html"]
    minutes = sum(contract.module_summary(m.notebook)["minutes"] for m in curriculum.modules())
    certificate = (root / "certificates" / "ana.html").read_text()
    assert "Ana Lopez" in certificate and f"{hours(minutes)}</strong> of training ({minutes} minutes)" in certificate
    assert "no certificate yet for ben_2" in certs.stdout and "no certificate yet for cara" in certs.stdout
