"""Build the whole static site (or the single-file module pages) and write it safely.

Nothing here executes a notebook, imports :mod:`walkbeside.learn` or reads a learner's
workspace (``~/WalkBeside``, any ``.walkbeside/`` folder): an export is made only from the
curriculum files and org.yml, so it can never carry learner data from the exporting machine.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__, contract, curriculum, scenarios, selfcare, selfchecks
from .. import html as wbhtml
from ..problems import Problem, UserError, display_path
from . import pages
from .markdown import CRISIS, Links, Markdown, PageState
from .org import Org

AUDIENCES = ("learner", "trainer")
MARKER = ".walkbeside-export.json"  # lists the files an export wrote, so the next one may replace them


@dataclass
class ExportResult:
    out: Path
    files: list[str]
    audience: str
    single_file: bool
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> list[str]:
        return [f for f in self.files if f.endswith(".html")]


class _Activities:
    """Turns a widget call into its offline HTML; loads each content file once."""

    def __init__(self, site: pages.Site, root: Path):
        self.site, self.root = site, root
        self.cache: dict[tuple[str, str], dict[str, Any]] = {}
        self.state: PageState | None = None

    def payload(self, func: str, key: str) -> dict[str, Any]:
        cached = self.cache.get((func, key))
        if cached is None:
            if func == "scenario":
                cached = scenarios.load_scenario(key, self.root).payload()
            elif func == "self_check":
                cached = selfchecks.load_self_check(key, self.root)
            elif func == "check_in":
                cached = selfcare.load_tool(key, "check_in", self.root)
            else:
                cached = selfcare.load_tool(key, "plan", self.root)
            self.cache[(func, key)] = cached
        return cached

    def __call__(self, func: str, args: list[Any]) -> str:
        state = self.state
        assert state is not None
        if func == "crisis_card":
            return wbhtml.crisis_card_html(self.site.org.crisis, self.site.links.crisis())
        key = args[0] if args else None
        if not isinstance(key, str):
            state.problems.append(Problem(state.source, state.line, f"{func}() needs its id as plain text", "run `walkbeside check` for details"))
            return ""
        if func == "reflection":
            prompt = args[1] if len(args) > 1 else None
            if not isinstance(prompt, str) or not prompt.strip():
                state.problems.append(Problem(state.source, state.line, "reflection() needs its prompt as plain text", 'write reflection("<id>", "<prompt>")'))
                return ""
            return wbhtml.activity_html({"kind": "reflection", "key": key, "prompt": prompt})
        try:
            return wbhtml.activity_html(self.payload(func, key))
        except (scenarios.ScenarioNotFound, selfchecks.SelfCheckNotFound, selfcare.ToolNotFound) as exc:
            first = str(exc).splitlines()[0]
            state.problems.append(Problem(state.source, state.line, f"{func}({key!r}) cannot be exported: {first}", "run `walkbeside check` and fix what it reports"))
            for extra in str(exc).splitlines()[1:]:
                if extra.strip():
                    state.warnings.append(Problem(state.source, state.line, f"  {extra.strip()}"))
            return ""


def build(*, org: Org, audience: str, single_file: bool, root: Path | None = None) -> tuple[dict[str, str], list[Problem]]:
    """Every file of the export as {relative path: text}, plus warnings. Raises UserError on problems."""
    if audience not in AUDIENCES:
        raise UserError(f"--audience must be one of {', '.join(AUDIENCES)} (got {audience!r}).")
    root = (root or curriculum.curriculum_root()).resolve()
    try:
        refs = curriculum.modules(root)
    except (OSError, KeyError, TypeError) as exc:
        raise UserError(f"cannot read {display_path(root / curriculum.MANIFEST)} ({exc}); run `walkbeside check`.") from None
    problems: list[Problem] = []
    notebooks: list[tuple[Any, contract.Notebook]] = []
    for ref in refs:
        try:
            notebooks.append((ref, contract.read(ref.notebook)))
        except contract.NotebookError as exc:
            problems.append(exc.problem)
    if problems:
        raise _failure(problems)
    links = Links(single_file=single_file, slugs=tuple(ref.slug for ref in refs))
    site = pages.Site(org=org, audience=audience, single_file=single_file, links=links,
                      modules=[(ref, nb.meta) for ref, nb in notebooks])
    md = Markdown()
    activities = _Activities(site, root)
    files: dict[str, str] = {}
    warnings: list[Problem] = []

    for ref, nb in notebooks:
        state = PageState(links=links, source=display_path(nb.path), base=nb.path.parent)
        activities.state = state
        body, interactive = pages.module_body(site, ref, nb, md, activities, state)
        problems += state.problems
        warnings += state.warnings
        title = str(nb.meta.get("title") or ref.slug)
        files[f"{ref.slug}.html"] = site.page(ref.slug, title, body, activities=interactive)

    if not single_file:
        state = PageState(links=links, source="(metadata)")
        course = [
            ("index", "Course home", pages.index_body(site)),
            ("glossary", "Glossary", pages.glossary_body(site, md, state)),
            ("key-points", "Key points", pages.key_points_body(site, md, state)),
            (CRISIS, str(org.crisis.get("title") or "Crisis resources"), pages.crisis_body(site)),
            ("about", "About and sources", pages.about_body(site)),
        ]
        for name, title, body in course:
            files[f"{name}.html"] = site.page(name, title, body, activities=False)
        problems += state.problems
        warnings += state.warnings
        files["assets/walkbeside.css"] = pages.stylesheet(org)
        files["assets/walkbeside.js"] = pages.script()
    if problems:
        raise _failure(problems)
    return files, warnings


def _failure(problems: list[Problem]) -> UserError:
    unique = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
    return UserError("\n".join(map(str, unique)) + "\nNothing was exported: fix these and run the export again (`walkbeside check` lists every problem).")


def export_site(out: Path, *, org: Org | None = None, audience: str = "learner", single_file: bool = False,
                root: Path | None = None) -> ExportResult:
    """Build the site and write it to ``out``. Files of an earlier export there are replaced."""
    started = time.perf_counter()
    files, warnings = build(org=org or Org(), audience=audience, single_file=single_file, root=root)
    out = Path(out)
    write(out, files, {"audience": audience, "single_file": single_file})
    return ExportResult(out, sorted(files), audience, single_file, warnings, time.perf_counter() - started)


def write(out: Path, files: dict[str, str], info: dict[str, Any]) -> None:
    """Write the files into ``out``: into a temporary folder first, then moved in place.

    ``out`` may be missing, empty, or an earlier export (it has the marker file); anything
    else is refused, so an export can never overwrite someone's own files.
    """
    out = out.expanduser()
    if out.exists() and not out.is_dir():
        raise UserError(f"{display_path(out)} is a file, not a folder. Choose another --out.")
    marker = out / MARKER
    previous: list[str] = []
    if out.is_dir() and any(out.iterdir()):
        if not marker.is_file():
            raise UserError(f"{display_path(out)} already holds files that an export did not write. "
                            "Choose an empty or new folder with --out (nothing was changed).")
        try:
            previous = list(json.loads(marker.read_text(encoding="utf-8")).get("files", []))
        except (OSError, ValueError, AttributeError):
            previous = []
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = out.parent / f".{out.name}.export-{os.getpid()}"
        if staging.exists():
            shutil.rmtree(staging)
        for rel, text in files.items():
            target = staging / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        (staging / MARKER).write_text(json.dumps({"generator": f"walkbeside {__version__}", **info, "files": sorted(files)}, indent=1) + "\n", encoding="utf-8")
        out.mkdir(parents=True, exist_ok=True)
        for rel in previous:
            old = (out / rel).resolve()
            if rel not in files and old.is_file() and out.resolve() in old.parents:
                old.unlink()
        for rel in [*files, MARKER]:
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, target)
        for folder in sorted({(out / rel).parent for rel in previous}, key=lambda p: len(p.parts), reverse=True):
            if folder != out and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        shutil.rmtree(staging, ignore_errors=True)
    except PermissionError as exc:
        raise UserError(f"cannot write to {display_path(out)} ({exc.strerror}). Choose another --out.") from None
