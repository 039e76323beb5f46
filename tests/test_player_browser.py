"""The offline player in real chromium (static/player.js through html.py): every path of every
scenario by keyboard only, from file://, with every non-file request blocked and counted."""

from __future__ import annotations

import pytest

from walkbeside import html, scenarios, selfchecks

from conftest import FILES, REPO

pytestmark = pytest.mark.browser
SCENARIOS = scenarios.scenario_files(REPO)


def all_paths(data):
    """Every choice path from the start to an ending (a node is not revisited on one path)."""
    nodes = {n["id"]: n for n in data["nodes"]}
    endings = {e["id"] for e in data["endings"]}
    found = []

    def walk(node_id, path, seen):
        for i, choice in enumerate(nodes[node_id]["choices"]):
            if choice["goes_to"] in endings:
                found.append(path + [i])
            elif choice["goes_to"] not in seen:
                walk(choice["goes_to"], path + [i], seen | {choice["goes_to"]})

    start = data["nodes"][0]["id"]
    walk(start, [], {start})
    return found


def page_for(payload, tmp_path, name="page.html"):
    target = tmp_path / name
    target.write_text(html.standalone_page(payload.get("title", "Self-check"), html.activity_html(payload)), encoding="utf-8")
    return target.as_uri()


def serious(results):
    return [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def choose_by_keyboard(page, index):
    """From the focused heading (or page start), Tab to choice `index` and press Enter."""
    for _ in range(index + 1):
        page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "wb-choice", f"focus is on {focused!r}, not a choice"
    page.keyboard.press("Enter")


def ending_of(data, path):
    nodes = {n["id"]: n for n in data["nodes"]}
    node = data["nodes"][0]
    for i in path:
        target = node["choices"][i]["goes_to"]
        node = nodes.get(target)
    return next(e for e in data["endings"] if e["id"] == target)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_path_plays_to_its_ending_by_keyboard_offline(path, offline_page, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    scenario, problems = scenarios.check_file(path, REPO)
    assert problems == []
    data = scenario.payload()
    page = offline_page.page
    page.goto(page_for(data, tmp_path))
    page.wait_for_selector(".wb-choice")
    assert serious(Axe().run(page)) == []
    paths = all_paths(data)
    reached = set()
    for number, choices in enumerate(paths):
        node = data["nodes"][0]
        nodes = {n["id"]: n for n in data["nodes"]}
        for step, i in enumerate(choices):
            choose_by_keyboard(page, i)
            choice = node["choices"][i]
            page.wait_for_function("t => document.querySelector('.wb-scenario').textContent.includes(t)", arg=choice["consequence"][:60])
            live = page.locator(".wb-scenario [aria-live]").first
            page.wait_for_function("el => el.textContent.length > 0", arg=live.element_handle())
            assert page.evaluate("document.activeElement.tagName") == "H4", "focus moves to the new situation"
            node = nodes.get(choice["goes_to"], node)
        ending = ending_of(data, choices)
        text = page.locator(".wb-scenario").inner_text()
        assert f"Ending: {ending['title']}" in text
        assert ending["debrief"].split()[0] in text
        assert " ".join(ending["debrief"].split()) in " ".join(text.split())
        reached.add(ending["id"])
        if number == 0:
            assert serious(Axe().run(page)) == []
        # Start again by keyboard: Tab past "Step back one choice" to "Start again".
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Start again"
        page.keyboard.press("Enter")
        page.wait_for_selector(".wb-now")
        page.evaluate("document.activeElement.blur(); document.querySelector('.wb-now h4').focus()")
    assert reached == {e["id"] for e in data["endings"]}
    tally = page.locator(".wb-tally").inner_text()
    assert f"{len(reached)} of {len(data['endings'])}" in tally
    assert offline_page.external == []
    assert offline_page.errors == []


def test_markup_in_a_scenario_shows_as_text(offline_page, tmp_path):
    scenario, _ = scenarios.check_file(FILES / "scenarios/02-boundaries/script-in-text.yaml", REPO)
    page = offline_page.page
    page.goto(page_for(scenario.payload(), tmp_path))
    page.wait_for_selector(".wb-choice")
    assert page.locator(".wb-title").inner_text().startswith("<script>window.__pwned = true</script>")
    page.locator(".wb-choice").first.click()
    page.wait_for_selector("text=Told you")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator(".wb-scenario script, .wb-scenario img, .wb-scenario b, .wb-scenario u").count() == 0


def test_progress_survives_a_reload_in_the_browser(offline_page, tmp_path):
    scenario, _ = scenarios.check_file(FILES / "scenarios/02-boundaries/script-in-text.yaml", REPO)
    page = offline_page.page
    url = page_for(scenario.payload(), tmp_path)
    page.goto(url)
    page.locator(".wb-choice").nth(1).click()
    page.wait_for_selector(".wb-ending")
    page.reload()
    page.wait_for_selector(".wb-ending")
    assert "1 of 3" in page.locator(".wb-tally").inner_text()


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 640, "height": 450}], ids=["phone", "zoom-200"])
def test_readable_on_a_phone_and_at_200_percent_zoom(browser, tmp_path, viewport):
    from conftest import OfflinePage

    scenario, _ = scenarios.check_file(REPO / "scenarios/02-boundaries/late-night-money.yaml", REPO)
    offline = OfflinePage(browser, viewport=viewport)
    try:
        page = offline.page
        page.goto(page_for(scenario.payload(), tmp_path))
        page.wait_for_selector(".wb-choice")
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), "no sideways scrolling"
        box = page.locator(".wb-choice").first.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    finally:
        offline.close()


def test_self_check_gives_feedback_on_every_option(offline_page, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    payload = selfchecks.load_self_check("02-boundaries", REPO)
    page = offline_page.page
    page.goto(page_for(payload, tmp_path))
    first = payload["questions"][0]
    for index, option in enumerate(first["options"]):
        page.locator(".wb-question").first.locator("label").nth(index).click()
        feedback = page.locator(".wb-question").first.locator(".wb-feedback")
        expected = "This is the strongest response." if option.get("best") else "There is a stronger response."
        assert feedback.inner_text().startswith(expected)
        assert " ".join(option["feedback"].split()) in " ".join(feedback.inner_text().split())
    assert "1 of" in page.locator(".wb-tally").inner_text()
    assert serious(Axe().run(page)) == []
    assert offline_page.external == [] and offline_page.errors == []


def test_reflection_is_kept_in_the_browser_and_can_be_downloaded(offline_page, tmp_path):
    payload = {"kind": "reflection", "key": "02-boundaries/my-limits", "prompt": "Which limit will be hardest to hold?"}
    page = offline_page.page
    url = page_for(payload, tmp_path)
    page.goto(url)
    box = page.get_by_label("Which limit will be hardest to hold?")
    box.fill("Saying no to money.")
    box.blur()
    page.wait_for_selector("text=Saved on this computer")
    page.reload()
    assert page.get_by_label("Which limit will be hardest to hold?").input_value() == "Saying no to money."
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my reflections").click()
    text = (tmp_path / "reflections.txt")
    download.value.save_as(text)
    assert "Which limit will be hardest to hold?\nSaying no to money." in text.read_text()
    assert offline_page.external == [] and offline_page.errors == []


def test_check_in_scores_remembers_history_and_plan_saves(offline_page, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    from walkbeside import selfcare

    check_in = selfcare.load_tool("04-self-care", "check_in", REPO)
    page = offline_page.page
    page.goto(page_for(check_in, tmp_path, "check-in.html"))
    page.get_by_role("button", name="See my check-in").click()
    assert "Please answer every statement" in page.locator(".wb-feedback").inner_text()
    for fieldset in page.locator(".wb-question").all():
        fieldset.get_by_label("Sometimes").check()  # 2 points each
    page.get_by_role("button", name="See my check-in").click()
    total = 2 * len(check_in["items"])
    result = page.locator(".wb-feedback").inner_text()
    assert f"Your total today: {total} of {4 * len(check_in['items'])}." in result
    assert " ".join(selfcare.band_for(check_in, total)["text"].split()) in " ".join(result.split())
    assert "not a validated measure" in result
    page.wait_for_selector(".wb-history table")
    assert page.locator(".wb-history tbody tr").count() == 1
    assert serious(Axe().run(page)) == []

    plan = selfcare.load_tool("04-self-care", "plan", REPO)
    page.goto(page_for(plan, tmp_path, "plan.html"))
    first = plan["sections"][0]["title"]
    page.get_by_label(first).fill("Checking my phone all evening.")
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_selector("text=Plan saved on this computer")
    page.reload()
    assert page.get_by_label(first).input_value() == "Checking my phone all evening."
    assert offline_page.external == [] and offline_page.errors == []
