"""Figures for three hidden units approximating curves (Bishop, PRML, Fig. 5.3; notebook 05).

As in the book: training points as dots, the network's output as a solid curve, the three
hidden units' outputs as dashed curves, one panel per target. Colours are Okabe-Ito (blue
dots, a vermillion curve where the book has red, and three distinguishable dashed units).
The output is drawn on top of the dots: where it fits, it runs through every one of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lecturelib.approximation import TARGETS, ApproxState, Fit, approx_state, mse_text
from lecturelib.plots import COLORS, new_figure

__all__ = ["UNIT_COLORS", "ApproximationPanel", "UnitsPanel", "nice_limit", "plot_bishop_figure"]

#: The vertical half-ranges the units' panel steps through (it never rescales continuously).
NICE_LIMITS = (1.5, 3.0, 6.0, 12.0, 25.0, 50.0, 100.0)


def nice_limit(values: np.ndarray) -> float:
    """The smallest of :data:`NICE_LIMITS` that holds ``max |values|`` (with a 5% margin)."""
    top = float(np.max(np.abs(values))) * 1.05 if np.size(values) else 0.0
    for limit in NICE_LIMITS:
        if top <= limit:
            return limit
    return NICE_LIMITS[-1]


#: The three hidden units' colours (dashed curves).
UNIT_COLORS = (COLORS["green"], COLORS["orange"], COLORS["purple"])
#: Drawing order: dashed units at the back, then the data, then the output on top.
Z_UNITS, Z_DOTS, Z_CURVE = 2.0, 2.5, 3.0


class ApproximationPanel:
    """One panel: data dots, the network's output and its three hidden units, updated in place.

    Parameters
    ----------
    ax:
        The axes to draw into.
    state:
        What to show (from :func:`lecturelib.approximation.approx_state`).
    units:
        ``"raw"`` draws ``sigma(v_k x + b_k)`` as in the book; ``"weighted"`` draws
        ``w_k sigma(v_k x + b_k)``, the three curves whose sum plus ``w0`` is the output;
        ``"none"`` draws only the data and the output.
    legend:
        Whether to draw a legend.
    ylim:
        Fixed vertical limits (curves beyond them are cut off, not rescaled: the picture
        does not jump while a slider moves).
    """

    def __init__(
        self,
        ax: Axes,
        state: ApproxState,
        *,
        units: str = "raw",
        legend: bool = True,
        ylim: tuple[float, float] = (-1.25, 1.25),
        title: bool = True,
    ) -> None:
        if units not in ("raw", "weighted", "none"):
            raise ValueError(f"units must be 'raw', 'weighted' or 'none', got {units!r}")
        self.ax = ax
        self.units = units
        self.show_title = title
        name = "w_k σ(v_k x + b_k)" if units == "weighted" else "σ(v_k x + b_k)"
        self.unit_lines = [
            ax.plot(
                [],
                [],
                linestyle="--",
                linewidth=1.3,
                color=c,
                label=f"hidden unit {k + 1}" + (f": {name}" if k == 0 else ""),
                zorder=Z_UNITS,
            )[0]
            for k, c in enumerate(UNIT_COLORS)
            if units != "none"
        ]
        (self.curve,) = ax.plot(
            [],
            [],
            color=COLORS["vermillion"],
            linewidth=1.8,
            label="network output f(x)",
            zorder=Z_CURVE,
        )
        (self.dots,) = ax.plot(
            [],
            [],
            "o",
            color=COLORS["blue"],
            markersize=4.5,
            label="training points",
            zorder=Z_DOTS,
        )
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(*ylim)
        ax.set_xlabel("x")
        if legend:
            ax.legend(frameon=False, loc="lower left", fontsize=8)
        self.update(state)

    def update(self, state: ApproxState) -> None:
        """Move every curve to a new state."""
        shown = state.weighted if self.units == "weighted" else state.hidden
        for line, ys in zip(self.unit_lines, shown, strict=False):
            line.set_data(state.x_grid, ys)
        self.curve.set_data(state.x_grid, state.curve)
        self.dots.set_data(state.x, state.y)
        if self.show_title:
            self.ax.set_title(
                f"{TARGETS[state.target].label}, {state.activation}: MSE {mse_text(state.mse)}",
                fontsize=10,
            )


class UnitsPanel:
    """What the output is made of: ``w0`` (dotted) and the weighted units (dashed).

    ``f(x) = w0 + sum_k w_k sigma(v_k x + b_k)``: adding the dashed curves to the dotted line
    gives the solid output of :class:`ApproximationPanel`. The vertical range steps through
    :data:`NICE_LIMITS` to hold the largest curve, so large trained weights stay visible.
    """

    def __init__(self, ax: Axes, state: ApproxState, legend: bool = True) -> None:
        self.ax = ax
        self.unit_lines = [
            ax.plot(
                [],
                [],
                linestyle="--",
                linewidth=1.6,
                color=c,
                label=f"w{k + 1} σ(v{k + 1} x + b{k + 1})",
            )[0]
            for k, c in enumerate(UNIT_COLORS)
        ]
        (self.bias_line,) = ax.plot(
            [], [], linestyle=":", linewidth=1.6, color=COLORS["black"], label="w0"
        )
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("x")
        ax.set_title("Its parts: output = w0 + sum of the dashed", fontsize=10)
        if legend:
            ax.legend(frameon=False, loc="lower left", fontsize=8, ncol=2)
        self.update(state)

    def update(self, state: ApproxState) -> None:
        """Move the weighted units and the ``w0`` line; step the vertical range if needed."""
        for line, ys in zip(self.unit_lines, state.weighted, strict=True):
            line.set_data(state.x_grid, ys)
        w0 = state.params.w0
        self.bias_line.set_data([-1.05, 1.05], [w0, w0])
        limit = nice_limit(np.append(state.weighted.ravel(), w0))
        self.ax.set_ylim(-limit, limit)


def plot_bishop_figure(
    fits: Mapping[tuple[str, str], Fit],
    activations: Sequence[str] = ("tanh",),
    targets: Sequence[str] = tuple(TARGETS),
    title: str = "Three hidden units fit each curve: the dashed units, stretched, shifted "
    "and weighted, add up to it",
) -> Figure:
    """Bishop's Fig. 5.3: one panel per target (columns), one row per activation."""
    height = 0.9 + 2.3 * len(activations)
    fig, axes = new_figure(
        len(activations),
        len(targets),
        figsize=(2.4 * len(targets), height),
        margins={
            "left": 0.05,
            "right": 0.98,
            "bottom": 0.1,
            "top": 1 - 0.9 / height,
            "wspace": 0.22,
            "hspace": 0.5,
        },
    )
    for i, activation in enumerate(activations):
        for j, target in enumerate(targets):
            fit = fits[(target, activation)]
            ApproximationPanel(
                axes[i, j], approx_state(fit.params, target, activation), legend=False
            )
            if j > 0:
                axes[i, j].tick_params(labelleft=False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    order = [4, 3, 0, 1, 2]
    fig.suptitle(title, fontsize=11, y=0.99)
    fig.legend(
        [handles[k] for k in order],
        [labels[k].split(":")[0] for k in order],
        loc="upper center",
        ncol=5,
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.95),
    )
    return fig
