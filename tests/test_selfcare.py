"""Module 04's private tools (selfcare.py): the original check-in is scored and interpreted
exactly as its data says, and nothing the learner answers is trusted without checking."""

from __future__ import annotations

import re

import pytest

from walkbeside import selfcare

from conftest import REPO


@pytest.fixture(scope="module")
def check_in():
    return selfcare.load_tool("04-self-care", "check_in", REPO)


def test_the_tools_file_passes_its_schema_and_band_checks():
    data, problems = selfcare.check_file(selfcare.tools_file("04-self-care", REPO), REPO)
    assert problems == [] and data is not None


def test_every_possible_total_falls_in_exactly_one_band(check_in):
    for key, items in (("bands", check_in["items"]), ("positive_bands", check_in["positive_items"])):
        top = len(items) * (len(selfcare.SCALE) - 1)
        for total in range(top + 1):
            assert len([b for b in check_in[key] if b["min"] <= total <= b["max"]]) == 1, (key, total)


def test_scoring_sums_strain_and_positive_statements_separately(check_in):
    answers = {item["id"]: 4 for item in check_in["items"]} | {item["id"]: 1 for item in check_in["positive_items"]}
    assert selfcare.score(check_in, answers) == (4 * len(check_in["items"]), len(check_in["positive_items"]))
    assert selfcare.band_for(check_in, 0)["min"] == 0
    assert selfcare.band_for(check_in, 4 * len(check_in["items"]))["max"] == 4 * len(check_in["items"])
    assert "988" in selfcare.band_for(check_in, 4 * len(check_in["items"]))["text"], "the highest band points to crisis help"


def test_entries_from_the_browser_are_cleaned_and_rescored(check_in):
    first = check_in["items"][0]["id"]
    entry = selfcare.clean_entry(check_in, {"answers": {first: 3, "made-up": 4, check_in["items"][1]["id"]: 99}, "total": 1000})
    assert entry["answers"] == {first: 3}
    assert (entry["total"], entry["positive"]) == (3, 0)


def test_it_never_claims_to_be_a_validated_measure(check_in):
    assert re.search(r"\bnot a test, a diagnosis or a validated measure\b", check_in["intro"])
    assert "not a validated" in check_in["not_a_measure"]
    assert "proqol.org" in check_in["intro"].lower()


def test_broken_bands_are_reported_with_their_line(tmp_path):
    source = selfcare.tools_file("04-self-care", REPO).read_text()
    broken = tmp_path / "04-self-care.yaml"
    broken.write_text(source.replace("- min: 13\n", "- min: 14\n", 1))
    _, problems = selfcare.check_file(broken, REPO)
    assert len(problems) == 1 and "no gaps or overlaps" in problems[0].message
    assert source.splitlines()[problems[0].line - 1].strip() == "bands:"
