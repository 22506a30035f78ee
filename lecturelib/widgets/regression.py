"""Explorers for the least-squares and ridge examples."""

from __future__ import annotations

from lecturelib.plots import new_figure
from lecturelib.plots.regression import TangentPlot
from lecturelib.regression import TangentState, tangent_state
from lecturelib.tables import Table
from lecturelib.widgets import Explorer, slider

__all__ = ["describe_tangent", "tangent_explorer"]


def describe_tangent(state: TangentState) -> str:
    """The explorer's readout: backprop's partials beside the slides' formulas."""
    table = Table(
        ["node", "value", "dl/d(node) by backprop", "slide formula", "formula"],
        state.rows,
        title=f"loss l = {state.loss:.4g}",
    )
    gap = "0" if state.max_formula_gap == 0 else f"{state.max_formula_gap:.1e}"
    return f"{table!r}\nlargest |backprop - formula| = {gap}"


def tangent_explorer(w1: float = 0.5, w2: float = -0.25, b: float = 1.0) -> Explorer:
    """Sliders for ``w1, w2, b`` of the least-squares example ``x = (1, 2)``, ``y = 3``."""
    fig, axes = new_figure(figsize=(5.5, 3.2))
    plot = TangentPlot(axes[0, 0], tangent_state(w1, w2, b))
    return Explorer(
        {
            "w1": slider(w1, -3, 3, 0.05, "w1"),
            "w2": slider(w2, -3, 3, 0.05, "w2"),
            "b": slider(b, -5, 5, 0.05, "b"),
        },
        tangent_state,
        fig,
        plot.update,
        describe_tangent,
        title="Least squares for one example: move w and b, watch the partials",
    )
