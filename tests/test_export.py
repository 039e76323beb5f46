"""`walkbeside export` without a browser: what the pages contain, what they must never contain,
org.yml problems at their file:line, single-file pages with nothing to load, and a safe --out.

The browser half (network, console, axe, playing every activity) is tests/test_export_browser.py.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import mistune
import pytest

from walkbeside import contract, curriculum, scenarios
from walkbeside.export import Org, build, export_site, load_org
from walkbeside.export.markdown import Links, Markdown, PageState
from walkbeside.export.org import contrast, darker_until
from walkbeside.problems import UserError

from conftest import FILES, REPO, run_cli

MODULES = curriculum.modules(REPO)
COURSE_PAGES = ["index", "glossary", "key-points", "crisis-resources", "about"]
ORG_DEFECTS = sorted(p for p in FILES.glob("org-*.yml") if p.read_text(encoding="utf-8").startswith("# expect:"))


# --------------------------------------------------------------------------- helpers

def norm(text: str) -> str:
    return " ".join(html.unescape(text).split())


def visible_text(page: str) -> str:
    """Text of a page: element text and attribute values (the activities' JSON), unescaped."""
    return norm(re.sub(r"<[^>]+>", " ", page)) + " " + norm(" ".join(re.findall(r'="([^"]*)"', page)))


def markdown_text(source: str) -> str:
    return norm(re.sub(r"<[^>]+>", " ", mistune.html(source)))


def fragments(text: str, minimum: int = 30) -> list[str]:
    """Sentences long enough to be unmistakable."""
    parts = re.split(r"(?<=[.!?:])\s+|\s*\n\s*", text)
    return [p.strip() for p in parts if len(p.strip()) >= minimum]


def learner_visible_sources() -> str:
    """Everything a learner may legitimately see: non-trainer markdown and all activity content."""
    parts = []
    for ref in MODULES:
        nb = contract.read(ref.notebook)
        parts += [markdown_text(contract.source(c)) for c in nb.cells
                  if c.get("cell_type") == "markdown" and contract.TRAINER_TAG not in contract.tags(c)]
        parts.append(norm(json.dumps(nb.meta, ensure_ascii=False)))
    for path in scenarios.scenario_files(REPO):
        parts.append(norm(path.read_text(encoding="utf-8")))
    for path in (REPO / "modules" / "self-checks").glob("*.yaml"):
        parts.append(norm(path.read_text(encoding="utf-8")))
    return " ".join(parts)


def trainer_fragments() -> list[tuple[str, str]]:
    """(module, sentence) for every trainer-note sentence that appears nowhere a learner reads."""
    allowed = learner_visible_sources()
    found = []
    for ref in MODULES:
        nb = contract.read(ref.notebook)
        for cell in nb.cells:
            if contract.TRAINER_TAG in contract.tags(cell):
                found += [(ref.slug, f) for f in fragments(markdown_text(contract.source(cell))) if f not in allowed]
    return found


def assessment_secrets() -> list[str]:
    """Answer keys, hidden-test explanations and sample answers from the nbgrader sources."""
    secrets = []
    allowed = learner_visible_sources()
    for path in sorted((REPO / "assessments" / "source").rglob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            src = contract.source(cell)
            meta = (cell.get("metadata") or {}).get("nbgrader") or {}
            hidden = re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)(.*?)### END (?:SOLUTION|HIDDEN TESTS)", src, re.S)
            for block in hidden:
                secrets += [s for s in re.findall(r'"([^"\n]{40,})"|\'([^\'\n]{40,})\'', block) for s in s if s]
            if cell.get("cell_type") == "markdown" and meta.get("solution"):
                secrets += fragments(markdown_text(src), 40)
    return sorted({norm(s) for s in secrets if norm(s) not in allowed})


@pytest.fixture(scope="module")
def learner(tmp_path_factory):
    out = tmp_path_factory.mktemp("learner") / "site"
    export_site(out, org=load_org(REPO / "examples" / "org.yml"), audience="learner", root=REPO)
    return out


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    out = tmp_path_factory.mktemp("trainer") / "site"
    export_site(out, audience="trainer", root=REPO)
    return out


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "site"
    export_site(out, org=load_org(REPO / "examples" / "org.yml"), audience="learner", single_file=True, root=REPO)
    return out


def pages_of(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


# --------------------------------------------------------------------------- the command

def test_cli_exports_the_whole_course_to_the_default_folder(tmp_path):
    result = run_cli("export", "--org", REPO / "examples" / "org.yml", cwd=tmp_path, env={"WALKBESIDE_ROOT": str(REPO)})
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build" / "site"
    expected = {f"{ref.slug}.html" for ref in MODULES} | {f"{name}.html" for name in COURSE_PAGES}
    assert {p.name for p in out.glob("*.html")} == expected
    assert (out / "assets" / "walkbeside.css").is_file() and (out / "assets" / "walkbeside.js").is_file()
    assert f"Exported {len(expected)} pages (learner edition)" in result.stdout
    assert "index.html" in result.stdout
    assert result.stderr == ""


def test_help_lists_every_option():
    result = run_cli("export", "--help")
    assert result.returncode == 0
    for option in ("--out", "--org", "--audience", "--single-file", "build/site"):
        assert option in result.stdout


def test_every_module_in_the_manifest_has_a_page_with_its_title_and_activities(learner):
    pages = pages_of(learner)
    kinds = {"scenario": "scenario", "self_check": "self_check", "reflection": "reflection", "check_in": "check_in", "self_care_plan": "plan"}
    for ref in MODULES:
        nb = contract.read(ref.notebook)
        page = pages[f"{ref.slug}.html"]
        h1 = re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert len(h1) == 1 and norm(re.sub(r"<[^>]+>", "", h1[0])) == norm(nb.meta["title"])
        calls = contract.widget_calls(nb)
        mounts = [json.loads(html.unescape(m)) for m in re.findall(r'data-walkbeside="([^"]*)"', page)]
        assert [(m["kind"], m["key"]) for m in mounts] == [(kinds[f], a[0]) for _, f, a in calls if f != "crisis_card"]
        if any(f == "crisis_card" for _, f, _ in calls):
            assert 'class="wb wb-crisis"' in page
        # nothing of a notebook's machinery: no prompts, no code, no outputs
        assert not re.search(r"In(?:&nbsp;|\s)\[|Out\[", page)
        for cell in nb.cells:
            if cell.get("cell_type") == "code":
                for line in contract.source(cell).splitlines():
                    if "import" in line:  # the calls themselves may be named in the prose
                        assert html.escape(line.strip(), quote=False) not in page and line.strip() not in page, line


def test_index_lists_every_module_with_minutes_and_how_to_use(learner):
    page = (learner / "index.html").read_text(encoding="utf-8")
    for ref in MODULES:
        meta = contract.read(ref.notebook).meta
        assert f'href="{ref.slug}.html"' in page
        assert f"<td>{meta['minutes']}</td>" in page
    total = sum(contract.read(r.notebook).meta["minutes"] for r in MODULES)
    assert f"about {total} minutes in all" in page
    assert "How to use this site" in page and "Download my reflections" in page
    assert "Riverside Mentoring Network" in page


def test_glossary_and_key_points_come_from_every_module(learner):
    glossary = visible_text((learner / "glossary.html").read_text(encoding="utf-8"))
    points = visible_text((learner / "key-points.html").read_text(encoding="utf-8"))
    about = visible_text((learner / "about.html").read_text(encoding="utf-8"))
    for ref in MODULES:
        meta = contract.read(ref.notebook).meta
        for entry in meta.get("glossary", []):
            assert norm(entry["term"]) in glossary
            assert markdown_text(entry["definition"]) in glossary
        for point in meta["key_points"]:
            assert markdown_text(point) in points
        for reference in meta["references"]:
            assert norm(reference["citation"]).lower() in about.lower()


def test_crisis_links_go_to_the_crisis_page_and_module_links_work(learner):
    for name, page in pages_of(learner).items():
        assert "crisis-resources.md" not in page, name
        for target in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', page):
            assert (learner / target).is_file(), f"{name} links to missing {target}"
        for anchor in re.findall(r'href="#([^"]+)"', page):
            assert f'id="{anchor}"' in page, f"{name}: no #{anchor}"
        for target, anchor in re.findall(r'href="([\w-]+\.html)#([^"]+)"', page):
            assert f'id="{anchor}"' in (learner / target).read_text(encoding="utf-8")
    for ref in MODULES:
        page = (learner / f"{ref.slug}.html").read_text(encoding="utf-8")
        assert 'href="crisis-resources.html"' in page


def test_learner_edition_has_no_trainer_notes_but_the_trainer_edition_has_them_boxed(learner, single, trainer):
    secret = trainer_fragments()
    assert secret, "the modules have trainer notes to check"
    for out in (learner, single):
        for name, page in pages_of(out).items():
            text = visible_text(page)
            leaked = [f for _, f in secret if f in text]
            assert leaked == [], f"{name} carries trainer text: {leaked[:3]}"
            assert 'class="trainer-note"' not in page
    trainer_pages = pages_of(trainer)
    for slug, fragment in secret:
        assert fragment in visible_text(trainer_pages[f"{slug}.html"])
    for ref in MODULES:
        page = trainer_pages[f"{ref.slug}.html"]
        cells = [c for c in contract.read(ref.notebook).cells if contract.TRAINER_TAG in contract.tags(c)]
        assert page.count('<div class="trainer-note" role="note" aria-label="Trainer notes">') == len(cells)
        assert "Trainer notes · not in the learner edition" in page
        assert "Trainer edition." in page


def test_learner_edition_has_no_assessment_answers(learner, single):
    secrets = assessment_secrets()
    for out in (learner, single):
        for name, page in pages_of(out).items():
            text = visible_text(page)
            assert [s for s in secrets if s in text] == [], name
            for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "answer_1", "nbgrader", "check_answer_form"):
                assert marker not in page, f"{name} has {marker!r}"


def test_no_learner_data_from_the_exporting_machine_is_read_or_exported(tmp_path):
    """Progress, reflections and check-ins in ~/WalkBeside and any .walkbeside/ are never opened."""
    home = tmp_path / "home"
    workspace = home / "WalkBeside"
    canary = "CANARY-my-private-reflection-7f3a"
    for folder in (workspace / ".walkbeside", tmp_path / "cwd" / ".walkbeside"):
        folder.mkdir(parents=True)
        (folder / "reflections.json").write_text(json.dumps({"00-foundations/steady-adult": canary}), encoding="utf-8")
        (folder / "progress.json").write_text(json.dumps({"modules": {"00-foundations": {"note": canary}}}), encoding="utf-8")
    probe = (
        "import sys\n"
        "opened = []\n"
        "def hook(event, args):\n"
        "    if event == 'open' and isinstance(args[0], str) and ('.walkbeside' + '/' in args[0] or 'WalkBeside' in args[0]):\n"
        "        opened.append(args[0])\n"
        "sys.addaudithook(hook)\n"
        "from walkbeside.cli import main\n"
        "code = main(['export', '--out', sys.argv[1]])\n"
        "print('OPENED', opened)\n"
        "sys.exit(code)\n"
    )
    out = tmp_path / "out"
    env = {**os.environ, "HOME": str(home), "WALKBESIDE_WORKSPACE": str(workspace), "WALKBESIDE_ROOT": str(REPO)}
    result = subprocess.run([sys.executable, "-c", probe, str(out)], cwd=tmp_path / "cwd", env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "OPENED []" in result.stdout
    for page in out.rglob("*"):
        if page.is_file():
            assert canary not in page.read_text(encoding="utf-8")


def test_markup_in_scenarios_and_markdown_is_text(tmp_path):
    root = tiny_course(tmp_path, extra_markdown="Raw <script>window.__pwned = 1</script> and <img src=x onerror=alert(1)> stay text.")
    files, _ = build(org=Org(), audience="learner", single_file=False, root=root)
    page = files["02-boundaries.html"]
    assert "<script>window.__pwned" not in page and "<img src=x" not in page and "<b>not bold</b>" not in page
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page  # the markdown, escaped
    payload = json.loads(html.unescape(re.search(r'data-walkbeside="([^"]*)"', page).group(1)))
    assert payload["title"].startswith("<script>window.__pwned = true</script>")  # the scenario: data, not markup
    assert re.findall(r"<script\b", page) == ['<script']  # only the player


# --------------------------------------------------------------------------- single file

def test_single_file_pages_have_nothing_to_load_and_no_links_out(single):
    pages = pages_of(single)
    assert set(pages) == {f"{ref.slug}.html" for ref in MODULES}
    assert [p for p in single.rglob("*") if p.is_file() and p.suffix != ".html" and p.name != ".walkbeside-export.json"] == []
    for name, page in pages.items():
        for attr, value in re.findall(r'\s(src|href|srcset|action|poster|data)\s*=\s*"([^"]*)"', page):
            if attr == "src":
                assert value.startswith("data:image/"), f"{name}: src={value[:40]}"
            elif attr == "href":
                assert value.startswith(("#", "tel:", "sms:", "mailto:")), f"{name}: href={value}"  # calls and emails are not files
            else:
                pytest.fail(f"{name}: {attr}= found")
        assert not re.search(r"<link\b", page, re.I), name
        for style in re.findall(r"<style>(.*?)</style>", page, re.S):
            assert not re.search(r"@import|url\(", style, re.I), name
        assert "<style>" in page and "mountStatic(document)" in page
        assert 'id="crisis-resources"' in page and "Riverside County Youth Crisis Line" in page
        assert "Words used in this module" in page
        assert page.count("<h1") == 1


def test_single_file_page_shows_link_addresses_as_text():
    state = PageState(links=Links(single_file=True, slugs=("02-boundaries",)))
    out = Markdown().render("See [ProQOL](https://proqol.org/), <https://example.org/a> and [module 2](02-boundaries.ipynb).", state)
    assert "href" not in out
    assert "ProQOL <span class=\"wb-url\">(https://proqol.org/)</span>" in out
    assert "https://example.org/a" in out and "module 2" in out


# --------------------------------------------------------------------------- markdown

def test_headings_keep_one_h1_and_never_skip_levels():
    state = PageState(links=Links(single_file=False, slugs=()))
    md = Markdown()
    out = md.render("# Title\n\n#### Too deep\n\n# Another title\n\n### Fine", state)
    assert re.findall(r"<h(\d)", out) == ["1", "2", "2", "3"]
    assert 'id="Too-deep"' in out  # JupyterLab-style anchors


def test_links_are_rewritten_for_the_site():
    state = PageState(links=Links(single_file=False, slugs=("01-trauma-bonds",)), source="m.ipynb")
    out = Markdown().render("[crisis](crisis-resources.md) [next](01-trauma-bonds.ipynb#Key-points) [start](start-here.ipynb) "
                            "[gone](notes/secret.txt) [bad](javascript:alert(1))", state)
    assert 'href="crisis-resources.html"' in out
    assert 'href="01-trauma-bonds.html#Key-points"' in out
    assert 'href="index.html"' in out
    assert "secret.txt" not in out and "javascript" not in out
    assert [w.message for w in state.warnings][0].startswith("the link to 'secret.txt' cannot work")


def test_images_are_embedded_and_need_alt_text(tmp_path):
    (tmp_path / "pic.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 20)
    state = PageState(links=Links(single_file=True, slugs=()), source="m.ipynb", base=tmp_path)
    md = Markdown()
    out = md.render("![A drawing of two people walking](pic.png)", state, line=7)
    assert '<img src="data:image/png;base64,' in out and 'alt="A drawing of two people walking"' in out
    md.render("![](pic.png)", state, line=9)
    md.render("![Logo](https://example.org/logo.png)", state, line=11)
    assert [str(p).split(" — ")[0] for p in state.problems] == [
        "m.ipynb:9: the image 'pic.png' has no alt text",
        "m.ipynb:11: the image 'https://example.org/logo.png' would load from the network",
    ]


def test_a_module_with_problems_stops_the_export_with_file_and_line(tmp_path):
    root = tiny_course(tmp_path, scenario_key="02-boundaries/no-such-scenario")
    with pytest.raises(UserError) as caught:
        build(org=Org(), audience="learner", single_file=False, root=root)
    message = str(caught.value)
    assert re.search(r"modules/02-boundaries\.ipynb:\d+: scenario\('02-boundaries/no-such-scenario'\) cannot be exported", message)
    assert "Nothing was exported" in message


# --------------------------------------------------------------------------- org.yml

def expectation(path: Path) -> tuple[str, str]:
    line, message = path.read_text(encoding="utf-8").splitlines()[0].removeprefix("# expect:").strip().split(": ", 1)
    return line, message


@pytest.mark.parametrize("path", ORG_DEFECTS, ids=lambda p: p.stem)
def test_a_broken_org_file_gives_its_file_and_line(path, tmp_path, monkeypatch, capsys):
    from walkbeside.cli import main

    line, message = expectation(path)
    monkeypatch.chdir(REPO)
    out = tmp_path / "site"
    assert main(["export", "--org", str(path.relative_to(REPO)), "--out", str(out)]) == 2
    first = capsys.readouterr().err.splitlines()[0]
    assert first.startswith(f"walkbeside: tests/files/{path.name}:{line}: {message}"), first
    assert " — " in first  # every problem says what to do
    assert not out.exists(), "nothing is written when org.yml is broken"


def test_the_command_reports_a_broken_org_file_without_a_traceback(tmp_path):
    path = FILES / "org-low-contrast-accent.yml"
    line, message = expectation(path)
    result = run_cli("export", "--org", "tests/files/org-low-contrast-accent.yml", "--out", tmp_path / "site")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"walkbeside: tests/files/org-low-contrast-accent.yml:{line}: {message}")
    assert "Traceback" not in result.stderr and "Nothing was exported" in result.stderr
    assert not (tmp_path / "site").exists()


def test_the_example_org_file_is_valid_and_brands_every_page(learner):
    org = load_org(REPO / "examples" / "org.yml")
    assert org.name == "Riverside Mentoring Network" and org.logo_uri.startswith("data:image/svg+xml;base64,")
    assert org.crisis_mode == "extend"
    names = [r["name"] for r in org.crisis["resources"]]
    assert names[:4] == [r["name"] for r in load_org_defaults()] and names[-1] == "Riverside County Youth Crisis Line"
    for name, page in pages_of(learner).items():
        assert 'alt="Riverside Mentoring Network logo"' in page, name
        assert "Jordan Lee, volunteer coordinator" in page and 'href="tel:5550142"' in page
    css = (learner / "assets" / "walkbeside.css").read_text(encoding="utf-8")
    assert "--wb-accent: #22543d" in css and "--site-header-bg: #1c4532" in css
    crisis = (learner / "crisis-resources.html").read_text(encoding="utf-8")
    assert "Riverside County Youth Crisis Line" in crisis and "988 Suicide &amp; Crisis Lifeline" in crisis
    card = (learner / "00-foundations.html").read_text(encoding="utf-8")
    assert "Riverside County Youth Crisis Line" in card.split('class="wb wb-crisis"', 1)[1].split("</aside>", 1)[0]


def load_org_defaults():
    from walkbeside.html import crisis_resources

    return crisis_resources()["resources"]


def test_replace_mode_shows_only_the_organization_crisis_resources(tmp_path):
    org = load_org(FILES / "org-replace-crisis.yml")
    files, _ = build(org=org, audience="learner", single_file=False, root=REPO)
    crisis = files["crisis-resources.html"]
    assert "Northshore Youth Helpline" in crisis and 'href="tel:112"' in crisis and "Help right now" in crisis
    assert "988" not in crisis and "1-888-373-7888" not in crisis
    assert 'href="https://helpline.example.org"' in crisis


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#ffffff", "#ffffff"), 2) == 1.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # the well-known lightest AA grey
    assert round(contrast("#1d5f8a", "#ffffff"), 1) == 6.9
    shade = darker_until("#7fb3d5", ["#ffffff"])
    assert contrast(shade, "#ffffff") >= 4.5


def test_every_default_colour_pair_in_the_stylesheets_meets_aa():
    pairs = [("#1f2328", "#ffffff"), ("#4a5360", "#ffffff"), ("#4a5360", "#f4f7fa"), ("#1d5f8a", "#f4f7fa"),
             ("#6b3a00", "#fff6e8"), ("#ffffff", "#6b3a00"), ("#1f2328", "#fff6e8"), ("#ffffff", "#9b1c1c"), ("#0b3d91", "#ffffff")]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg)


# --------------------------------------------------------------------------- --out safety

def test_out_folder_with_other_files_is_refused_and_an_old_export_is_replaced(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "taxes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("export", "--out", mine)
    assert result.returncode == 2 and "already holds files that an export did not write" in result.stderr
    assert sorted(p.name for p in mine.iterdir()) == ["taxes.txt"]

    out = tmp_path / "site"
    export_site(out, root=REPO)
    (out / "index.html").write_text("stale", encoding="utf-8")
    marker = json.loads((out / ".walkbeside-export.json").read_text(encoding="utf-8"))
    marker["files"].append("old-module.html")
    (out / ".walkbeside-export.json").write_text(json.dumps(marker), encoding="utf-8")
    (out / "old-module.html").write_text("from an older course", encoding="utf-8")
    (out / "notes-by-hand.txt").write_text("not ours", encoding="utf-8")
    export_site(out, single_file=True, root=REPO)
    assert not (out / "old-module.html").exists() and not (out / "index.html").exists() and not (out / "assets").exists()
    assert (out / "notes-by-hand.txt").read_text(encoding="utf-8") == "not ours"
    assert sorted(p.name for p in out.glob("*.html")) == sorted(f"{r.slug}.html" for r in MODULES)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


# --------------------------------------------------------------------------- static accessibility

@pytest.mark.parametrize("edition", ["learner", "trainer"])
def test_every_page_has_lang_landmarks_skip_link_alt_text_and_ordered_headings(edition, learner, trainer):
    out = learner if edition == "learner" else trainer
    for name, page in pages_of(out).items():
        assert page.startswith("<!doctype html>\n<html lang=\"en\">"), name
        assert page.count("<h1") == 1, name
        levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", page.split('<main id="main"', 1)[1].split("</main>", 1)[0])]
        visible = levels  # text versions of activities are h3/h4 after an h2 or h3
        for before, after in zip(visible, visible[1:]):
            assert after <= before + 1, f"{name}: h{before} followed by h{after}"
        for landmark in ('<header class="site-header">', '<nav class="site-nav" aria-label="Course">', '<main id="main"', '<footer class="site-footer">'):
            assert landmark in page, f"{name}: {landmark}"
        assert page.index('<a class="skip-link" href="#main">') < page.index("<header")
        for img in re.findall(r"<img\b[^>]*>", page):
            assert re.search(r'alt="[^"]+"', img), f"{name}: {img[:80]}"
        assert "Content-Security-Policy" in page and "connect-src 'none'" in html.unescape(page)


# --------------------------------------------------------------------------- fixtures

def tiny_course(tmp_path: Path, *, scenario_key: str = "02-boundaries/script-in-text", extra_markdown: str = "") -> Path:
    """A one-module course holding the script-in-text scenario fixture."""
    root = tmp_path / "course"
    (root / "modules").mkdir(parents=True)
    (root / "scenarios" / "02-boundaries").mkdir(parents=True)
    (root / "modules" / "manifest.yml").write_text("modules:\n  - 02-boundaries\n", encoding="utf-8")
    shutil.copy(FILES / "scenarios" / "02-boundaries" / "script-in-text.yaml", root / "scenarios" / "02-boundaries")
    nb = json.loads((FILES / "module-valid-minimal.ipynb").read_text(encoding="utf-8"))
    cells = nb["cells"]
    extra = [{"cell_type": "markdown", "id": "extra", "metadata": {}, "source": f"## Practice\n\n{extra_markdown}\n"},
             {"cell_type": "code", "id": "play", "metadata": {"jupyter": {"source_hidden": True}}, "execution_count": None, "outputs": [],
              "source": f'from walkbeside.learn import scenario\nscenario("{scenario_key}")'},
             {"cell_type": "markdown", "id": "coach", "metadata": {"tags": ["trainer"]}, "source": "## Trainer notes\n\nTRAINER-ONLY-SENTENCE for the tiny course.\n"}]
    nb["cells"] = cells[:-1] + extra + cells[-1:]
    (root / "modules" / "02-boundaries.ipynb").write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return root
