"""The width explorer of notebook 06: step through N = 1..64 fitted hidden units."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.plots import new_figure
from lecturelib.plots.universal import WidthPlot
from lecturelib.tables import fmt
from lecturelib.universal import WidthResult, WidthState, width_state
from lecturelib.widgets import Explorer

__all__ = ["describe_width", "width_explorer"]


def describe_width(state: WidthState) -> str:
    """The readout: the width, both errors and the size of the largest unit term.

    The fitted network's error is shown to one digit: how far a fit gets depends on the
    optimiser's budget, so a second digit would mean little. The staircase is exact
    arithmetic and gets two.
    """
    largest = float(f"{state.largest_term:.2g}")  # two significant digits, no exponent
    return (
        f"N = {state.N} hidden units ({3 * state.N + 1} parameters)\n"
        f"max error: fitted network {fmt(state.fitted_sup, 1)}, "
        f"theorem's staircase {fmt(state.theorem_sup, 2)}\n"
        f"largest unit term: {fmt(largest)} (the target stays within "
        f"±{fmt(state.target_max, 2)})"
    )


def width_explorer(result: WidthResult, N: int = 4) -> Explorer:
    """A slider over the measured widths of ``result`` (precomputed: moving it is instant)."""
    fig, axes = new_figure(
        1,
        2,
        figsize=(9.0, 3.4),
        margins={"left": 0.07, "right": 0.98, "bottom": 0.15, "top": 0.88, "wspace": 0.25},
    )
    plot = WidthPlot(axes[0], width_state(result, N))

    def update(N: int) -> WidthState:
        return width_state(result, N)

    return Explorer(
        {
            "N": widgets.SelectionSlider(
                options=[int(n) for n in result.widths],
                value=N,
                description="hidden units N",
                style={"description_width": "initial"},
                continuous_update=True,
            )
        },
        update,
        fig,
        plot.update,
        describe_width,
        title="Equation (7) with N units: the fitted network and its units' terms",
    )
