"""``org.yml``: an organization's name, logo, colours, volunteer contact and crisis resources.

Read with :func:`walkbeside.datafiles.load` so every problem is reported as
``org.yml:LINE: problem — what to do``. Colours are checked for WCAG AA contrast (4.5:1 for
text) against every background they are used on; the logo is embedded as a ``data:`` URI so
pages never load a file from anywhere else. See docs/organizations.md.
"""

from __future__ import annotations

import base64
import copy
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datafiles import DataFileError, Lines, line_for, load
from ..html import crisis_resources
from ..problems import Problem, UserError, display_path
from ..validation import schema_problems

SCHEMA = "org.schema.json"
AA_TEXT = 4.5  # WCAG 2.x AA, normal-size text
WHITE = "#ffffff"
SURFACE = "#f4f7fa"  # the tinted boxes (practice boxes, footer); same as the player's --wb-surface
DEFAULT_COLOURS = {"accent": "#1d5f8a", "accent_text": "#ffffff", "header_background": "#1d5f8a", "header_text": "#ffffff"}
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
MAX_LOGO_BYTES = 512 * 1024  # every page carries the logo; keep emailed pages small
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}


# --------------------------------------------------------------------------- colour contrast

def hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def normal_hex(value: str) -> str:
    return "#%02x%02x%02x" % hex_to_rgb(value)


def luminance(value: str) -> float:
    """WCAG 2.x relative luminance of an sRGB hex colour."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in hex_to_rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two hex colours (1.0 to 21.0)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darker_until(colour: str, against: list[str], target: float = AA_TEXT) -> str:
    """The nearest darker shade of ``colour`` that reaches ``target`` against every colour given."""
    r, g, b = hex_to_rgb(colour)
    for step in range(100, -1, -1):
        shade = "#%02x%02x%02x" % (round(r * step / 100), round(g * step / 100), round(b * step / 100))
        if all(contrast(shade, bg) >= target for bg in against):
            return shade
    return "#000000"


def best_text_on(background: str) -> str:
    return "#ffffff" if contrast("#ffffff", background) >= contrast("#000000", background) else "#000000"


# --------------------------------------------------------------------------- the settings

@dataclass(frozen=True)
class Org:
    """What the pages need from org.yml. ``Org()`` is the unbranded default."""

    name: str | None = None
    website: str | None = None
    welcome: str | None = None
    logo_uri: str | None = None
    logo_alt: str | None = None
    colours: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    contact: dict[str, str] | None = None
    crisis: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(crisis_resources()))
    crisis_mode: str = "default"
    source: Path | None = None

    @property
    def site_name(self) -> str:
        return f"Walk Beside · {self.name}" if self.name else "Walk Beside"


def _text(value: Any) -> str:
    return str(value).strip()


def load_org(path: Path) -> Org:
    """Read and validate org.yml; raise UserError listing every problem as file:line."""
    path = Path(path)
    shown = display_path(path)
    if not path.is_file():
        raise UserError(f"{shown}:1: there is no such file — check the path given to --org (examples/org.yml shows the format)")
    try:
        data, lines = load(path)
    except DataFileError as exc:
        raise UserError(f"{exc.problem}\nNothing was exported.") from None
    if not isinstance(data, dict):
        raise UserError(f"{shown}:1: org.yml must be a set of fields (name, logo, colours, contact, crisis_resources) — see examples/org.yml\nNothing was exported.")
    problems = [_friendlier(p, lines) for p in schema_problems(data, lines, shown, SCHEMA)]
    if problems:
        raise _failure(problems)
    org, problems = _build(path, data, lines, shown)
    if problems:
        raise _failure(problems)
    return org


def _failure(problems: list[Problem]) -> UserError:
    problems = sorted(set(problems), key=lambda p: (p.line, p.message))
    return UserError("\n".join(map(str, problems)) + "\nNothing was exported: fix the organization file and run the export again.")


KNOWN_FIELDS = {
    (): ["name", "website", "welcome", "logo", "colours", "contact", "crisis_resources"],
    ("logo",): ["file", "alt"],
    ("colours",): list(DEFAULT_COLOURS), ("colors",): list(DEFAULT_COLOURS),
    ("contact",): ["name", "phone", "email", "hours", "note"],
    ("crisis_resources",): ["mode", "title", "intro", "resources"],
}


def _friendlier(problem: Problem, lines: Lines) -> Problem:
    """Better advice than the generic schema wording for the fields people get wrong most."""
    unknown = re.match(r"^(?P<where>.+?): unknown field \((?P<names>.+) (?:was|were) unexpected\)$", problem.message)
    if unknown:
        where = () if unknown["where"] == "the file" else tuple(int(p) if p.isdigit() else p for p in unknown["where"].split("."))
        names = re.findall(r"'([^']+)'", unknown["names"])
        key = names[0] if names else ""
        known = KNOWN_FIELDS.get(where) or KNOWN_FIELDS.get(tuple(p for p in where if not isinstance(p, int))[-1:]) or ["name", "detail", "phone", "text", "website"]
        guess = difflib.get_close_matches(key, known, n=1)
        fix = f"did you mean `{guess[0]}`? " if guess else ""
        place = "" if not where else f" under `{'.'.join(map(str, where))}`"
        return Problem(problem.path, line_for(lines, where + (key,)), f"unknown setting `{key}`{place}",
                       fix + "the settings are: " + ", ".join(known))
    if problem.message == "the file: missing `name`":
        return Problem(problem.path, problem.line, "the organization's name is missing", "add a line like: name: Riverside Mentoring Network")
    if problem.message.startswith("logo") and ("`alt`" in problem.message or "logo.alt: is empty" in problem.message):
        return Problem(problem.path, problem.line, "the logo has no alt text",
                       "add `alt:` under `logo:` describing it for people who cannot see it, e.g. alt: Riverside Mentoring Network logo")
    if problem.message.startswith("contact") and "should be text" in problem.message:
        return Problem(problem.path, problem.line, problem.message, "put the value in quotes")
    return problem


def _build(path: Path, data: dict[str, Any], lines: Lines, shown: str) -> tuple[Org, list[Problem]]:
    problems: list[Problem] = []

    def add(where: tuple, message: str, fix: str) -> None:
        problems.append(Problem(shown, line_for(lines, where), message, fix))

    name = _text(data["name"])
    website = data.get("website")
    if website is not None and not re.match(r"^https?://[^\s/]+\.[^\s]+$", website.strip()):
        add(("website",), f"website {website!r} is not a web address", "write the full address, e.g. https://www.example.org")

    colours, colour_problems = _colours(data, lines, shown)
    problems += colour_problems

    logo_uri = logo_alt = None
    if "logo" in data:
        logo_alt = _text(data["logo"]["alt"])
        logo_uri, logo_problem = _logo(path, data["logo"]["file"], shown, line_for(lines, ("logo", "file")))
        if logo_problem:
            problems.append(logo_problem)

    contact = None
    if "contact" in data:
        contact = {k: _text(v) for k, v in data["contact"].items() if v is not None}
        if not contact.get("phone") and not contact.get("email"):
            add(("contact",), "the volunteer contact has no phone and no email", "add `phone:` or `email:` (or both) under `contact:`")
        if contact.get("email") and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", contact["email"]):
            add(("contact", "email"), f"{contact['email']!r} is not an email address", "write it like volunteers@example.org")

    card = copy.deepcopy(crisis_resources())
    mode = "default"
    if "crisis_resources" in data:
        crisis = data["crisis_resources"]
        mode = crisis["mode"]
        local = []
        for i, item in enumerate(crisis["resources"]):
            entry = {k: _text(v) for k, v in item.items() if v is not None}
            if entry.get("website") and not re.match(r"^https?://\S+$", entry["website"]):
                add(("crisis_resources", "resources", i, "website"), f"{entry['website']!r} is not a web address", "write the full address, e.g. https://www.example.org")
            if not entry.get("phone") and not entry.get("text") and not entry.get("website"):
                add(("crisis_resources", "resources", i), f"the crisis resource {entry['name']!r} has no phone, text number or website",
                    "add at least one way to reach it (phone:, text: or website:)")
            entry["local"] = True
            local.append(entry)
        if mode == "replace":
            card["resources"] = local
        else:
            card["resources"] = [*card["resources"], *local]
        for key in ("title", "intro"):
            if crisis.get(key):
                card[key] = _text(crisis[key])
    org = Org(name=name, website=website.strip() if website else None, welcome=_text(data["welcome"]) if data.get("welcome") else None,
              logo_uri=logo_uri, logo_alt=logo_alt, colours=colours, contact=contact, crisis=card, crisis_mode=mode, source=path)
    return org, problems


def _colours(data: dict[str, Any], lines: Lines, shown: str) -> tuple[dict[str, str], list[Problem]]:
    problems: list[Problem] = []
    if "colours" in data and "colors" in data:
        problems.append(Problem(shown, line_for(lines, ("colors",)), "both `colours` and `colors` are set", "keep only one of them"))
    key = "colours" if "colours" in data else "colors"
    given = data.get(key) or {}
    found: dict[str, str] = {}
    for name, value in given.items():
        where = (key, name)
        if value is None:
            problems.append(Problem(shown, line_for(lines, where), f"{key}.{name} is empty",
                                    f'in YAML a # starts a comment: put the colour in quotes, e.g. {name}: "#1d5f8a"'))
        elif not HEX.match(value.strip()):
            problems.append(Problem(shown, line_for(lines, where), f"{key}.{name} {value!r} is not a hex colour",
                                    f'write it as "#rrggbb" in quotes, e.g. {name}: "#1d5f8a"'))
        else:
            found[name] = normal_hex(value.strip())
    if problems:
        return dict(DEFAULT_COLOURS), problems

    colours = {
        "accent": found.get("accent", DEFAULT_COLOURS["accent"]),
        "accent_text": found.get("accent_text", DEFAULT_COLOURS["accent_text"]),
    }
    colours["header_background"] = found.get("header_background", colours["accent"])
    colours["header_text"] = found.get("header_text", colours["accent_text"])

    def line(*names: str) -> int:
        for n in names:
            if n in found:
                return line_for(lines, (key, n))
        return line_for(lines, (key,))

    accent = colours["accent"]
    worst = min(contrast(accent, WHITE), contrast(accent, SURFACE))
    if worst < AA_TEXT:
        problems.append(Problem(shown, line("accent"),
                                f"{key}.accent {accent} has a contrast of {worst:.2f}:1 with the page background; links and button text need at least {AA_TEXT}:1 (WCAG AA)",
                                f'choose a darker colour, e.g. accent: "{darker_until(accent, [WHITE, SURFACE])}"'))
    ratio = contrast(colours["accent_text"], accent)
    if ratio < AA_TEXT:
        problems.append(Problem(shown, line("accent_text", "accent"),
                                f"{key}.accent_text {colours['accent_text']} on the accent {accent} has a contrast of {ratio:.2f}:1; button text needs at least {AA_TEXT}:1 (WCAG AA)",
                                f'use accent_text: "{best_text_on(accent)}" or a darker accent'))
    ratio = contrast(colours["header_text"], colours["header_background"])
    same_pair = (colours["header_text"], colours["header_background"]) == (colours["accent_text"], colours["accent"])
    if ratio < AA_TEXT and not same_pair:
        problems.append(Problem(shown, line("header_text", "header_background", "accent_text", "accent"),
                                f"{key}.header_text {colours['header_text']} on header_background {colours['header_background']} has a contrast of {ratio:.2f}:1; header text needs at least {AA_TEXT}:1 (WCAG AA)",
                                f'use header_text: "{best_text_on(colours["header_background"])}" or another header_background'))
    return colours, problems


def _logo(org_path: Path, name: str, shown: str, line: int) -> tuple[str | None, Problem | None]:
    file = (org_path.parent / name).resolve()
    kind = IMAGE_TYPES.get(file.suffix.lower())
    if kind is None:
        return None, Problem(shown, line, f"the logo {name!r} is not a PNG, JPEG, GIF, WebP or SVG file", "save the logo in one of those formats")
    if not file.is_file():
        return None, Problem(shown, line, f"the logo file {name!r} does not exist (looked for {display_path(file)})", "give the path relative to the folder of org.yml")
    raw = file.read_bytes()
    if len(raw) > MAX_LOGO_BYTES:
        return None, Problem(shown, line, f"the logo is {len(raw) // 1024} KB; every page carries it, so the limit is {MAX_LOGO_BYTES // 1024} KB",
                             "use a smaller image (a logo 400 pixels wide is plenty)")
    signatures = {"image/png": (b"\x89PNG",), "image/jpeg": (b"\xff\xd8",), "image/gif": (b"GIF8",), "image/webp": (b"RIFF",)}
    if kind == "image/svg+xml":
        text = raw.decode("utf-8", "replace").lower()
        if "<svg" not in text:
            return None, Problem(shown, line, f"the logo {name!r} is not an SVG image", "export the logo again as SVG, or use a PNG")
        if "<script" in text:
            return None, Problem(shown, line, f"the SVG logo {name!r} contains a script", "export a plain SVG without scripts, or use a PNG")
    elif not raw.startswith(signatures[kind]):
        return None, Problem(shown, line, f"the logo {name!r} is not really a {kind.split('/')[1].upper()} file", "save it again in the format its name says")
    return f"data:{kind};base64,{base64.b64encode(raw).decode('ascii')}", None
