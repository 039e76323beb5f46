"""The Python side of the widgets (learn.py): choosing, stepping back, restarting, and
recording progress and private reflections on the learner's computer only."""

from __future__ import annotations

import json

import pytest

from walkbeside import learn, progress

from conftest import FILES, REPO


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("WALKBESIDE_WORKSPACE", str(tmp_path))
    monkeypatch.setenv("WALKBESIDE_ROOT", str(REPO))
    return tmp_path


@pytest.fixture
def player(ws, monkeypatch):
    # The markup fixture is a complete, valid scenario with two decisions and three endings.
    from walkbeside import scenarios

    loaded, problems = scenarios.check_file(FILES / "scenarios/02-boundaries/script-in-text.yaml", REPO)
    assert problems == []
    return learn.ScenarioPlayer(loaded)


def saved(ws):
    return json.loads((ws / ".walkbeside" / "progress.json").read_text())["modules"]["02-boundaries"]["scenarios"]["script-in-text"]


def test_choosing_moves_through_the_story_and_records_the_ending(player, ws):
    node, ending = player.position()
    assert node["id"] == "start" and ending is None
    player.choose(0)
    assert player.position()[0]["id"] == "second"
    assert saved(ws) == {"endings": [], "path": [0], "updated": saved(ws)["updated"]}
    player.choose(1)
    node, ending = player.position()
    assert node is None and ending["id"] == "ending-bill"
    assert saved(ws)["endings"] == ["ending-bill"]
    with pytest.raises(ValueError):
        player.choose(0)  # no choices at an ending


def test_step_back_and_restart_keep_endings_reached(player, ws):
    player.choose(0)
    player.choose(0)
    player.step_back()
    assert player.position()[0]["id"] == "second"
    player.choose(1)
    player.restart()
    assert player.state["path"] == [] and player.position()[0]["id"] == "start"
    assert saved(ws)["endings"] == ["ending-food", "ending-bill"]
    assert saved(ws)["path"] == []


def test_a_new_player_resumes_where_the_learner_left_off(player, ws):
    player.choose(0)
    again = learn.ScenarioPlayer(player.scenario)
    assert again.state["path"] == [0]


def test_path_sent_by_the_browser_is_validated(player, ws):
    player.state = {"path": [0, 7, "x"], "endings": ["made-up"]}  # as a tampered front end might
    assert saved(ws)["endings"] == []


def test_reflection_text_is_saved_locally_and_never_in_outputs(ws):
    widget = learn.reflection("02-boundaries/my-limits", "What limit will be hardest to hold?")
    sent = []
    widget.send = sent.append
    widget._on_message(widget, {"type": "save", "key": "02-boundaries/my-limits", "text": "My secret thought"}, [])
    assert sent == [{"type": "saved", "key": "02-boundaries/my-limits"}]
    assert progress.load_reflection("02-boundaries/my-limits", ws) == "My secret thought"
    widget._on_message(widget, {"type": "load", "key": "02-boundaries/my-limits"}, [])
    assert sent[-1]["text"] == "My secret thought"
    bundle = widget._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "My secret thought" not in json.dumps(data)
    assert "My secret thought" not in json.dumps(widget.get_state())


def test_messages_for_another_key_are_ignored(ws):
    widget = learn.reflection("02-boundaries/a", "Prompt")
    widget.send = lambda msg: pytest.fail("must not answer")
    widget._on_message(widget, {"type": "save", "key": "02-boundaries/b", "text": "x"}, [])
    assert progress.load_reflection("02-boundaries/b", ws) == ""


def test_fallback_html_is_self_contained_and_escapes_markup(player):
    bundle = player._repr_mimebundle_()
    page = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    assert "<script>window.__pwned" not in page
    assert "&lt;script&gt;window.__pwned" in page
    assert "http://" not in page and "https://" not in page
    assert 'type="module"' in page


def test_unknown_ids_show_a_notice_not_a_traceback(ws):
    notice = learn.scenario("02-boundaries/nope")
    assert isinstance(notice, learn.Notice)
    assert "cannot be shown" in notice._repr_html_()
    assert isinstance(learn.self_check("99-nothing"), learn.Notice)
    assert isinstance(learn.check_in("02-boundaries"), learn.Notice)


def test_crisis_card_lists_the_us_resources():
    html = learn.crisis_card()._repr_html_()
    for needed in ("1-888-373-7888", "233733", "988", "911", "1-800-422-4453"):
        assert needed in html


def test_check_in_and_plan_are_saved_locally_by_message(ws):
    check_in = learn.check_in("04-self-care")
    sent = []
    check_in.send = sent.append
    items = check_in.payload["items"]
    answers = {item["id"]: 1 for item in items} | {"not-a-statement": 4}
    check_in._on_message(check_in, {"type": "save-check-in", "key": "04-self-care", "entry": {"answers": answers, "total": 999}}, [])
    history = sent[-1]
    assert history["type"] == "check-in-history" and len(history["entries"]) == 1
    entry = history["entries"][0]
    assert entry["total"] == len(items), "the total is recomputed here, not trusted from the browser"
    assert "not-a-statement" not in entry["answers"]
    assert progress.check_ins("04-self-care", ws) == history["entries"]
    assert json.dumps(entry) not in json.dumps(check_in.get_state()), "answers never sit in widget state"

    plan = learn.self_care_plan("04-self-care")
    plan.send = sent.append
    first = plan.payload["sections"][0]["id"]
    plan._on_message(plan, {"type": "save-plan", "key": "04-self-care", "plan": {first: "Call Sam."}}, [])
    assert sent[-1] == {"type": "plan-saved", "key": "04-self-care"}
    plan._on_message(plan, {"type": "load-plan", "key": "04-self-care"}, [])
    assert sent[-1]["plan"] == {first: "Call Sam."}
    assert (ws / ".walkbeside" / "plans.json").exists()
