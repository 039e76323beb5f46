"""Private self-care tools (module 04): a repeatable check-in and a self-care plan builder.

Their content is data (``modules/self-care-tools/<module>.yaml``). The check-in is an
original reflection aid written for this curriculum, not the ProQOL and not a validated
measure; the player says so every time it shows a result.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from . import curriculum
from .datafiles import line_for
from .problems import Problem, display_path
from .validation import language_problems, load_checked

SCALE = ["Never", "Rarely", "Sometimes", "Often", "Very often"]  # scored 0-4
NOT_A_MEASURE = ("This check-in is a reflection aid written for Walk Beside. It is not a validated "
                 "measure and not a diagnosis. If your answers worry you, talk with your supervisor "
                 "or a health professional, and see the crisis resources if you need help now.")


def tools_file(module_slug: str, root: Path | None = None) -> Path:
    return (root or curriculum.curriculum_root()) / "modules" / "self-care-tools" / f"{module_slug}.yaml"


def check_file(path: Path, root: Path | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    shown = display_path(path)
    data, lines, problems = load_checked(path, "self-care-tools.schema.json", "check_in, plan")
    if data is None or problems:
        return None, problems
    problems += language_problems(data, lines, shown)
    check_in = data["check_in"]
    for key, items in (("bands", check_in["items"]), ("positive_bands", check_in.get("positive_items", []))):
        if key in check_in:
            problems += _band_problems(check_in[key], len(items) * (len(SCALE) - 1), shown, line_for(lines, ("check_in", key)))
    ids = [i["id"] for i in check_in["items"] + check_in.get("positive_items", [])]
    if len(ids) != len(set(ids)):
        problems.append(Problem(shown, line_for(lines, ("check_in", "items")), "two check-in statements share an id", "give each statement its own id"))
    return (data if not problems else None), problems


def _band_problems(bands: list[dict], top: int, shown: str, line: int) -> list[Problem]:
    """Bands must cover every possible total from 0 to ``top`` exactly once."""
    expected = 0
    for band in sorted(bands, key=lambda b: b["min"]):
        if band["min"] != expected or band["max"] < band["min"]:
            return [Problem(shown, line, f"the bands must cover every total from 0 to {top} with no gaps or overlaps (problem near {band['min']}–{band['max']})", "fix the min/max values")]
        expected = band["max"] + 1
    if expected != top + 1:
        return [Problem(shown, line, f"the bands stop at {expected - 1} but the highest total is {top}", f"make the last band end at {top}")]
    return []


class ToolNotFound(LookupError):
    pass


def load_tool(module_key: str, tool: str, root: Path | None = None) -> dict[str, Any]:
    ref = curriculum.find_module(module_key, root)
    if ref is None:
        raise ToolNotFound(f"No module called {module_key!r}.")
    path = tools_file(ref.slug, root)
    if not path.is_file():
        raise ToolNotFound(f"No self-care tools file at {display_path(path)}.")
    data, problems = check_file(path, root)
    if data is None:
        raise ToolNotFound("The self-care tools file has problems:\n" + "\n".join(map(str, problems)))
    if tool == "check_in":
        return {"kind": "check_in", "key": ref.slug, "scale": SCALE, "not_a_measure": NOT_A_MEASURE, **data["check_in"]}
    return {"kind": "plan", "key": ref.slug, **data["plan"]}


def score(payload: dict[str, Any], answers: dict[str, int]) -> tuple[int, int]:
    """(total of the strain statements, total of the positive statements); missing count 0."""
    def total(items):
        return sum(answers.get(i["id"], 0) for i in items)

    return total(payload.get("items", [])), total(payload.get("positive_items", []))


def band_for(payload: dict[str, Any], total: int, key: str = "bands") -> dict[str, Any] | None:
    return next((b for b in payload.get(key, []) if b["min"] <= total <= b["max"]), None)


def clean_entry(payload: dict[str, Any], entry: Any) -> dict[str, Any]:
    """Keep only valid answers from the browser and recompute the totals here."""
    entry = entry if isinstance(entry, dict) else {}
    valid = {i["id"] for i in payload.get("items", []) + payload.get("positive_items", [])}
    answers = {k: v for k, v in (entry.get("answers") or {}).items() if k in valid and isinstance(v, int) and 0 <= v < len(SCALE)}
    total, positive = score(payload, answers)
    return {"date": time.strftime("%Y-%m-%d"), "answers": answers, "total": total, "positive": positive}
