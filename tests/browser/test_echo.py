"""A student's key press on a slider counts, also right after "train from here" (notebook 05).

Explorer keeps the exact values "train from here" sets and ignores the browser's echo of
them (the slider shows them rounded to its step). It once took a student's key press for a
late echo of an earlier trained value and undid it, press after press, in this flow: train,
move w0, train again, press the left arrow on w1 (tests/test_basics.py has the Python side).
Here the flow runs in JupyterLab: each press must move w1 by one step and stay there.

The old code undid a press that landed within half a step of the first trained w1. Which
flow gets there depends on the trained numbers, so the test asks the Python side how many
presses on w0 it takes (three, today: after one, the press on w1 misses by 1e-4).
"""

from __future__ import annotations

import time

from lecturelib.approximation import Params, train_from
from lecturelib.widgets import ECHO_WINDOW
from lecturelib.widgets.approximation import SLIDER_RANGES, describe_training

from .explorers import EXPLORERS
from .lab import (
    error_outputs,
    explorer_count,
    open_notebook,
    press_slider,
    read_explorer,
    run_all,
    settle,
    shutdown_kernels,
    wait_for_explorer,
)
from .test_lab import _slider_names, same_numbers, shown_values

NAME = "05_three_hidden_units.ipynb"
INDEX = 1  # the hand-set explorer, after the gradient-descent player
PRESSES = 5  # further presses on w1, after the first one
MOST_W0_PRESSES = 10


def test_every_key_press_counts_after_training_twice(lab_server, page) -> None:
    try:
        _train_move_train_press(lab_server, page)
    finally:
        shutdown_kernels(lab_server)


def _train_move_train_press(lab_server, page) -> None:
    open_notebook(page, lab_server.notebook_url(NAME))
    run_all(page)
    assert error_outputs(page) == []
    assert explorer_count(page) == len(EXPLORERS[NAME])
    # The same explorer in Python, taken through the same steps: the page must show what it
    # computes. The notebook trained its explorer and then set it back to the hand-made start.
    factory, _ = EXPLORERS[NAME][INDEX]
    python = factory()
    names = _slider_names(python)
    w0, w1 = names.index("w0"), names.index("w1")
    step = float(python.controls["w1"].step)
    box = page.locator(".lecturelib-explorer").nth(INDEX)
    button = box.get_by_role("button", name="train from here")
    status = box.locator(".widget-hbox .widget-html")  # beside the button
    wait_for_explorer(page, INDEX, len(names))
    button.wait_for()
    view = read_explorer(page, INDEX)
    _expect(python, view, "at the start")

    def train(what: str) -> float:
        """Press "train from here" (here and in Python); return the exact trained w1."""
        nonlocal view
        button.click()
        view = settle(page, INDEX, view.readout)
        python.train()
        assert same_numbers(status.inner_text(), describe_training(python.last_training)), (
            f"{what}: the page says {status.inner_text()!r}"
        )
        _expect(python, view, what)
        return python.values["w1"]

    def press(slider: int, key: str, what: str) -> float:
        """Press a key on a slider; check it moved by one step; return its exact new value."""
        nonlocal view
        name, before = names[slider], view.sliders[slider]
        latency = press_slider(page, INDEX, slider, key)
        view = settle(page, INDEX, view.readout, timeout=3.0)
        moved = round((view.sliders[slider] - before) / step)
        assert moved == (1 if key == "ArrowRight" else -1), (
            f"{what}: {key} moved {name} from {before} to {view.sliders[slider]} "
            f"(the figure changed after {latency:.2f} s, -1: never)"
        )
        now, exact = _aria(page, slider)
        assert abs(now - view.sliders[slider]) <= 0.05 + 1e-9, f"{what}: aria-valuenow {now}"
        python.set(**{name: exact})  # the value the browser sent, as the student moved it
        _expect(python, view, what)
        return exact

    trained_first = train('"train from here"')
    w0_presses = _w0_presses_to_the_old_trap(python.values, step)
    for k in range(w0_presses):
        time.sleep(0.3)
        press(w0, "ArrowRight", f"w0's press {k + 1} after training")
    time.sleep(0.3)
    trained_second = train('"train from here" again')
    # The first press on w1 comes within the echo window of the second training, and lands
    # within half a step of the first trained w1: where the old code undid it.
    pressed = [press(w1, "ArrowLeft", "w1's first press after training again")]
    assert abs(pressed[0] - trained_first) <= step / 2, "the flow misses what it tests"
    history = f"w1 trained to {trained_first}, then {trained_second}"
    _unchanged_after_echo_window(
        page, view, w1, f"w1's first press ({history}; pressed to {pressed[0]})"
    )
    for k in range(PRESSES):
        time.sleep(0.3)  # with settle's wait, about 0.5 s between presses
        pressed.append(press(w1, "ArrowLeft", f"w1's press {k + 2}"))
    _unchanged_after_echo_window(page, view, w1, f"a press on w1 ({history}; pressed to {pressed})")
    assert error_outputs(page) == []


def _unchanged_after_echo_window(page, before, slider: int, what: str) -> None:
    """Wait past the echo window: a late echo would undo the student's move by then."""
    time.sleep(ECHO_WINDOW + 0.5)
    now = read_explorer(page, INDEX)
    assert (now.sliders, now.readout) == (before.sliders, before.readout), (
        f"{what} was undone {ECHO_WINDOW + 0.5} s later: now shows {now.sliders[slider]}"
    )


def _w0_presses_to_the_old_trap(trained: dict, step: float) -> int:
    """How many ArrowRight presses on w0 make the next training's w1 such that ArrowLeft
    on w1 lands within half a step of the ``trained`` w1 (and not of the new one)."""
    shown_w0 = round(trained["w0"], 2)
    for presses in range(1, MOST_W0_PRESSES + 1):
        start = Params.from_sliders({**trained, "w0": round(shown_w0 + presses * step, 2)})
        fit = train_from(start, trained["target"], trained["activation"], bounds=SLIDER_RANGES)
        w1 = float(fit.params.w[0])
        lands = round(round(w1, 2) - step, 2)
        if abs(lands - trained["w1"]) <= step / 2 < abs(lands - w1):
            return presses
    raise AssertionError(f"no {MOST_W0_PRESSES} presses on w0 recreate the flow; change it")


def _expect(python, view, what: str) -> None:
    """The page's sliders show the Python explorer's values, and its readout its numbers."""
    shown = [round(python.values[name], 2) for name in _slider_names(python)]
    assert view.sliders == shown, f"{what}: the page's sliders show {view.sliders}, not {shown}"
    dropdowns = {name: shown_values(python, view)[name] for name in ("target", "activation")}
    assert dropdowns == {name: python.values[name] for name in dropdowns}, what
    assert same_numbers(view.readout, python.text), (
        f"{what}: the page shows\n{view.readout}\nnot\n{python.text}"
    )


def _aria(page, slider: int) -> tuple[float, float]:
    """A slider handle's aria-valuenow (1 decimal) and aria-valuetext (its exact value)."""
    handle = page.locator(".lecturelib-explorer").nth(INDEX).locator(".noUi-handle").nth(slider)
    now, text = handle.get_attribute("aria-valuenow"), handle.get_attribute("aria-valuetext")
    return float(now), float(text)
