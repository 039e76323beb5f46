"""Broken, odd and hostile submissions (tests/files/submissions/, each named for its defect):
each learner gets a grade or a clear problem, the normal learner in the same run gets the
normal score, nothing escapes the sandbox, and a killed run resumes to the same result.

The fixture course's 00-foundations has two questions: answer_1 "B" (1 point) and answer_2 "A"
(2 points); every fixture answers question 2 correctly.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FILES, REPO
from test_cohort import FIXTURE, bench, cli

SUBMISSIONS = FILES / "submissions"
UNREADABLE = ("empty", "not-json", "truncated", "notebook-format-3")

EXPECTED_SCORES = {
    "normal": 3.0,
    "locked-cell-edited": 3.0,  # nbgrader puts the locked test back
    "answer-cell-deleted": 2.0,
    "test-cell-deleted": 2.0,
    "infinite-loop": 3.0,  # the answer was typed before the loop; the loop is stopped at the cell timeout
    "memory-hog": 3.0,  # MemoryError from the sandbox's limit; the answer was typed first
    "prints-megabytes": 3.0,
    "forks-processes": 3.0,
    "writes-outside": 3.0,
    "always-equal-answer": 2.0,  # not a real string: the check sees through it
    "reads-solutions": 2.0,  # found nothing to copy, so it guessed "X"
    "network": 2.0,  # no network at all, so it answered "X"
    "sleeps": 3.0,  # like the loop: stopped at the cell timeout, the answer typed first
    "calls-sys-exit": 3.0,  # IPython turns sys.exit into an error in that cell; the kernel lives on
    "cells-reordered": 3.0,  # nbgrader grades by grade_id, not by position
    # Replacing builtins.type breaks the kernel itself (ipykernel relies on it): every later
    # cell times out, so nothing scores, and the learner is flagged for the trainer.
    "redefines-builtins": 0.0,
    "unmounts-covers": 2.0,  # no capability to lift a mount, so the key stays out of sight
}
EXPECTED_PROBLEMS = {
    "sys-exit/00-foundations": "could not be graded (the notebook stopped Python while it ran (sys.exit or os._exit, a crash, or far too much memory))",
    "cells-duplicated/00-foundations": "could not be graded (grading cells were duplicated in the notebook, so nbgrader cannot tell which one to grade)",
}
FLAGGED = {"infinite-loop", "memory-hog", "prints-megabytes", "forks-processes", "writes-outside",
           "always-equal-answer", "reads-solutions", "network", "sleeps", "calls-sys-exit", "redefines-builtins",
           "unmounts-covers"}


def totals(cohort: Path) -> dict[str, float]:
    found: dict[str, float] = {}
    for (learner, *_), score in bench.scores(cohort).items():
        found[learner] = found.get(learner, 0.0) + (score or 0.0)
    return found


def outcome(cohort: Path) -> tuple[dict, dict, dict]:
    from walkbeside.cohort.course import Cohort
    from walkbeside.cohort.results import grading_problems

    graded = {learner: score for learner, score in totals(cohort).items()
              if (cohort / "autograded" / learner / "00-foundations").is_dir()}
    state = json.loads((cohort / ".walkbeside" / "flags.json").read_text())
    return graded, grading_problems(Cohort(cohort)), state


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("hostile")
    assert cli("init", where / "c", "--roster", FILES / "roster-hostile.csv", env=FIXTURE).returncode == 0
    assert cli("release", where / "c", env=FIXTURE).returncode == 0
    inbox = where / "inbox"
    for path in SUBMISSIONS.glob("*.ipynb"):
        target = inbox / path.stem / "00-foundations" / "00-foundations.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(path, target)
    result = cli("collect", where / "c", inbox, env=FIXTURE)
    assert result.returncode == 0, result.stderr
    return where / "c"


@pytest.fixture(scope="module")
def graded(collected, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    cohort = tmp_path_factory.mktemp("graded") / "c"
    shutil.copytree(collected, cohort)
    return cohort, cli("grade", cohort, "--workers", "2", env=FIXTURE)


@pytest.mark.nbgrader
def test_unreadable_files_are_listed_and_kept(collected):
    for name in UNREADABLE:
        assert not (collected / "submitted" / name).exists()
        assert len(list((collected / "submissions" / name / "00-foundations").iterdir())) == 1


@pytest.mark.nbgrader
def test_every_learner_gets_a_grade_or_a_clear_problem(graded):
    cohort, run = graded
    assert run.returncode == 1  # some could not be graded
    assert f"graded {len(EXPECTED_SCORES)}, unchanged 0, could not grade 2." in run.stdout
    scores, problems, flags = outcome(cohort)
    assert scores == EXPECTED_SCORES
    assert {k: v for k, v in problems.items() if not v.startswith("answer cells")} == EXPECTED_PROBLEMS
    assert {key.split("/")[0] for key in flags} == FLAGGED
    assert "sys-exit/00-foundations: could not be graded: the notebook stopped Python" in run.stdout


@pytest.mark.nbgrader
def test_learner_code_cannot_leave_its_sandbox(graded):
    cohort, _ = graded
    assert not Path("/tmp/walkbeside-escape.txt").exists() and not Path("/var/tmp/walkbeside-escape.txt").exists()
    assert not Path("/root/walkbeside-escape.txt").exists()
    nb = json.loads((cohort / "autograded" / "reads-solutions" / "00-foundations" / "00-foundations.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "found []" in printed  # neither the gradebook nor any source notebook was visible


@pytest.mark.nbgrader
def test_report_lists_every_problem(graded):
    cohort, _ = graded
    assert cli("report", cohort, env=FIXTURE).returncode == 0
    html = (cohort / "report" / "report.html").read_text()
    for key in [*EXPECTED_PROBLEMS, *(f"{name}/00-foundations" for name in FLAGGED)]:
        assert key in html


@pytest.mark.nbgrader
@pytest.mark.parametrize("fixture, refused", [
    ("zip-path-traversal.zip", "../../escaped.ipynb:1: an absolute path or '..' in the zip"),
    ("zip-absolute-path.zip", "/tmp/escaped.ipynb:1: an absolute path or '..' in the zip"),
    ("zip-bomb.zip", "memory-hog/00-foundations/00-foundations.ipynb:1: unpacks to far more than a notebook"),
])
def test_unsafe_zips_are_refused_and_the_rest_collected(collected, tmp_path, fixture, refused):
    before = sorted(p.name for p in collected.parent.iterdir())
    result = cli("collect", collected, SUBMISSIONS / fixture, env=FIXTURE)
    assert result.returncode == 0 and refused in result.stdout
    assert "1 already collected, 1 problem(s)." in result.stdout  # the normal entry is the one collected before
    assert sorted(p.name for p in collected.parent.iterdir()) == before and not Path("/tmp/escaped.ipynb").exists()


@pytest.mark.nbgrader
def test_grading_killed_midway_resumes_to_the_same_result(collected, graded, tmp_path):
    cohort = tmp_path / "c"
    shutil.copytree(collected, cohort)
    env = {**os.environ, **FIXTURE}
    run = subprocess.Popen([sys.executable, "-m", "walkbeside.cli", "cohort", "grade", str(cohort), "--workers", "2"],
                           cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    state = cohort / ".walkbeside" / "graded.json"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (state.exists() and len(json.loads(state.read_text())) >= 3):
        assert run.poll() is None, "grading ended before it could be interrupted"
        time.sleep(0.2)
    os.killpg(run.pid, signal.SIGKILL)  # everything in the run's session, as a closed laptop lid or kill -9 would
    run.wait()
    assert len(json.loads(state.read_text())) < len(EXPECTED_SCORES) + 2  # it really was midway
    again = cli("grade", cohort, "--workers", "2", env=FIXTURE)
    assert "could not grade 2." in again.stdout
    assert outcome(cohort) == outcome(graded[0])
    assert bench.scores(cohort) == bench.scores(graded[0])  # one grade per cell, none recorded twice


@pytest.mark.nbgrader
def test_without_root_learner_code_is_isolated_the_same_way(collected, graded):
    """A trainer grading as an ordinary user gets the same outcomes: user namespaces instead of root."""
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("the test needs root to hand a cohort to another user")
    probe = subprocess.run(["runuser", "-u", "nobody", "--", sys.executable, "-c", "print('ok')"], capture_output=True, text=True)
    if probe.stdout.strip() != "ok":
        message = f"nobody cannot run {sys.executable}: {probe.stderr.strip()[:200]} (on CI, .ci/run makes it reachable)"
        if os.environ.get("CI") or os.environ.get("WALKBESIDE_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    where = Path(tempfile.mkdtemp(prefix="walkbeside-rootless-"))
    try:
        os.chmod(where, 0o755)
        cohort = where / "c"
        shutil.copytree(collected, cohort)
        subprocess.run(["chown", "-R", "nobody:nogroup", str(where)], check=True)
        env = [f"{k}={v}" for k, v in {**FIXTURE, "PATH": os.environ["PATH"], "HOME": str(where), "LANG": "C.UTF-8"}.items()]
        run = subprocess.run(["runuser", "-u", "nobody", "--", "env", "-i", *env, sys.executable, "-m", "walkbeside.cli",
                              "cohort", "grade", str(cohort), "--workers", "2"],
                             cwd=where, capture_output=True, text=True, timeout=900)
        assert "isolated in a user namespace" in run.stderr, run.stderr
        assert f"graded {len(EXPECTED_SCORES)}, unchanged 0, could not grade 2." in run.stdout, run.stdout + run.stderr
        scores, problems, flags = outcome(cohort)
        assert scores == EXPECTED_SCORES
        assert {k: v for k, v in problems.items() if not v.startswith("answer cells")} == EXPECTED_PROBLEMS
        assert {key.split("/")[0] for key in flags} == FLAGGED
        nb = json.loads((cohort / "autograded" / "reads-solutions" / "00-foundations" / "00-foundations.ipynb").read_text())
        assert "found []" in "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
        assert not Path("/tmp/walkbeside-escape.txt").exists() and not Path("/var/tmp/walkbeside-escape.txt").exists()
    finally:
        shutil.rmtree(where, ignore_errors=True)
