"""The learner workspace (workspace.py): updates never overwrite the learner's work."""

from __future__ import annotations

import json

from walkbeside import contract, workspace

from conftest import REPO


def test_first_sync_adds_start_page_crisis_card_and_modules(tmp_path):
    changes = workspace.sync(tmp_path, REPO)
    names = {c.name for c in changes if c.action == "added"}
    assert {"start-here.ipynb", "crisis-resources.md", "00-foundations.ipynb", "04-self-care.ipynb"} <= names
    start = json.loads((tmp_path / "start-here.ipynb").read_text())
    text = "".join("".join(c["source"]) for c in start["cells"])
    assert "Run All Cells" in text and "crisis-resources.md" in text and "only on this computer" in text
    assert "1-888-373-7888" in (tmp_path / "crisis-resources.md").read_text()


def test_learner_copies_have_no_trainer_cells(tmp_path):
    workspace.sync(tmp_path, REPO)
    source = contract.read(REPO / "modules" / "00-foundations.ipynb")
    trainer = [c for c in source.cells if contract.TRAINER_TAG in contract.tags(c)]
    assert trainer, "module 00 has trainer notes to leave out"
    copy = contract.read(tmp_path / "00-foundations.ipynb")
    assert not any(contract.TRAINER_TAG in contract.tags(c) for c in copy.cells)
    assert len(copy.cells) == len(source.cells) - len(trainer)


def test_resync_keeps_the_learners_edit_and_puts_the_new_version_beside_it(tmp_path, monkeypatch):
    workspace.sync(tmp_path, REPO)
    mine = tmp_path / "02-boundaries.ipynb"
    edited = mine.read_text().replace('"cells": [', '"cells": [{"cell_type": "markdown", "id": "my-note", "metadata": {}, "source": "My own note"},', 1)
    mine.write_text(edited)
    untouched = tmp_path / "03-consistency.ipynb"
    # A curriculum update changes both notebooks.
    real = workspace.learner_notebook
    monkeypatch.setattr(workspace, "learner_notebook", lambda p: real(p).replace(b'"nbformat": 4', b'"nbformat": 4, "updated": 1'))
    changes = {c.name: c for c in workspace.sync(tmp_path, REPO)}
    assert mine.read_text() == edited, "the learner's edit is kept"
    kept = changes["02-boundaries.ipynb"]
    assert kept.action == "kept-yours" and "beside it" in str(kept)
    assert b'"updated": 1' in (tmp_path / kept.beside).read_bytes()
    assert changes["03-consistency.ipynb"].action == "updated"
    assert b'"updated": 1' in untouched.read_bytes()
    # Running again changes nothing more and never overwrites the file beside it.
    again = {c.name: c for c in workspace.sync(tmp_path, REPO)}
    assert again["02-boundaries.ipynb"].action == "kept-yours" and mine.read_text() == edited
    assert again["03-consistency.ipynb"].action == "unchanged"


def test_start_page_shows_progress_from_a_hidden_cell_that_runs(tmp_path, monkeypatch):
    from nbclient import NotebookClient
    import nbformat

    from walkbeside import progress

    workspace.sync(tmp_path, REPO)
    progress.record_self_check("00-foundations", {"anything": 0}, tmp_path)
    nb = nbformat.read(tmp_path / "start-here.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert len(code) == 1 and code[0].metadata["jupyter"]["source_hidden"]
    monkeypatch.setenv("WALKBESIDE_WORKSPACE", str(tmp_path))
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    html = code[0].outputs[0]["data"]["text/html"]
    assert "0 of 5 modules complete." in html and "Foundations" in html
