"""`walkbeside lab` against a real JupyterLab server on a free port (commands/lab.py)."""

from __future__ import annotations

import json

import pytest

from conftest import free_port
from labserver import LabServer

pytestmark = pytest.mark.server


@pytest.fixture
def lab_server(tmp_path):
    server = LabServer(tmp_path / "my workspace", free_port())
    try:
        server.wait()
        yield server
    finally:
        server.stop()


def test_lab_serves_the_start_page_from_a_fresh_workspace(lab_server):
    status, page = lab_server.get("/lab/tree/start-here.ipynb")
    assert status == 200 and "JupyterLab" in page
    status, body = lab_server.get("/api/contents/start-here.ipynb")
    start = json.loads(body)["content"]
    text = "".join(c["source"] for c in start["cells"])
    assert "Run All Cells" in text and "crisis resources" in text
    status, body = lab_server.get("/api/contents")
    names = {item["name"] for item in json.loads(body)["content"]}
    assert {"start-here.ipynb", "crisis-resources.md", "00-foundations.ipynb", "04-self-care.ipynb"} <= names
    assert "Your workspace:" in lab_server.log.read_text()


def test_lab_stops_cleanly(lab_server):
    lab_server.stop()
    assert lab_server.process.returncode is not None
    with pytest.raises(OSError):
        lab_server.get("/api/status")


def test_bad_port_is_a_clear_error(tmp_path):
    from conftest import run_cli

    result = run_cli("lab", "--no-browser", "--port", "70000", "--workspace", tmp_path / "ws")
    assert result.returncode == 2
    assert "--port must be between 1 and 65535" in result.stderr and "Traceback" not in result.stderr
