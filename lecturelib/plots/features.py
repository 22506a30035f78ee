"""Figures for feature maps (polynomial fits) and the restaurant comparison."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from lecturelib.features import SUBPROBLEMS, ModelResult, PolynomialState, UnitCorrelations
from lecturelib.plots import COLORS

__all__ = ["PolynomialPlot", "plot_model_comparison", "plot_unit_correlations"]


class PolynomialPlot:
    """Left: the training points, the true curve and the polynomial fit of one degree.
    Right: training and held-out error against the degree, the current degree marked."""

    def __init__(self, ax_fit: Axes, ax_err: Axes, state: PolynomialState) -> None:
        self.ax_fit, self.ax_err = ax_fit, ax_err
        ax_fit.plot(
            state.x_grid,
            state.truth_grid,
            color=COLORS["grey"],
            linestyle=":",
            linewidth=1.5,
            label=r"true curve $\cos(\pi x)$",
        )
        ax_fit.scatter(
            state.x_train,
            state.y_train,
            color=COLORS["blue"],
            s=25,
            zorder=3,
            label="training points",
        )
        (self.fit,) = ax_fit.plot(
            [], [], color=COLORS["vermillion"], linewidth=2, label=r"fit $w^T\phi(x)$"
        )
        ax_fit.set_xlim(-1.05, 1.05)
        ax_fit.set_ylim(-2.0, 2.0)
        ax_fit.set_xlabel("$x$")
        ax_fit.set_ylabel("$y$")
        ax_fit.legend(frameon=False, fontsize=8, loc="lower center", ncol=2)

        ax_err.plot(
            state.degrees,
            state.train_errors,
            "o-",
            color=COLORS["blue"],
            markersize=4,
            label="training MSE",
        )
        ax_err.plot(
            state.degrees,
            state.test_errors,
            "s-",
            color=COLORS["vermillion"],
            markersize=4,
            label="held-out MSE",
        )
        ax_err.axhline(
            state.noise_variance,
            color=COLORS["grey"],
            linestyle="--",
            linewidth=1,
            label="noise level",
        )
        (self.marker,) = ax_err.plot(
            [],
            [],
            "o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor=COLORS["black"],
            markeredgewidth=1.5,
        )
        self.cursor = ax_err.axvline(
            0, color=COLORS["black"], linewidth=0.8, alpha=0.5, label="current degree"
        )
        ax_err.set_yscale("log")
        ax_err.set_xlabel("polynomial degree $p$")
        ax_err.set_ylabel("mean squared error")
        ax_err.set_title("Training error falls, held-out error turns up", fontsize=11)
        ax_err.legend(frameon=False, fontsize=8, loc="upper left")
        #: What :meth:`update` moves (the rest is drawn once).
        self.animated = [self.fit, ax_fit.title, self.marker, self.cursor]
        self.update(state)

    def update(self, state: PolynomialState) -> None:
        """Show the fit of ``state.degree`` and mark it on the error curves (in place)."""
        self.fit.set_data(state.x_grid, state.f_grid)
        self.marker.set_data([state.degree], [state.test_error])
        self.cursor.set_xdata([state.degree, state.degree])
        self.ax_fit.set_title(
            f"Degree {state.degree}: train {state.train_error:.3g}, "
            f"held-out {state.test_error:.3g}",
            fontsize=11,
        )


def plot_model_comparison(ax: Axes, results: Sequence[ModelResult], noise_variance: float) -> None:
    """Held-out and training MSE of each model as dots on a log axis (a dot chart: bars
    would start at an arbitrary point of a log axis, so their lengths would mean nothing)."""
    names = [r.name.replace("h1, h2, h3", "$h_1, h_2, h_3$") for r in results]
    y = np.arange(len(results))[::-1]
    test = [r.test_mse for r in results]
    train = [r.train_mse for r in results]
    for yi, a, b in zip(y, train, test, strict=True):
        ax.plot([min(a, b), max(a, b)], [yi, yi], color=COLORS["grey"], linewidth=1, zorder=1)
    ax.plot(test, y, "o", color=COLORS["vermillion"], markersize=8, label="held-out MSE", zorder=3)
    ax.plot(train, y, "s", color=COLORS["blue"], markersize=7, label="training MSE", zorder=3)
    ax.axvline(
        noise_variance,
        color=COLORS["black"],
        linestyle="--",
        linewidth=1,
        label="noise level: best possible held-out (expected) MSE",
    )
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.set_ylim(y.min() - 0.6, y.max() + 0.6)
    ax.set_xscale("log")
    low = min(noise_variance, *(min(r.train_mse, r.test_mse) for r in results))
    high = max(max(r.train_mse, r.test_mse) for r in results)
    ax.set_xlim(0.5 * low, 2.0 * high)
    ax.set_xlabel("mean squared error (log scale)")
    ax.set_title("Restaurant popularity: further left is better", fontsize=11)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.4, -0.22), ncol=3)


def plot_unit_correlations(ax: Axes, corr: UnitCorrelations, title: str = "") -> None:
    """A heat map of each learned unit's correlation with the sub-problems and raw features."""
    table = np.hstack([corr.corr_sub, corr.corr_raw])
    columns = [*SUBPROBLEMS, *corr.raw_names]
    ax.imshow(table, cmap="PuOr", vmin=-1, vmax=1, aspect="auto")
    ax.grid(False)
    for (i, j), v in np.ndenumerate(table):
        label = f"{v:.2f}"
        ax.text(
            j,
            i,
            "0.00" if label == "-0.00" else label,  # as the tables print it: no "-0"
            ha="center",
            va="center",
            fontsize=8,
            color="white" if abs(v) > 0.6 else "black",
        )
    ax.set_xticks(range(len(columns)))
    ax.set_xticklabels(columns, rotation=35, ha="right", fontsize=9)
    ax.set_yticks(range(table.shape[0]))
    ax.set_yticklabels([f"unit {k + 1}" for k in range(table.shape[0])])
    ax.axvline(len(SUBPROBLEMS) - 0.5, color=COLORS["black"], linewidth=1.5)
    ax.set_title(title or "Correlation of each learned unit with ...", fontsize=11)
