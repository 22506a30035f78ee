"""Explorers: sliders wired to a pure update function, with a figure that updates in place.

The only module that imports ipywidgets. Every explorer is made of

- a pure ``update(**values) -> state`` function, which tests call without a browser;
- a ``redraw(state)`` that changes matplotlib artists in place on a fixed figure;
- a ``describe(state) -> str`` giving the numbers the explorer shows, as text.

The widget re-renders the figure to PNG on each slider move (fast, no layout engine, no
flicker) and also carries an ``image/png`` snapshot and the ``text/plain`` description in its
own display bundle. JupyterLab shows the live widget; GitHub, nbviewer and HTML exports show
the snapshot; strict nbval compares the text, so the numbers an explorer shows are checked.
"""

from __future__ import annotations

import base64
import html
import math
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from matplotlib.artist import Artist
from matplotlib.figure import Figure

from lecturelib.plots import FrameRenderer, compact_png, css_size, register_png_display, to_png

__all__ = ["ECHO_WINDOW", "Explorer", "slider"]

#: Seconds after a value is set from Python during which the browser may still send back an
#: echo of it (the slider's display rounded to its step). An echo takes one round trip to
#: the page, well under a second; a student's move after that is never taken for an echo.
ECHO_WINDOW = 2.0


def slider(
    value: float, low: float, high: float, step: float = 0.1, description: str = ""
) -> widgets.FloatSlider:
    """A float slider of the series' look (continuous updates, readout with 2 decimals)."""
    return widgets.FloatSlider(
        value=value,
        min=low,
        max=high,
        step=step,
        description=description,
        continuous_update=True,
        readout_format=".2f",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
    )


def _on_grid(control: widgets.Widget) -> bool:
    """Whether the control shows numbers on a grid of steps (a numeric slider)."""
    return isinstance(control, (widgets.FloatSlider, widgets.IntSlider, widgets.FloatLogSlider))


def _rounds_to(control: widgets.Widget, exact: float, shown: float) -> bool:
    """Whether ``shown`` is ``exact`` as the slider displays it: snapped to its step."""
    step = float(control.step)
    if isinstance(control, widgets.FloatLogSlider):
        if exact <= 0 or shown <= 0:
            return False
        exact, shown = math.log(exact, control.base), math.log(shown, control.base)
    low, high = float(control.min), float(control.max)
    exact = min(max(float(exact), low), high)
    return abs(float(shown) - exact) <= step / 2 + 1e-9 * max(1.0, abs(exact))


class Explorer(widgets.VBox):
    """Controls, a figure and a text readout, updated together whenever a control moves.

    Parameters
    ----------
    controls:
        Name -> widget with a ``value`` (sliders, dropdowns, checkboxes); the names are the
        keyword arguments of ``update``.
    update:
        The pure function ``update(**values) -> state``.
    figure, redraw:
        The figure and the function that redraws its artists in place from a state.
    describe:
        ``describe(state) -> str``: the numbers shown under the figure (and in ``text/plain``).
    title:
        A heading shown above the controls.
    animated:
        The artists ``redraw`` moves at every update, if it leaves the rest of the figure
        alone: frames are then drawn by blitting (:class:`~lecturelib.plots.FrameRenderer`),
        which keeps a Play fast. Without them, every frame draws the whole figure.
    """

    def __init__(
        self,
        controls: Mapping[str, widgets.ValueWidget],
        update: Callable[..., Any],
        figure: Figure | None = None,
        redraw: Callable[[Any], None] | None = None,
        describe: Callable[[Any], str] | None = None,
        title: str = "",
        animated: Sequence[Artist] = (),
    ) -> None:
        self.controls = dict(controls)
        self.update_fn = update
        self.figure = figure
        self.frame_renderer = (
            FrameRenderer(figure, animated) if figure is not None and animated else None
        )
        self.redraw = redraw
        self.describe = describe or (lambda state: "")
        self.title = title
        # Shown at its 1x size (set in ``show``), never wider than the page: sharp and
        # unstretched; the picture has PIXEL_DENSITY pixels per displayed pixel.
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width="auto", max_width="100%", height="auto")
        )
        self.readout = widgets.HTML()
        self.state: Any = None
        self._snapshot: tuple[bytes | None, bytes] = (None, b"")  # (frame, compressed)
        controls_box = widgets.Box(
            list(self.controls.values()),
            layout=widgets.Layout(flex_flow="row wrap", width="100%"),
        )
        children: list[widgets.Widget] = []
        if title:
            children.append(widgets.HTML(f"<b>{html.escape(title)}</b>"))
        children += [controls_box]
        if figure is not None:
            children.append(self.image)
        children.append(self.readout)
        super().__init__(children, layout=widgets.Layout(align_items="flex-start"))
        # Stable hooks for the browser tests (tests/browser) and for styling.
        self.add_class("lecturelib-explorer")
        self.image.add_class("lecturelib-figure")
        self.readout.add_class("lecturelib-readout")
        # Values set from Python that a slider can only show rounded to its step (a trained
        # weight, say): the explorer keeps computing with the exact value until a student
        # moves that slider. ``_recent`` remembers earlier ones, to spot late echoes.
        self._exact: dict[str, float] = {}
        self._recent: dict[str, deque[tuple[float, float]]] = {}  # (value, time set)
        self.clock: Callable[[], float] = time.monotonic
        self._names = {id(c): name for name, c in self.controls.items()}
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    @property
    def values(self) -> dict[str, Any]:
        """The values the explorer computes with, by name (exact where set from Python)."""
        return {name: self._exact.get(name, c.value) for name, c in self.controls.items()}

    @property
    def text(self) -> str:
        """The description of the current state (what the readout shows)."""
        return self.describe(self.state)

    def set(self, **values: Any) -> Any:
        """Move controls from Python (as a student would with the mouse); return the state."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(
                f"unknown control(s) {', '.join(sorted(unknown))}; this explorer has "
                f"{', '.join(self.controls)}"
            )
        for name, value in values.items():
            self._check_allowed(name, value)
        for name, value in values.items():
            self._set_quietly(name, value)
            if _on_grid(self.controls[name]) and not isinstance(value, bool):
                self._exact[name] = value
                self._recent.setdefault(name, deque(maxlen=8)).append((value, self.clock()))
            else:
                self._exact.pop(name, None)
        self.refresh()
        return self.state

    def _check_allowed(self, name: str, value: Any) -> None:
        """Refuse a value the control cannot show: out of a slider's range, or not an option.

        Otherwise the explorer would compute with one value while the control shows another.
        """
        control = self.controls[name]
        if _on_grid(control) and not isinstance(value, bool):
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise TypeError(f"{name} must be a number, got {value!r}") from None
            low, high = float(control.min), float(control.max)
            if isinstance(control, widgets.FloatLogSlider):
                low, high = control.base**low, control.base**high
            if not low <= number <= high:
                raise ValueError(
                    f"{name}={value!r} is outside the slider's range [{low:g}, {high:g}]; "
                    f"choose a value in that range"
                )
        options = getattr(control, "options", None)
        if options is not None:
            allowed = [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in options]
            if value not in allowed:
                raise ValueError(
                    f"{name}={value!r} is not one of the choices; choose one of "
                    f"{', '.join(map(repr, allowed))}"
                )

    def _set_quietly(self, name: str, value: Any) -> None:
        control = self.controls[name]
        control.unobserve(self._on_change, names="value")
        try:
            control.value = value
        finally:
            control.observe(self._on_change, names="value")

    def _on_change(self, change: Mapping[str, Any]) -> None:
        name = self._names[id(change["owner"])]
        exact = self._exact.get(name)
        if exact is not None:
            control, shown = self.controls[name], change["new"]
            recent = self._recent[name]
            if _rounds_to(control, exact, shown):
                # The browser showed our value rounded to its step: keep the exact one. That
                # was its echo: forget the value, so a later move to it is the student's.
                for entry in [e for e in recent if e[0] == exact][:1]:
                    recent.remove(entry)
                return
            now = self.clock()
            late = [
                e for e in recent if now - e[1] <= ECHO_WINDOW and _rounds_to(control, e[0], shown)
            ]
            if late:  # a late echo of an older value set moments ago: undo it, once
                recent.remove(late[0])
                self._set_quietly(name, exact)
                return
            del self._exact[name]  # a student moved the slider
        self.refresh()

    def refresh(self) -> None:
        """Recompute the state from the controls, redraw the figure and the readout."""
        self.state = self.update_fn(**self.values)
        self.show()

    def show(self) -> None:
        """Redraw the figure and the readout from the current state (nothing recomputed)."""
        if self.figure is not None and self.redraw is not None:
            self.redraw(self.state)
            if self.frame_renderer is not None:
                self.image.value = self.frame_renderer.png()
            else:
                self.image.value = to_png(self.figure, frame=True)
            self.image.layout.width = f"{css_size(self.image.value)[0]}px"
        self.readout.value = f"<pre style='margin:0'>{html.escape(self.text)}</pre>"

    def snapshot(self) -> bytes:
        """The picture a notebook stores for the explorer: the current frame, compressed
        tightly (:func:`~lecturelib.plots.compact_png`)."""
        frame = self.image.value
        if self._snapshot[0] is not frame:
            self._snapshot = (frame, compact_png(frame))
        return self._snapshot[1]

    # Display: the live widget, plus a static picture and text for viewers without a kernel.
    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        if self.figure is not None:
            bundle["image/png"] = base64.b64encode(self.snapshot()).decode("ascii")
        heading = f"{self.title}\n" if self.title else ""
        bundle["text/plain"] = heading + self.text
        return bundle

    def __repr__(self) -> str:
        return f"<Explorer {self.title!r}: {self.values}>"


def _snapshot_png(explorer: Explorer) -> tuple[str, dict[str, int]] | None:
    """The picture a notebook stores for an explorer, with its displayed (1x) size."""
    if explorer.figure is None:
        return None
    png = explorer.snapshot()
    width, height = css_size(png)
    encoded = base64.b64encode(png).decode("ascii")
    return encoded, {"width": width, "height": height}


register_png_display(Explorer, _snapshot_png)
