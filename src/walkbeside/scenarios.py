"""Branching scenarios: load, validate (schema + story graph) and prepare for the player.

A scenario is data (``scenarios/<module>/<id>.yaml``) checked against
``schemas/scenario.schema.json``; the graph checks catch what a schema cannot: choices that
lead nowhere, parts of the story no one can reach, and loops a learner cannot leave.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import curriculum
from .datafiles import Lines, line_for
from .problems import Problem, display_path
from .validation import language_problems, load_checked, schema_problems, texts  # noqa: F401 (re-exported)

CONTENT_MINIMUMS = {"endings": 3, "decisions": 2}


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
    data, lines, problems = load_checked(path, "scenario.schema.json", "id, title, module, ...")
    if data is None or problems:
        return None, problems
    scenario = Scenario(path, data, lines)
    problems += _identity_problems(scenario, shown, root)
    problems += _graph_problems(scenario, shown)
    if not problems:
        problems += _standards_problems(scenario, shown)
    problems += language_problems(scenario.data, scenario.lines, shown)
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
