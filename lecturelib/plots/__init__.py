"""Figures for the series: matplotlib only, drawing into given axes.

Conventions: colour-blind-safe colours (the Okabe-Ito palette), labelled axes with maths
in mathtext, titles that say what to look at, text of at least 9 pt. Figures are
:class:`SeriesFigure` objects made without pyplot, so a notebook shows each exactly once and
explorers can re-render them in place.

Resolution has one home, :data:`PIXEL_DENSITY`: every picture (a figure a cell shows, an
explorer's frame, its stored snapshot) is rendered with that many pixels per displayed pixel
and shown at its 1x size, ``DPI`` pixels per inch, so it is sharp on a high-density screen
and its text keeps its size. Pictures are stored with a palette of at most 256 colours
(figures have a few flat colours and their anti-aliased edges), which keeps a 2x picture
smaller than the same picture at 1x in full colour, and committed notebooks light.
"""

from __future__ import annotations

import base64
import io
import struct
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

__all__ = [
    "COLORS",
    "DPI",
    "PIXEL_DENSITY",
    "FrameRenderer",
    "SeriesFigure",
    "agg_canvas",
    "compact_png",
    "css_size",
    "figure_png",
    "new_figure",
    "plot_loss_curve",
    "register_png_display",
    "to_png",
]

#: The Okabe-Ito palette, safe for the common colour-vision deficiencies.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
    "grey": "#999999",
}
#: The order in which series take colours.
CYCLE = [COLORS[c] for c in ("blue", "vermillion", "green", "orange", "purple", "sky", "black")]

#: Displayed size of figures: pixels (CSS pixels, as a page lays them out) per inch.
DPI = 80
#: Pixels rendered per displayed pixel, for every picture (static figures, explorer frames
#: and their snapshots): 2 is sharp on a laptop's high-density ("retina") screen. Pictures
#: are shown at their 1x size, so text stays the same size whatever this is.
PIXEL_DENSITY = 2
#: Most colours a stored picture keeps (a PNG palette: a third of the bytes of full colour).
PALETTE_COLORS = 256


def agg_canvas(fig: Figure) -> FigureCanvasAgg:
    """The figure's Agg canvas, attached once.

    A figure made without pyplot would get a new canvas at every ``savefig``; with its own,
    every re-render and every text measurement reuses one renderer, whose caches of laid-out
    text and parsed mathtext hold from frame to frame (a third of an explorer frame's time).
    """
    canvas = fig.canvas
    return canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


class SeriesFigure(Figure):
    """A :class:`~matplotlib.figure.Figure` that a notebook shows at :data:`PIXEL_DENSITY`.

    A type of its own, so the display hook :func:`register_png_display` installs for it
    survives ``%matplotlib inline`` (which resets the hooks of ``Figure`` only).
    """


def new_figure(
    nrows: int = 1,
    ncols: int = 1,
    *,
    figsize: tuple[float, float] = (6.0, 3.6),
    dpi: int = DPI,
    margins: dict[str, float] | None = None,
    **subplot_kw: object,
) -> tuple[Figure, np.ndarray]:
    """A figure with a grid of axes (always returned as a 2-d array) in the series' style.

    Margins are fixed rather than computed by a layout engine: re-rendering stays fast and
    the layout does not jump while a slider moves.
    """
    fig = SeriesFigure(figsize=figsize, dpi=dpi)
    agg_canvas(fig)
    box = {"left": 0.12, "right": 0.97, "bottom": 0.14, "top": 0.88, "wspace": 0.3, "hspace": 0.4}
    box.update(margins or {})
    fig.subplots_adjust(**box)
    axes = fig.subplots(nrows, ncols, squeeze=False, subplot_kw=subplot_kw or None)
    for ax in axes.flat:
        ax.set_prop_cycle(color=CYCLE)
        ax.grid(True, color="#dddddd", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig, axes


def to_png(
    fig: Figure,
    dpi: float | None = None,
    *,
    tight: bool = False,
    optimize: bool = False,
    frame: bool = False,
) -> bytes:
    """The figure as PNG bytes, ``PIXEL_DENSITY`` pixels per displayed pixel.

    ``dpi`` is the displayed resolution (the figure's own by default). ``tight`` crops the
    picture to what is drawn (as a notebook shows a static figure); an explorer keeps its
    whole frame, so the picture does not jump. The picture is stored with a palette of
    :data:`PALETTE_COLORS` colours, without dithering (flat areas stay flat); ``optimize``
    spends a little more time for a slightly smaller file (for pictures that are stored);
    ``frame`` a little less for a larger one (an explorer's live frame).
    An explorer's frame (not ``tight``) goes from the rendered pixels straight to the
    palette, with no PNG written and read back: about a fifth less time per frame (and
    half for a figure whose size is not a whole number of pixels).
    """
    resolution = (dpi or fig.dpi) * PIXEL_DENSITY
    if not tight:
        return _palette_png(Image.fromarray(_draw_rgba(fig, resolution)), optimize, frame)
    raw = io.BytesIO()  # uncompressed, as only the palette picture is compressed
    fig.savefig(
        raw, format="png", dpi=resolution, bbox_inches="tight", pil_kwargs={"compress_level": 0}
    )
    with Image.open(raw) as image:
        return _palette_png(image, optimize, frame)


@contextmanager
def _resolution(fig: Figure, resolution: float) -> Iterator[FigureCanvasAgg]:
    """The figure's canvas, drawing at ``resolution`` pixels per inch for the time of the
    block (as ``savefig`` does); the figure keeps its own dpi outside it."""
    shown_dpi = fig.dpi
    fig.dpi = resolution
    try:
        yield agg_canvas(fig)
    finally:
        fig.dpi = shown_dpi


def _draw_rgba(fig: Figure, resolution: float) -> np.ndarray:
    """Draw the whole figure at ``resolution`` pixels per inch; its pixels (height, width,
    4), valid until the next draw."""
    with _resolution(fig, resolution) as canvas:
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())


def _palette_png(image: Image.Image, optimize: bool, frame: bool = False) -> bytes:
    """``image`` as a PNG with a palette of at most :data:`PALETTE_COLORS` colours.

    A live ``frame`` is compressed fast (zlib level 1: 3 ms instead of 8 for a playground
    frame, half as large again); it is shown once, and :func:`compact_png` stores it.
    """
    palette = image.quantize(
        colors=PALETTE_COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    if frame:
        palette.save(buffer, format="png", compress_level=1)
    else:
        palette.save(buffer, format="png", optimize=optimize)
    return buffer.getvalue()


def compact_png(png: bytes) -> bytes:
    """The same picture, compressed as tightly as :func:`to_png` with ``optimize`` (for a
    live frame that a notebook stores as an explorer's snapshot)."""
    with Image.open(io.BytesIO(png)) as image:
        buffer = io.BytesIO()
        image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


class FrameRenderer:
    """An explorer's frames, rendered fast by blitting (the technique of matplotlib's
    animations): the picture :func:`to_png` renders, in a fraction of the time.

    Most of a frame's time goes into what does not move: axes, ticks, tick labels. The
    renderer draws the figure once without the ``animated`` artists (and whatever its axes
    draw above them), keeps that background, and for each frame pastes it back and draws
    only the artists that move, in the order a full draw would. The background is drawn
    again as soon as anything else changed: an axes' limits, scales or position, the
    figure's size, an artist added or removed, a text, or any artist matplotlib marks as
    changed ("stale"). A frame is the full picture, pixel for pixel; the tests check that
    for every explorer that uses one.
    """

    def __init__(self, fig: Figure, animated: Sequence[Artist]) -> None:
        animated = list(animated)
        strangers = [a for a in animated if a.figure is not fig]
        if not animated or strangers:
            raise ValueError(
                f"animated must list artists of this figure, got {len(animated)} artist(s), "
                f"{len(strangers)} of another figure or of none; pass the artists the "
                "explorer's redraw moves"
            )
        self.figure = fig
        self.animated = animated
        self.redraws = 0  # how often the background was drawn (the tests watch it)
        self._background: Any = None
        self._key: tuple = ()
        self._top: list[Artist] = []
        self._clean: set[int] = set()
        self._watched: list[Artist] = []

    def _layers(self, renderer: Any) -> list[Artist]:
        """What each frame draws: in every axes with an animated artist, that artist and what
        the axes draws after it (the order of ``Axes.draw``: by zorder, stable), except what
        cannot touch a moving pixel: if every animated artist there is clipped to a box, a
        later text outside those boxes (a fixed title, say) stays in the background."""
        moving = {id(a) for a in self.animated}
        top: list[Artist] = []
        for ax in self.figure.axes:
            hidden = [ax.patch]  # what Axes.draw leaves out
            if not (ax.axison and ax.get_frame_on()):
                hidden += ax.spines.values()
            if not ax.axison:
                hidden += [ax.xaxis, ax.yaxis]
            children = [c for c in ax.get_children() if all(c is not h for h in hidden)]
            ordered = sorted(children, key=lambda c: c.get_zorder())
            first = next((i for i, c in enumerate(ordered) if id(c) in moving), None)
            if first is None:
                continue
            later = ordered[first:]
            boxes = [_clip_box(a) for a in later if id(a) in moving]
            if all(box is not None for box in boxes):
                later = [
                    a
                    for a in later
                    if id(a) in moving
                    or not isinstance(a, Text)
                    or any(a.get_window_extent(renderer).padded(1.0).overlaps(b) for b in boxes)
                ]
            top += later
        loose = [a for a in self.animated if a.axes is None]  # figure-level text, say
        return top + loose

    def _state_key(self) -> tuple:
        """What the background depends on, besides its artists' stale flags."""
        fig = self.figure
        key: list[Any] = [tuple(fig.get_size_inches()), fig.dpi, tuple(map(id, fig.get_children()))]
        for ax in fig.axes:
            key += [ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale()]
            key += [ax.get_position().bounds, ax.get_visible(), tuple(map(id, ax.get_children()))]
            for axis in (ax.xaxis, ax.yaxis):  # an Axis is marked stale by any set_xlim
                key += [tuple(axis.get_majorticklocs()), tuple(axis.get_minorticklocs())]
        key += [(t.get_text(), t.get_visible()) for t in self._watched if isinstance(t, Text)]
        return tuple(key)

    def _changed(self) -> bool:
        if self._background is None:
            return True
        if any(a.stale and id(a) in self._clean for a in self._watched):
            return True
        return self._state_key() != self._key

    def _draw_background(self, canvas: FigureCanvasAgg) -> None:
        self._top = self._layers(canvas.get_renderer())
        # Left out of the draw as matplotlib's own animations do (marked "animated"), not
        # hidden: a hidden title would be placed as if it had no size.
        animated = [a.get_animated() for a in self._top]
        for artist in self._top:
            artist.set_animated(True)
        try:
            canvas.draw()
        finally:
            for artist, flag in zip(self._top, animated, strict=True):
                artist.set_animated(flag)
        self._background = canvas.copy_from_bbox(self.figure.bbox)
        top = {id(d) for a in self._top for d in a.findobj()}  # with what they hold
        self._watched = [
            a
            for a in self.figure.findobj()
            if id(a) not in top and not isinstance(a, (Figure, Axes))
        ]  # every artist of the background
        self._clean = {id(a) for a in self._watched if not a.stale and not isinstance(a, Axis)}
        self._key = self._state_key()
        self.redraws += 1

    def _render(self) -> np.ndarray:
        """Draw the current frame; its pixels (height, width, 4), valid until the next."""
        with _resolution(self.figure, self.figure.dpi * PIXEL_DENSITY) as canvas:
            if self._changed():
                self._draw_background(canvas)
            canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for artist in self._top:
                artist.draw(renderer)
            return np.asarray(canvas.buffer_rgba())

    def rgba(self) -> np.ndarray:
        """The current frame's pixels, ``PIXEL_DENSITY`` per displayed pixel (height, width, 4)."""
        return self._render().copy()

    def png(self) -> bytes:
        """The current frame as a palette PNG, as :func:`to_png` gives it."""
        return _palette_png(Image.fromarray(self._render()), optimize=False, frame=True)


def _clip_box(artist: Artist) -> Any:
    """The box (display coordinates) an artist is clipped to, or None if it is not."""
    box = artist.get_clip_box() if artist.get_clip_on() else None
    return None if box is None else box.frozen()


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels of a PNG picture (read from its header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG picture")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def css_size(png: bytes) -> tuple[int, int]:
    """The size at which a picture from :func:`to_png` is shown: its pixels / PIXEL_DENSITY."""
    width, height = png_size(png)
    return round(width / PIXEL_DENSITY), round(height / PIXEL_DENSITY)


def figure_png(fig: Figure) -> tuple[str, dict[str, int]]:
    """What a notebook stores for a figure a cell shows: the PNG (base64) cropped to what is
    drawn, and its displayed width and height (so a 2x picture is shown at 1x size)."""
    png = to_png(fig, tight=True, optimize=True)
    width, height = css_size(png)
    return base64.b64encode(png).decode("ascii"), {"width": width, "height": height}


def register_png_display(cls: type, render: Callable[[Any], tuple[str, dict[str, int]]]) -> bool:
    """Show objects of type ``cls`` in IPython as ``render(obj)``: ``(base64 PNG, size)``.

    A hook on IPython's ``image/png`` formatter: it takes precedence over an object's own
    ``_repr_mimebundle_`` picture and adds the displayed size as the output's metadata,
    which JupyterLab, nbconvert and GitHub read. Outside IPython it does nothing (False).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with every notebook setup
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(cls, render)
    return True


register_png_display(SeriesFigure, figure_png)


def plot_loss_curve(
    ax: Axes,
    losses: Sequence[float],
    *,
    label: str | None = None,
    color: str | None = None,
    title: str = "The objective falls as training proceeds",
) -> None:
    """Training objective against step, on a log scale (so late progress stays visible)."""
    losses = np.asarray(losses, dtype=float)
    finite = np.where(np.isfinite(losses), losses, np.nan)
    positive = np.where(finite > 0, finite, np.nan)
    ax.plot(np.arange(len(losses)), positive, label=label, color=color, linewidth=1.5)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("objective $J$")
    ax.set_title(title)
    if label:
        ax.legend(frameon=False)
