"""A real JupyterLab server and a headless Chromium for the browser tests.

The server runs on 127.0.0.1 on a random free port with a random token, on a temporary
copy of the notebooks (so running them never touches the repository), with settings that
keep every cell in the DOM and keep JupyterLab from reaching the network. It is stopped by
its own process handle at the end of the session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .lab import CHROMIUM_ARGS, LabServer, running_lab

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _missing(what: str, how: str) -> None:
    message = f"{what} is not available, so the browser tests cannot run. {how}"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and {message}", pytrace=False)
    pytest.skip(f"SKIPPING BROWSER TESTS: {message}")


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        _missing(f"Chromium ({CHROMIUM})", "Install it with: apt-get install chromium")
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_sync():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Python Playwright", "Install it with: pip install -e '.[dev]'")
    return sync_playwright


@pytest.fixture(scope="session")
def lab_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: Path
) -> Iterator[LabServer]:
    with running_lab(ROOT / "notebooks", tmp_path_factory.mktemp("lab")) as server:
        yield server


@pytest.fixture(scope="session")
def browser(playwright_sync, chromium_path: Path):
    with playwright_sync() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    yield page
    context.close()
