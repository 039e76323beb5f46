"""The README: exactly two set-up commands, and a module table generated from metadata."""

from __future__ import annotations

import re

from walkbeside import readme

from conftest import REPO

TEXT = (REPO / "README.md").read_text()


def test_quick_start_has_exactly_two_commands_and_ci_runs_the_second():
    section = TEXT.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    assert [c.strip() for c in commands] == ["make lab", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^WALKBESIDE_REQUIRE_BROWSER=1 make test$", ci, re.MULTILINE)


def test_module_table_is_generated_from_the_metadata():
    assert readme.updated_readme(TEXT, REPO) == TEXT, "run: python -m walkbeside.readme"
    table = readme.module_table(REPO)
    assert table.count("\n| 0") == 5
    assert "(modules/00-foundations.ipynb)" in table


def github_anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_links_to_docs_and_headings_that_exist():
    for link in re.findall(r"\]\((docs/[^)]+)\)", TEXT):
        path, _, anchor = link.partition("#")
        assert (REPO / path).is_file(), link
        if anchor:
            headings = re.findall(r"^#+ (.+)$", (REPO / path).read_text(), re.MULTILINE)
            assert anchor in {github_anchor(h) for h in headings}, link
