"""The width explorer of notebook 06: step through N = 1..64 fitted hidden units."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.plots import new_figure
from lecturelib.plots.universal import WidthPlot
from lecturelib.universal import WidthResult, WidthState, width_state
from lecturelib.widgets import Explorer

__all__ = ["describe_width", "width_explorer"]


def describe_width(state: WidthState) -> str:
    """The readout: the width and both errors."""
    return (
        f"N = {state.N} hidden units ({3 * state.N + 1} parameters)\n"
        f"max error: fitted network {state.fitted_sup:.2g}, "
        f"theorem's staircase {state.theorem_sup:.2g}"
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
