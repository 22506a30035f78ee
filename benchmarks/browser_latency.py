"""Responsiveness of every explorer in a real browser: key press to updated figure.

For each explorer of each notebook (the list in tests/browser/explorers.py), JupyterLab
runs the notebook in headless Chromium; the explorer's main slider is moved ten times with
the arrow key, and the time from the key press to the new picture is measured in the page.
Goal: median under 150 ms, worst under 400 ms.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.browser.explorers import EXPLORERS
from tests.browser.lab import (
    CHROMIUM_ARGS,
    open_notebook,
    press_slider,
    run_all,
    running_lab,
    shutdown_kernels,
    wait_for_explorer,
)
from tests.browser.test_lab import _slider_names

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
PRESSES = 10


def run_latency(progress: Callable[[str], None] = print) -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, running_lab(ROOT / "notebooks", Path(tmp)) as lab:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for name, explorers in sorted(EXPLORERS.items()):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_notebook(page, lab.notebook_url(name))
                run_all(page)
                for index, (factory, main_slider) in enumerate(explorers):
                    python = factory()
                    if main_slider is None:  # driven by dropdowns only: nothing to time
                        continue
                    wait_for_explorer(page, index, len(_slider_names(python)))
                    title = python.title or f"explorer {index}"
                    times = []
                    for i in range(PRESSES):
                        key = "ArrowRight" if i < PRESSES // 2 else "ArrowLeft"
                        seconds = press_slider(page, index, main_slider, key)
                        if seconds >= 0:
                            times.append(seconds)
                    row = {
                        "notebook": name,
                        "explorer": title,
                        "median_ms": 1000 * statistics.median(times) if times else float("nan"),
                        "worst_ms": 1000 * max(times) if times else float("nan"),
                        "updates": len(times),
                    }
                    rows.append(row)
                    progress(
                        f"  {name:40s} {title[:40]:40s} median {row['median_ms']:6.0f} ms  "
                        f"worst {row['worst_ms']:6.0f} ms  ({len(times)}/{PRESSES} updates)"
                    )
                page.close()
                shutdown_kernels(lab)
            browser.close()
    return rows


def latency_table(rows: list[dict[str, object]]) -> list[str]:
    out = [
        "| notebook | explorer | median key-to-figure | worst | figure updates seen |",
        "|---|---|---:|---:|---:|",
    ]
    for r in rows:
        out.append(
            f"| {r['notebook']} | {r['explorer']} | {r['median_ms']:.0f} ms | "
            f"{r['worst_ms']:.0f} ms | {r['updates']}/{PRESSES} |"
        )
    return out


PLAY_SECONDS = 6.0


def run_play_fps(progress: Callable[[str], None] = print) -> list[dict[str, object]]:
    """Frames per second of every Play control: figure updates seen in the page while playing.

    Each notebook with a Player is run in JupyterLab; Play is pressed for 6 s and every new
    picture the page receives is counted. Goal: at least 10 updates per second.
    """
    from playwright.sync_api import sync_playwright

    from tests.browser.lab import play_frames, player_count
    from tests.browser.test_play import notebooks_with_players

    rows = []
    with tempfile.TemporaryDirectory() as tmp, running_lab(ROOT / "notebooks", Path(tmp)) as lab:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            for name in notebooks_with_players():
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                open_notebook(page, lab.notebook_url(name))
                run_all(page)
                for index in range(player_count(page)):
                    frames, seconds = play_frames(page, index, PLAY_SECONDS)
                    row = {"notebook": name, "player": index, "fps": frames / seconds}
                    rows.append(row)
                    progress(f"  {name:40s} player {index}: {row['fps']:5.1f} frames/s")
                page.close()
                shutdown_kernels(lab)
            browser.close()
    return rows


def play_table(rows: list[dict[str, object]]) -> list[str]:
    out = ["| notebook | player | figure updates per second while playing |", "|---|---:|---:|"]
    out += [f"| {r['notebook']} | {r['player']} | {r['fps']:.1f} |" for r in rows]
    return out
