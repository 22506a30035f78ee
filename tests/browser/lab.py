"""Driving JupyterLab from Playwright: start a server, open a notebook, run it, move sliders.

Shared by the browser tests and the latency benchmark (benchmarks/browser_latency.py).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LAB_SETTINGS = {
    # Keep every cell in the DOM (no virtual scrolling), so tests can see all outputs.
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # No news or update checks: the test machine has no network.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    root: Path

    def notebook_url(self, name: str) -> str:
        # reset: start from an empty workspace, so no earlier notebook is reopened beside it
        return f"{self.url}/lab/tree/{name}?reset&token={self.token}"


@contextmanager
def running_lab(notebooks: Path, base: Path) -> Iterator[LabServer]:
    """JupyterLab on 127.0.0.1, a random free port and token, on a copy of ``notebooks``."""
    root = base / "notebooks"
    shutil.copytree(notebooks, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "settings"
    for name, content in LAB_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))
    port, token = _free_port(), secrets.token_hex(16)
    log = (base / "lab.log").open("w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(base / "config"), "TQDM_DISABLE": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={base / 'workspaces'}",
            "--LabApp.news_url=",
            *(["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=root,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not start; its log:\n{(base / 'lab.log').read_text()}"
                    ) from None
                time.sleep(0.3)
        yield LabServer(url, token, root)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


RUN_ALL = 'li.lm-Menu-item[data-command="runmenu:run-all"]'


def open_notebook(page, url: str, timeout: float = 60_000) -> None:
    """Open a notebook and wait until its kernel is idle."""
    page.goto(url)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout)
    wait_idle(page, timeout)


def wait_idle(page, timeout: float = 120_000) -> None:
    page.wait_for_function(
        """() => {
            const bar = document.querySelector('#jp-main-statusbar');
            return bar && bar.innerText.includes('Idle');
        }""",
        timeout=timeout,
    )


def run_all(page, timeout: float = 180_000) -> None:
    """Run every cell (menu Run > Run All Cells) and wait until every code cell has run."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(RUN_ALL).click()
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.innerText));
        }""",
        timeout=timeout,
    )
    wait_idle(page, timeout)


def error_outputs(page) -> list[str]:
    """Texts of every error or stderr output, and of every widget that failed to render."""
    return page.evaluate(
        """() => {
            const bad = [];
            for (const el of document.querySelectorAll('.jp-OutputArea-output')) {
                const mime = el.getAttribute('data-mime-type') || '';
                const text = el.innerText || '';
                if (mime.includes('stderr') || mime.includes('error')
                    || text.includes('Error displaying widget') || text.includes('Traceback'))
                    bad.push(text.slice(0, 500));
            }
            return bad;
        }"""
    )


@dataclass
class ExplorerView:
    """What the browser shows of one explorer."""

    sliders: list[float]
    readout: str
    image_src: str
    dropdowns: list[str]  # the label each dropdown shows


def wait_for_explorer(page, index: int, sliders: int, timeout: float = 30_000) -> None:
    """Wait until explorer ``index`` shows its figure, its readout and all its sliders."""
    page.wait_for_function(
        """([i, n]) => {
            const box = document.querySelectorAll('.lecturelib-explorer')[i];
            if (!box) return false;
            const img = box.querySelector('.lecturelib-figure');
            return box.querySelector('.lecturelib-readout pre') !== null
                && (!img || (img.getAttribute('src') || '').length > 0)
                && box.querySelectorAll('.widget-slider .widget-readout').length === n;
        }""",
        arg=[index, sliders],
        timeout=timeout,
    )


def shutdown_kernels(server: LabServer) -> None:
    """Stop every kernel the server runs (each notebook test starts one)."""
    base = f"{server.url}/api/sessions"
    with urllib.request.urlopen(f"{base}?token={server.token}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/{session['id']}?token={server.token}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


def explorer_count(page) -> int:
    return page.locator(".lecturelib-explorer").count()


def read_explorer(page, index: int) -> ExplorerView:
    data = page.evaluate(
        """(i) => {
            const box = document.querySelectorAll('.lecturelib-explorer')[i];
            // The readout has the slider's own format (aria-valuenow is rounded coarser);
            // negative numbers use the Unicode minus sign.
            const readouts = [...box.querySelectorAll('.widget-slider .widget-readout')];
            const img = box.querySelector('.lecturelib-figure');
            const readout = box.querySelector('.lecturelib-readout pre');
            const selects = [...box.querySelectorAll('.widget-dropdown select')];
            return {
                sliders: readouts.map(r => parseFloat(r.innerText.replace('\u2212', '-'))),
                readout: readout ? readout.innerText : '',
                image: img ? img.getAttribute('src') || '' : '',
                dropdowns: selects.map(
                    s => s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text),
            };
        }""",
        index,
    )
    return ExplorerView(data["sliders"], data["readout"], data["image"], data["dropdowns"])


def press_dropdown(page, index: int, dropdown: int) -> None:
    """Choose the next option of one dropdown of one explorer, as a student would."""
    select = (
        page.locator(".lecturelib-explorer")
        .nth(index)
        .locator(".widget-dropdown select")
        .nth(dropdown)
    )
    current = select.evaluate("s => s.selectedIndex")
    count = select.evaluate("s => s.options.length")
    select.select_option(index=(current + 1) % count)


def press_slider(page, index: int, slider: int, key: str = "ArrowRight") -> float:
    """Press a key on one slider of one explorer; return seconds until the figure changed.

    Returns a negative number if the figure did not change within 10 s.
    """
    handle = (
        page.locator(".lecturelib-explorer")
        .nth(index)
        .locator(".widget-slider .noUi-handle")
        .nth(slider)
    )
    handle.focus()
    page.evaluate(
        """(i) => {
            const img = document.querySelectorAll('.lecturelib-explorer')[i]
                .querySelector('.lecturelib-figure');
            window.__lecturelibChanged = new Promise(resolve => {
                const observer = new MutationObserver(() => {
                    observer.disconnect(); resolve(performance.now());
                });
                observer.observe(img, {attributes: true, attributeFilter: ['src']});
                setTimeout(() => { observer.disconnect(); resolve(-1); }, 10000);
            });
        }""",
        index,
    )
    start = page.evaluate("() => performance.now()")
    page.keyboard.press(key)
    changed = page.evaluate("() => window.__lecturelibChanged")
    return -1.0 if changed < 0 else (changed - start) / 1000.0


def settle(page, index: int, previous: str, timeout: float = 10.0) -> ExplorerView:
    """Wait until an explorer's readout differs from ``previous`` and stops changing."""
    deadline = time.monotonic() + timeout
    view = read_explorer(page, index)
    while view.readout == previous and time.monotonic() < deadline:
        time.sleep(0.05)
        view = read_explorer(page, index)
    time.sleep(0.2)
    return read_explorer(page, index)


PLAYERS = (
    "() => [...document.querySelectorAll('.lecturelib-explorer')]"
    ".filter(b => b.querySelector('.lecturelib-play'))"
)


def player_count(page) -> int:
    """How many explorers on the page have a Play control (lecturelib.widgets.player)."""
    return page.evaluate(f"() => ({PLAYERS})().length")


def play_frames(page, index: int, seconds: float) -> tuple[int, float]:
    """Press Play on player ``index``, count the figure's updates for ``seconds``, press pause.

    Returns (figure updates seen, seconds measured in the page). Frames are counted in the
    page itself (a MutationObserver on the image's ``src``), as a student would see them.
    """
    page.evaluate(
        f"""(i) => {{
            const box = ({PLAYERS})()[i];
            const img = box.querySelector('.lecturelib-figure');
            window.__lecturelibFrames = 0;
            window.__lecturelibObserver = new MutationObserver(() => {{
                window.__lecturelibFrames += 1;
            }});
            window.__lecturelibObserver.observe(
                img, {{attributes: true, attributeFilter: ['src']}});
            window.__lecturelibStart = performance.now();
            box.querySelector('.lecturelib-play button').click();  // the first button: play
        }}""",
        index,
    )
    time.sleep(seconds)
    result = page.evaluate(
        f"""(i) => {{
            const box = ({PLAYERS})()[i];
            const buttons = box.querySelectorAll('.lecturelib-play button');
            buttons[1].click();  // pause
            window.__lecturelibObserver.disconnect();
            const seconds = (performance.now() - window.__lecturelibStart) / 1000;
            return [window.__lecturelibFrames, seconds];
        }}""",
        index,
    )
    return int(result[0]), float(result[1])


def player_image(page, index: int) -> str:
    """The ``src`` of player ``index``'s figure (changes with every frame shown)."""
    return page.evaluate(
        f"(i) => ({PLAYERS})()[i].querySelector('.lecturelib-figure').getAttribute('src') || ''",
        index,
    )
