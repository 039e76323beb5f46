"""Flag answer cells that hold more than an answer.

nbgrader runs its tests in the learner's own kernel, so code in an answer cell can fool them
(an object equal to everything, a redefined builtin). The sandbox stops it reading the key or
other learners' work, but not lying to the tests. In these assessments an answer cell holds only
``answer_N = "letters"`` and comments, so anything else is flagged for the trainer to look at,
and that learner gets no certificate until a clean copy is collected and graded.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path


def _only_answers(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return True  # a typo: the tests score it, and it cannot run anything
    for node in tree.body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and node.targets[0].id.startswith("answer_") and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            return False
    return True


def unexpected_code(folder: Path) -> list[str]:
    """Answer cells (by grade id) and added code cells (by position) in a submission that hold
    more than an answer."""
    flagged = []
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue  # collect already refused unreadable notebooks
        for number, cell in enumerate(cells, 1):
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            src = cell.get("source", "")
            src = "".join(src) if isinstance(src, list) else str(src)
            if cell.get("cell_type") != "code" or _only_answers(src):
                continue
            if meta.get("solution"):
                flagged.append(f"{path.stem}/{meta.get('grade_id', '?')}")
            elif not meta:  # a cell the learner added: it runs before the tests too
                flagged.append(f"{path.stem}/added cell {number}")
    return flagged
