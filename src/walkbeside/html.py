"""Static HTML for activities: the offline fallback inside notebook outputs and the export.

``activity_html`` returns a mount point carrying the payload as an escaped data attribute
plus a print/no-script text version; ``player_assets`` returns the CSS and the inlined
player script. A page includes the assets once and any number of activities.
"""

from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

e = html.escape
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=None)
def static_text(name: str) -> str:
    return (PACKAGE / "static" / name).read_text(encoding="utf-8")


def player_assets(*, mount: bool = True) -> str:
    """<style> + inline module <script>. Inline scripts run from file:// (no fetch, no CORS)."""
    script = static_text("player.js")
    if mount:
        script += "\nmountStatic(document);\n"
    # "</script" inside the JS would end the element early; the player has none, keep it so.
    assert "</script" not in script.lower()
    return f"<style>{static_text('player.css')}</style>\n<script type=\"module\">{script}</script>"


def _scenario_text(p: dict[str, Any]) -> str:
    """The whole scenario as plain, printable text (shown in print and without scripts)."""
    parts = [f"<p><strong>Your mentee:</strong> {e(p['setup']['mentee'])} <strong>Matched for:</strong> {e(p['setup']['matched_for'])} <strong>Where:</strong> {e(p['setup']['where'])}</p>"]
    for node in p["nodes"]:
        parts.append(f"<h4>Moment: {e(node['id'].replace('-', ' '))}</h4><p>{e(node['situation'])}</p>")
        if node.get("mentee_says"):
            parts.append(f"<blockquote><p>{e(node['mentee_says'])}</p></blockquote>")
        items = "".join(f"<li><strong>{e(c['label'])}</strong> {e(c['consequence'])}</li>" for c in node["choices"])
        parts.append(f"<ul>{items}</ul>")
    for end in p["endings"]:
        parts.append(f"<h4>Ending: {e(end['title'])}</h4><p>{e(end['story'])}</p><p><strong>Debrief:</strong> {e(end['debrief'])}</p>")
    return "".join(parts)


def _self_check_text(p: dict[str, Any]) -> str:
    parts = []
    for i, q in enumerate(p["questions"], 1):
        items = "".join(f"<li>{e(o['text'])} <em>{'Best response. ' if o.get('best') else ''}{e(o['feedback'])}</em></li>" for o in q["options"])
        parts.append(f"<p><strong>{i}. {e(q['prompt'])}</strong></p><ul>{items}</ul>")
    return "".join(parts)


def _check_in_text(p: dict[str, Any]) -> str:
    """The check-in as a paper form: each statement with the scale to circle."""
    scale = " / ".join(e(label) for label in p.get("scale", []))
    parts = [f"<p>{e(p['intro'])}</p>"] if p.get("intro") else []
    for group in ("items", "positive_items"):
        items = "".join(f"<li>{e(item['text'])} <em>({scale})</em></li>" for item in p.get(group) or [])
        if items:
            parts.append(f"<ol>{items}</ol>")
    if p.get("not_a_measure"):
        parts.append(f"<p>{e(p['not_a_measure'])}</p>")
    return "".join(parts)


def _plan_text(p: dict[str, Any]) -> str:
    """The plan builder as a paper worksheet: each part with its prompt and room to write."""
    parts = [f"<p>{e(p['intro'])}</p>"] if p.get("intro") else []
    for section in p.get("sections") or []:
        examples = ("<p><em>For example:</em></p><ul>" + "".join(f"<li>{e(x)}</li>" for x in section["examples"]) + "</ul>") if section.get("examples") else ""
        parts.append(f"<h4>{e(section['title'])}</h4><p>{e(section['prompt'])}</p>{examples}<div class=\"wb-write-here\"></div>")
    return "".join(parts)


def activity_html(payload: dict[str, Any]) -> str:
    """A mount point for one activity; the player fills it in, print shows the text version."""
    data = e(json.dumps(payload, ensure_ascii=False), quote=True)
    kind = payload["kind"]
    if kind == "scenario":
        title, text = f"Scenario: {payload['title']}", _scenario_text(payload)
    elif kind == "self_check":
        title, text = "Self-check", _self_check_text(payload)
    elif kind == "reflection":
        title, text = "Private reflection", f"<p>{e(payload['prompt'])}</p>"
    elif kind == "check_in":
        title, text = payload.get("title") or "Private check-in", _check_in_text(payload)
    elif kind == "plan":
        title, text = payload.get("title") or "My self-care plan", _plan_text(payload)
    else:
        title, text = payload.get("title", ""), ""
    text_version = f'<div class="wb-text-version"><h3>{e(title)}</h3>{text}</div>'
    return f'<div class="wb-activity"><div data-walkbeside="{data}"></div>{text_version}</div>'


@lru_cache(maxsize=None)
def crisis_resources() -> dict[str, Any]:
    return YAML(typ="safe").load(static_text_data("crisis-resources.yaml"))


def static_text_data(name: str) -> str:
    return (PACKAGE / "data" / name).read_text(encoding="utf-8")


def crisis_card_html(card: dict[str, Any] | None = None, link: str | None = "crisis-resources.md") -> str:
    card = card or crisis_resources()
    items = "".join(f"<li><strong>{e(r['name'])}.</strong> {e(r['detail'])}</li>" for r in card["resources"])
    more = f' <a href="{e(link)}">All crisis resources</a>.' if link else ""
    return (
        f'<aside class="wb wb-crisis" aria-label="{e(card["title"])}">'
        f'<details><summary><strong>{e(card["title"])}</strong>: help is available any time. Open for numbers.</summary>'
        f'<p>{e(card["intro"])}</p><ul>{items}</ul><p>You can pause this module whenever you need to.{more}</p></details></aside>'
    )


def crisis_markdown(card: dict[str, Any] | None = None) -> str:
    card = card or crisis_resources()
    lines = [f"# {card['title']}", "", card["intro"], ""]
    lines += [f"- **{r['name']}.** {r['detail']}" for r in card["resources"]]
    lines += ["", "You can stop or pause the training at any time. Your work is saved on your computer.", ""]
    return "\n".join(lines)


def standalone_page(title: str, body: str) -> str:
    """A minimal self-contained page (used by tests and benchmarks for single activities)."""
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{e(title)}</title></head><body><main id=\"main\"><h1>{e(title)}</h1>{body}</main>"
        f"{player_assets()}</body></html>\n"
    )
