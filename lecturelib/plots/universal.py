"""Figures for universal approximation and depth (notebook 06)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes

from lecturelib.mlp import MLP
from lecturelib.plots import COLORS
from lecturelib.universal import (
    DepthResult,
    DimensionResult,
    WidthResult,
    WidthState,
    sawtooth,
)

__all__ = [
    "WidthPlot",
    "plot_depth_fits",
    "plot_depth_runs",
    "plot_error_vs_width",
    "plot_units_needed",
]


def plot_error_vs_width(ax: Axes, results: Sequence[WidthResult]) -> None:
    """Sup error against the number of hidden units, log-log.

    The theorem's hand-built staircase (from the first result) falls along a straight line of
    slope -1 (error ~ 1/N), drawn dotted through the middle of the staircase's points (the
    line ``C/N`` closest to them on the log scale); fitted networks fall faster at first,
    then level off where the optimiser stops finding better parameters. A line joins, for
    each width, the start with the lowest training error; with more than two starts every
    start is a dot as well.
    """
    first = results[0]
    N = first.widths
    ax.loglog(
        N,
        first.theorem_sup,
        "o-",
        color=COLORS["black"],
        linewidth=1.5,
        markersize=4,
        label="theorem's staircase (built by hand)",
    )
    ref = np.exp(np.mean(np.log(first.theorem_sup * N))) / N
    ax.loglog(
        N, ref, ":", color=COLORS["grey"], linewidth=1, label=r"slope -1: error $\propto 1/N$"
    )
    colors = (COLORS["blue"], COLORS["vermillion"], COLORS["green"])
    for i, r in enumerate(results):
        color = colors[i % 3]
        runs = len(r.seeds)
        ax.loglog(
            r.widths,
            r.fitted_sup,
            "s-",
            color=color,
            linewidth=1.5,
            markersize=4,
            label=f"fitted {r.activation}: lowest training error of {runs} starts"
            if runs > 1
            else f"fitted {r.activation}",
        )
        if runs > 2:
            ax.loglog(
                np.repeat(r.widths, runs) * np.tile(np.linspace(0.93, 1.07, runs), r.widths.size),
                r.run_sup.ravel(),
                "o",
                color=color,
                markersize=2.5,
                alpha=0.5,
                label=f"every {r.activation} start",
            )
    ax.set_xticks(N)
    ax.set_xticklabels([str(n) for n in N])
    ax.minorticks_off()
    ax.set_xlabel("hidden units $N$")
    ax.set_ylabel(r"$\max_x |\hat{F}(x) - F(x)|$ on $[-1, 1]$")
    ax.set_title("More units, smaller error (until the optimiser gives up)")
    ax.legend(frameon=False, fontsize=7.5, loc="lower left", handlelength=1.5, borderaxespad=0.3)


def plot_units_needed(ax: Axes, result: DimensionResult) -> None:
    """Test error against width for each input dimension, with the target error ``eps``."""
    colors = (COLORS["blue"], COLORS["vermillion"], COLORS["green"], COLORS["orange"])
    for i, d in enumerate(result.dims):
        tried = np.array(result.tried[d])
        ax.loglog(
            tried[:, 0],
            tried[:, 1],
            "o-",
            color=colors[i % 4],
            linewidth=1.5,
            markersize=4,
            label=f"$d = {d}$ ({result.n_train[d]} training points)",
        )
        if result.needed[d] is not None:
            ax.annotate(
                f"N = {result.needed[d]}",
                (tried[-1, 0], tried[-1, 1]),
                textcoords="offset points",
                xytext=(5, 4),
                fontsize=9,
                color=colors[i % 4],
            )
    ax.axhline(result.eps, color=COLORS["black"], linestyle="--", linewidth=1)
    ax.text(1, result.eps, f" target error {result.eps:g}", va="bottom", fontsize=8)
    ticks = sorted({n for d in result.dims for n, _ in result.tried[d]})
    ax.set_xticks(ticks)
    ax.set_xticklabels([str(t) for t in ticks])
    ax.minorticks_off()
    ax.set_xlabel("hidden units $N$")
    ax.set_ylabel("RMS test error")
    ax.set_title("The same bump needs more units in more dimensions")
    ax.legend(frameon=False, fontsize=8, loc="upper right")


def plot_depth_runs(ax: Axes, result: DepthResult) -> None:
    """Every training run's max error, one column per architecture.

    Filled dots are runs that still depend on ``x``; open ones ended as a constant. The
    dashed line is the max error of the constant 0 (it is 1): below it, a network does
    better than predicting nothing.
    """
    for i, errors in enumerate(result.sup):
        jitter = np.linspace(-0.2, 0.2, errors.size)
        flat = result.flat[i]
        ax.plot(
            (i + jitter)[~flat],
            errors[~flat],
            "o",
            color=COLORS["blue"],
            markersize=5,
            alpha=0.8,
            label="a run (the output varies with x)" if i == 0 else None,
        )
        ax.plot(
            (i + jitter)[flat],
            errors[flat],
            "o",
            markerfacecolor="none",
            color=COLORS["vermillion"],
            markersize=5,
            label="a run that ended as a constant" if i == len(result.sup) - 1 else None,
        )
    ax.axhline(1.0, color=COLORS["black"], linestyle="--", linewidth=1)
    ax.text(-0.45, 0.97, "the constant 0: max error 1", va="top", fontsize=8)
    ax.axhline(result.success, color=COLORS["grey"], linestyle=":", linewidth=1)
    ax.text(-0.45, result.success, f" a fit: below {result.success:g}", va="bottom", fontsize=8)
    ax.set_xticks(range(len(result.architectures)))
    ax.set_xticklabels(
        [
            f"{list(a)}\n{p} params"
            for a, p in zip(result.architectures, result.n_params, strict=True)
        ],
        fontsize=8,
    )
    ax.set_xlim(-0.5, len(result.architectures) - 0.5)
    ax.set_ylim(0.0, max(1.3, float(result.sup.max()) * 1.05))
    ax.set_ylabel(r"$\max_x |\hat{F}(x) - F(x)|$")
    starts = len(result.seeds)
    if result.sup.min() >= 1.0:
        ax.set_title(f"No run beats the constant 0 ({starts} starts each)")
    else:
        ax.set_title(f"{starts} random starts each: every run")
    ax.legend(frameon=False, fontsize=8, loc="lower center")


def plot_depth_fits(ax: Axes, result: DepthResult, hand_built: MLP) -> None:
    """The sawtooth, the hand-built deep network, the best wide run and one deep run.

    The deep run shown is the first that ended as a constant (if any did), else the best.
    It is drawn wide and pale under the best wide run, which is drawn on top: both can be
    nearly flat near 0, and then the thin wide curve still shows on the broad deep one.
    """
    x = result.x_test
    k = result.compositions
    wide, deep = result.architectures[0], result.architectures[-1]
    ax.plot(x, sawtooth(x, k), color=COLORS["grey"], linewidth=3, alpha=0.6, label="target")
    ax.plot(
        x,
        hand_built.predict(x),
        color=COLORS["black"],
        linewidth=0.8,
        linestyle="--",
        label="deep: built by hand",
    )
    ax.plot(
        x,
        result.best(wide).predict(x),
        color=COLORS["blue"],
        linewidth=1.5,
        label=f"wide {list(wide)}: best run",
        zorder=4,
    )
    stuck = result.first_flat(deep)
    label = "deep: a run that ended constant"
    if stuck is None:
        stuck, label = result.best(deep), "deep: best run"
    ax.plot(
        x,
        stuck.predict(x),
        color=COLORS["vermillion"],
        linewidth=4,
        alpha=0.45,
        label=label,
        zorder=3,
    )
    ax.set_xlabel("$x$")
    ax.set_ylabel("output")
    ax.set_title(f"g composed {k} times: {2**k} straight pieces")
    ax.legend(frameon=False, fontsize=7.5, loc="lower center", ncol=2)
    ax.set_ylim(-2.5, 1.3)
    ax.set_yticks([-1, 0, 1])


class WidthPlot:
    """One fitted width: target, training points, the fitted curve, each unit's term.

    The dashed curves are the terms ``w_i sigma(v_i x + b_i)`` of equation (7) (plus the
    output bias they ride on is left out): the fitted curve is their sum plus ``b2``.
    """

    def __init__(self, axes: Sequence[Axes], state: WidthState) -> None:
        ax, ax_terms = axes
        self.ax, self.ax_terms = ax, ax_terms
        ax.plot(
            state.x, state.target, color=COLORS["grey"], linewidth=3, alpha=0.6, label="target $F$"
        )
        ax.plot(
            state.x_train,
            state.y_train,
            "o",
            color=COLORS["blue"],
            markersize=2.5,
            label="training points",
        )
        (self.fitted,) = ax.plot(
            [], [], color=COLORS["vermillion"], linewidth=1.8, label="fitted network"
        )
        (self.theorem,) = ax.plot(
            [], [], color=COLORS["black"], linewidth=1, linestyle="--", label="theorem's staircase"
        )
        ax.set_xlabel("$x$")
        ax.set_ylabel("$F(x)$")
        ax.legend(frameon=False, fontsize=8, loc="lower center", ncol=2)
        ax.set_ylim(-3.3, 2.2)
        ax_terms.set_xlabel("$x$")
        ax_terms.set_ylabel(r"$w_i\,\sigma(v_i x + b_i)$")
        self.terms: list = []
        self.update(state)

    def update(self, state: WidthState) -> None:
        """Show another width (in place: only the lines' data change, and the unit terms)."""
        self.fitted.set_data(state.x, state.fitted)
        self.theorem.set_data(state.x, state.theorem)
        self.ax.set_title(
            f"$N$ = {state.N}: max error fitted {state.fitted_sup:.1g}, "
            f"staircase {state.theorem_sup:.2g}"
        )
        for line in self.terms:
            line.remove()
        self.terms = [
            self.ax_terms.plot(
                state.x,
                t,
                linestyle="--",
                linewidth=1,
                color=COLORS["green"],
                alpha=0.8 if state.N <= 8 else 0.4,
            )[0]
            for t in state.terms
        ]
        top = max(1.0, float(np.max(np.abs(state.terms))))
        self.ax_terms.set_ylim(-1.05 * top, 1.05 * top)
        self.ax_terms.set_title(f"The {state.N} hidden units' terms (dashed)")
