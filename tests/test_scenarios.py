"""Scenario files: schema, story-graph checks and the curriculum's standards (scenarios.py)."""

from __future__ import annotations

import pytest

from walkbeside import curriculum, scenarios

from conftest import FILES, REPO, run_cli

REPO_SCENARIOS = scenarios.scenario_files(REPO)
DEFECTS = FILES / "scenarios"


@pytest.mark.parametrize("path", REPO_SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_repo_scenario_passes_schema_graph_and_standards(path):
    scenario, problems = scenarios.check_file(path, REPO)
    assert problems == []
    assert scenario.module == path.parent.name


def test_every_module_has_at_least_three_scenarios():
    for ref in curriculum.modules(REPO):
        assert len(scenarios.for_module(ref.slug, REPO)) >= 3, ref.slug


@pytest.mark.parametrize(("fixture", "expected"), [
    ("02-boundaries/dangling-target.yaml", "dangling-target.yaml:25: choice leads to unknown node 'ending-fod'"),
    ("02-boundaries/unreachable-node.yaml", "unreachable-node.yaml:21: unreachable: no choice leads to 'second'"),
    ("02-boundaries/dead-end.yaml", "dead-end.yaml:21: dead end: node 'second' has no choices and is not an ending"),
    ("02-boundaries/loop-no-way-out.yaml", "loop-no-way-out.yaml:21: loop with no way out: from 'second' no ending can be reached"),
    ("02-boundaries/duplicate-id.yaml", "duplicate-id.yaml:36: duplicate id 'ending-talk' (first used at line 31)"),
    ("02-boundaries/ending-without-debrief.yaml", "ending-without-debrief.yaml:36: endings.1: this ending has no debrief"),
    ("02-boundaries/broken-yaml.yaml", "broken-yaml.yaml:9: invalid YAML: expected ',' or ']'"),
    ("02-boundaries/broken-json.json", "broken-json.json:4: invalid JSON: Expecting ',' delimiter"),
    ("02-boundaries/empty-file.yaml", "empty-file.yaml:1: the file is empty"),
    ("02-boundaries/two-endings-only.yaml", "two-endings-only.yaml:30: only 2 ending(s); a scenario needs at least 3"),
    ("99-no-such-module/unknown-module.yaml", "unknown-module.yaml:4: the module '99-no-such-module' does not exist"),
])
def test_defect_fixture_gives_file_line_message_through_the_cli(fixture, expected):
    result = run_cli("check", DEFECTS / fixture)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"tests/files/scenarios/{fixture.split('/')[0]}/") and expected in line for line in lines), result.stdout
    assert all(" — " in line for line in lines[:-1]), "every problem says what to do"


def test_broken_yaml_names_where_the_unclosed_part_starts():
    _, problems = scenarios.check_file(DEFECTS / "02-boundaries/broken-yaml.yaml", REPO)
    assert "starts at line 8" in problems[0].message


def test_markup_in_scenario_text_is_valid_content():
    scenario, problems = scenarios.check_file(DEFECTS / "02-boundaries/script-in-text.yaml", REPO)
    assert problems == []
    assert "<script>" in scenario.data["title"]


def test_longest_path_counts_decisions():
    scenario, _ = scenarios.check_file(DEFECTS / "02-boundaries/script-in-text.yaml", REPO)
    assert scenarios.longest_decisions(scenario) == 2


def test_load_scenario_accepts_short_module_names_and_reports_unknown_ids():
    first = REPO_SCENARIOS[0]
    short = f"{first.parent.name.split('-', 1)[1]}/{first.stem}"
    assert scenarios.load_scenario(short, REPO).id == first.stem
    with pytest.raises(scenarios.ScenarioNotFound, match="No scenario file"):
        scenarios.load_scenario(f"{first.parent.name}/no-such-scenario", REPO)
    with pytest.raises(scenarios.ScenarioNotFound, match="module/scenario"):
        scenarios.load_scenario("nonsense", REPO)


def test_avoided_terms_are_flagged_with_the_respectful_alternative(tmp_path):
    folder = tmp_path / "scenarios" / "02-boundaries"
    folder.mkdir(parents=True)
    text = (DEFECTS / "02-boundaries/script-in-text.yaml").read_text().replace(
        "Sam shrugs and starts talking about school.", "Sam says a teen prostitute lives next door.")
    (folder / "script-in-text.yaml").write_text(text)
    _, problems = scenarios.check_file(folder / "script-in-text.yaml", REPO)
    assert [p.message for p in problems] == ["avoid the term 'teen prostitute'"]
    assert "child survivor of commercial sexual exploitation" in problems[0].fix
