"""Project-wide pytest set-up (applies to tests/ and to the nbval run of modules/).

Learner data written while tests run (progress, reflections) must never land in a real
workspace or in the repository, so every test process points WALKBESIDE_WORKSPACE at a
temporary folder before any kernel starts (kernels inherit the environment).
"""

import os
import tempfile

collect_ignore_glob = ["tests/files/*", "build/*", "assessments/*", ".venv/*"]


def pytest_configure(config):
    if "WALKBESIDE_WORKSPACE" not in os.environ or not os.environ.get("WALKBESIDE_TEST_KEEP_WORKSPACE"):
        os.environ["WALKBESIDE_WORKSPACE"] = tempfile.mkdtemp(prefix="walkbeside-test-ws-")
