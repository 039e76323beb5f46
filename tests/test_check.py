"""`walkbeside check`: clear file:line problems and exit codes, never a traceback (check.py, contract.py)."""

from __future__ import annotations

import pytest

from conftest import FILES, run_cli


def test_the_whole_curriculum_passes():
    result = run_cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("All good:") and "no problems" in result.stdout


@pytest.mark.parametrize(("fixture", "expected"), [
    ("notebook-invalid-json.ipynb", "notebook-invalid-json.ipynb:14: invalid JSON: Expecting ':' delimiter"),
    ("module-missing-objectives.ipynb", "module-missing-objectives.ipynb:42: missing objectives in the metadata"),
    ("empty-file.ipynb", "empty-file.ipynb:1: the file is empty"),
    ("unknown-type.txt", "unknown-type.txt:1: unknown file type '.txt'"),
    ("binary-garbage.ipynb", "binary-garbage.ipynb:2: this is not a notebook (not UTF-8 text)"),
    ("module-no-metadata.ipynb", "module-no-metadata.ipynb:6: the notebook has no `walkbeside` metadata"),
    ("module-objective-not-in-opening.ipynb", "module-objective-not-in-opening.ipynb:5: objective 2 is in the metadata but not in the opening cell"),
    ("module-saved-outputs.ipynb", "module-saved-outputs.ipynb:15: this code cell has saved outputs"),
    ("module-visible-code.ipynb", "module-visible-code.ipynb:15: this code cell is shown to learners"),
    ("module-unknown-scenario.ipynb", "module-unknown-scenario.ipynb:27: scenario '02-boundaries/no-such-scenario' cannot be shown"),
])
def test_broken_input_gives_one_clear_problem_and_exit_1(fixture, expected):
    result = run_cli("check", FILES / fixture)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    problems = result.stdout.splitlines()[:-1]
    assert problems == [line for line in problems if line.startswith("tests/files/")]
    assert len(problems) == 1, result.stdout
    assert expected in problems[0]
    assert " — " in problems[0], "the problem says what to do"
    assert result.stdout.splitlines()[-1] == "1 problem(s) in 1 file checked."


def test_a_valid_module_passes():
    result = run_cli("check", FILES / "module-valid-minimal.ipynb")
    assert (result.returncode, result.stdout.strip()) == (0, "All good: 1 file checked, no problems.")


def test_missing_path_is_a_problem_not_a_crash():
    result = run_cli("check", "no/such/file.ipynb")
    assert result.returncode == 1
    assert result.stdout.startswith("no/such/file.ipynb:1: no such file or folder")


def test_a_folder_is_checked_recursively():
    result = run_cli("check", FILES / "scenarios" / "02-boundaries")
    assert result.returncode == 1
    checked = {line.split(":")[0] for line in result.stdout.splitlines()[:-1]}
    assert "tests/files/scenarios/02-boundaries/dead-end.yaml" in checked
    assert "tests/files/scenarios/02-boundaries/script-in-text.yaml" not in checked  # valid


def test_help_lists_every_subcommand_with_a_purpose():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in ("lab", "check", "progress", "assessment", "export", "cohort", "hub"):
        lines = result.stdout.splitlines()
        index = next(i for i, l in enumerate(lines) if l.strip().split(" ")[0] == name)
        purpose = (lines[index].strip()[len(name):] + " " + lines[index + 1]).strip()
        assert len(purpose) > 10, lines[index]
