"""Figures for SGD on least squares and ridge regression (notebooks 09 and 10)."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter, NullLocator

from lecturelib.linear_models import (
    CurveData,
    MinibatchStudy,
    RegressionData,
    RidgeState,
    SGDRun,
    objective,
)
from lecturelib.plots import COLORS, CYCLE

__all__ = [
    "RidgeFitPlot",
    "SGDPlot",
    "plot_convergence",
    "plot_minibatch",
    "plot_regularization_path",
]

#: The regularisation path's weight axis covers the weights from this lambda on; at smaller
#: lambda they grow large and leave the axis (their size shows on the norm's own axis).
WEIGHTS_READABLE_FROM = 1e-4


def _plain_log(axis: Axis) -> None:
    """Log-scale ticks labelled ``1e-06``, ``0.01``, ``1`` as plain text.

    Matplotlib's default ``10^k`` labels go through mathtext, which more than doubles the
    time to re-render an explorer's figure.
    """
    axis.set_major_locator(LogLocator(base=10, numticks=8))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())


def _finite_or_nan(values: np.ndarray, limit: float = 1e6) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values) & (np.abs(values) < limit), values, np.nan)


class SGDPlot:
    """SGD's progress: the average objective by step (left) and the path of ``(w1, w2)`` (right).

    The right panel draws the contours of the average loss over ``(w1, w2)`` with ``b`` held
    at its least-squares value (a slice of a 3-d bowl) and the least-squares solution as a
    star. Call :meth:`update` with a new run to move the curves in place.

    ``log_steps=True`` puts the step axis on a log scale from step 1 (step 0, the start, is
    not drawn), so a descent in the first few dozen steps of a long run stays visible. The
    explorer keeps a linear axis (a log-scale axis makes each re-render slower).
    """

    def __init__(
        self,
        ax_loss: Axes,
        ax_path: Axes,
        data: RegressionData,
        w_ls: np.ndarray,
        b_ls: float,
        max_steps: int,
        lam: float = 0.0,
        log_steps: bool = False,
    ) -> None:
        if data.d != 2:
            raise ValueError(f"SGDPlot draws the (w1, w2) plane: needs d = 2, not {data.d}")
        self.ax_loss, self.ax_path = ax_loss, ax_path
        self.log_steps = log_steps
        self.floor = objective(data.X, data.y, w_ls, b_ls, lam)
        (self.loss,) = ax_loss.plot([], [], color=COLORS["blue"], linewidth=1.2, label="SGD")
        ax_loss.axhline(
            self.floor, color=COLORS["black"], linestyle="--", linewidth=1, label="minimum"
        )
        ax_loss.set_yscale("log")
        _plain_log(ax_loss.yaxis)
        if log_steps:
            ax_loss.set_xscale("log")
            _plain_log(ax_loss.xaxis)
            ax_loss.set_xlim(1, max_steps)
            ax_loss.set_xlabel("step (log scale)")
        else:
            ax_loss.set_xlim(0, max_steps)
            ax_loss.set_xlabel("step")
        ax_loss.set_ylim(self.floor * 0.5, 1e3)
        ax_loss.set_ylabel("average objective")
        ax_loss.legend(frameon=False, loc="upper right", fontsize=8)
        span = 2.5
        g1 = np.linspace(w_ls[0] - span, w_ls[0] + span, 81)
        g2 = np.linspace(w_ls[1] - span, w_ls[1] + span, 81)
        W1, W2 = np.meshgrid(g1, g2)
        W = np.stack([W1.ravel(), W2.ravel()], axis=1)
        R = data.y[None, :] - (W @ data.X.T + b_ls)
        Z = (R * R).mean(axis=1).reshape(W1.shape) + lam * (W1**2 + W2**2)
        levels = self.floor + np.array([0.01, 0.03, 0.1, 0.3, 1, 2, 4, 8])
        ax_path.contour(W1, W2, Z, levels=levels, colors=COLORS["grey"], linewidths=0.7)
        (self.path,) = ax_path.plot([], [], color=COLORS["blue"], linewidth=0.8, alpha=0.8)
        (self.end,) = ax_path.plot([], [], "o", color=COLORS["blue"], markersize=5)
        ax_path.plot([0.0], [0.0], "s", color=COLORS["black"], markersize=5, label="start")
        ax_path.plot(
            [w_ls[0]],
            [w_ls[1]],
            "*",
            color=COLORS["vermillion"],
            markersize=12,
            label="least squares" if lam == 0 else "closed form",
        )
        ax_path.set_xlim(g1[0], g1[-1])
        ax_path.set_ylim(g2[0], g2[-1])
        ax_path.set_xlabel("$w_1$")
        ax_path.set_ylabel("$w_2$")
        ax_path.set_aspect("equal", adjustable="box")
        ax_path.legend(frameon=False, loc="upper right", fontsize=8)
        solution = "least-squares" if lam == 0 else "closed-form"
        ax_path.set_title(f"path of $(w_1, w_2)$\ncontours at the {solution} b", fontsize=10)
        #: What :meth:`update` moves (the rest is drawn once).
        self.animated = [self.loss, self.path, self.end, ax_loss.title]

    def update(self, run: SGDRun, title: str | None = None) -> None:
        """Show a new run (in place)."""
        keep = run.steps_recorded > 0 if self.log_steps else slice(None)
        self.loss.set_data(run.steps_recorded[keep], _finite_or_nan(run.losses[keep], 1e300))
        self.path.set_data(_finite_or_nan(run.W[:, 0]), _finite_or_nan(run.W[:, 1]))
        self.end.set_data(_finite_or_nan(run.W[-1:, 0]), _finite_or_nan(run.W[-1:, 1]))
        if title is None:
            schedule = f"η = {run.lr:.3g}" + (
                "" if run.decay is None else f"/(1 + t/{run.decay:g})"
            )
            title = f"SGD, one example per step, {schedule}"
        self.ax_loss.set_title(title, fontsize=10)


def plot_convergence(ax: Axes, run: SGDRun, w_star: np.ndarray, b_star: float) -> None:
    """How far SGD is from the closed-form solution, step by step (log scale).

    The largest ``|difference|`` over all parameters between the recorded ``(w, b)`` and
    the closed-form ``(w_star, b_star)``.
    """
    gap = np.maximum(np.abs(run.W - w_star).max(axis=1), np.abs(run.b - b_star))
    ax.plot(run.steps_recorded, _finite_or_nan(gap), color=COLORS["blue"], linewidth=1.2)
    ax.set_yscale("log")
    _plain_log(ax.yaxis)
    ax.set_xlabel("step")
    ax.set_ylabel("largest |SGD - closed form|")
    ax.axhline(0.02, color=COLORS["black"], linestyle="--", linewidth=1)
    ax.set_title("SGD closes in on the closed form (dashed: 0.02)", fontsize=10)


def plot_regularization_path(ax: Axes, path, current: float | None = None) -> list:
    """Each ridge weight ``w_k(lambda)`` against ``log10 lambda``: all shrink to 0.

    The weights' axis covers them from ``lambda = 1e-4`` on (:data:`WEIGHTS_READABLE_FROM`),
    where they are of order 1; at smaller ``lambda`` they grow large and leave it. ``||w||``
    has its own axis on the right, on a log scale, so its fall from about 30 to 0.03 shows
    whole. The x axis is ``log10 lambda`` on a linear scale (a log-scale axis costs an
    explorer a third of its re-render time). Returns the vertical line marking ``current``
    (or an empty list), for in-place updates.
    """
    x = np.log10(path.lams)
    for k in range(path.W.shape[1]):
        ax.plot(x, path.W[:, k], color=CYCLE[k % len(CYCLE)], linewidth=1.0)
    readable = path.lams >= WEIGHTS_READABLE_FROM
    shown = path.W[readable] if readable.any() else path.W
    low, high = min(float(shown.min()), 0.0), max(float(shown.max()), 0.0)
    pad = 0.08 * (high - low) or 1.0
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(x[0], x[-1])
    ax.axhline(0.0, color=COLORS["grey"], linewidth=0.8)
    ax.set_xlabel(r"$\log_{10} \lambda$")
    ax.set_ylabel("weights (one curve each)")
    ax.set_title("Regularisation path", fontsize=10)
    ax_norm = ax.twinx()
    ax_norm.plot(
        x, path.norms, color=COLORS["black"], linewidth=2.2, linestyle="--", label=r"$\|w\|$"
    )
    ax_norm.set_yscale("log")
    _plain_log(ax_norm.yaxis)
    ax_norm.yaxis.set_minor_locator(NullLocator())  # fewer ticks: a faster re-render
    ax_norm.set_ylabel(r"$\|w\|$ (dashed, log scale)")
    ax_norm.spines["top"].set_visible(False)
    ax_norm.legend(frameon=False, fontsize=8, loc="upper right")
    if current is None:
        return []
    # On the twin axis, drawn last: over every curve, and a frame that moves it redraws
    # only this axis's top layer (lecturelib.plots.FrameRenderer).
    return [ax_norm.axvline(np.log10(current), color=COLORS["vermillion"], linewidth=1.5)]


class RidgeFitPlot:
    """The data and the ridge fit at one ``lambda`` (left), the regularisation path (right)."""

    def __init__(self, ax_fit: Axes, ax_path: Axes, data: CurveData, state: RidgeState) -> None:
        self.ax_fit = ax_fit
        ax_fit.plot(data.x, data.y, "o", color=COLORS["blue"], markersize=4, label="data")
        ax_fit.plot(
            state.x_grid,
            np.sin(2 * np.pi * state.x_grid),
            color=COLORS["grey"],
            linewidth=1,
            label=r"$\sin(2\pi x)$ (truth)",
        )
        ax_fit.plot(
            state.x_grid,
            state.fit_ls,
            color=COLORS["green"],
            linewidth=1,
            linestyle=":",
            label=r"least squares ($\lambda = 0$)",
        )
        (self.fit,) = ax_fit.plot([], [], color=COLORS["vermillion"], linewidth=2, label="ridge")
        ax_fit.set_xlim(0, 1)
        ax_fit.set_ylim(-2.0, 2.0)
        ax_fit.set_xlabel("$x$")
        ax_fit.set_ylabel("$y$")
        ax_fit.legend(frameon=False, fontsize=7, loc="lower left")
        (self.marker,) = plot_regularization_path(ax_path, state.path, state.lam)
        #: What :meth:`update` moves (the rest is drawn once).
        self.animated = [self.fit, ax_fit.title, self.marker]
        self.update(state)

    def update(self, state: RidgeState) -> None:
        """Move the fitted curve and the λ marker (in place)."""
        self.fit.set_data(state.x_grid, state.fit)
        self.marker.set_xdata([np.log10(state.lam)] * 2)
        self.ax_fit.set_title(
            rf"$\lambda$ = {state.lam:.2g}: $\|w\|$ = {state.norm:.3g}", fontsize=10
        )


def plot_minibatch(ax: Axes, study: MinibatchStudy) -> None:
    """Excess loss against example-gradients spent, one curve per batch size.

    The line is the median over the seeds, the band spans the 10th to the 90th percentile
    (how far the seeds spread: SGD's noise). Both axes are logarithmic; the start (nothing
    spent yet) is left out.
    """
    for k, (size, color) in enumerate(zip(study.batch_sizes, CYCLE, strict=False)):
        spent, excess = study.spent[k][1:], study.excess[k][:, 1:]
        low, mid, high = np.percentile(excess, [10, 50, 90], axis=0)
        label = "full batch (gradient descent)" if size == study.n else f"batch $B = {size}$"
        style = "o-" if len(spent) < 10 else "-"
        ax.plot(spent, mid, style, color=color, linewidth=1.6, markersize=4, label=label)
        if np.any(high > low):
            ax.fill_between(spent, low, high, color=color, alpha=0.25, linewidth=0)
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_log(ax.xaxis)
    _plain_log(ax.yaxis)
    ax.set_xlabel("example-gradients computed (the cost)")
    ax.set_ylabel(r"excess loss $J - J_{\min}$")
    ax.set_title(
        f"Same budget, same $\\eta = {study.lr:g}$: small batches start fast, "
        "larger ones end quieter",
        fontsize=9,
    )
    ax.legend(frameon=False, fontsize=8, loc="lower left")
