"""A grading worker: one long-lived process that imports nbgrader once and autogrades one
(learner, assignment) at a time with nbgrader's own Autograde converter.

Kernels come from this worker's zygote (kernels.py), so each notebook still gets a brand-new
kernel process, without paying Python's and IPython's start-up for every notebook, and each
kernel runs the learner's code inside the sandbox (sandbox.py).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import tempfile
import types
import warnings
from pathlib import Path

from .kernels import Zygote

GRADER_USER = os.environ.get("WALKBESIDE_GRADER_USER", "nobody")  # runs learner code when grading as root

_api = None


def validate_schema_once() -> None:
    """nbgrader checks every cell's metadata with ``jsonschema.validate``, which first re-checks
    nbgrader's own constant schema: a quarter of a worker's CPU. Give nbgrader a ``validate``
    that does the same checks and raises the same error, checking each schema only once."""
    import jsonschema
    from jsonschema import exceptions, validators
    from nbgrader.nbgraderformat import common

    ready: dict[str, object] = {}

    def validate(instance, schema, cls=None, *args, **kwargs):
        key = json.dumps(schema, sort_keys=True) + repr((cls, args, sorted(kwargs.items())))
        if key not in ready:
            kind = cls or validators.validator_for(schema)
            kind.check_schema(schema)
            ready[key] = kind(schema, *args, **kwargs)
        error = exceptions.best_match(ready[key].iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = types.SimpleNamespace(validate=validate, ValidationError=jsonschema.ValidationError)


def start(root: str) -> None:
    global _api
    from .course import Cohort
    from .nbgrader_api import api

    cohort = Cohort(Path(root))
    # nbgrader's SQLAlchemy warnings would break the progress line; its log is kept per result
    warnings.simplefilter("ignore")
    validate_schema_once()
    # Kernels talk to their worker over unix sockets: a sandboxed kernel has no network at all.
    # The sandbox mounts this folder back inside the kernel's private /tmp.
    base = Path("/run" if os.geteuid() == 0 else tempfile.gettempdir())
    remove_stale_socket_folders(base)
    sockets = tempfile.mkdtemp(prefix=f"walkbeside-kernels-{os.getpid()}-", dir=base)
    Zygote.policy = {**sandbox_policy(cohort), "writable": [sockets]}
    atexit.register(shutil.rmtree, sockets, True)
    # A long busy-timeout: workers write to the one SQLite gradebook in turns.
    _api = api(cohort, **{
        "Execute.kernel_manager_class": "walkbeside.cohort.kernels.ForkedKernelManager",
        "KernelManager.transport": "ipc",
        "KernelManager.ip": os.path.join(sockets, "kernel"),
        "CourseDirectory.db_url": cohort.db_url + "?timeout=120",
    })


def remove_stale_socket_folders(base: Path) -> None:
    """Socket folders of workers that were killed (kill -9 skips their clean-up)."""
    for folder in base.glob("walkbeside-kernels-*-*"):
        pid = folder.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(folder, ignore_errors=True)


def sandbox_policy(cohort) -> dict:
    """Limits for learner code (sandbox.py); hidden: this cohort (gradebook, other learners,
    the source with the answer key) and the curriculum's assessments."""
    from ..curriculum import curriculum_root

    return {
        "user": GRADER_USER,
        "hide": [str(cohort.root), str(curriculum_root() / "assessments")],
        "memory_bytes": 2 * 2**30,
        "processes": 512,  # per user, and a kernel's threads count too: enough for a few kernels, not a fork bomb
        "file_bytes": 16 * 2**20,
        "scratch_bytes": 64 * 2**20,
        "cpu_seconds": 600,
    }


def autograde(learner: str, assignment: str) -> dict:
    assert _api is not None, "start() runs first, as the pool's initializer"
    result = _api.autograde(assignment, learner, force=True, create=True)
    return {"learner": learner, "assignment": assignment, "success": result["success"],
            "error": result.get("error", ""), "log": result.get("log", "")}
