"""`walkbeside lab`: copy the modules into the learner's workspace and open JupyterLab."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from .. import progress, workspace
from ..problems import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lab", help="open the training in JupyterLab (copies the modules into your workspace first)",
                       description="Copy the modules into your personal workspace (your own changes are never overwritten) and open JupyterLab on the start page.")
    p.add_argument("--workspace", type=Path, default=None, help=f"your workspace folder (default: {progress.DEFAULT_WORKSPACE})")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser (print the address instead)")
    p.add_argument("--port", type=int, default=None, help="port for JupyterLab (default: the first free one from 8888)")
    p.set_defaults(func=run)


def lab_command(ws: Path, *, port: int | None, open_browser: bool) -> list[str]:
    cmd = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={ws}",
        *workspace.lab_args(ws),
        "--LabApp.default_url=/lab/tree/start-here.ipynb",
        "--ServerApp.ip=127.0.0.1",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines run as root; mentors do not
    if port is not None:
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    cmd.append("--ServerApp.open_browser=" + ("True" if open_browser else "False"))
    return cmd


def run(args: argparse.Namespace) -> int:
    ws = (args.workspace or progress.DEFAULT_WORKSPACE).expanduser().resolve()
    if ws.exists() and not ws.is_dir():
        raise UserError(f"{ws} is a file, not a folder. Choose another --workspace.")
    if args.port is not None and not 0 < args.port < 65536:
        raise UserError(f"--port must be between 1 and 65535 (got {args.port}).")
    try:
        changes = workspace.sync(ws)
    except PermissionError as exc:
        raise UserError(f"cannot write to the workspace {ws} ({exc.strerror}). Choose another --workspace.") from None
    print(f"Your workspace: {ws}")
    for change in changes:
        if change.action != "unchanged":
            print(f"  {change}")
    kept = [c for c in changes if c.action == "kept-yours"]
    if kept:
        print("  Your own copies were kept. Open the new versions beside them to see what changed.")
    env = dict(os.environ, WALKBESIDE_WORKSPACE=str(ws))
    print("Starting JupyterLab on the start page. Press Ctrl+C in this window to stop it.", flush=True)
    cmd = lab_command(ws, port=args.port, open_browser=not args.no_browser)
    if os.name == "posix":
        # Become JupyterLab, so Ctrl+C and stop signals reach the server itself (no orphans).
        os.chdir(ws)
        os.execve(cmd[0], cmd, env)
    try:
        return subprocess.call(cmd, env=env, cwd=ws)
    except KeyboardInterrupt:
        return 0
