"""Executed notebooks exported by plain nbconvert keep playable scenarios: with no saved widget
state, nbconvert picks the widget's self-contained text/html output (learn.py)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

KEY = "02-boundaries/late-night-money"


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f'from walkbeside.learn import scenario\nscenario("{KEY}")')]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    # JupyterLab saves no widget state by default; nbclient must be told the same
    # (`jupyter nbconvert --execute --ExecutePreprocessor.store_widget_state=False`).
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=False).execute()
    assert "widgets" not in nb.metadata
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    page = tmp_path_factory.mktemp("nbconvert") / "exported.html"
    page.write_text(body, encoding="utf-8")
    return page


def test_the_export_carries_the_player_not_a_widget_placeholder(exported):
    text = exported.read_text()
    assert "data-walkbeside=" in text
    assert "application/vnd.jupyter.widget-view+json" not in text


@pytest.mark.browser
def test_the_scenario_plays_in_the_nbconvert_page(exported, offline_page):
    page = offline_page.page
    page.goto(exported.as_uri())
    page.locator(".wb-choice").first.click()
    page.wait_for_selector(".wb-now h4:focus, .wb-ending h4:focus")
    assert "You chose:" in page.locator(".wb-scenario").inner_text()
    # nbconvert's own template asks for CDN scripts (blocked here); the player itself asks for nothing.
    assert not [url for url in offline_page.external if "walkbeside" in url]
