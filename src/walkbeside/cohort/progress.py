"""A progress line: done/total and time left; a redrawn bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None, width: int = 24):
        self.total, self.done, self.width = total, 0, width
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()

    def line(self, note: str = "") -> str:
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done) if self.done else None
        eta = f"{_clock(left)} left" if left is not None else "estimating…"
        bar = ""
        if self.tty:
            filled = self.width * self.done // max(self.total, 1)
            bar = "[" + "#" * filled + "." * (self.width - filled) + "] "
        return f"{bar}{self.done}/{self.total} · {_clock(elapsed)} elapsed · {eta}" + (f" · {note}" if note else "")

    def step(self, note: str = "") -> None:
        self.done += 1
        if self.tty:
            self.stream.write("\r\033[K" + self.line(note))
            if self.done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(self.line(note) + "\n")
        self.stream.flush()
