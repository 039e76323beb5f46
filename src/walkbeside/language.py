"""Survivor-centred language (Luxembourg Guidelines, 2016): terms the curriculum never uses.

`walkbeside check` flags these in every module, scenario and self-check. A term may appear
only when the text is *explaining why it is avoided* — mark such a line with the word
"avoid" or "instead" nearby, as the language table in module 00 does.
"""

from __future__ import annotations

import re

# term (regex) -> what to say instead
AVOID = {
    r"child(?:ren)? prostitut\w*": "child survivor of commercial sexual exploitation",
    r"(?:teen|teenage|underage|juvenile) prostitut\w*": "child survivor of commercial sexual exploitation",
    r"child(?:ren)? sex workers?": "child survivor of commercial sexual exploitation",
    r"child porn\w*": "child sexual abuse material",
    r"\bjohns?\b(?= who| buy| paid)": "buyer (or 'person who buys sex')",
    r"\bpimps?\b": "trafficker or exploiter",
    r"\bvictims? of prostitution\b": "survivor of commercial sexual exploitation",
}

_EXPLAINING = re.compile(r"\b(avoid|instead|not|never|don't|do not|rather than)\b", re.IGNORECASE)


def find_avoided_terms(text: str) -> list[tuple[int, str, str]]:
    """(line offset, term found, suggestion) for each avoided term not being explained."""
    found = []
    for offset, line in enumerate(text.splitlines()):
        for pattern, instead in AVOID.items():
            for match in re.finditer(pattern, line, flags=re.IGNORECASE):
                if _EXPLAINING.search(line):
                    continue
                found.append((offset, match.group(0), instead))
    return found
