"""Figures for the series: matplotlib only, drawing into given axes.

Conventions: colour-blind-safe colours (the Okabe-Ito palette), labelled axes, titles that
say what to look at, and moderate resolution so committed notebooks stay light. Figures are
:class:`matplotlib.figure.Figure` objects made without pyplot, so a notebook shows each
exactly once and explorers can re-render them in place.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "COLORS",
    "DPI",
    "agg_canvas",
    "new_figure",
    "plot_loss_curve",
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

#: Resolution of figures in notebooks and explorers (light files, sharp enough on screen).
DPI = 80


def agg_canvas(fig: Figure) -> FigureCanvasAgg:
    """The figure's Agg canvas, attached once.

    A figure made without pyplot would get a new canvas at every ``savefig``; with its own,
    every re-render and every text measurement reuses one renderer, whose caches of laid-out
    text and parsed mathtext hold from frame to frame (a third of an explorer frame's time).
    """
    canvas = fig.canvas
    return canvas if isinstance(canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)


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
    fig = Figure(figsize=figsize, dpi=dpi)
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


def to_png(fig: Figure, dpi: int | None = None) -> bytes:
    """The figure rendered as PNG bytes (what an explorer shows and a notebook stores)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
    return buffer.getvalue()


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
    ax.set_ylabel("objective J")
    ax.set_title(title)
    if label:
        ax.legend(frameon=False)
