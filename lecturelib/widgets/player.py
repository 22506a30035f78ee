"""Play, pause and step: watch a network learn, one frame at a time (TensorFlow Playground).

A :class:`Player` is an explorer whose state also moves by itself. It is made of pure
functions, tested without a browser:

- ``start(**values) -> state``: the state before training, from the controls' values
  (data, a network's random start, step 0);
- ``advance(state, **values) -> state``: one frame later (a few training steps); it returns
  a new state and leaves the old one alone;
- ``redraw(state)`` moves the figure's artists in place and ``describe(state) -> str`` gives
  the numbers under the figure.

The widget wires them to controls: ``Play`` (ipywidgets' play/pause/stop buttons, one frame
per tick), "step" (one frame), "reset" (back to the start). Moving a control restarts from
``start`` with the new values. As for every explorer, the committed notebook shows the
starting picture as an image and the readout as text (:class:`~lecturelib.widgets.Explorer`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from lecturelib.widgets import Explorer

__all__ = ["FRAME_INTERVAL_MS", "Player"]

#: Milliseconds between two frames while playing: 12.5 frames per second at most. A frame
#: (the steps, the redraw and the PNG) must take less than this, or frames queue up.
FRAME_INTERVAL_MS = 80


class Player(Explorer):
    """An explorer with Play, Step and Reset: ``advance`` moves the state one frame on.

    Parameters
    ----------
    controls:
        Name -> widget; the keyword arguments of ``start`` and ``advance``.
    start, advance:
        The pure functions ``start(**values) -> state`` and ``advance(state, **values)
        -> state`` (one frame).
    figure, redraw, describe, title:
        As for :class:`~lecturelib.widgets.Explorer`.
    frames:
        How many frames one press of Play runs at most before it stops by itself.
    animated:
        The artists ``redraw`` moves, drawn by blitting (as for
        :class:`~lecturelib.widgets.Explorer`).
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        start: Callable[..., Any],
        advance: Callable[..., Any],
        figure: Figure | None = None,
        redraw: Callable[[Any], None] | None = None,
        describe: Callable[[Any], str] | None = None,
        title: str = "",
        frames: int = 300,
        animated: Sequence[Artist] = (),
    ) -> None:
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 1:
            raise ValueError(f"frames must be a whole number >= 1, got {frames!r}")
        self.start_fn = start
        self.advance_fn = advance
        self.frame = 0  # frames advanced since the start
        # Seconds per frame in the kernel: the advance, and for the last frame of a step (each
        # Play tick) the redraw and the PNG too, which is what the 80 ms budget is about.
        self.frame_times: list[float] = []
        self.play = widgets.Play(
            value=0, min=0, max=frames, step=1, interval=FRAME_INTERVAL_MS, description="play"
        )
        self.step_button = widgets.Button(description="step", tooltip="one frame")
        self.reset_button = widgets.Button(description="reset", tooltip="back to the start")
        self.play.add_class("lecturelib-play")
        self.step_button.add_class("lecturelib-step")
        self.reset_button.add_class("lecturelib-reset")
        super().__init__(controls, start, figure, redraw, describe, title, animated)
        buttons = widgets.HBox([self.play, self.step_button, self.reset_button])
        self.children = (*self.children[:1], buttons, *self.children[1:])
        self.play.observe(self._on_tick, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())

    # The state moves -----------------------------------------------------------------------
    def step(self, frames: int = 1) -> Any:
        """Advance ``frames`` frames (as pressing "step" that often); return the state."""
        if isinstance(frames, bool) or not isinstance(frames, int) or frames < 0:
            raise ValueError(f"frames must be a whole number >= 0, got {frames!r}")
        values = self.values
        for _ in range(frames):
            began = time.perf_counter()
            self.state = self.advance_fn(self.state, **values)
            self.frame += 1
            self.frame_times.append(time.perf_counter() - began)
        began = time.perf_counter()
        self.show()
        if frames:  # the picture belongs to the last frame: a tick's time is all of it
            self.frame_times[-1] += time.perf_counter() - began
        return self.state

    def reset(self) -> Any:
        """Back to ``start`` with the controls' values (also what moving a control does)."""
        self._quiet_play(0)
        self.refresh()
        return self.state

    def refresh(self) -> None:
        """Restart from ``start`` (the controls changed), redraw the figure and the readout."""
        self.frame = 0
        super().refresh()

    # Wiring --------------------------------------------------------------------------------
    def _on_tick(self, change: Mapping[str, Any]) -> None:
        new, old = change["new"], change["old"]
        if new == 0 or new < old:  # stopped, or looped back: the next press starts over
            return
        self.step(1)

    def _quiet_play(self, value: int) -> None:
        self.play.unobserve(self._on_tick, names="value")
        try:
            self.play.value = value
        finally:
            self.play.observe(self._on_tick, names="value")

    def __repr__(self) -> str:
        return f"<Player {self.title!r}: frame {self.frame}, {self.values}>"
