"""Figures for the backpropagation algorithm (notebook 11)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from lecturelib.backprop import OperationCount, Timing, unit_contributions
from lecturelib.mlp import MLP
from lecturelib.plots import COLORS

__all__ = ["plot_fit", "plot_operation_counts", "plot_timings"]

_METHOD_STYLE = {
    "backprop": (COLORS["blue"], "o", "backprop (forward + backward)"),
    "finite differences": (COLORS["orange"], "s", "finite differences (2 passes per parameter)"),
    "paths": (COLORS["vermillion"], "^", "sum over paths (nothing cached)"),
}


def plot_operation_counts(ax: Axes, counts: Sequence[OperationCount]) -> None:
    """Node operations for the full gradient against the depth of the graph (log scale)."""
    depths = [c.depth for c in counts]
    series = {
        "backprop": [c.backprop for c in counts],
        "finite differences": [c.finite_differences for c in counts],
        "paths": [c.paths for c in counts],
    }
    for key, values in series.items():
        color, marker, label = _METHOD_STYLE[key]
        ax.plot(depths, values, marker=marker, color=color, label=label, markersize=4)
    ax.set_yscale("log")
    ax.set_xlabel("depth of the graph (layers of 2 units)")
    ax.set_ylabel("node operations")
    ax.set_title("Backprop grows linearly, the alternatives do not")
    ax.legend(frameon=False, fontsize=8)


def plot_timings(ax: Axes, timing: Timing) -> None:
    """Measured seconds per full gradient against depth (log scale)."""
    for key, seconds in timing.seconds.items():
        color, marker, label = _METHOD_STYLE[key]
        values = np.array(seconds, dtype=float) * 1e3
        ax.plot(timing.depths, values, marker=marker, color=color, label=label, markersize=4)
    ax.set_yscale("log")
    ax.set_xlabel("depth of the graph (layers of 2 units)")
    ax.set_ylabel("milliseconds per gradient")
    ax.set_title("Measured on this machine")
    ax.legend(frameon=False, fontsize=8, loc="upper left")


def plot_fit(ax: Axes, x: np.ndarray, y: np.ndarray, net: MLP, title: str = "") -> None:
    """Bishop's Fig. 5.3 style: data as blue dots, the network in red, and each hidden unit's
    share ``w_k tanh(v_k x + b_k)`` of ``f(x)`` dashed (``f = w0 + the sum of the shares``)."""
    grid = np.linspace(float(np.min(x)), float(np.max(x)), 200)
    ax.plot(x, y, "o", color=COLORS["blue"], markersize=3.5, label="training data")
    ax.plot(grid, net.predict(grid), color=COLORS["vermillion"], linewidth=2, label="network f(x)")
    shares = unit_contributions(net, grid)
    for k in range(shares.shape[1]):
        ax.plot(grid, shares[:, k], "--", color=COLORS["grey"], linewidth=1,
                label="shares w_k tanh(v_k x + b_k)" if k == 0 else None)  # fmt: skip
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.3 * (high - low))  # room for the legend above the curves
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(title or "The fitted network")
    ax.legend(frameon=False, fontsize=8, loc="upper center")
