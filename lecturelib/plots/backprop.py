"""Figures for the backpropagation algorithm (notebook 11)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from lecturelib.backprop import (
    OperationCount,
    StepThroughState,
    Timing,
    multiple_children_graph,
    unit_contributions,
)
from lecturelib.mlp import MLP
from lecturelib.plots import COLORS
from lecturelib.plots.graph import FONT_SIZES, GraphDrawing, math_name
from lecturelib.tables import fmt

__all__ = ["StepThroughPlot", "plot_fit", "plot_operation_counts", "plot_timings"]

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
    ax.plot(
        grid, net.predict(grid), color=COLORS["vermillion"], linewidth=2, label="network $f(x)$"
    )
    shares = unit_contributions(net, grid)
    for k in range(shares.shape[1]):
        ax.plot(grid, shares[:, k], "--", color=COLORS["grey"], linewidth=1,
                label=r"shares $w_k \tanh(v_k x + b_k)$" if k == 0 else None)  # fmt: skip
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.3 * (high - low))  # room for the legend above the curves
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.set_title(title or "The fitted network")
    ax.legend(frameon=False, fontsize=8, loc="upper center")


class StepThroughPlot:
    """The graph of :func:`lecturelib.backprop.multiple_children_graph`, redrawn in place
    for each state of :func:`lecturelib.backprop.step_through_state`.

    A node shows ``= value`` once the forward pass has computed it and ``∂J = ...`` once
    the backward pass has; the node being visited is outlined in vermillion, with the edges
    it reads (forward) or the edges its children send back along (backward) thick, and each
    edge's local derivative shown once the forward pass has reached its head.
    """

    def __init__(self, ax: Axes, state: StepThroughState) -> None:
        m = multiple_children_graph()
        m.graph.forward(x=2.0)
        m.graph.backward()
        self.drawing = GraphDrawing(
            ax,
            m.graph,
            show_values=True,
            show_grads=True,
            show_derivatives=True,
            title="Step through backprop",
        )
        self.ax = ax
        self.update(state)

    def update(self, state: StepThroughState) -> None:
        """Show what is known at ``state.step`` (in place)."""
        for name in state.order:
            lines = [math_name(name)]
            lines.append("= " + fmt(state.values[name], 3) if name in state.values else "= ?")
            lines.append(
                "∂$J$ = " + fmt(state.grads[name], 3) if name in state.grads else "∂$J$ = ?"
            )
            known = name in state.values
            self.drawing.set_node(name, "\n".join(lines), hot=name == state.node, dim=not known)
        hot, shown = set(state.hot_edges), set(state.shown_edges)
        for edge in self.drawing.arrows:
            self.drawing.set_edge(edge, hot=edge in hot, label=edge in shown)
        if state.phase == "start":
            title = "Step 0: nothing computed yet"
        elif state.phase == "forward":
            title = f"Forward pass, step {state.step}: compute {state.node} from its inputs"
        else:
            title = (
                f"Backward pass, step {state.step}: {state.node} sums what its "
                f"{len(state.terms)} child{'ren' if len(state.terms) != 1 else ''} send back"
            )
        self.ax.set_title(title, fontsize=FONT_SIZES["title"])
