"""pyproject.toml and environment.yml describe the same environment."""

from __future__ import annotations

import re
import tomllib

from ruamel.yaml import YAML

from conftest import REPO

# Installed by conda here, by npm in .ci/run: not Python packages, so not in pyproject.toml.
NOT_ON_PYPI = {"configurable-http-proxy"}


def normalise(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text())
    reqs = data["project"]["dependencies"] + data["project"]["optional-dependencies"]["test"]
    return dict(normalise(r) for r in reqs)


def environment_requirements() -> dict[str, str]:
    env = YAML(typ="safe").load((REPO / "environment.yml").read_text())
    found = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            found.update(normalise(r) for r in dep["pip"] if not r.startswith("-e"))
        elif not dep.startswith(("python", "pip")) or dep.startswith("pip-"):
            found.update([normalise(dep)])
    for name in NOT_ON_PYPI:
        found.pop(name, None)
    return found


def test_environment_yml_and_pyproject_list_the_same_dependencies_and_versions():
    assert environment_requirements() == pyproject_requirements()


def test_environment_installs_the_package_itself_with_pip():
    env = YAML(typ="safe").load((REPO / "environment.yml").read_text())
    assert env["channels"] == ["conda-forge"]
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert "-e ." in pip
