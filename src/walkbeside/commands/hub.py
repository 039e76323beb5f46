"""`walkbeside hub`: a JupyterHub for a pilot, on this computer only (127.0.0.1).

It checks what a hub needs (root, configurable-http-proxy, the people's Unix accounts, the cohort
folder), then runs JupyterHub with deploy/jupyterhub/jupyterhub_config.py (or the same settings
from walkbeside.hub when that file is not there). See docs/jupyterhub.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import curriculum
from ..hub import HubSettings, pilot_problems
from ..problems import UserError, display_path

CONFIG_TEMPLATE = '''# Written by `walkbeside hub`; see docs/jupyterhub.md. Settings come from WALKBESIDE_HUB_*.
from walkbeside.hub import configure

configure(c)  # noqa: F821 (JupyterHub provides c)
'''


def register(sub: argparse._SubParsersAction) -> None:
    d = HubSettings()
    p = sub.add_parser("hub", help="start a JupyterHub for a pilot on this computer (127.0.0.1 only)",
                       description="Start JupyterHub for a pilot cohort: each learner and trainer logs in with their "
                                   "Unix account, learners get their own workspace, trainers grade in the cohort's "
                                   "formgrader. Listens on 127.0.0.1 only. Run as root. See docs/jupyterhub.md.")
    p.add_argument("--trainers", default="", metavar="NAMES", help="comma-separated Unix user names of the trainers")
    p.add_argument("--grader", default=d.grader, metavar="USER", help=f"Unix user that owns the cohort folder (default {d.grader})")
    p.add_argument("--cohort", type=Path, default=None, metavar="DIR", help="the cohort folder made with `walkbeside cohort init` (default ~GRADER/cohort)")
    p.add_argument("--data", type=Path, default=d.data, metavar="DIR", help=f"the hub's own files: database, exchange (default {d.data})")
    p.add_argument("--port", type=int, default=d.port, help=f"port for people's browsers (default {d.port})")
    p.add_argument("--check", action="store_true", help="only check that everything is ready, then stop")
    p.set_defaults(func=run)


def config_file(data: Path) -> Path:
    shipped = curriculum.curriculum_root() / "deploy" / "jupyterhub" / "jupyterhub_config.py"
    if shipped.is_file():
        return shipped
    generated = data / "jupyterhub_config.py"
    if not generated.is_file():
        generated.parent.mkdir(parents=True, exist_ok=True)
        generated.write_text(CONFIG_TEMPLATE, encoding="utf-8")
    return generated


def run(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port must be between 1 and 65535 (got {args.port}).")
    settings = HubSettings(data=args.data.resolve(), grader=args.grader,
                           cohort=args.cohort.resolve() if args.cohort else None,
                           trainers=[t.strip() for t in args.trainers.split(",") if t.strip()],
                           port=args.port)
    problems = pilot_problems(settings)
    if problems:
        raise UserError("the hub cannot start yet:\n  - " + "\n  - ".join(problems))
    if args.check:
        print("Everything is ready for `walkbeside hub`.")
        return 0
    config = config_file(settings.data)
    print(f"Starting JupyterHub for cohort {display_path(settings.cohort_dir())} at http://127.0.0.1:{settings.port}/ "
          f"(config {display_path(config)}). Trainers grade at /services/{settings.service_name()}/formgrader. "
          "Press Ctrl+C to stop it and every server it started.", flush=True)
    cmd = [sys.executable, "-m", "jupyterhub", "-f", str(config)]
    env = {**os.environ, **settings.to_env()}
    settings.data.mkdir(parents=True, exist_ok=True)
    os.chdir(settings.data)
    # Become JupyterHub: Ctrl+C reaches it directly, and it stops the proxy and every server.
    os.execve(cmd[0], cmd, env)
    return 0  # not reached
