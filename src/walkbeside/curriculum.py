"""Where the curriculum lives and what is in it, read from the one ordered manifest."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruamel.yaml import YAML

MANIFEST = Path("modules") / "manifest.yml"


def curriculum_root() -> Path:
    """The folder holding ``modules/``, ``scenarios/`` and ``assessments/``.

    Order: ``WALKBESIDE_ROOT`` (tests and custom content), the source checkout this package was
    installed from in editable mode, then the copy packed inside a built wheel.
    """
    env = os.environ.get("WALKBESIDE_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parent
    checkout = here.parent.parent  # src/walkbeside -> repo root
    if (checkout / MANIFEST).is_file():
        return checkout
    return here / "_curriculum"


@dataclass(frozen=True)
class ModuleRef:
    number: int
    slug: str  # "02-boundaries"
    root: Path

    @property
    def name(self) -> str:  # "boundaries"
        return self.slug.split("-", 1)[1]

    @property
    def notebook(self) -> Path:
        return self.root / "modules" / f"{self.slug}.ipynb"

    @property
    def scenario_dir(self) -> Path:
        return self.root / "scenarios" / self.slug

    @property
    def self_check(self) -> Path:
        return self.root / "modules" / "self-checks" / f"{self.slug}.yaml"


@lru_cache(maxsize=8)
def _modules(root: Path) -> tuple[ModuleRef, ...]:
    data = YAML(typ="safe").load((root / MANIFEST).read_text(encoding="utf-8"))
    return tuple(ModuleRef(i, slug, root) for i, slug in enumerate(data["modules"]))


def modules(root: Path | None = None) -> tuple[ModuleRef, ...]:
    """The modules in manifest order."""
    return _modules((root or curriculum_root()).resolve())


def find_module(key: str, root: Path | None = None) -> ModuleRef | None:
    """Look a module up by slug ("02-boundaries") or by name ("boundaries")."""
    for ref in modules(root):
        if key in (ref.slug, ref.name):
            return ref
    return None
