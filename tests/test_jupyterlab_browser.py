"""The live widget in a real JupyterLab, driven by real chromium (learn.py + static/player.js):
click a scenario choice, see the consequence, and find the learner's progress recorded."""

from __future__ import annotations

import json

import pytest

from walkbeside import scenarios

from conftest import REPO, free_port
from labserver import TOKEN, LabServer

pytestmark = [pytest.mark.browser, pytest.mark.server]
KEY = "02-boundaries/late-night-money"


@pytest.fixture
def lab_with_scenario(tmp_path):
    workspace = tmp_path / "ws"
    workspace.mkdir()
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "play", "metadata": {"jupyter": {"source_hidden": True}}, "outputs": [],
                   "source": f'from walkbeside.learn import scenario\nscenario("{KEY}")'}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    (workspace / "practice.ipynb").write_text(json.dumps(notebook))
    server = LabServer(workspace, free_port())
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def test_clicking_a_choice_shows_the_consequence_and_records_progress(browser, lab_with_scenario):
    server = lab_with_scenario
    data = scenarios.load_scenario(KEY, REPO).data
    first = data["nodes"][0]["choices"][0]
    external = []
    context = browser.new_context(viewport={"width": 1400, "height": 1000})

    def only_this_machine(route):
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", only_this_machine)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/lab/tree/practice.ipynb?token={TOKEN}")
        page.wait_for_selector(".jp-Notebook", timeout=60_000)
        # The status bar reads "Python 3 (ipykernel) | Idle" once the kernel is really connected.
        page.wait_for_function("() => /ipykernel\\)? \\| Idle/.test(document.querySelector('#jp-main-statusbar')?.innerText || '')", timeout=60_000)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.locator("li[data-command='runmenu:run-all']").click()
        choice = page.locator(".wb-choice").first
        choice.wait_for(timeout=60_000)
        assert " ".join(choice.inner_text().split()) == " ".join(first["label"].split())
        choice.click()
        page.wait_for_function("t => document.querySelector('.wb-scenario').innerText.includes(t)", arg=" ".join(first["consequence"].split())[:50], timeout=30_000)
        progress_file = server.workspace / ".walkbeside" / "progress.json"
        entry = {}
        for _ in range(100):  # the kernel writes the file just after the click
            if progress_file.exists():
                recorded = json.loads(progress_file.read_text())
                entry = recorded["modules"]["02-boundaries"]["scenarios"]["late-night-money"]
                if entry["path"] == [0]:
                    break
            page.wait_for_timeout(100)
        assert entry["path"] == [0]
        assert external == [], "JupyterLab and the widget make no requests off this machine"
    finally:
        context.close()
