"""One way to report bad input: ``file:line: problem — what to do``.

Every command that reads files a person wrote (notebooks, scenarios, rosters, org.yml)
collects :class:`Problem` objects instead of raising, so the user never sees a traceback.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}:1"
        return f"{where}: {self.message}" + (f" — {self.fix}" if self.fix else "")


class UserError(Exception):
    """A problem the user can fix; the CLI prints it without a traceback and exits non-zero."""


def display_path(path: Path | str) -> str:
    """Paths relative to the current folder when possible: shorter and clickable in editors."""
    path = Path(path)
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
