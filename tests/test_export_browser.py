"""The exported site in real chromium, opened from file:// with every non-file request blocked
and counted: no network, no console errors, axe clean, every activity works, print and phone.

One export per edition is made per module run and reused by every test here.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import deque

import pytest

from walkbeside import curriculum
from walkbeside.export import Org, build, export_site, load_org

from conftest import REPO, OfflinePage
from test_export import tiny_course

pytestmark = pytest.mark.browser
MODULES = curriculum.modules(REPO)
PAGES = [ref.slug for ref in MODULES] + ["index", "glossary", "key-points", "crisis-resources", "about"]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "site"
    export_site(out, org=load_org(REPO / "examples" / "org.yml"), audience="learner", root=REPO)
    return out


def serious(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe would otherwise re-fetch the stylesheet, which the pages' CSP
    # (connect-src 'none': nothing typed can be sent anywhere) rightly blocks.
    result = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {v['nodes'][0]['target']})"
            for v in result.response["violations"] if v["impact"] in ("serious", "critical")]


def open_page(offline: OfflinePage, url: str):
    page = offline.page
    page.goto(url)
    page.wait_for_load_state("load")
    page.wait_for_function("() => [...document.querySelectorAll('[data-walkbeside]')].every(m => m.hasAttribute('data-wb-mounted'))")
    page.wait_for_timeout(50)  # the player answers its first messages (saved text, history) asynchronously
    return page


def visible_heading_levels(page) -> list[int]:
    return page.evaluate("""() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]
        .filter(h => h.checkVisibility()).map(h => Number(h.tagName[1]))""")


def payloads(page, kind: str) -> list[dict]:
    raw = page.eval_on_selector_all("[data-walkbeside]", "ms => ms.map(m => m.getAttribute('data-walkbeside'))")
    return [p for p in map(json.loads, raw) if p["kind"] == kind]


def shortest_path(data: dict) -> list[int]:
    """Choice indexes of the shortest way from the start to any ending."""
    nodes = {n["id"]: n for n in data["nodes"]}
    endings = {e["id"] for e in data["endings"]}
    queue = deque([(data["nodes"][0]["id"], [])])
    seen = set()
    while queue:
        node_id, path = queue.popleft()
        if node_id in seen:
            continue
        seen.add(node_id)
        for i, choice in enumerate(nodes[node_id]["choices"]):
            if choice["goes_to"] in endings:
                return path + [i]
            queue.append((choice["goes_to"], path + [i]))
    raise AssertionError(f"no way to an ending in {data['key']}")


# --------------------------------------------------------------------------- every page

@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_no_errors_passes_axe_and_fits_a_phone(name, site, browser):
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (site / f"{name}.html").as_uri())
        assert serious(page) == []
        assert page.evaluate("document.documentElement.lang") == "en"
        levels = visible_heading_levels(page)
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
        for role in ("banner", "navigation", "main", "contentinfo"):
            assert page.get_by_role(role).count() >= 1, role
        assert page.evaluate("[...document.images].every(i => i.alt.trim() && i.complete && i.naturalWidth > 0)")
        page.set_viewport_size(PHONE)
        page.wait_for_timeout(50)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), "no sideways scrolling on a phone"
        assert offline.external == [], offline.external
        assert offline.errors == [], offline.errors
    finally:
        offline.close()


def test_skip_link_is_the_first_tab_stop_and_focus_is_visible(site, browser):
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (site / f"{MODULES[0].slug}.html").as_uri())
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
        assert page.evaluate("getComputedStyle(document.activeElement).top") != "-320px"  # moved on screen
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        page.keyboard.press("Tab")
        style = page.evaluate("(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()")
        assert style[0] != "none" and style[1] != "0px", style
    finally:
        offline.close()


# --------------------------------------------------------------------------- every activity

@pytest.mark.parametrize("slug", [ref.slug for ref in MODULES])
def test_every_activity_on_a_module_page_works_offline(slug, site, browser):
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (site / f"{slug}.html").as_uri())
        # Every scenario plays to an ending.
        for index, data in enumerate(payloads(page, "scenario")):
            box = page.locator(".wb-scenario").nth(index)
            for step in shortest_path(data):
                box.locator(".wb-choice").nth(step).click()
            ending = box.locator(".wb-ending")
            ending.wait_for()
            assert ending.locator("h4").inner_text().startswith("Ending: ")
            assert "Debrief" in ending.inner_text()
            assert "Endings you have reached: 1 of" in box.locator(".wb-tally").inner_text()
        # Every self-check answers every question, with feedback on a weaker option first.
        for index, data in enumerate(payloads(page, "self_check")):
            box = page.locator(".wb-self-check").nth(index)
            for qi, question in enumerate(data["questions"]):
                fieldset = box.locator(".wb-question").nth(qi)
                weaker = next(i for i, o in enumerate(question["options"]) if not o.get("best"))
                best = next(i for i, o in enumerate(question["options"]) if o.get("best"))
                fieldset.locator("label").nth(weaker).click()
                assert fieldset.locator(".wb-feedback").inner_text().startswith("There is a stronger response.")
                fieldset.locator("label").nth(best).click()
                feedback = fieldset.locator(".wb-feedback").inner_text()
                assert feedback.startswith("This is the strongest response.")
                assert " ".join(question["options"][best]["feedback"].split()) in " ".join(feedback.split())
            n = len(data["questions"])
            assert f"You have answered {n} of {n} questions." in box.locator(".wb-tally").inner_text()
        # Self-care tools (module 04): the check-in gives a result, the plan saves.
        for index, data in enumerate(payloads(page, "check_in")):
            box = page.locator(".wb-check-in").nth(index)
            for fieldset in box.locator(".wb-question").all():
                fieldset.locator("label").nth(1).click()
            box.get_by_role("button", name="See my check-in").click()
            assert "Your total today" in box.locator(".wb-feedback").inner_text()
        for index, data in enumerate(payloads(page, "plan")):
            box = page.locator(".wb-plan").nth(index)
            box.locator("textarea").first.fill("Walk by the river after a hard visit.")
            box.get_by_role("button", name="Save my plan").click()
            page.wait_for_function("el => el.textContent.includes('Plan saved')", arg=box.locator(".wb-saved").element_handle())
        # Reflections are typed, kept in this browser, survive a reload and can be downloaded.
        reflections = payloads(page, "reflection")
        for index, data in enumerate(reflections):
            box = page.locator(".wb-reflection").nth(index)
            box.locator("textarea").fill(f"My private note {index} for {data['key']}")
            box.locator("textarea").blur()
            page.wait_for_function("el => el.textContent.startsWith('Saved on this computer')", arg=box.locator(".wb-saved").element_handle())
        if reflections:
            page.reload()
            open_page(offline, page.url)
            page.wait_for_function("() => document.querySelector('.wb-reflection textarea').value !== ''")
            for index, data in enumerate(reflections):
                assert page.locator(".wb-reflection textarea").nth(index).input_value() == f"My private note {index} for {data['key']}"
            with page.expect_download() as download:
                page.get_by_role("button", name="Download my reflections").first.click()
            text = open(download.value.path(), encoding="utf-8").read()
            for index, data in enumerate(reflections):
                assert data["prompt"] in text and f"My private note {index} for {data['key']}" in text
        assert offline.external == [], "nothing typed or clicked leaves the browser"
        assert offline.errors == [], offline.errors
    finally:
        offline.close()


# --------------------------------------------------------------------------- print

def test_print_shows_scenarios_as_text_and_no_buttons(site, browser):
    offline = OfflinePage(browser)
    try:
        slug = MODULES[0].slug
        page = open_page(offline, (site / f"{slug}.html").as_uri())
        page.emulate_media(media="print")
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert page.evaluate("[...document.querySelectorAll('button, textarea, input, .site-nav, .skip-link, .pager')].filter(e => e.checkVisibility()).length") == 0
        texts = page.locator(".wb-text-version")
        assert texts.count() == page.locator("[data-walkbeside]").count() > 0
        assert all(t.is_visible() for t in texts.all())
        for data in payloads(page, "scenario"):
            printed = " ".join(page.locator(".wb-text-version").all_inner_texts())
            assert f"Scenario: {data['title']}" in printed
            for ending in data["endings"]:
                assert " ".join(ending["debrief"].split()) in " ".join(printed.split())
        assert page.evaluate("[...document.querySelectorAll('.wb-crisis details')].every(d => d.open)")
        page.pdf(path=str(site.parent / "print.pdf"))  # the print pipeline itself runs without errors
        assert offline.errors == [] and offline.external == []
    finally:
        offline.close()


# --------------------------------------------------------------------------- other editions

def test_trainer_edition_shows_marked_trainer_notes_and_passes_axe(browser, tmp_path):
    out = tmp_path / "trainer"
    export_site(out, audience="trainer", root=REPO)
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (out / f"{MODULES[0].slug}.html").as_uri())
        notes = page.get_by_role("note", name="Trainer notes")
        assert notes.count() >= 1 and notes.first.is_visible()
        assert "trainer notes · not in the learner edition" in notes.first.inner_text().lower()
        assert serious(page) == []
        assert offline.external == [] and offline.errors == []
    finally:
        offline.close()


def test_a_single_file_module_works_on_its_own(browser, tmp_path):
    out = tmp_path / "single"
    export_site(out, org=load_org(REPO / "examples" / "org.yml"), single_file=True, root=REPO)
    alone = tmp_path / "emailed"
    alone.mkdir()
    slug = MODULES[-1].slug
    shutil.copy(out / f"{slug}.html", alone / "attachment.html")
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (alone / "attachment.html").as_uri())
        assert page.locator(".wb-scenario, .wb-self-check, .wb-reflection").count() > 0, "the inline player ran (its CSP hash matches)"
        data = payloads(page, "scenario")
        if data:
            box = page.locator(".wb-scenario").first
            for step in shortest_path(data[0]):
                box.locator(".wb-choice").nth(step).click()
            box.locator(".wb-ending").wait_for()
        page.get_by_role("link", name=re.compile("Crisis resources")).first.click()
        assert page.url.endswith("#crisis-resources")
        assert page.locator("#crisis-resources").is_visible()
        assert page.evaluate("document.styleSheets.length") >= 1 and page.evaluate("document.images[0].naturalWidth") > 0
        assert serious(page) == []
        assert offline.external == [] and offline.errors == []
        assert [u for u in page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")] == []
    finally:
        offline.close()


def test_markup_in_a_scenario_renders_as_text_on_the_exported_page(browser, tmp_path):
    root = tiny_course(tmp_path, extra_markdown="Raw <script>window.__pwned = true</script> stays text.")
    files, _ = build(org=Org(), audience="learner", single_file=False, root=root)
    out = tmp_path / "site"
    out.mkdir()
    for rel, text in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, encoding="utf-8")
    offline = OfflinePage(browser)
    try:
        page = open_page(offline, (out / "02-boundaries.html").as_uri())
        assert page.locator(".wb-title").inner_text().startswith("<script>window.__pwned = true</script>")
        page.locator(".wb-choice").first.click()
        page.wait_for_selector("text=Told you")
        assert "Raw <script>window.__pwned = true</script> stays text." in page.locator("main").inner_text()
        assert page.evaluate("window.__pwned === undefined")
        assert page.locator(".wb-scenario script, .wb-scenario img, .wb-scenario b, .wb-scenario u, main p script").count() == 0
        assert offline.external == [] and offline.errors == []
    finally:
        offline.close()
