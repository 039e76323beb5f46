"""A kernel "zygote": one process that has already imported ipykernel and forks a fresh,
ready-to-run kernel for each notebook.

Why: starting a kernel the usual way costs a new Python process importing IPython, ipykernel,
zmq and tornado (about 0.6–1.5 s of CPU per notebook). A forked child inherits those imports
and starts in a few milliseconds, yet is still a brand-new process per notebook: nothing
leaks from one learner's notebook to the next. The child runs exactly what
``python -m ipykernel_launcher -f CONNECTION_FILE`` runs.

Protocol (one JSON object per line): the parent writes
``{"argv": [...], "cwd": "...", "env": {...}, "sandbox": {...} or null}`` and reads back ``{"pid": N}`` or
``{"error": "..."}``. The zygote exits when its stdin closes.

Run by file path (``python zygote.py``), not with ``-m``: it imports nothing from walkbeside,
so a kernel's ``sys.modules`` looks like a normal kernel's.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
from pathlib import Path

# Like ipykernel_launcher: drop the script's folder so it cannot shadow the learner's modules
# (IPython puts the kernel's working folder back when the kernel starts).
del sys.path[0]

import ipykernel.debugger  # noqa: E402,F401  (the point: pay these imports once)
import ipykernel.ipkernel  # noqa: E402,F401
import ipykernel.zmqshell  # noqa: E402,F401
from ipykernel import kernelapp  # noqa: E402

# sandbox.py sits beside this file; loaded by path so that walkbeside itself is not imported
_spec = importlib.util.spec_from_file_location("walkbeside_sandbox", Path(__file__).with_name("sandbox.py"))
sandbox = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sandbox)


def die_with_parent() -> None:
    """Be killed when the parent goes (even by kill -9), so an interrupted grading run leaves
    no kernel behind. Linux clears this on a change of user, so the sandbox sets it again."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() == 1:  # the parent went before we asked
        os._exit(1)


def run_child(request: dict) -> None:
    """In the forked child: (optionally) enter the sandbox, become a kernel, then exit without
    returning to the loop."""
    try:
        die_with_parent()
        os.setsid()  # its own process group, so interrupts and kills reach its subprocesses
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.environ.clear()
        os.environ.update(request["env"])
        policy = request.get("sandbox")
        cwd, argv = request["cwd"], request["argv"]
        if policy:
            sandbox.clear_environment_secrets()
            cwd, argv = sandbox.enter(policy, cwd, argv)
        os.chdir(cwd)
        sys.argv = ["ipykernel_launcher", *argv]
        app = kernelapp.IPKernelApp.instance()
        app.initialize(argv)  # reads the connection file, binds the sockets
        if policy:
            sandbox.drop(policy)
            die_with_parent()
        app.start()
    finally:
        os._exit(0)


def serve(stdin, stdout) -> None:
    # Children are reaped by the kernel itself; the parent watches them through a pidfd.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in stdin:
        try:
            request = json.loads(line)
            pid = os.fork()
        except (ValueError, OSError) as exc:
            stdout.write(json.dumps({"error": str(exc)}) + "\n")
            stdout.flush()
            continue
        if pid == 0:
            run_child(request)
        stdout.write(json.dumps({"pid": pid}) + "\n")
        stdout.flush()


if __name__ == "__main__":
    die_with_parent()  # the parent is the grading worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the grading run, which closes our stdin
    serve(sys.stdin, sys.stdout)
