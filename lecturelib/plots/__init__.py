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
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = [
    "COLORS",
    "DPI",
    "PIXEL_DENSITY",
    "SeriesFigure",
    "agg_canvas",
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
    fig: Figure, dpi: float | None = None, *, tight: bool = False, optimize: bool = False
) -> bytes:
    """The figure as PNG bytes, ``PIXEL_DENSITY`` pixels per displayed pixel.

    ``dpi`` is the displayed resolution (the figure's own by default). ``tight`` crops the
    picture to what is drawn (as a notebook shows a static figure); an explorer keeps its
    whole frame, so the picture does not jump. The picture is stored with a palette of
    :data:`PALETTE_COLORS` colours, without dithering (flat areas stay flat); ``optimize``
    spends a little more time for a slightly smaller file (for pictures that are stored).
    An explorer's frame (not ``tight``) goes from the rendered pixels straight to the
    palette, with no PNG written and read back: about a fifth less time per frame.
    """
    resolution = (dpi or fig.dpi) * PIXEL_DENSITY
    raw = io.BytesIO()
    if not tight:
        fig.savefig(raw, format="rgba", dpi=resolution)
        width, height = (int(n * resolution) for n in fig.get_size_inches())
        if width * height * 4 == raw.getbuffer().nbytes:
            image = Image.frombuffer("RGBA", (width, height), raw.getvalue(), "raw", "RGBA", 0, 1)
            return _palette_png(image, optimize)
        raw = io.BytesIO()  # pragma: no cover - a size Agg rounded otherwise: the slow path
    # Uncompressed, as only the palette picture is compressed.
    fig.savefig(
        raw,
        format="png",
        dpi=resolution,
        bbox_inches="tight" if tight else None,
        pil_kwargs={"compress_level": 0},
    )
    with Image.open(raw) as image:
        return _palette_png(image, optimize)


def _palette_png(image: Image.Image, optimize: bool) -> bytes:
    """``image`` as a PNG with a palette of at most :data:`PALETTE_COLORS` colours."""
    palette = image.quantize(
        colors=PALETTE_COLORS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE
    )
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=optimize)
    return buffer.getvalue()


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
