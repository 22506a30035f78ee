"""The Play/Step/Reset wiring of lecturelib.widgets.player, without a browser."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib.plots import new_figure
from lecturelib.widgets import slider
from lecturelib.widgets.player import FRAME_INTERVAL_MS, Player


def _counter_player(frames: int = 5) -> Player:
    # A state that gradient descent on J(w) = w^2 / 2 moves: w <- w - lr * w per frame.
    fig, axes = new_figure(figsize=(3, 2))
    ax = axes[0, 0]
    (point,) = ax.plot([0], [0], "o")
    ax.set(xlim=(-1, 10), ylim=(-2.5, 2.5))

    def start(w0: float, lr: float) -> dict:
        return {"w": w0, "step": 0}

    def advance(state: dict, w0: float, lr: float) -> dict:
        return {"w": state["w"] - lr * state["w"], "step": state["step"] + 1}

    def redraw(state: dict) -> None:
        point.set_data([state["step"]], [state["w"]])

    return Player(
        {"w0": slider(1.0, -2, 2), "lr": slider(0.5, 0, 1)},
        start,
        advance,
        fig,
        redraw,
        lambda s: f"step {s['step']}: w = {s['w']:.4f}",
        title="GD on w^2/2",
        frames=frames,
    )


def test_step_reset_and_controls() -> None:
    player = _counter_player()
    assert player.state == {"w": 1.0, "step": 0} and player.frame == 0
    first_png = player.image.value
    player.step()
    assert player.state == {"w": 0.5, "step": 1} and player.text == "step 1: w = 0.5000"
    assert player.image.value != first_png  # the figure moved
    player.step(2)
    assert player.state["w"] == pytest.approx(0.125) and player.frame == 3
    player.reset()
    assert player.state == {"w": 1.0, "step": 0} and player.frame == 0
    player.step()
    player.set(w0=2.0)  # moving a control starts over from the new start
    assert player.state == {"w": 2.0, "step": 0} and player.frame == 0
    with pytest.raises(ValueError, match="frames must be a whole number >= 0"):
        player.step(-1)
    with pytest.raises(ValueError, match="frames must be a whole number >= 1"):
        Player({}, lambda: 0, lambda s: s, frames=0)


def test_play_ticks_advance_one_frame_each_and_stop_does_not() -> None:
    player = _counter_player(frames=5)
    assert player.play.interval == FRAME_INTERVAL_MS and player.play.max == 5
    for tick in range(1, 4):  # the browser's Play widget counts 1, 2, 3
        player.play.value = tick
    assert player.frame == 3 and player.state["w"] == pytest.approx(0.125)
    player.play.value = 0  # stop: no frame, the state stays where it is
    assert player.frame == 3
    player.step_button.click()
    assert player.frame == 4
    player.reset_button.click()
    assert player.frame == 0 and player.play.value == 0
    assert len(player.frame_times) == 4 and all(np.isfinite(player.frame_times))


def test_the_committed_picture_is_the_start() -> None:
    player = _counter_player()
    bundle = player._repr_mimebundle_()
    assert "image/png" in bundle and bundle["text/plain"].endswith("step 0: w = 1.0000")
