"""Load YAML or JSON content files with a line number for every value.

Content is data (scenarios, self-checks, org.yml). Authors need to be told *where* a problem
is, so every loaded value keeps the line it came from: ``lines[("nodes", 2, "choices")]``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .problems import Problem, display_path

Lines = dict[tuple, int]


class DataFileError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _plain(node: Any, path: tuple, lines: Lines) -> Any:
    """Round-trip YAML nodes -> plain dicts/lists, recording 1-based lines per path."""
    if isinstance(node, CommentedMap):
        out = {}
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = lines.get(path, 1)
            lines[path + (key,)] = line
            out[str(key)] = _plain(node[key], path + (key,), lines)
        return out
    if isinstance(node, CommentedSeq):
        out_list = []
        for i, item in enumerate(node):
            try:
                line = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = lines.get(path, 1)
            lines[path + (i,)] = line
            out_list.append(_plain(item, path + (i,), lines))
        return out_list
    if node is None or isinstance(node, (bool, int, float)):
        return node
    return str(node)


def load(path: Path) -> tuple[Any, Lines]:
    """Parse a .yaml/.yml/.json file; raise DataFileError(file:line) if it cannot be read."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataFileError(Problem(shown, 1, f"cannot read the file ({exc.strerror})", "check the path and permissions")) from None
    if not raw.strip():
        raise DataFileError(Problem(shown, 1, "the file is empty", "add the content or delete the file"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError(Problem(shown, line, "the file is not UTF-8 text", "save it as UTF-8 text")) from None
    if path.suffix.lower() == ".json":
        try:
            json.loads(text, object_pairs_hook=_no_duplicate_keys)
        except json.JSONDecodeError as exc:
            raise DataFileError(Problem(shown, exc.lineno, f"invalid JSON: {exc.msg}", "fix the JSON syntax at this line")) from None
        except _DuplicateKey as exc:
            raise DataFileError(Problem(shown, _line_of(text, f'"{exc.key}"'), f'the key "{exc.key}" appears twice', "keep only one")) from None
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if exc.context_mark and mark and exc.context_mark.line < mark.line:
            what += f" (the part that is not closed starts at line {exc.context_mark.line + 1})"
        raise DataFileError(Problem(shown, line, f"invalid YAML: {what}", "fix the indentation or quoting at this line")) from None
    except YAMLError as exc:
        raise DataFileError(Problem(shown, 1, f"invalid YAML: {exc}", "fix the YAML syntax")) from None
    lines: Lines = {(): 1}
    return _plain(node, (), lines), lines


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicate_keys(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen[key] = value
    return seen


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def line_for(lines: Lines, path: tuple) -> int:
    """The line of ``path`` or of its nearest recorded ancestor."""
    path = tuple(path)
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
