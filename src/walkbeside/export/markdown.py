"""Notebook markdown -> HTML for the export, with mistune (the renderer nbconvert itself uses).

Raw HTML in markdown is escaped (shown as text), never passed through: a page can only contain
the markup this renderer writes. On top of mistune's HTML renderer this adds what a static,
offline page needs:

- headings keep a single ``h1`` per page and never skip a level; each gets a JupyterLab-style
  id (``Key-points``) so in-notebook anchors still work;
- links are rewritten for the export: ``crisis-resources.md`` to the crisis page, links to
  other module notebooks to their pages; in single-file pages every link that would leave the
  page becomes text (the address is shown in brackets);
- images become ``data:`` URIs (files next to the notebook or cell attachments); remote images
  and images without alt text are problems, because they would load from the network or hide
  content from screen-reader users;
- tables sit in a focusable, labelled scroll box so a phone never scrolls sideways.
"""

from __future__ import annotations

import base64
import html
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import mistune
from mistune.util import striptags

from ..problems import Problem

e = html.escape
CRISIS = "crisis-resources"
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:", "sms:")


@dataclass
class Links:
    """Where links point in this export."""

    single_file: bool
    slugs: tuple[str, ...]  # module slugs in the export

    def module(self, slug: str, fragment: str = "") -> str | None:
        if self.single_file:
            return None
        return f"{slug}.html" + (f"#{fragment}" if fragment else "")

    def crisis(self) -> str:
        return f"#{CRISIS}" if self.single_file else f"{CRISIS}.html"

    def page(self, name: str) -> str | None:
        return None if self.single_file else f"{name}.html"


@dataclass
class PageState:
    """Per-page rendering state shared by every cell on the page."""

    links: Links
    source: str = ""  # notebook path shown in problems
    base: Path | None = None  # folder relative links and images are resolved against
    last_level: int = 0
    ids: set[str] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)  # stop the export
    warnings: list[Problem] = field(default_factory=list)  # printed, export continues
    line: int = 1  # line of the cell being rendered
    attachments: dict[str, Any] = field(default_factory=dict)

    def level(self, wanted: int) -> int:
        """One h1 per page, and no skipped levels: clamp to at most one below the last heading."""
        if self.last_level == 0:
            level = 1
        else:
            level = max(2, min(wanted, self.last_level + 1))
        self.last_level = level
        return level

    def anchor(self, text: str) -> str:
        base = re.sub(r"\s+", "-", html.unescape(striptags(text)).strip()) or "section"
        anchor, n = base, 1
        while anchor in self.ids:
            n += 1
            anchor = f"{base}-{n}"
        self.ids.add(anchor)
        return anchor

    def reserve(self, anchor: str) -> str:
        self.ids.add(anchor)
        return anchor

    def href(self, url: str) -> tuple[str | None, bool]:
        """(href to write, whether it leaves the page); None = show the link text only."""
        url = url.strip()
        if url.startswith("#"):
            return url, False
        parts = urlsplit(url)
        scheme = (parts.scheme + ":").lower() if parts.scheme else ""
        if scheme:
            if scheme not in SAFE_SCHEMES:
                self.warnings.append(Problem(self.source, self.line, f"link to {url!r} was removed", "use an http(s), mailto: or tel: address"))
                return None, True
            if self.links.single_file and scheme in ("http:", "https:"):
                return None, True
            return url, scheme in ("http:", "https:")
        path = unquote(parts.path)
        name = Path(path).name
        stem = Path(path).stem
        if stem == CRISIS:
            return self.links.crisis(), False
        if stem in self.links.slugs and Path(path).suffix in (".ipynb", ".html", ".md", ""):
            return self.links.module(stem, parts.fragment), True
        if stem in ("start-here", "index", "README"):
            return self.links.page("index"), True
        for page in ("glossary", "key-points", "about"):
            if stem == page:
                return self.links.page(page), True
        self.warnings.append(Problem(self.source, self.line, f"the link to {name or url!r} cannot work in the exported pages; it is shown as text",
                                     "link to a module notebook, crisis-resources.md or a web address"))
        return None, True

    def image(self, url: str, alt: str) -> str | None:
        if not alt.strip():
            self.problems.append(Problem(self.source, self.line, f"the image {url!r} has no alt text",
                                         "describe it in the brackets: ![what the image shows](file.png), or mark it decorative in the text"))
        url = url.strip()
        if url.startswith("data:"):
            kind = url[5:].split(";", 1)[0].lower()
            if kind in IMAGE_TYPES:
                return url
            self.problems.append(Problem(self.source, self.line, f"the embedded image type {kind!r} is not allowed", "use PNG, JPEG, GIF, WebP or SVG"))
            return None
        if url.startswith("attachment:"):
            found = self.attachments.get(url.split(":", 1)[1])
            if isinstance(found, dict):
                for kind, data in found.items():
                    if kind in IMAGE_TYPES:
                        data = "".join(data) if isinstance(data, list) else str(data)
                        if kind == "image/svg+xml" and not data.lstrip().startswith("PHN"):  # plain SVG text, not base64
                            data = base64.b64encode(data.encode("utf-8")).decode("ascii")
                        return f"data:{kind};base64,{data.strip()}"
            self.problems.append(Problem(self.source, self.line, f"the attachment {url!r} is missing", "paste the image into the cell again"))
            return None
        if urlsplit(url).scheme:
            self.problems.append(Problem(self.source, self.line, f"the image {url!r} would load from the network",
                                         "save the image next to the notebook and link the file, e.g. ![alt](images/name.png)"))
            return None
        file = ((self.base or Path.cwd()) / unquote(urlsplit(url).path)).resolve()
        kind = mimetypes.guess_type(file.name)[0]
        if kind not in IMAGE_TYPES:
            self.problems.append(Problem(self.source, self.line, f"{url!r} is not a PNG, JPEG, GIF, WebP or SVG image", "convert the image"))
            return None
        if not file.is_file():
            self.problems.append(Problem(self.source, self.line, f"the image file {url!r} does not exist", "fix the path (relative to the notebook)"))
            return None
        return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


class ExportRenderer(mistune.HTMLRenderer):
    """mistune's HTML renderer with the export's headings, links, images and tables."""

    def __init__(self) -> None:
        super().__init__(escape=True)
        self.state: PageState | None = None

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        assert self.state is not None
        level = self.state.level(level)
        return f'<h{level} id="{e(self.state.anchor(text))}">{text}</h{level}>\n'

    def link(self, text: str, url: str, title: str | None = None) -> str:
        assert self.state is not None
        href, leaves = self.state.href(url)
        if href is None:
            plain = html.unescape(striptags(text)).strip()
            if leaves and urlsplit(url).scheme in ("http", "https") and plain.rstrip("/") != url.strip().rstrip("/"):
                return f'{text} <span class="wb-url">({e(url.strip())})</span>'
            return f'<span class="wb-link-text">{text}</span>'
        attrs = f' title="{e(title)}"' if title else ""
        return f'<a href="{e(href)}"{attrs}>{text}</a>'

    def image(self, text: str, url: str, title: str | None = None) -> str:
        assert self.state is not None
        alt = html.unescape(striptags(text))
        src = self.state.image(url, alt)
        if src is None:
            return f'<span class="wb-missing-image">[{e(alt or "image")}]</span>'
        return f'<img src="{e(src)}" alt="{e(alt)}"' + (f' title="{e(title)}"' if title else "") + ">"

    def table(self, text: str) -> str:
        return f'<div class="table-wrap" role="region" tabindex="0" aria-label="Table">\n<table>\n{text}</table>\n</div>\n'

    def table_head(self, text: str) -> str:
        return f"<thead>\n<tr>\n{text}</tr>\n</thead>\n"

    def table_body(self, text: str) -> str:
        return f"<tbody>\n{text}</tbody>\n"

    def table_row(self, text: str) -> str:
        return f"<tr>\n{text}</tr>\n"

    def table_cell(self, text: str, align: str | None = None, head: bool = False) -> str:
        tag = "th" if head else "td"
        scope = ' scope="col"' if head else ""
        cls = f' class="align-{align}"' if align in ("left", "center", "right") else ""
        return f"<{tag}{scope}{cls}>{text}</{tag}>\n"


class Markdown:
    """One reusable mistune parser; ``render(text, state)`` renders one cell onto a page."""

    def __init__(self) -> None:
        self.renderer = ExportRenderer()
        self._md = mistune.create_markdown(renderer=self.renderer, plugins=["table", "strikethrough", "url"])

    def render(self, text: str, state: PageState, *, line: int = 1, attachments: dict[str, Any] | None = None) -> str:
        state.line = line
        state.attachments = attachments or {}
        self.renderer.state = state
        try:
            return str(self._md(text))
        finally:
            self.renderer.state = None

    def inline(self, text: str, state: PageState) -> str:
        """Render a short piece of markdown (a key point, a definition) without the <p>."""
        out = self.render(text, state).strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out
