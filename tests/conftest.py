"""Shared fixtures: the repo, the CLI, and a real chromium driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "files"
CHROMIUM = os.environ.get("WALKBESIDE_CHROMIUM", "/usr/bin/chromium")
# Flags this closed network needs: no background calls home, no sandbox as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the real `walkbeside` command as a user would."""
    return subprocess.run([sys.executable, "-m", "walkbeside.cli", *map(str, args)], cwd=cwd or REPO,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium through Playwright. Skips without it unless WALKBESIDE_REQUIRE_BROWSER=1."""
    required = os.environ.get("WALKBESIDE_REQUIRE_BROWSER") == "1"
    if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
        if required:
            pytest.fail(f"WALKBESIDE_REQUIRE_BROWSER=1 but no chromium at {CHROMIUM} (apt-get install chromium)")
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class OfflinePage:
    """A page whose every non-file request is blocked and counted."""

    def __init__(self, browser, allow_prefixes=("file:",), viewport=None):
        self.external: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.allow = allow_prefixes

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.allow):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def offline_page(browser):
    page = OfflinePage(browser)
    yield page
    page.close()
