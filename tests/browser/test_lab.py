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
    press_dropdown,
    press_slider,
    read_explorer,
    run_all,
    settle,
    shutdown_kernels,
    wait_for_explorer,
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
    try:
        _run_and_check(name, lab_server, page)
    finally:
        shutdown_kernels(lab_server)  # one kernel at a time on a 2-core machine


def _run_and_check(name: str, lab_server, page) -> None:
    open_notebook(page, lab_server.notebook_url(name))
    run_all(page)
    assert error_outputs(page) == []
    expected = EXPLORERS[name]
    assert explorer_count(page) == len(expected)
    SCREENSHOTS.mkdir(exist_ok=True)
    for index, (factory, main_slider) in enumerate(expected):
        python = factory()
        wait_for_explorer(page, index, len(_slider_names(python)))
        before = read_explorer(page, index)
        python.set(**shown_values(python, before))
        assert same_numbers(before.readout, python.text), "the page shows other numbers"
        if main_slider is None:  # an explorer of dropdowns only: move the first one
            press_dropdown(page, index, 0)
        else:
            press_slider(page, index, main_slider, "ArrowRight")
        after = settle(page, index, before.readout)
        assert (after.sliders, after.dropdowns) != (before.sliders, before.dropdowns), (
            "the control did not move"
        )
        assert after.image_src != before.image_src, "the figure did not change"
        assert after.readout != before.readout, "the numbers did not change"
        python.set(**shown_values(python, after))
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


SLIDERS = ("FloatSlider", "IntSlider", "FloatLogSlider", "SelectionSlider")


def _slider_names(explorer) -> list[str]:
    return [n for n, c in explorer.controls.items() if type(c).__name__ in SLIDERS]


def shown_values(explorer, view) -> dict[str, object]:
    """The values of all sliders and dropdowns the page shows, by control name."""
    values = slider_values(explorer, view.sliders)
    names = [n for n, c in explorer.controls.items() if type(c).__name__ == "Dropdown"]
    assert len(names) == len(view.dropdowns), f"the page shows {view.dropdowns}, not {names}"
    for name, label in zip(names, view.dropdowns, strict=True):
        control = explorer.controls[name]
        label = label.replace("\xa0", " ")  # the page shows spaces as no-break spaces
        values[name] = control._options_values[list(control._options_labels).index(label)]
    return values


def slider_values(explorer, shown: list[float]) -> dict[str, object]:
    """Map the values read from the page onto the explorer's slider controls, in order."""
    names = _slider_names(explorer)
    assert len(names) == len(shown), f"the page shows {len(shown)} sliders, Python has {names}"
    values: dict[str, object] = {}
    for name, value in zip(names, shown, strict=True):
        control = explorer.controls[name]
        if type(control).__name__ == "SelectionSlider":
            # The readout shows the option's label: pick the option whose label it is.
            labels = {
                str(label): v
                for label, v in zip(control._options_labels, control._options_values, strict=True)
            }
            text = f"{value:g}"
            values[name] = labels.get(text, value)
        elif type(control).__name__ == "IntSlider":
            values[name] = round(value)
        else:
            values[name] = value
    return values


def test_same_numbers() -> None:
    assert same_numbers("loss l = 3.802", "loss l = 3.803")
    assert not same_numbers("loss l = 3.802", "loss l = 3.9")
    assert not same_numbers("loss l = 3", "loss r = 3")
