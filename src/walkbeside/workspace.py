"""The learner's personal workspace: copies of the modules, kept safe across updates.

Rules (the learner's work is never lost):
- a file that is not there yet is added;
- a file the learner has not changed since we installed it is updated to the new version;
- a file the learner changed (any byte) is kept as it is, and the new version is written
  beside it as ``<name>.new-<version>.ipynb``; the report says so.
What was installed is remembered in ``.walkbeside/installed.json`` (file -> sha256).
Trainer-only cells are removed from the learner's copies.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from . import contract, curriculum, progress
from .html import crisis_markdown, static_text_data

INSTALLED = "installed.json"
# Every Walk Beside JupyterLab (`walkbeside lab`, hub servers) works offline: no news feed or
# update checks reaching the internet.
OFFLINE_LAB_ARGS = ["--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
# JupyterLab settings kept with the workspace. Written once, never over the learner's own.
LAB_SETTINGS = {
    # No "get Jupyter news?" prompt and no requests to the news feed.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false", "checkForUpdates": false}\n',
}


@dataclass(frozen=True)
class Change:
    name: str
    action: str  # added | updated | unchanged | kept-yours | current
    beside: str = ""

    def __str__(self) -> str:
        return {
            "added": f"added {self.name}",
            "updated": f"updated {self.name} to the new version",
            "unchanged": f"{self.name} is up to date",
            "kept-yours": f"kept your copy of {self.name} (you changed it); the new version is beside it as {self.beside}",
        }[self.action]


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _notebook_bytes(nb: dict) -> bytes:
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def learner_notebook(path: Path) -> bytes:
    """A module notebook as a learner gets it: trainer cells removed, no outputs."""
    nb = contract.read(path).nb
    nb = dict(nb)
    nb["cells"] = [c for c in nb["cells"] if contract.TRAINER_TAG not in contract.tags(c)]
    return _notebook_bytes(nb)


def start_page(root: Path | None = None) -> bytes:
    """start-here.ipynb: one markdown cell per section, then the module list from metadata."""
    text = static_text_data("start-here.md")
    rows = []
    for ref in curriculum.modules(root):
        try:
            meta = contract.read(ref.notebook).meta
        except contract.NotebookError:
            continue
        rows.append(f"{ref.number + 1}. [{meta.get('title', ref.slug)}]({ref.slug}.ipynb) — about {meta.get('minutes', '?')} minutes")
    text += "\n" + "\n".join(rows) + "\n"
    sections = [s for s in text.split("\n## ")]
    cells = [{"cell_type": "markdown", "id": f"start-{i}", "metadata": {}, "source": c.strip() + "\n"}
             for i, c in enumerate([sections[0]] + ["## " + s for s in sections[1:]])]
    # The progress table, right after the section that explains it (hidden code, like the modules).
    at = next(i for i, c in enumerate(cells) if c["source"].startswith("## Your progress")) + 1
    cells.insert(at, {"cell_type": "code", "id": "my-progress", "execution_count": None, "outputs": [],
                      "metadata": {"jupyter": {"source_hidden": True}},
                      "source": "from walkbeside.learn import my_progress\nmy_progress()"})
    nb = {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}, "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return _notebook_bytes(nb)


def planned_files(root: Path | None = None) -> dict[str, bytes]:
    files = {"start-here.ipynb": start_page(root), "crisis-resources.md": crisis_markdown().encode("utf-8")}
    for ref in curriculum.modules(root):
        if ref.notebook.is_file():
            files[ref.notebook.name] = learner_notebook(ref.notebook)
    return files


def sync(ws: Path, root: Path | None = None) -> list[Change]:
    """Install or update the curriculum in ``ws`` without ever overwriting the learner's changes."""
    ws.mkdir(parents=True, exist_ok=True)
    record_path = progress.data_dir(ws) / INSTALLED
    installed: dict[str, str] = progress.read_json(record_path, {})
    changes = []
    for name, new in planned_files(root).items():
        target = ws / name
        new_digest = _digest(new)
        if not target.exists():
            target.write_bytes(new)
            installed[name] = new_digest
            changes.append(Change(name, "added"))
            continue
        current = _digest(target.read_bytes())
        if current == new_digest:
            installed[name] = new_digest
            changes.append(Change(name, "unchanged"))
        elif current == installed.get(name):
            target.write_bytes(new)  # the learner never touched it: safe to update
            installed[name] = new_digest
            changes.append(Change(name, "updated"))
        else:
            beside = target.with_name(f"{target.stem}.new-{new_digest[:8]}{target.suffix}")
            if not beside.exists():
                beside.write_bytes(new)
            changes.append(Change(name, "kept-yours", beside.name))
    progress.write_json(record_path, installed)
    return changes


def lab_settings_dir(ws: Path) -> Path:
    folder = progress.data_dir(ws) / "lab-settings"
    for name, text in LAB_SETTINGS.items():
        target = folder / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return folder


def lab_args(ws: Path) -> list[str]:
    """JupyterLab options for a learner's server on ``ws``: offline, settings kept with the workspace."""
    return [*OFFLINE_LAB_ARGS, f"--LabApp.user_settings_dir={lab_settings_dir(ws)}"]
