"""The module contract: what every module notebook must carry, and how to read it.

Like a Carpentries episode, a module opens with title, minutes, questions, objectives and a
content note, and closes with key points and references. The same fields live in the
notebook metadata under ``walkbeside`` so tools (README table, glossary, key-points page,
certificates) can read them without parsing prose. See docs/authoring.md.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import curriculum
from .language import find_avoided_terms
from .problems import Problem, display_path

TRAINER_TAG = "trainer"  # cells for trainers only: left out of learner workspaces and exports
OPENING_TAG, CLOSING_TAG = "opening", "closing"
PRACTICE_TAG = "practice"  # a "What this looks like in practice" box
LEARNER_INPUT_TAG = "learner-input"  # a code cell the learner types into (not hidden)
KNOWN_TAGS = {TRAINER_TAG, OPENING_TAG, CLOSING_TAG, PRACTICE_TAG, LEARNER_INPUT_TAG, "references"}
MINUTES = (40, 60)
OBJECTIVES = (3, 5)
# The widget calls a module may make (walkbeside.learn); check validates their arguments.
WIDGET_CALLS = {"crisis_card", "scenario", "self_check", "reflection", "check_in", "self_care_plan"}


@dataclass
class Notebook:
    path: Path
    nb: dict[str, Any]
    text: str

    @property
    def meta(self) -> dict[str, Any]:
        return (self.nb.get("metadata") or {}).get("walkbeside") or {}

    @property
    def cells(self) -> list[dict[str, Any]]:
        return self.nb.get("cells") or []

    def cell_line(self, index: int) -> int:
        """Line of a cell in the .ipynb file, found by its id (nbformat 4.5) or order."""
        cell = self.cells[index]
        if cell.get("id"):
            pos = self.text.find(f'"id": "{cell["id"]}"')
            if pos >= 0:
                return self.text.count("\n", 0, pos) + 1
        count = -1
        for match in re.finditer(r'"cell_type":', self.text):
            count += 1
            if count == index:
                return self.text.count("\n", 0, match.start()) + 1
        return 1

    def meta_line(self, key: str | None = None) -> int:
        anchor = self.text.find('"walkbeside"')
        if anchor < 0:
            anchor = self.text.find('"metadata"', self.text.rfind('"cells"'))
        if key:
            pos = self.text.find(f'"{key}"', max(anchor, 0))
            anchor = pos if pos >= 0 else anchor
        return self.text.count("\n", 0, max(anchor, 0)) + 1


def source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def tags(cell: dict[str, Any]) -> set[str]:
    return set((cell.get("metadata") or {}).get("tags") or [])


class NotebookError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read(path: Path) -> Notebook:
    """Read a notebook; raise NotebookError(file:line) for anything that is not one."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise NotebookError(Problem(shown, 1, f"cannot read the file ({exc.strerror})", "check the path and permissions")) from None
    if not raw.strip():
        raise NotebookError(Problem(shown, 1, "the file is empty", "restore the notebook from git or delete the file"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise NotebookError(Problem(shown, line, "this is not a notebook (not UTF-8 text)", "restore the notebook from git")) from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotebookError(Problem(shown, exc.lineno, f"invalid JSON: {exc.msg}", "fix the JSON at this line or restore the notebook from git")) from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(Problem(shown, 1, "this JSON is not a Jupyter notebook (no list of cells)", "restore the notebook from git"))
    if nb.get("nbformat") != 4:
        raise NotebookError(Problem(shown, 1, f"notebook format {nb.get('nbformat')!r} is not supported", "open and save it in JupyterLab 4 to upgrade it to format 4"))
    return Notebook(path, nb, text)


def _norm(text: str) -> str:
    text = re.sub(r"[*_`>#\[\]]", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def learner_markdown(nb: Notebook) -> list[str]:
    """Markdown a learner reads as teaching text (no trainer notes, no references)."""
    return [source(c) for c in nb.cells if c.get("cell_type") == "markdown" and not tags(c) & {TRAINER_TAG, "references", CLOSING_TAG}]


def widget_calls(nb: Notebook) -> list[tuple[int, str, list[Any]]]:
    """(cell index, function, literal args) for every walkbeside.learn call in code cells."""
    calls = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        try:
            tree = ast.parse(source(cell))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in WIDGET_CALLS:
                args = []
                for arg in node.args:
                    try:
                        args.append(ast.literal_eval(arg))
                    except ValueError:
                        args.append(None)
                calls.append((index, node.func.id, args))
    return calls


def check_module(path: Path, root: Path | None = None) -> list[Problem]:
    """Every way a module notebook can break the contract, as file:line problems."""
    from . import scenarios, selfchecks  # local: avoid import cycles at module load

    shown = display_path(path)
    try:
        nb = read(path)
    except NotebookError as exc:
        return [exc.problem]
    problems: list[Problem] = []

    def add(line: int, message: str, fix: str) -> None:
        problems.append(Problem(shown, line, message, fix))

    meta = nb.meta
    if not meta:
        add(nb.meta_line(), "the notebook has no `walkbeside` metadata", "add metadata.walkbeside with module, title, minutes, questions, objectives, content_note, key_points, references (docs/authoring.md)")
        return problems
    slug = meta.get("module")
    in_modules = path.resolve().parent == ((root or curriculum.curriculum_root()) / "modules").resolve()
    identity: list[Problem] = []
    if in_modules and slug != path.stem:
        identity.append(Problem(shown, nb.meta_line("module"), f"metadata module is {slug!r} but the file is {path.name}", f"set metadata.walkbeside.module to {path.stem!r}"))
    ref = curriculum.find_module(path.stem if in_modules else str(slug), root)
    if ref is None or ref.slug != (path.stem if in_modules else slug):
        identity.append(Problem(shown, nb.meta_line("module") if not in_modules else 1, f"{(path.stem if in_modules else slug)!r} is not in modules/manifest.yml", "add it to the manifest or fix the module slug"))
    slug = path.stem if in_modules else str(slug)
    for key in ("title", "content_note"):
        if not isinstance(meta.get(key), str) or not meta.get(key, "").strip():
            add(nb.meta_line(key), f"missing {key.replace('_', ' ')} in the metadata", f"add metadata.walkbeside.{key} as text")
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not MINUTES[0] <= minutes <= MINUTES[1]:
        add(nb.meta_line("minutes"), f"minutes must be a whole number from {MINUTES[0]} to {MINUTES[1]} (found {minutes!r})", "set metadata.walkbeside.minutes")
    for key, low, high in (("questions", 1, 6), ("objectives", *OBJECTIVES), ("key_points", 1, 8)):
        value = meta.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
            add(nb.meta_line(key), f"missing {key.replace('_', ' ')} in the metadata", f"add metadata.walkbeside.{key} as a list of {low}–{high} sentences")
        elif not low <= len(value) <= high:
            add(nb.meta_line(key), f"{len(value)} {key.replace('_', ' ')}; a module has {low}–{high}", f"edit metadata.walkbeside.{key}")
    refs = meta.get("references")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, dict) and str(r.get("citation", "")).strip() for r in refs):
        add(nb.meta_line("references"), "missing references in the metadata", "add metadata.walkbeside.references as a list of {citation, url}")
        refs = []
    glossary = meta.get("glossary", [])
    if not isinstance(glossary, list) or not all(isinstance(g, dict) and g.get("term") and g.get("definition") for g in glossary):
        add(nb.meta_line("glossary"), "glossary entries need a term and a definition", "write each as {term, definition}")
    if problems:
        return identity + problems
    problems += identity

    cells = nb.cells
    if not cells:
        add(1, "the notebook has no cells", "add the opening and closing cells (docs/authoring.md)")
        return problems
    first, last = cells[0], cells[-1]
    if first.get("cell_type") != "markdown" or OPENING_TAG not in tags(first):
        add(nb.cell_line(0), "the first cell must be the markdown opening tagged `opening`", "move the opening cell to the top and tag it")
    else:
        opening = _norm(source(first))
        if not source(first).lstrip().startswith("# ") or _norm(meta["title"]) not in opening:
            add(nb.cell_line(0), "the opening cell must start with the title as a `# ` heading", f"start it with: # {meta['title']}")
        if not re.search(rf"\b{minutes}\s*minutes\b", opening):
            add(nb.cell_line(0), f"the opening cell does not say it takes {minutes} minutes", f"add 'About {minutes} minutes'")
        for key, label in (("questions", "question"), ("objectives", "objective")):
            for n, item in enumerate(meta[key], 1):
                if _norm(item) not in opening:
                    add(nb.cell_line(0), f"{label} {n} is in the metadata but not in the opening cell: {item!r}", "copy it into the opening cell (or fix the metadata)")
        if _norm(meta["content_note"]) not in opening:
            add(nb.cell_line(0), "the content note in the metadata is not in the opening cell", "copy metadata.walkbeside.content_note into the opening cell")
        if "crisis-resources" not in source(first):
            add(nb.cell_line(0), "the opening cell has no link to the crisis resources", "add a link to crisis-resources.md")
    if last.get("cell_type") != "markdown" or CLOSING_TAG not in tags(last):
        add(nb.cell_line(len(cells) - 1), "the last cell must be the markdown closing tagged `closing`", "move the key points and references cell to the end and tag it")
    else:
        closing = _norm(source(last))
        for n, point in enumerate(meta["key_points"], 1):
            if _norm(point) not in closing:
                add(nb.cell_line(len(cells) - 1), f"key point {n} is in the metadata but not in the closing cell: {point!r}", "copy it into the closing cell")
        for n, ref in enumerate(refs, 1):
            if _norm(ref["citation"]) not in closing:
                add(nb.cell_line(len(cells) - 1), f"reference {n} is in the metadata but not in the closing cell", "copy its citation into the closing cell")

    reflections: dict[str, int] = {}
    for index, cell in enumerate(cells):
        line = nb.cell_line(index)
        unknown = {t for t in tags(cell) if t not in KNOWN_TAGS}
        if unknown:
            add(line, f"unknown tag(s) {sorted(unknown)}", f"use only: {', '.join(sorted(KNOWN_TAGS))}")
        if cell.get("cell_type") == "code":
            if cell.get("outputs") or cell.get("execution_count"):
                add(line, "this code cell has saved outputs", "clear outputs before committing (Edit > Clear Outputs of All Cells)")
            hidden = ((cell.get("metadata") or {}).get("jupyter") or {}).get("source_hidden")
            if not hidden and LEARNER_INPUT_TAG not in tags(cell):
                add(line, "this code cell is shown to learners", "hide its input (metadata.jupyter.source_hidden: true) or tag it learner-input")
            try:
                ast.parse(source(cell))
            except SyntaxError as exc:
                add(line, f"Python syntax error in this cell: {exc.msg}", "fix the code")
        if cell.get("cell_type") == "markdown":
            for offset, term, instead in find_avoided_terms(source(cell)):
                add(line, f"avoid the term {term!r}", f"say {instead!r} (Luxembourg Guidelines)")

    for index, func, args in widget_calls(nb):
        line = nb.cell_line(index)
        key = args[0] if args else None
        if func != "crisis_card" and not isinstance(key, str):
            add(line, f"{func}() needs its id as plain text", f'write e.g. {func}("{slug}/...")')
            continue
        if func == "scenario":
            try:
                scenarios.load_scenario(key, root)
            except scenarios.ScenarioNotFound as exc:
                add(line, f"scenario {key!r} cannot be shown: {str(exc).splitlines()[0]}", "fix the id or run `walkbeside check scenarios/` for the scenario's own problems")
        elif func == "self_check":
            try:
                selfchecks.load_self_check(key, root)
            except selfchecks.SelfCheckNotFound as exc:
                add(line, f"self-check {key!r} cannot be shown: {str(exc).splitlines()[0]}", "fix the id or the self-check file")
        elif func in {"check_in", "self_care_plan"}:
            from . import selfcare

            try:
                selfcare.load_tool(key, "check_in" if func == "check_in" else "plan", root)
            except selfcare.ToolNotFound as exc:
                add(line, f"{func} {key!r} cannot be shown: {str(exc).splitlines()[0]}", "fix the id or modules/self-care-tools/<module>.yaml")
        elif func == "reflection":
            if not key.startswith(f"{slug}/"):
                add(line, f"reflection id {key!r} must start with {slug + '/'!r}", f'write reflection("{slug}/<name>", "<prompt>")')
            if key in reflections:
                add(line, f"reflection id {key!r} is used twice (first at line {reflections[key]})", "give each reflection its own id")
            reflections.setdefault(key, line)
            if len(args) < 2 or not isinstance(args[1], str) or not args[1].strip():
                add(line, "reflection() needs its prompt as plain text", 'write reflection("<id>", "<prompt>")')
    return problems


def module_summary(path: Path) -> dict[str, Any]:
    """The metadata a table or page needs; raises NotebookError for unreadable files."""
    return read(path).meta
