"""Branching scenarios: load, validate (schema + story graph) and prepare for the player.

A scenario is data (``scenarios/<module>/<id>.yaml``) checked against
``schemas/scenario.schema.json``; the graph checks catch what a schema cannot: choices that
lead nowhere, parts of the story no one can reach, and loops a learner cannot leave.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from . import curriculum
from .datafiles import DataFileError, Lines, line_for, load
from .language import find_avoided_terms
from .problems import Problem, display_path

CONTENT_MINIMUMS = {"endings": 3, "decisions": 2}


@lru_cache(maxsize=None)
def schema_validator(name: str) -> Draft202012Validator:
    text = (Path(__file__).resolve().parent / "schemas" / name).read_text(encoding="utf-8")
    return Draft202012Validator(json.loads(text))


def schema_problems(data: Any, lines: Lines, shown: str, schema: str) -> list[Problem]:
    """JSON Schema errors in words an author understands, each at its line."""
    problems = []
    for error in sorted(schema_validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = tuple(error.absolute_path)
        field_name = ".".join(str(p) for p in where) or "the file"
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            if missing == "debrief":
                message, fix = f"{field_name}: this ending has no debrief", "add a debrief that explains what happened and why"
            else:
                message, fix = f"{field_name}: missing `{missing}`", f"add `{missing}` (see {schema})"
        elif error.validator == "additionalProperties":
            message, fix = f"{field_name}: unknown field ({error.message.split('(')[-1].rstrip(')')})", f"remove it or fix its spelling (see {schema})"
        elif error.validator == "pattern":
            message, fix = f"{field_name}: {error.instance!r} is not a valid id", "use lower-case words joined by hyphens, e.g. late-night-money"
        elif error.validator == "enum":
            message, fix = f"{field_name}: {error.instance!r} is not allowed", "use one of: " + ", ".join(map(str, error.validator_value))
        elif error.validator == "minLength":
            message, fix = f"{field_name}: is empty", "write the text"
        elif error.validator == "minItems":
            message, fix = f"{field_name}: needs at least {error.validator_value} item(s)", "add the missing items"
        elif error.validator == "type":
            kind = {"string": "text", "array": "a list", "object": "a set of fields", "boolean": "true or false", "integer": "a whole number"}.get(str(error.validator_value), str(error.validator_value))
            message, fix = f"{field_name}: should be {kind}", "fix the value's form (quote text that contains a colon)"
        else:
            message, fix = f"{field_name}: {error.message}", f"see {schema}"
        problems.append(Problem(shown, line_for(lines, where), message, fix))
    return problems


@dataclass
class Scenario:
    path: Path
    data: dict[str, Any]
    lines: Lines = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def module(self) -> str:
        return self.data["module"]

    @property
    def key(self) -> str:
        return f"{self.module}/{self.id}"

    def payload(self) -> dict[str, Any]:
        """What the player needs, as JSON-ready data (text only; the player escapes it)."""
        return {"kind": "scenario", "key": self.key, **self.data}


def check_file(path: Path, root: Path | None = None) -> tuple[Scenario | None, list[Problem]]:
    """Load and fully validate one scenario file. Never raises for bad content."""
    shown = display_path(path)
    try:
        data, lines = load(path)
    except DataFileError as exc:
        return None, [exc.problem]
    if not isinstance(data, dict):
        return None, [Problem(shown, 1, "a scenario file must be a set of fields (id, title, module, ...)", "see src/walkbeside/schemas/scenario.schema.json")]
    problems = schema_problems(data, lines, shown, "scenario.schema.json")
    if problems:
        return None, problems
    scenario = Scenario(path, data, lines)
    problems += _identity_problems(scenario, shown, root)
    problems += _graph_problems(scenario, shown)
    if not problems:
        problems += _standards_problems(scenario, shown)
    problems += _language_problems(scenario, shown)
    return (scenario if not problems else None), problems


def _identity_problems(s: Scenario, shown: str, root: Path | None) -> list[Problem]:
    problems = []
    if s.path.stem != s.id:
        problems.append(Problem(shown, line_for(s.lines, ("id",)), f"the id {s.id!r} does not match the file name {s.path.name!r}", f"rename the file to {s.id}.yaml or change the id"))
    ref = None
    try:
        ref = curriculum.find_module(s.module, root)
    except (OSError, KeyError, TypeError):
        pass
    if ref is None or ref.slug != s.module:
        slugs = ", ".join(m.slug for m in curriculum.modules(root))
        problems.append(Problem(shown, line_for(s.lines, ("module",)), f"the module {s.module!r} does not exist", f"use one of: {slugs}"))
    elif s.path.parent.name != s.module:
        problems.append(Problem(shown, line_for(s.lines, ("module",)), f"the scenario says module {s.module!r} but sits in scenarios/{s.path.parent.name}/", f"move it to scenarios/{s.module}/"))
    return problems


def _graph_problems(s: Scenario, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    nodes, endings = s.data["nodes"], s.data["endings"]
    where: dict[str, tuple] = {}
    for group, items in (("nodes", nodes), ("endings", endings)):
        for i, item in enumerate(items):
            if item["id"] in where:
                problems.append(Problem(shown, line_for(s.lines, (group, i, "id")), f"duplicate id {item['id']!r} (first used at line {line_for(s.lines, where[item['id']])})", "give every node and ending its own id"))
            else:
                where[item["id"]] = (group, i, "id")
    ending_ids = {e["id"] for e in endings}
    edges: dict[str, list[str]] = {n["id"]: [] for n in nodes}
    for i, node in enumerate(nodes):
        if not node["choices"]:
            problems.append(Problem(shown, line_for(s.lines, ("nodes", i, "id")), f"dead end: node {node['id']!r} has no choices and is not an ending", "add choices, or make it an ending with a debrief"))
        for j, choice in enumerate(node["choices"]):
            target = choice["goes_to"]
            if target not in where:
                problems.append(Problem(shown, line_for(s.lines, ("nodes", i, "choices", j, "goes_to")), f"choice leads to unknown node {target!r}", "use the id of a node or ending in this file"))
            else:
                edges[node["id"]].append(target)
    # Reachability from the first node.
    start = nodes[0]["id"]
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    for group, items in (("nodes", nodes), ("endings", endings)):
        for i, item in enumerate(items):
            if item["id"] not in seen:
                problems.append(Problem(shown, line_for(s.lines, (group, i, "id")), f"unreachable: no choice leads to {item['id']!r}", "link a choice to it or remove it"))
    # Loops with no way out: reachable nodes from which no ending can be reached.
    can_finish = set(ending_ids)
    changed = True
    while changed:
        changed = False
        for node_id, targets in edges.items():
            if node_id not in can_finish and any(t in can_finish for t in targets):
                can_finish.add(node_id)
                changed = True
    for i, node in enumerate(nodes):
        if node["id"] in seen and node["id"] not in can_finish and node["choices"]:
            problems.append(Problem(shown, line_for(s.lines, ("nodes", i, "id")), f"loop with no way out: from {node['id']!r} no ending can be reached", "give one of the choices in this loop a path to an ending"))
    return problems


def longest_decisions(s: Scenario) -> int:
    """Most decisions a learner makes on one path from the start to an ending (no repeats)."""
    nodes = {n["id"]: n for n in s.data["nodes"]}

    def walk(node_id: str, visited: frozenset) -> int:
        node = nodes.get(node_id)
        if node is None:
            return 0
        best = 0
        for choice in node["choices"]:
            if choice["goes_to"] not in visited:
                best = max(best, 1 + walk(choice["goes_to"], visited | {choice["goes_to"]}))
        return best

    start = s.data["nodes"][0]["id"]
    return walk(start, frozenset({start}))


def _standards_problems(s: Scenario, shown: str) -> list[Problem]:
    """The curriculum's standards for a good scenario (DEVELOPERS.md, module issues)."""
    problems = []
    endings = s.data["endings"]
    if len(endings) < CONTENT_MINIMUMS["endings"]:
        problems.append(Problem(shown, line_for(s.lines, ("endings",)), f"only {len(endings)} ending(s); a scenario needs at least {CONTENT_MINIMUMS['endings']}", "add endings so the learner sees different outcomes"))
    if not any(e["outcome"] == "backfired" for e in endings):
        problems.append(Problem(shown, line_for(s.lines, ("endings",)), "no ending with outcome: backfired", "add an ending reached through a well-meant choice that backfires"))
    if longest_decisions(s) < CONTENT_MINIMUMS["decisions"]:
        problems.append(Problem(shown, line_for(s.lines, ("nodes",)), f"the longest path has fewer than {CONTENT_MINIMUMS['decisions']} decisions", "add a second decision point"))
    return problems


def texts(data: Any, path: tuple = ()):
    """Every (path, text) in nested content data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from texts(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, path + (i,))
    elif isinstance(data, str):
        yield path, data


def _language_problems(s: Scenario, shown: str) -> list[Problem]:
    return [
        Problem(shown, line_for(s.lines, where) + offset, f"avoid the term {term!r}", f"say {instead!r} (Luxembourg Guidelines)")
        for where, text in texts(s.data)
        for offset, term, instead in find_avoided_terms(text)
    ]


def scenario_files(root: Path | None = None) -> list[Path]:
    base = (root or curriculum.curriculum_root()) / "scenarios"
    return sorted(p for p in base.rglob("*") if p.suffix.lower() in {".yaml", ".yml", ".json"} and p.is_file())


def for_module(slug: str, root: Path | None = None) -> list[Path]:
    return [p for p in scenario_files(root) if p.parent.name == slug]


class ScenarioNotFound(LookupError):
    pass


def load_scenario(key: str, root: Path | None = None) -> Scenario:
    """``"02-boundaries/late-night-money"`` or ``"boundaries/late-night-money"`` -> Scenario."""
    module_key, _, scenario_id = key.partition("/")
    ref = curriculum.find_module(module_key, root)
    if ref is None or not scenario_id:
        raise ScenarioNotFound(f"No scenario called {key!r}: use 'module/scenario', e.g. '02-boundaries/late-night-money'.")
    for suffix in (".yaml", ".yml", ".json"):
        path = ref.scenario_dir / f"{scenario_id}{suffix}"
        if path.is_file():
            scenario, problems = check_file(path, root)
            if scenario is None:
                raise ScenarioNotFound("This scenario has problems and cannot be shown:\n" + "\n".join(map(str, problems)))
            return scenario
    raise ScenarioNotFound(f"No scenario file for {key!r} in {display_path(ref.scenario_dir)}.")
