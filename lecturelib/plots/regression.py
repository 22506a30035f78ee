"""Figures for the least-squares and ridge examples."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from lecturelib.plots import COLORS
from lecturelib.regression import TangentState

__all__ = ["TangentPlot"]


class TangentPlot:
    """The loss ``l`` as a function of ``b``, the current point and its tangent line.

    The tangent's slope is the partial derivative ``dl/db`` that backprop computed: moving
    ``b`` a little changes ``l`` by about ``dl/db * delta`` (slide "Partial derivatives").
    """

    def __init__(self, ax: Axes, state: TangentState) -> None:
        self.ax = ax
        (self.curve,) = ax.plot(
            state.b_grid, state.loss_curve, color=COLORS["blue"], label=r"loss $\ell(b)$, $w$ fixed"
        )
        (self.tangent,) = ax.plot(
            [],
            [],
            color=COLORS["vermillion"],
            linestyle="--",
            label=r"tangent, slope $\partial \ell / \partial b$",
        )
        (self.point,) = ax.plot([], [], "o", color=COLORS["black"], markersize=6)
        ax.set_xlabel("bias $b$")
        ax.set_ylabel(r"loss $\ell = r^2$")
        ax.set_title(r"The partial $\partial \ell / \partial b$ is the slope of the loss in $b$")
        ax.set_xlim(state.b_grid[0], state.b_grid[-1])
        ax.legend(frameon=False, loc="upper center")
        self.update(state)

    def update(self, state: TangentState) -> None:
        """Move the curve, point and tangent to a new state (in place)."""
        self.curve.set_data(state.b_grid, state.loss_curve)
        half = 1.5
        bs = np.array([state.b - half, state.b + half])
        self.tangent.set_data(bs, state.loss + state.slope * (bs - state.b))
        self.point.set_data([state.b], [state.loss])
        top = max(float(state.loss_curve.max()), state.loss + 5.0)
        self.ax.set_ylim(-0.05 * top, 1.05 * top)
