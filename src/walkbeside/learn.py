"""What module notebooks call: one line per activity.

    from walkbeside.learn import scenario
    scenario("02-boundaries/late-night-money")

Each activity is an anywidget running the shared player (static/player.js). Its output also
carries a self-contained ``text/html`` version, which nbconvert and other viewers without a
kernel show instead. A learner never sees a traceback: a problem shows as a short message.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from . import progress, scenarios, selfcare, selfchecks
from .html import activity_html, crisis_card_html, player_assets

STATIC = Path(__file__).resolve().parent / "static"

__all__ = ["crisis_card", "scenario", "self_check", "reflection", "check_in", "self_care_plan", "my_progress"]


class Activity(anywidget.AnyWidget):
    _esm = STATIC / "player.js"
    _css = STATIC / "player.css"
    payload = traitlets.Dict().tag(sync=True)
    state = traitlets.Dict().tag(sync=True)

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
        if data is not None:
            data = dict(data)
            data["text/html"] = self.fallback_html()
        return (data, meta) if isinstance(bundle, tuple) else data

    def fallback_html(self) -> str:
        """The same activity for viewers with no kernel. Never carries the learner's words."""
        return activity_html(self.payload) + player_assets()


class ScenarioPlayer(Activity):
    """A branching scenario. ``state`` = {"path": [choice indexes], "endings": [ids reached]}."""

    def __init__(self, loaded: scenarios.Scenario, **kwargs):
        before = progress.recorded().get(loaded.module, {}).get("scenarios", {}).get(loaded.id, {})
        super().__init__(payload=loaded.payload(), state={"path": list(before.get("path", [])), "endings": list(before.get("endings", []))}, **kwargs)
        self.scenario = loaded
        self.observe(self._record, names="state")

    # The same walk as the player's scenarioPosition(): the Python side trusts only the path.
    def position(self, path: list[int] | None = None) -> tuple[dict | None, dict | None]:
        """(current node, ending reached) after following ``path`` from the start."""
        data = self.payload
        nodes = {n["id"]: n for n in data["nodes"]}
        endings = {e["id"]: e for e in data["endings"]}
        node = data["nodes"][0]
        for index in self.state.get("path", []) if path is None else path:
            if node is None or not 0 <= index < len(node["choices"]):
                break
            target = node["choices"][index]["goes_to"]
            if target in endings:
                return None, endings[target]
            node = nodes.get(target)
        return node, None

    def choose(self, index: int) -> None:
        node, ending = self.position()
        if ending is not None or node is None or not 0 <= index < len(node["choices"]):
            raise ValueError(f"choice {index} is not available here")
        path = [*self.state.get("path", []), index]
        reached = self.position(path)[1]
        endings = list(self.state.get("endings", []))
        if reached and reached["id"] not in endings:
            endings.append(reached["id"])
        self.state = {**self.state, "path": path, "endings": endings}

    def step_back(self) -> None:
        self.state = {**self.state, "path": list(self.state.get("path", []))[:-1]}

    def restart(self) -> None:
        self.state = {**self.state, "path": []}

    def _record(self, change: dict) -> None:
        path = [i for i in change["new"].get("path", []) if isinstance(i, int)]
        ending = self.position(path)[1]
        progress.record_scenario(self.scenario.key, path, ending["id"] if ending else None)


class SelfCheck(Activity):
    """Formative questions. ``state`` = {"answers": {question id: option index}}."""

    def __init__(self, payload: dict[str, Any], **kwargs):
        answers = progress.recorded().get(payload["key"], {}).get("self_check", {})
        super().__init__(payload=payload, state={"answers": dict(answers)}, **kwargs)
        self.observe(self._record, names="state")

    def _record(self, change: dict) -> None:
        ids = {q["id"]: len(q["options"]) for q in self.payload["questions"]}
        answers = {k: v for k, v in change["new"].get("answers", {}).items() if k in ids and isinstance(v, int) and 0 <= v < ids[k]}
        progress.record_self_check(self.payload["key"], answers)


class PrivateActivity(Activity):
    """Reflections, check-ins and plans: text moves by messages, never by synced state, so
    the learner's words cannot end up in saved widget state or notebook outputs."""

    def __init__(self, payload: dict[str, Any], **kwargs):
        super().__init__(payload=payload, state={}, **kwargs)
        self.on_msg(self._on_message)

    def _on_message(self, _widget, msg: dict, _buffers) -> None:
        key = self.payload["key"]
        if not isinstance(msg, dict) or msg.get("key") != key:
            return
        kind = msg.get("type")
        try:
            if kind == "load":
                self.send({"type": "loaded", "key": key, "text": progress.load_reflection(key)})
            elif kind == "save":
                progress.save_reflection(key, str(msg.get("text", "")))
                self.send({"type": "saved", "key": key})
            elif kind == "load-check-ins":
                self.send({"type": "check-in-history", "key": key, "entries": progress.check_ins(key)})
            elif kind == "save-check-in":
                entries = progress.add_check_in(key, selfcare.clean_entry(self.payload, msg.get("entry")))
                self.send({"type": "check-in-history", "key": key, "entries": entries})
            elif kind == "load-plan":
                self.send({"type": "plan-loaded", "key": key, "plan": progress.load_plan(key)})
            elif kind == "save-plan":
                plan = {str(k): str(v) for k, v in (msg.get("plan") or {}).items()}
                progress.save_plan(key, plan)
                self.send({"type": "plan-saved", "key": key})
        except (OSError, ValueError) as exc:
            self.send({"type": "error", "key": key, "text": f"Could not save on this computer ({exc}). Copy your text somewhere safe."})


class Notice:
    """A short message in place of an activity that cannot be shown (no traceback)."""

    def __init__(self, text: str):
        self.text = text

    def _repr_html_(self) -> str:
        return f'<div class="wb" role="note"><p><strong>This activity cannot be shown.</strong> {html.escape(self.text)}</p><p>You can keep going with the rest of the page. Please tell your trainer or program contact.</p></div>'

    def __repr__(self) -> str:
        return f"This activity cannot be shown. {self.text}"


class CrisisCard:
    def _repr_html_(self) -> str:
        return crisis_card_html()

    def __repr__(self) -> str:
        from .html import crisis_markdown

        return crisis_markdown()


class ProgressTable:
    """What the learner has finished, per module, read from their own computer."""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def _repr_html_(self) -> str:
        e = html.escape
        body = "".join(
            f"<tr><th scope=\"row\">{e(r['title'])}</th>"
            f"<td>{r['scenarios'][0]} of {r['scenarios'][1]}</td><td>{r['self_check'][0]} of {r['self_check'][1]}</td>"
            f"<td>{r['reflections'][0]} of {r['reflections'][1]}</td><td>{'Complete' if r['complete'] else 'Not yet'}</td></tr>"
            for r in self.rows)
        done = sum(r["complete"] for r in self.rows)
        return (f'<section class="wb" aria-label="Your progress"><p><strong>{done} of {len(self.rows)} modules complete.</strong> '
                "A module is complete when every scenario has reached an ending and every self-check question is answered. "
                "Reflections are private and optional.</p><table class=\"wb-table\"><thead><tr><th scope=\"col\">Module</th>"
                "<th scope=\"col\">Scenarios finished</th><th scope=\"col\">Self-check answered</th>"
                f"<th scope=\"col\">Reflections written</th><th scope=\"col\">Status</th></tr></thead><tbody>{body}</tbody></table></section>")

    def __repr__(self) -> str:
        return "\n".join(f"{r['title']}: {'complete' if r['complete'] else 'not yet'}" for r in self.rows)


def my_progress() -> ProgressTable:
    """The learner's progress in every module (the same as `walkbeside progress`)."""
    return ProgressTable(progress.summary())


def crisis_card() -> CrisisCard:
    """The crisis resources, one click away at the top of every module."""
    return CrisisCard()


def scenario(key: str) -> ScenarioPlayer | Notice:
    """Play ``"<module>/<scenario-id>"``, e.g. ``scenario("02-boundaries/late-night-money")``."""
    try:
        return ScenarioPlayer(scenarios.load_scenario(key))
    except scenarios.ScenarioNotFound as exc:
        return Notice(str(exc).splitlines()[0])


def self_check(module: str) -> SelfCheck | Notice:
    """The module's self-check, e.g. ``self_check("02-boundaries")``."""
    try:
        return SelfCheck(selfchecks.load_self_check(module))
    except selfchecks.SelfCheckNotFound as exc:
        return Notice(str(exc).splitlines()[0])


def reflection(key: str, prompt: str) -> PrivateActivity:
    """A private reflection, saved only on this computer: ``reflection("02-boundaries/my-limits", "...")``."""
    return PrivateActivity({"kind": "reflection", "key": key, "prompt": prompt})


def check_in(module: str) -> PrivateActivity | Notice:
    """The repeatable private self-care check-in of a module (module 04)."""
    try:
        return PrivateActivity(selfcare.load_tool(module, "check_in"))
    except selfcare.ToolNotFound as exc:
        return Notice(str(exc).splitlines()[0])


def self_care_plan(module: str) -> PrivateActivity | Notice:
    """The private self-care plan builder of a module (module 04)."""
    try:
        return PrivateActivity(selfcare.load_tool(module, "plan"))
    except selfcare.ToolNotFound as exc:
        return Notice(str(exc).splitlines()[0])
