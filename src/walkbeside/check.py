"""`walkbeside check`: validate modules, scenarios, self-checks and assessments.

Each file type has its own checker; this module only finds files and dispatches, so a new
content type means one new entry in ``_checker_for``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from . import contract, curriculum, scenarios, selfcare, selfchecks
from .problems import Problem, display_path

Checker = Callable[[Path, Path], list[Problem]]


def _scenario(path: Path, root: Path) -> list[Problem]:
    return scenarios.check_file(path, root)[1]


def _self_check(path: Path, root: Path) -> list[Problem]:
    return selfchecks.check_file(path, root)[1]


def _self_care_tools(path: Path, root: Path) -> list[Problem]:
    return selfcare.check_file(path, root)[1]


def _assessment(path: Path, root: Path) -> list[Problem]:
    from . import assessments  # the nbgrader course checks (issue 9)

    return assessments.check_notebook(path, root)


def _checker_for(path: Path, root: Path) -> Checker | None:
    parts = path.resolve().parts
    suffix = path.suffix.lower()
    if suffix == ".ipynb":
        if "assessments" in parts:
            return _assessment
        return lambda p, r: contract.check_module(p, r)
    if suffix in {".yaml", ".yml", ".json"}:
        if "self-checks" in parts:
            return _self_check
        if "self-care-tools" in parts:
            return _self_care_tools
        if "scenarios" in parts:
            return _scenario
    return None


def default_targets(root: Path) -> list[Path]:
    targets = [ref.notebook for ref in curriculum.modules(root)]
    targets += [ref.self_check for ref in curriculum.modules(root) if ref.self_check.exists()]
    targets += sorted((root / "modules" / "self-care-tools").glob("*.yaml"))
    targets += scenarios.scenario_files(root)
    source = root / "assessments" / "source"
    if source.is_dir():
        targets += sorted(p for p in source.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return targets


def _expand(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    files, problems = [], []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in {".ipynb", ".yaml", ".yml", ".json"}
                and ".ipynb_checkpoints" not in p.parts and p.name != "manifest.yml"
                and ".walkbeside" not in p.parts
            )
            if not found:
                problems.append(Problem(display_path(path), 1, "no notebooks or content files in this folder", "name a module, scenario or assessment file"))
            files += found
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(display_path(path), 1, "no such file or folder", "check the path"))
    return files, problems


def run(paths: list[Path] | None = None, root: Path | None = None) -> tuple[list[Problem], int]:
    """Return (problems, number of files checked)."""
    root = root or curriculum.curriculum_root()
    problems: list[Problem] = []
    if paths:
        files, problems = _expand(paths)
    else:
        files = default_targets(root)
        for ref in curriculum.modules(root):
            if not ref.notebook.exists():
                problems.append(Problem(display_path(ref.notebook), 1, "the manifest lists this module but the notebook is missing", "create it or remove it from modules/manifest.yml"))
        files = [f for f in files if f.exists()]
    for path in files:
        checker = _checker_for(path, root)
        if checker is None:
            problems.append(Problem(display_path(path), 1, f"unknown file type {path.suffix or '(no extension)'!r} here", "walkbeside checks module .ipynb files, scenarios/*.yaml, modules/self-checks/*.yaml and assessments/source/**/*.ipynb"))
            continue
        try:
            problems += checker(path, root)
        except Exception as exc:  # a checker bug must still not show the user a traceback
            problems.append(Problem(display_path(path), 1, f"could not check this file ({type(exc).__name__}: {exc})", "report this to the Walk Beside maintainers"))
    return sorted(set(problems)), len(files)
