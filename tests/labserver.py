"""A real `walkbeside lab` server for tests, started on a free port and always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

from conftest import REPO

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
