"""`cohort formgrade`: nbgrader's formgrader (manual grading, comments) for this cohort.

A local Jupyter server runs with the cohort folder as its root, so the formgrader reads the
cohort's nbgrader_config.py and gradebook; it stops with Ctrl-C.
"""

from __future__ import annotations

import os
import subprocess
import sys

from .course import Cohort


def command(cohort: Cohort, open_browser: bool, port: int) -> list[str]:
    return [
        sys.executable, "-m", "jupyter", "lab",
        f"--ServerApp.root_dir={cohort.root}",
        "--ServerApp.jpserver_extensions={'nbgrader.server_extensions.formgrader': True}",
        "--ServerApp.ip=127.0.0.1",  # this laptop only: the gradebook holds learners' data
        f"--ServerApp.port={port or 8888}", f"--ServerApp.port_retries={50 if not port else 0}",
        f"--ServerApp.open_browser={open_browser}",
        "--LabApp.default_url=/formgrader",
        # Jupyter refuses root unless told; grading as root is how the sandbox works (docs/trainers.md)
        *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else []),
    ]


def formgrade(cohort: Cohort, open_browser: bool = True, port: int = 0) -> int:
    print("Starting nbgrader's formgrader for this cohort; press Ctrl-C to stop it.", flush=True)
    try:
        return subprocess.call(command(cohort, open_browser, port), cwd=cohort.root)
    except KeyboardInterrupt:
        return 0
