"""Module self-checks: formative multiple-choice questions with feedback on every option."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import curriculum
from .datafiles import line_for
from .problems import Problem, display_path
from .validation import language_problems, load_checked


def check_file(path: Path, root: Path | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    shown = display_path(path)
    data, lines, problems = load_checked(path, "self-check.schema.json", "module, questions")
    if data is None or problems:
        return None, problems
    if data["module"] != path.stem:
        problems.append(Problem(shown, line_for(lines, ("module",)), f"module {data['module']!r} does not match the file name {path.name!r}", f"name the file {data['module']}.yaml"))
    if curriculum.find_module(data["module"], root) is None:
        problems.append(Problem(shown, line_for(lines, ("module",)), f"the module {data['module']!r} does not exist", "use a slug from modules/manifest.yml"))
    seen: dict[str, int] = {}
    for i, question in enumerate(data["questions"]):
        line = line_for(lines, ("questions", i, "id"))
        if question["id"] in seen:
            problems.append(Problem(shown, line, f"duplicate question id {question['id']!r} (first at line {seen[question['id']]})", "give each question its own id"))
        seen.setdefault(question["id"], line)
        best = sum(1 for option in question["options"] if option.get("best"))
        if best != 1:
            problems.append(Problem(shown, line, f"question {question['id']!r} marks {best} options as best", "mark exactly one option with `best: true`"))
    problems += language_problems(data, lines, shown)
    return (data if not problems else None), problems


class SelfCheckNotFound(LookupError):
    pass


def load_self_check(module_key: str, root: Path | None = None) -> dict[str, Any]:
    ref = curriculum.find_module(module_key, root)
    if ref is None:
        raise SelfCheckNotFound(f"No module called {module_key!r}.")
    if not ref.self_check.is_file():
        raise SelfCheckNotFound(f"No self-check file at {display_path(ref.self_check)}.")
    data, problems = check_file(ref.self_check, root)
    if data is None:
        raise SelfCheckNotFound("This self-check has problems and cannot be shown:\n" + "\n".join(map(str, problems)))
    return {"kind": "self_check", "key": ref.slug, **data}
