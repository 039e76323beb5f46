"""Every module meets the curriculum's content standards (the module issues' checklist)."""

from __future__ import annotations

import json
import re

import pytest

from walkbeside import contract, curriculum, readability, scenarios, selfchecks
from walkbeside.language import find_avoided_terms

from conftest import REPO

MODULES = curriculum.modules(REPO)


@pytest.fixture(params=MODULES, ids=lambda m: m.slug)
def module(request):
    ref = request.param
    return ref, contract.read(ref.notebook)


def test_manifest_order_matches_the_zero_padded_file_names():
    assert [m.slug for m in MODULES] == ["00-foundations", "01-trauma-bonds", "02-boundaries", "03-consistency", "04-self-care"]
    for ref in MODULES:
        assert ref.slug.startswith(f"{ref.number:02d}-") and ref.slug == ref.slug.lower()


def test_module_passes_the_contract(module):
    ref, _ = module
    assert contract.check_module(ref.notebook, REPO) == []


def test_at_least_2000_words_of_teaching_text_at_grade_10_or_below(module):
    ref, _ = module
    words, grade = readability.measure(ref.notebook)
    assert words >= readability.MIN_WORDS
    assert grade <= readability.MAX_GRADE


def test_at_least_three_scenarios_all_shown_in_the_module(module):
    ref, nb = module
    shown = {args[0] for _, func, args in contract.widget_calls(nb) if func == "scenario"}
    files = {f"{ref.slug}/{p.stem}" for p in scenarios.for_module(ref.slug, REPO)}
    assert len(files) >= 3
    assert files == shown, "every scenario file is played in its module, and only those"


def test_scenarios_have_two_decisions_three_endings_and_one_backfire(module):
    ref, _ = module
    for path in scenarios.for_module(ref.slug, REPO):
        loaded, problems = scenarios.check_file(path, REPO)
        assert problems == []
        assert scenarios.longest_decisions(loaded) >= 2
        outcomes = [e["outcome"] for e in loaded.data["endings"]]
        assert len(outcomes) >= 3 and "backfired" in outcomes


def test_three_private_reflections_and_a_six_question_self_check(module):
    ref, nb = module
    calls = contract.widget_calls(nb)
    reflections = [args for _, func, args in calls if func == "reflection"]
    assert len(reflections) >= 3
    assert [args for _, func, args in calls if func == "self_check"] == [[ref.slug]]
    assert len(selfchecks.load_self_check(ref.slug, REPO)["questions"]) >= 6
    assert [func for _, func, _ in calls][0] == "crisis_card", "the crisis card comes first"


def test_practice_boxes_and_trainer_notes_for_a_90_minute_session(module):
    _, nb = module
    practice = [c for c in nb.cells if contract.PRACTICE_TAG in contract.tags(c)]
    assert len(practice) >= 2
    assert all(contract.source(c).lstrip().startswith("### What this looks like in practice") for c in practice)
    trainer = "\n".join(contract.source(c) for c in nb.cells if contract.TRAINER_TAG in contract.tags(c))
    assert "90" in trainer
    assert re.search(r"discussion", trainer, re.IGNORECASE)
    assert re.search(r"disclos", trainer, re.IGNORECASE) and re.search(r"upset|distress", trainer, re.IGNORECASE)


def test_anatomy_metadata_is_complete(module):
    _, nb = module
    meta = nb.meta
    assert 40 <= meta["minutes"] <= 60
    assert 3 <= len(meta["objectives"]) <= 5
    assert len(meta["references"]) >= 6
    assert meta["glossary"], "terms feed the course glossary"
    source_articles = [r for r in meta["references"] if re.search(r"Patton|Spagnuolo|Reclaiming Life|My Safe Haven|mental health|Aftermath", r["citation"], re.IGNORECASE)]
    assert source_articles, "cites the relevant commissioning articles"


def test_no_avoided_terms_anywhere_a_learner_reads(module):
    _, nb = module
    for cell in nb.cells:
        assert find_avoided_terms(contract.source(cell)) == []


@pytest.mark.parametrize("path", sorted((REPO / "modules").glob("*.ipynb")) + sorted((REPO / "assessments" / "source").rglob("*.ipynb")), ids=lambda p: str(p.relative_to(REPO)))
def test_notebooks_are_committed_without_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None
    assert "widgets" not in nb["metadata"], "no saved widget state"
