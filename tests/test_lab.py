"""`walkbeside lab` against a real JupyterLab server on a free port (commands/lab.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import REPO, free_port

pytestmark = pytest.mark.server
TOKEN = "walkbeside-test-token"


class LabServer:
    def __init__(self, workspace, port):
        self.url = f"http://127.0.0.1:{port}"
        self.workspace = workspace
        self.log = workspace.parent / f"lab-{port}.log"
        env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_CONFIG_DIR": str(workspace.parent / "jupyter-config"),
               "JUPYTER_RUNTIME_DIR": str(workspace.parent / "jupyter-runtime")}
        env.pop("WALKBESIDE_WORKSPACE", None)  # the lab command sets it for its kernels
        self.process = subprocess.Popen(
            [sys.executable, "-m", "walkbeside.cli", "lab", "--no-browser", "--port", str(port), "--workspace", str(workspace)],
            cwd=REPO, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)

    def get(self, path):
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")

    def wait(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError("walkbeside lab exited early:\n" + self.log.read_text())
            try:
                return self.get("/api/status")
            except OSError:
                time.sleep(0.3)
        raise AssertionError("JupyterLab did not answer in time:\n" + self.log.read_text())

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


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
