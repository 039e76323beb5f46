"""The learner's progress and private notes, kept only on their computer.

Everything lives in ``<workspace>/.walkbeside/``: ``progress.json`` (scenario endings,
self-check answers, which reflections were written), ``reflections.json`` (the text itself),
``check-ins.json`` and ``plans.json``. Files are written atomically (temporary file +
``os.replace``) so a crash never leaves half a file, and nothing here is ever uploaded.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from . import curriculum

DATA_DIR = ".walkbeside"
DEFAULT_WORKSPACE = Path.home() / "WalkBeside"


def workspace() -> Path:
    """The learner's workspace: set by `walkbeside lab`, else the nearest folder holding
    ``.walkbeside/``, else the default workspace in the home folder."""
    env = os.environ.get("WALKBESIDE_WORKSPACE")
    if env:
        return Path(env).expanduser().resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / DATA_DIR).is_dir():
            return folder
    return DEFAULT_WORKSPACE


def data_dir(ws: Path | None = None) -> Path:
    return (ws or workspace()) / DATA_DIR


def read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default
    except (OSError, ValueError):
        # A damaged file is kept for the learner, never silently replaced.
        damaged = path.with_name(f"{path.name}.damaged-{int(time.time())}")
        try:
            path.replace(damaged)
        except OSError:
            pass
        return default


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1, ensure_ascii=False, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _update(name: str, change, ws: Path | None = None) -> Any:
    path = data_dir(ws) / name
    data = read_json(path, {})
    change(data)
    write_json(path, data)
    return data


def _module(data: dict, module: str) -> dict:
    return data.setdefault("modules", {}).setdefault(module, {})


def recorded(ws: Path | None = None) -> dict[str, dict]:
    """Everything recorded so far, per module slug."""
    return read_json(data_dir(ws) / "progress.json", {}).get("modules", {})


def record_scenario(key: str, path: list[int], ending: str | None, ws: Path | None = None) -> dict:
    module, _, scenario_id = key.partition("/")

    def change(data):
        entry = _module(data, module).setdefault("scenarios", {}).setdefault(scenario_id, {"endings": []})
        entry["path"] = list(path)
        if ending and ending not in entry["endings"]:
            entry["endings"].append(ending)
        entry["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")

    return _update("progress.json", change, ws)


def record_self_check(module: str, answers: dict[str, int], ws: Path | None = None) -> dict:
    def change(data):
        _module(data, module)["self_check"] = dict(answers)

    return _update("progress.json", change, ws)


def save_reflection(key: str, text: str, ws: Path | None = None) -> None:
    module = key.partition("/")[0]

    def store(data):
        data[key] = text

    def mark(data):
        written = set(_module(data, module).get("reflections", []))
        (written.add if text.strip() else written.discard)(key.partition("/")[2])
        _module(data, module)["reflections"] = sorted(written)

    _update("reflections.json", store, ws)
    _update("progress.json", mark, ws)


def load_reflection(key: str, ws: Path | None = None) -> str:
    return read_json(data_dir(ws) / "reflections.json", {}).get(key, "")


def add_check_in(key: str, entry: dict, ws: Path | None = None) -> list[dict]:
    data = _update("check-ins.json", lambda d: d.setdefault(key, []).append(entry), ws)
    return data[key]


def check_ins(key: str, ws: Path | None = None) -> list[dict]:
    return read_json(data_dir(ws) / "check-ins.json", {}).get(key, [])


def save_plan(key: str, plan: dict[str, str], ws: Path | None = None) -> None:
    _update("plans.json", lambda d: d.__setitem__(key, plan), ws)


def load_plan(key: str, ws: Path | None = None) -> dict[str, str]:
    return read_json(data_dir(ws) / "plans.json", {}).get(key, {})


def summary(ws: Path | None = None, root: Path | None = None) -> list[dict[str, Any]]:
    """Per module, in manifest order: what is done and what is left."""
    from . import contract, scenarios, selfchecks

    data = recorded(ws)
    rows = []
    for ref in curriculum.modules(root):
        done = data.get(ref.slug, {})
        scenario_ids = [p.stem for p in scenarios.for_module(ref.slug, root)]
        finished = [s for s in scenario_ids if done.get("scenarios", {}).get(s, {}).get("endings")]
        try:
            questions = [q["id"] for q in selfchecks.load_self_check(ref.slug, root)["questions"]]
        except selfchecks.SelfCheckNotFound:
            questions = []
        answered = [q for q in questions if q in done.get("self_check", {})]
        try:
            nb = contract.read(ref.notebook)
            reflection_ids = [args[0].partition("/")[2] for _, func, args in contract.widget_calls(nb) if func == "reflection" and args and isinstance(args[0], str)]
            title = nb.meta.get("title", ref.slug)
        except contract.NotebookError:
            reflection_ids, title = [], ref.slug
        written = [r for r in reflection_ids if r in done.get("reflections", [])]
        rows.append({
            "module": ref.slug,
            "title": title,
            "scenarios": (len(finished), len(scenario_ids)),
            "scenarios_left": [s for s in scenario_ids if s not in finished],
            "self_check": (len(answered), len(questions)),
            "reflections": (len(written), len(reflection_ids)),
            "complete": len(finished) == len(scenario_ids) and len(answered) == len(questions),
        })
    return rows
