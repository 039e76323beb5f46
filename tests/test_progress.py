"""Learner progress files (progress.py): atomic, local, never lost."""

from __future__ import annotations

import json

from walkbeside import progress

from conftest import REPO


def test_damaged_progress_file_is_kept_aside_not_overwritten(tmp_path):
    folder = tmp_path / ".walkbeside"
    folder.mkdir()
    (folder / "progress.json").write_text("{not json")
    progress.record_self_check("00-foundations", {"q1": 0}, tmp_path)
    kept = list(folder.glob("progress.json.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text() == "{not json"
    assert json.loads((folder / "progress.json").read_text())["modules"]["00-foundations"]["self_check"] == {"q1": 0}


def test_writes_leave_no_temporary_files(tmp_path):
    for i in range(5):
        progress.save_reflection("00-foundations/why", f"draft {i}", tmp_path)
    assert sorted(p.name for p in (tmp_path / ".walkbeside").iterdir()) == ["progress.json", "reflections.json"]
    assert progress.load_reflection("00-foundations/why", tmp_path) == "draft 4"


def test_summary_follows_the_manifest_and_marks_completion(tmp_path):
    rows = progress.summary(tmp_path, REPO)
    assert [r["module"] for r in rows] == ["00-foundations", "01-trauma-bonds", "02-boundaries", "03-consistency", "04-self-care"]
    assert not any(r["complete"] for r in rows)
    first = rows[0]
    from walkbeside import scenarios, selfchecks

    for path in scenarios.for_module("00-foundations", REPO):
        s, _ = scenarios.check_file(path, REPO)
        progress.record_scenario(s.key, [0], s.data["endings"][0]["id"], tmp_path)
    answers = {q["id"]: 0 for q in selfchecks.load_self_check("00-foundations", REPO)["questions"]}
    progress.record_self_check("00-foundations", answers, tmp_path)
    rows = progress.summary(tmp_path, REPO)
    assert rows[0]["complete"] and rows[0]["scenarios"] == (first["scenarios"][1],) * 2
    assert not rows[1]["complete"]


def test_progress_command_prints_per_module_status(tmp_path):
    from conftest import run_cli

    result = run_cli("progress", "--workspace", tmp_path)
    assert result.returncode == 0
    assert "0 of 5 modules complete." in result.stdout
    assert "still to play:" in result.stdout
