"""The HTML of each exported page: the shared layout, a module page, and the course pages.

Pages are rendered from the notebooks' JSON and metadata without running any code: widget
cells are found with :func:`walkbeside.contract.widget_calls` and turned into the same
offline activities the notebooks' HTML fallbacks use (:func:`walkbeside.html.activity_html`).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2
from markupsafe import Markup

from .. import __version__, contract
from .. import html as wbhtml
from ..curriculum import ModuleRef
from .markdown import CRISIS, Links, Markdown, PageState
from .org import Org

TEMPLATES = Path(__file__).resolve().parent / "templates"
e = html.escape


def tel(value: Any) -> str:
    """A phone number as a tel:/sms: target: digits and a leading + only."""
    text = str(value).strip()
    return ("+" if text.startswith("+") else "") + re.sub(r"[^0-9]", "", text)


def sentence(value: Any) -> str:
    """Text ending in exactly one full stop (or its own ? or !)."""
    text = str(value).strip()
    return text if text.endswith((".", "?", "!")) else text + "."


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             keep_trailing_newline=True)
    env.filters["tel"] = tel
    env.filters["sentence"] = sentence
    return env


def template_text(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- assets

@lru_cache(maxsize=1)
def script() -> str:
    """The player as a classic script (works from file://, where module scripts cannot load)."""
    player = wbhtml.static_text("player.js")
    player, count = re.subn(r"^export default [^\n]*;[ \t]*$", "", player, flags=re.M)
    if count != 1 or re.search(r"^\s*(?:import|export)\b", player, re.M):
        raise RuntimeError("static/player.js changed shape: the export expects exactly one `export default ...;` line and no imports")
    text = "(() => {\n" + player + "\nmountStatic(document);\n})();\n" + template_text("site.js")
    if "</script" in text.lower():
        raise RuntimeError("the player script contains '</script', which would end an inline script early")
    return text


def stylesheet(org: Org) -> str:
    c = org.colours
    overrides = (
        f":root {{ --site-accent: {c['accent']}; --site-accent-text: {c['accent_text']}; "
        f"--site-header-bg: {c['header_background']}; --site-header-text: {c['header_text']}; }}\n"
        f".wb {{ --wb-accent: {c['accent']}; --wb-accent-text: {c['accent_text']}; }}\n"
    )
    text = wbhtml.static_text("player.css") + "\n" + template_text("site.css") + "\n/* organization colours (checked for contrast) */\n" + overrides
    if "</style" in text.lower():
        raise RuntimeError("the stylesheet contains '</style'")
    return text


def csp(single_file: bool) -> str:
    """Content Security Policy: the page may load nothing from a network and send nothing out."""
    common = "default-src 'none'; img-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-src 'none'"
    if single_file:
        digest = base64.b64encode(hashlib.sha256(script().encode("utf-8")).digest()).decode("ascii")
        return f"{common}; script-src 'sha256-{digest}'; style-src 'unsafe-inline'"
    return f"{common}; script-src 'self' file:; style-src 'self' file: 'unsafe-inline'"


# --------------------------------------------------------------------------- layout

@dataclass
class Site:
    """What every page of one export shares."""

    org: Org
    audience: str
    single_file: bool
    links: Links
    modules: list[tuple[ModuleRef, dict[str, Any]]]  # (ref, notebook metadata)

    def label(self, ref: ModuleRef, meta: dict[str, Any], *, short: bool = False) -> str:
        title = str(meta.get("title") or ref.slug)
        if short:
            return f"{ref.number + 1}. {title.split(':', 1)[0]}"
        return f"Module {ref.number + 1}: {title}"

    def href(self, name: str) -> str | None:
        return None if self.single_file else f"{name}.html"

    def nav(self, current: str) -> list[dict[str, Any]]:
        if self.single_file:
            return []
        items = [("index", "Course home")]
        items += [(ref.slug, self.label(ref, meta, short=True)) for ref, meta in self.modules]
        items += [("glossary", "Glossary"), ("key-points", "Key points"), (CRISIS, "Crisis resources"), ("about", "About and sources")]
        return [{"href": f"{name}.html", "label": label, "current": name == current} for name, label in items]

    def page(self, name: str, title: str, body: str, *, activities: bool) -> str:
        links = {"home": self.href("index"), "crisis": self.links.crisis()}
        return environment().get_template("page.html.j2").render(
            title=title, body=Markup(body), org=self.org, audience=self.audience, single_file=self.single_file,
            inline=self.single_file, css=Markup(stylesheet(self.org)) if self.single_file else "",
            script=(Markup(script()) if self.single_file else True) if activities else None,
            csp=csp(self.single_file), version=__version__, links=links, nav=self.nav(name),
        )


# --------------------------------------------------------------------------- module pages

ActivityLoader = Callable[[str, list[Any]], str]


def module_body(site: Site, ref: ModuleRef, nb: contract.Notebook, md: Markdown, activity: ActivityLoader,
                state: PageState) -> tuple[str, bool]:
    """The <main> content of one module page, and whether it holds interactive activities."""
    meta = nb.meta
    total = len(site.modules)
    calls: dict[int, list[tuple[str, list[Any]]]] = defaultdict(list)
    for index, func, args in contract.widget_calls(nb):
        calls[index].append((func, args))
    parts = [f'<p class="kicker">Module {ref.number + 1} of {total} · about {e(str(meta.get("minutes", "?")))} minutes</p>']
    interactive = False
    for index, cell in enumerate(nb.cells):
        cell_tags = contract.tags(cell)
        trainer = contract.TRAINER_TAG in cell_tags
        if trainer and site.audience != "trainer":
            continue  # trainer notes never reach the learner edition
        line = nb.cell_line(index)
        kind = cell.get("cell_type")
        if kind == "markdown":
            inner = md.render(contract.source(cell), state, line=line, attachments=cell.get("attachments"))
            if trainer:
                parts.append(f'<div class="trainer-note" role="note" aria-label="Trainer notes">\n'
                             f'<p class="trainer-badge">Trainer notes · not in the learner edition</p>\n{inner}</div>')
            elif contract.PRACTICE_TAG in cell_tags:
                parts.append(f'<div class="practice">\n{inner}</div>')
            elif contract.OPENING_TAG in cell_tags:
                parts.append(f'<div class="opening">\n{inner}</div>')
            elif contract.CLOSING_TAG in cell_tags:
                parts.append(f'<div class="closing">\n{inner}</div>')
            else:
                parts.append(inner)
        elif kind == "code":
            if index in calls:
                state.line = line
                for func, args in calls[index]:
                    parts.append(activity(func, args))
                    interactive = interactive or func != "crisis_card"
            elif contract.LEARNER_INPUT_TAG in cell_tags:
                parts.append('<div class="learner-input"><p>In the notebook version you type into this box:</p>'
                             f"<pre><code>{e(contract.source(cell))}</code></pre></div>")
            # any other code cell is hidden set-up code: never shown
    if site.single_file:
        parts.append(single_file_extras(site, ref, meta, md, state))
    else:
        parts.append(pager(site, ref))
    return "\n".join(parts), interactive


def pager(site: Site, ref: ModuleRef) -> str:
    position = [r.slug for r, _ in site.modules].index(ref.slug)
    links = []
    if position > 0:
        prev, meta = site.modules[position - 1]
        links.append(f'<a rel="prev" href="{prev.slug}.html">← Previous: {e(site.label(prev, meta))}</a>')
    else:
        links.append('<a href="index.html">← Course home</a>')
    if position + 1 < len(site.modules):
        nxt, meta = site.modules[position + 1]
        links.append(f'<a rel="next" href="{nxt.slug}.html">Next: {e(site.label(nxt, meta))} →</a>')
    else:
        links.append('<a href="key-points.html">Next: key points of every module →</a>')
    return '<nav class="pager" aria-label="Previous and next module">\n' + "\n".join(links) + "\n</nav>"


def single_file_extras(site: Site, ref: ModuleRef, meta: dict[str, Any], md: Markdown, state: PageState) -> str:
    """What a single-file module carries instead of links to other pages: its glossary and the crisis page."""
    parts = []
    glossary = meta.get("glossary") or []
    if glossary:
        anchor = state.reserve("words-used-in-this-module")
        items = "".join(f"<dt>{e(str(g['term']))}</dt><dd>{md.inline(str(g['definition']), state)}</dd>"
                        for g in sorted(glossary, key=lambda g: str(g["term"]).lower()))
        parts.append(f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">Words used in this module</h2>'
                     f'<dl class="glossary">{items}</dl></section>')
    parts.append(crisis_body(site, level=2))
    return "\n".join(parts)


# --------------------------------------------------------------------------- course pages

def crisis_body(site: Site, level: int = 1) -> str:
    return environment().get_template("crisis.html.j2").render(
        card=site.org.crisis, org=site.org, single_file=site.single_file, level=level, tag="section" if level > 1 else "div")


def index_body(site: Site) -> str:
    rows = [{"href": f"{ref.slug}.html", "label": site.label(ref, meta), "questions": meta.get("questions") or [],
             "minutes": meta.get("minutes", "")} for ref, meta in site.modules]
    total = sum(int(m.get("minutes") or 0) for _, m in site.modules)
    heading = f"Walk Beside: training for volunteer mentors" + (f" with {site.org.name}" if site.org.name else "")
    return environment().get_template("index.html.j2").render(
        heading=heading, org=site.org, modules=rows, total_minutes=total, audience=site.audience,
        links={"crisis": site.links.crisis(), "glossary": "glossary.html", "key_points": "key-points.html", "about": "about.html"})


def glossary_body(site: Site, md: Markdown, state: PageState) -> str:
    terms: dict[str, dict[str, Any]] = {}
    for ref, meta in site.modules:
        for entry in meta.get("glossary") or []:
            term = str(entry["term"]).strip()
            item = terms.setdefault(term.lower(), {"term": term, "definitions": []})
            item["definitions"].append({"html": Markup(md.inline(str(entry["definition"]), state)),
                                        "href": f"{ref.slug}.html", "module": site.label(ref, meta)})
    ordered = sorted(terms.values(), key=lambda t: t["term"].lower())
    for t in ordered:
        t["id"] = state.reserve("term-" + re.sub(r"[^a-z0-9]+", "-", t["term"].lower()).strip("-"))
    return environment().get_template("glossary.html.j2").render(terms=ordered)


def key_points_body(site: Site, md: Markdown, state: PageState) -> str:
    rows = [{"slug": ref.slug, "href": f"{ref.slug}.html", "label": site.label(ref, meta),
             "points": [Markup(md.inline(str(p), state)) for p in meta.get("key_points") or []]}
            for ref, meta in site.modules]
    return environment().get_template("key_points.html.j2").render(modules=rows)


def about_body(site: Site) -> str:
    refs: dict[str, dict[str, Any]] = {}
    for ref, meta in site.modules:
        for r in meta.get("references") or []:
            citation = " ".join(str(r.get("citation", "")).split())
            if not citation:
                continue
            item = refs.setdefault(citation.lower(), {"citation": citation, "url": None, "modules": []})
            url = str(r.get("url") or "").strip()
            if url.startswith(("http://", "https://")) and not item["url"]:
                item["url"] = url
            if not any(m["href"] == f"{ref.slug}.html" for m in item["modules"]):
                item["modules"].append({"href": f"{ref.slug}.html", "label": site.label(ref, meta, short=True)})
    ordered = sorted(refs.values(), key=lambda r: r["citation"].lower())
    total = sum(int(m.get("minutes") or 0) for _, m in site.modules)
    return environment().get_template("about.html.j2").render(
        org=site.org, audience=site.audience, version=__version__, modules=site.modules, total_minutes=total, references=ordered)

