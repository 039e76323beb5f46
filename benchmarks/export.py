"""Benchmark: `walkbeside export` of the whole course against plain `jupyter nbconvert --to html`.

For the same notebooks (every module in modules/manifest.yml) this reports:

- wall time of each command in a fresh process, as a user runs it (interleaved runs, median
  and best; the default is 3 runs each);
- the weight of each module page: walkbeside's page alone, the page plus the two shared files
  it loads (assets/walkbeside.css and .js), the --single-file page, and nbconvert's page;
- the requests each page makes to any host, counted in chromium (Playwright) with every
  non-file request blocked: walkbeside's pages should make none, nbconvert's fetch require.js,
  MathJax and more from CDNs.

    .venv/bin/python benchmarks/export.py [--runs 3] [--json results.json] [--no-browser]

Targets (issue 12): no slower than nbconvert, every module page smaller than nbconvert's page
for the same notebook, zero external requests. The exit code is 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from walkbeside import curriculum  # noqa: E402

CHROMIUM = os.environ.get("WALKBESIDE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{result.stderr}")
    return elapsed


def run_both(notebooks: list[Path], work: Path, runs: int) -> tuple[list[float], list[float], Path, Path]:
    env = {**os.environ, "WALKBESIDE_ROOT": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    walkbeside = [sys.executable, "-m", "walkbeside.cli", "export", "--audience", "learner"]
    nbconvert = [sys.executable, "-m", "nbconvert", "--to", "html", "--log-level", "WARN"]
    ours, theirs = [], []
    for n in range(runs):
        site, plain = work / f"site-{n}", work / f"nbconvert-{n}"
        # Interleaved, alternating which goes first, so background load hits both alike.
        jobs = [("w", walkbeside + ["--out", str(site)]), ("n", nbconvert + ["--output-dir", str(plain), *map(str, notebooks)])]
        for kind, cmd in (jobs if n % 2 == 0 else jobs[::-1]):
            (ours if kind == "w" else theirs).append(timed(cmd, env))
    return ours, theirs, work / "site-0", work / "nbconvert-0"


def single_file(work: Path) -> Path:
    out = work / "single"
    env = {**os.environ, "WALKBESIDE_ROOT": str(REPO)}
    timed([sys.executable, "-m", "walkbeside.cli", "export", "--single-file", "--out", str(out)], env)
    return out


def blocker(external: list[str]):
    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()
    return route


def count_requests(pages: list[Path]) -> dict[str, list[str]]:
    """Every non-file request each page makes on load (all blocked), by page."""
    from playwright.sync_api import sync_playwright

    found: dict[str, list[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for page_path in pages:
                context = browser.new_context()
                external: list[str] = []

                context.route("**/*", blocker(external))
                page = context.new_page()
                page.goto(page_path.as_uri(), wait_until="load")
                page.wait_for_timeout(1500)  # scripts that load more scripts (require.js, MathJax)
                found[str(page_path)] = external
                context.close()
        finally:
            browser.close()
    return found


def kb(n: int) -> str:
    return f"{n / 1024:.0f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (default 3)")
    parser.add_argument("--json", type=Path, default=None, help="also write the numbers to this file")
    parser.add_argument("--no-browser", action="store_true", help="skip counting requests in chromium")
    parser.add_argument("--keep", type=Path, default=None, help="keep the outputs in this folder")
    args = parser.parse_args(argv)

    refs = curriculum.modules(REPO)
    notebooks = [ref.notebook for ref in refs]
    work = Path(tempfile.mkdtemp(prefix="wb-bench-export-"))
    try:
        print(f"{len(notebooks)} notebooks, {args.runs} run(s) of each command, interleaved ...", flush=True)
        ours, theirs, site, plain = run_both(notebooks, work, args.runs)
        single = single_file(work)
        assets = sum((site / "assets" / name).stat().st_size for name in ("walkbeside.css", "walkbeside.js"))
        rows = []
        for ref in refs:
            page = (site / f"{ref.slug}.html").stat().st_size
            rows.append({"module": ref.slug, "walkbeside_page": page, "walkbeside_page_with_assets": page + assets,
                         "walkbeside_single_file": (single / f"{ref.slug}.html").stat().st_size,
                         "nbconvert_page": (plain / f"{ref.slug}.html").stat().st_size})
        requests: dict[str, list[str]] = {}
        if not args.no_browser:
            pages = sorted(site.glob("*.html")) + sorted(single.glob("*.html")) + [plain / f"{r.slug}.html" for r in refs]
            requests = count_requests(pages)

        w_med, n_med = statistics.median(ours), statistics.median(theirs)
        print()
        print("Time for the whole course (fresh process each run)")
        print(f"  walkbeside export     median {w_med:6.2f} s   best {min(ours):6.2f} s   runs {', '.join(f'{t:.2f}' for t in ours)}")
        print(f"  jupyter nbconvert     median {n_med:6.2f} s   best {min(theirs):6.2f} s   runs {', '.join(f'{t:.2f}' for t in theirs)}")
        print(f"  ratio (walkbeside / nbconvert, median): {w_med / n_med:.2f}")
        print(f"  (walkbeside writes {len(list(site.glob('*.html')))} pages: the modules plus index, glossary, key points, crisis resources, about)")
        print()
        print("Module page weight")
        print(f"  {'module':<18} {'walkbeside':>11} {'+ assets':>10} {'single-file':>12} {'nbconvert':>10}")
        for row in rows:
            print(f"  {row['module']:<18} {kb(row['walkbeside_page']):>11} {kb(row['walkbeside_page_with_assets']):>10} "
                  f"{kb(row['walkbeside_single_file']):>12} {kb(row['nbconvert_page']):>10}")
        print(f"  (shared assets loaded once by every walkbeside page: {kb(assets)})")
        if requests:
            print()
            print("Requests to any network host on load (all blocked)")
            groups = {"walkbeside site": [p for p in requests if str(site) in p], "walkbeside --single-file": [p for p in requests if str(single) in p],
                      "nbconvert": [p for p in requests if str(plain) in p]}
            for label, pages in groups.items():
                total = sum(len(requests[p]) for p in pages)
                print(f"  {label:<26} {total:3d} requests from {len(pages)} pages")
            hosts = sorted({u.split('/')[2] for p in groups["nbconvert"] for u in requests[p] if '//' in u})
            example = requests[groups["nbconvert"][0]] if groups["nbconvert"] else []
            print(f"  nbconvert hosts: {', '.join(hosts) or '-'}")
            for url in example:
                print(f"    {url}")

        ok_time = w_med <= n_med
        ok_size = all(r["walkbeside_page_with_assets"] < r["nbconvert_page"] and r["walkbeside_single_file"] < r["nbconvert_page"] for r in rows)
        ok_requests = all(not urls for p, urls in requests.items() if str(plain) not in p) if requests else None
        print()
        print("Targets")
        print(f"  no slower than nbconvert:                          {'PASS' if ok_time else 'MISS'}")
        print(f"  every module page (with assets, and single-file) smaller than nbconvert's: {'PASS' if ok_size else 'MISS'}")
        print(f"  zero external requests:                            {'PASS' if ok_requests else ('not measured' if ok_requests is None else 'MISS')}")
        if args.json:
            args.json.write_text(json.dumps({"walkbeside_seconds": ours, "nbconvert_seconds": theirs, "pages": rows,
                                             "assets_bytes": assets, "requests": requests}, indent=1) + "\n", encoding="utf-8")
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        return 0 if ok_time and ok_size and ok_requests is not False else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
