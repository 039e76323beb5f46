"""Shared validation for content data files: load, check the schema, scan the language.

Scenarios, self-checks, self-care tools and org.yml all go through ``load_checked`` so every
content file reports problems the same way (``file:line: problem — what to do``).
"""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

# jsonschema optionally imports rfc3987-syntax for the "iri"/"uri" formats, which builds a
# parser at import time (~1 s of CPU on every CLI call and kernel start). Our schemas use no
# formats, so tell Python it is absent unless something already loaded it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from jsonschema import Draft202012Validator  # noqa: E402

from .datafiles import DataFileError, Lines, line_for, load
from .language import find_avoided_terms
from .problems import Problem, display_path

SCHEMAS = Path(__file__).resolve().parent / "schemas"


@lru_cache(maxsize=None)
def schema_validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


def schema_problems(data: Any, lines: Lines, shown: str, schema: str) -> list[Problem]:
    """JSON Schema errors in words an author understands, each at its line."""
    problems = []
    for error in sorted(schema_validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        where = tuple(error.absolute_path)
        field_name = ".".join(str(p) for p in where) or "the file"
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else error.message
            if missing == "debrief":
                message, fix = f"{field_name}: this ending has no debrief", "add a debrief that explains what happened and why"
            else:
                message, fix = f"{field_name}: missing `{missing}`", f"add `{missing}` (see {schema})"
        elif error.validator == "additionalProperties":
            message, fix = f"{field_name}: unknown field ({error.message.split('(')[-1].rstrip(')')})", f"remove it or fix its spelling (see {schema})"
        elif error.validator == "pattern":
            message, fix = f"{field_name}: {error.instance!r} is not a valid id", "use lower-case words joined by hyphens, e.g. late-night-money"
        elif error.validator == "enum":
            message, fix = f"{field_name}: {error.instance!r} is not allowed", "use one of: " + ", ".join(map(str, error.validator_value))
        elif error.validator == "minLength":
            message, fix = f"{field_name}: is empty", "write the text"
        elif error.validator == "minItems":
            message, fix = f"{field_name}: needs at least {error.validator_value} item(s)", "add the missing items"
        elif error.validator == "type":
            kind = {"string": "text", "array": "a list", "object": "a set of fields", "boolean": "true or false", "integer": "a whole number"}.get(str(error.validator_value), str(error.validator_value))
            message, fix = f"{field_name}: should be {kind}", "fix the value's form (quote text that contains a colon)"
        else:
            message, fix = f"{field_name}: {error.message}", f"see {schema}"
        problems.append(Problem(shown, line_for(lines, where), message, fix))
    return problems


def load_checked(path: Path, schema: str, what: str) -> tuple[Any, Lines, list[Problem]]:
    """Load a content file and check it against ``schema``; ``what`` names its top-level fields."""
    shown = display_path(path)
    try:
        data, lines = load(path)
    except DataFileError as exc:
        return None, {}, [exc.problem]
    if not isinstance(data, dict):
        return None, lines, [Problem(shown, 1, f"this file must be a set of fields ({what})", f"see src/walkbeside/schemas/{schema}")]
    return data, lines, schema_problems(data, lines, shown, schema)


def texts(data: Any, path: tuple = ()):
    """Every (path, text) in nested content data."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from texts(value, path + (key,))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from texts(value, path + (i,))
    elif isinstance(data, str):
        yield path, data


def language_problems(data: Any, lines: Lines, shown: str) -> list[Problem]:
    """Terms the curriculum avoids (Luxembourg Guidelines), each at its line."""
    return [
        Problem(shown, line_for(lines, where) + offset, f"avoid the term {term!r}", f"say {instead!r} (Luxembourg Guidelines)")
        for where, text in texts(data)
        for offset, term, instead in find_avoided_terms(text)
    ]
