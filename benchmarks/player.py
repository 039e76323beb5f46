"""Player weight and speed: bytes of each offline scenario page, and milliseconds from
navigation start until the first choice button exists and is enabled, in Debian's chromium.

    .venv/bin/python benchmarks/player.py [--runs 5]

Prints numbers only; nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from walkbeside import html, scenarios

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Records the first moment a choice button is in the page (before Playwright sees it).
FIRST_CHOICE = """
new MutationObserver((_, obs) => {
  if (document.querySelector('.wb-choice:not([disabled])')) { window.__firstChoice = performance.now(); obs.disconnect(); }
}).observe(document, {subtree: true, childList: true});
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="wb-bench-player-"))
    assets = len(html.player_assets().encode())
    print(f"player script + CSS (once per page): {assets:,} bytes")
    print(f"{'scenario':45} {'page bytes':>11} {'first choice ms (median of %d)' % args.runs:>32}")
    sizes, times = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for path in scenarios.scenario_files():
            loaded, problems = scenarios.check_file(path)
            if problems:
                continue
            page_file = folder / f"{path.parent.name}-{path.stem}.html"
            page_file.write_text(html.standalone_page(loaded.data["title"], html.activity_html(loaded.payload())), encoding="utf-8")
            size = page_file.stat().st_size
            runs = []
            for _ in range(args.runs):
                context = browser.new_context()
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
                page = context.new_page()
                page.add_init_script(FIRST_CHOICE)
                page.goto(page_file.as_uri())
                page.wait_for_function("window.__firstChoice !== undefined")
                runs.append(page.evaluate("window.__firstChoice"))
                context.close()
            sizes.append(size)
            times.append(statistics.median(runs))
            print(f"{loaded.key:45} {size:>11,} {statistics.median(runs):>32.1f}")
        browser.close()
    print(f"{'all scenarios: median':45} {statistics.median(sizes):>11,.0f} {statistics.median(times):>32.1f}")
    print(f"{'all scenarios: largest / slowest':45} {max(sizes):>11,} {max(times):>32.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
