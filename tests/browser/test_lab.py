"""Every notebook with explorers, run in JupyterLab in a real (headless) Chromium."""

from __future__ import annotations

import json
import re

import pytest

from .conftest import ROOT, SCREENSHOTS
from .explorers import EXPLORERS
from .lab import (
    error_outputs,
    explorer_count,
    open_notebook,
    press_slider,
    read_explorer,
    run_all,
    settle,
)


def _notebooks_with_widgets() -> list[str]:
    names = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text())
        if any(
            "application/vnd.jupyter.widget-view+json" in out.get("data", {})
            for cell in nb["cells"]
            for out in cell.get("outputs", [])
        ):
            names.append(path.name)
    return names


def test_every_notebook_with_widgets_is_covered() -> None:
    assert _notebooks_with_widgets(), "no notebook with widgets found"
    assert set(_notebooks_with_widgets()) <= set(EXPLORERS), (
        "add the new notebook's explorers to tests/browser/explorers.py"
    )


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_notebook_runs_and_explorers_respond(name: str, lab_server, page) -> None:
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    assert error_outputs(page) == []
    expected = EXPLORERS[name]
    assert explorer_count(page) == len(expected)
    SCREENSHOTS.mkdir(exist_ok=True)
    for index, (factory, main_slider) in enumerate(expected):
        before = read_explorer(page, index)
        python = factory()
        python.set(**dict(zip(_slider_names(python), before.sliders, strict=True)))
        assert same_numbers(before.readout, python.text), "the page shows other numbers"
        press_slider(page, index, main_slider, "ArrowRight")
        after = settle(page, index, before.readout)
        assert after.sliders != before.sliders, "the slider did not move"
        assert after.image_src != before.image_src, "the figure did not change"
        assert after.readout != before.readout, "the numbers did not change"
        python.set(**dict(zip(_slider_names(python), after.sliders, strict=True)))
        assert same_numbers(after.readout, python.text), "the page shows other numbers"
    page.screenshot(path=str(SCREENSHOTS / f"{name.removesuffix('.ipynb')}.png"), full_page=True)
    assert error_outputs(page) == []


NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def same_numbers(page_text: str, python_text: str) -> bool:
    """The same text with the same numbers, up to the last printed digit.

    A slider's value in the kernel is ``min + k * step`` (1.0500000000000007, not 1.05), so
    a number printed to 4 digits can differ in its last digit from one computed from the
    readout: allow that, nothing more.
    """
    if NUMBER.sub("#", page_text) != NUMBER.sub("#", python_text):
        return False
    for a, b in zip(NUMBER.findall(page_text), NUMBER.findall(python_text), strict=True):
        x, y = float(a), float(b)
        if x != y and abs(x - y) > 2e-3 * max(abs(x), abs(y)):
            return False
    return True


def _slider_names(explorer) -> list[str]:
    """The explorer's slider controls, in the order the page shows them."""
    return [
        name
        for name, control in explorer.controls.items()
        if type(control).__name__ in ("FloatSlider", "IntSlider", "FloatLogSlider")
    ]


def test_same_numbers() -> None:
    assert same_numbers("loss l = 3.802", "loss l = 3.803")
    assert not same_numbers("loss l = 3.802", "loss l = 3.9")
    assert not same_numbers("loss l = 3", "loss r = 3")
