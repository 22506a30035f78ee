"""Figures for the activation functions (notebook 04)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lecturelib.activations import (
    EXPONENTIALS,
    THRESHOLD_X,
    THRESHOLD_Y,
    ThresholdFit,
    UnitState,
    flat_mask,
    get_activation,
    threshold_loss,
)
from lecturelib.plots import COLORS, new_figure

__all__ = [
    "ACTIVATION_COLORS",
    "UnitPlot",
    "plot_activations",
    "plot_threshold_losses",
    "plot_timings",
    "plot_two_layer",
]

#: One colour per activation, the same in every figure of the notebook.
ACTIVATION_COLORS = {
    "sign": COLORS["black"],
    "logistic": COLORS["blue"],
    "tanh": COLORS["vermillion"],
    "relu": COLORS["green"],
}
_FLAT = "#e8e8e8"

#: Each activation's formula and derivative as mathtext, for the panel titles.
_MATH = {
    "sign": (r"$\mathrm{sign}(z)$", r"$0$ for $z \neq 0$"),
    "logistic": (r"$1/(1 + e^{-z})$", r"$s\,(1 - s)$"),
    "tanh": (r"$\tanh(z)$", r"$1 - \tanh^2(z)$"),
    "relu": (r"$\max(0, z)$", r"$0$ or $1$"),
}


def _shade_flat(ax: Axes, z: np.ndarray, flat: np.ndarray) -> None:
    """Shade the stretches of the z axis where ``flat`` is true (behind the curves)."""
    if flat.any():
        ax.fill_between(
            z,
            0,
            1,
            where=flat,
            color=_FLAT,
            transform=ax.get_xaxis_transform(),
            linewidth=0,
            zorder=0,
        )


def plot_activations(
    names: Sequence[str] = ("sign", "logistic", "tanh", "relu"), z_max: float = 8.0
) -> Figure:
    """Each activation (top row) above its derivative (bottom row), flat regions shaded.

    Shaded: where the derivative is below 1% of its peak, so a gradient through the unit is
    shrunk at least a hundredfold (for sign: everywhere, the derivative is 0).
    """
    fig, axes = new_figure(
        2,
        len(names),
        figsize=(2.55 * len(names), 4.6),
        margins={
            "left": 0.06,
            "right": 0.99,
            "bottom": 0.1,
            "top": 0.86,
            "wspace": 0.28,
            "hspace": 0.45,
        },
    )
    z = np.linspace(-z_max, z_max, 601)
    for j, name in enumerate(names):
        act = get_activation(name)
        color = ACTIVATION_COLORS.get(act.name, COLORS["black"])
        grad = act.grad(z)
        flat = flat_mask(act.name, z)
        top, bottom = axes[0, j], axes[1, j]
        for ax in (top, bottom):
            _shade_flat(ax, z, flat)
            ax.axhline(0, color=COLORS["grey"], linewidth=0.6)  # the z axis
            ax.set_xlim(-z_max, z_max)
        if act.undefined_at:  # a jump or a kink: draw each side apart, with hollow ends
            edges = (-z_max, *act.undefined_at, z_max)
            eps = 1e-9 * z_max
            for left, right in itertools.pairwise(edges):
                zs = np.concatenate([[left + eps], z[(z > left) & (z < right)], [right - eps]])
                top.plot(zs, act.f(zs), color=color, linewidth=2)
                bottom.plot(zs, act.grad(zs), color=color, linewidth=2)
            for z0 in act.undefined_at:
                ends = sorted({float(act.grad(z0 - eps)), float(act.grad(z0 + eps))})
                bottom.plot(
                    [z0] * len(ends),
                    ends,
                    "o",
                    markerfacecolor="white",
                    markeredgecolor=color,
                    zorder=3,
                )
                bottom.annotate(
                    f"undefined at {z0:g}",
                    (z0, 0.5 * (ends[0] + ends[-1])),
                    (0.5, 0.6) if len(ends) == 1 else (0.3, 0.6),
                    textcoords="axes fraction",
                    ha="center",
                    fontsize=9,
                    arrowprops={"arrowstyle": "->", "color": color},
                )
        else:
            top.plot(z, act.f(z), color=color, linewidth=2)
            bottom.plot(z, grad, color=color, linewidth=2)
        formula, derivative = _MATH.get(act.name, (act.formula, act.derivative))
        top.set_title(f"{act.name}: {formula}", fontsize=10)
        bottom.set_title(f"derivative: {derivative}", fontsize=10)
        bottom.set_xlabel("$z$")
        bottom.set_ylim(-0.1, 1.15)
    axes[0, 0].set_ylabel(r"$\sigma(z)$")
    axes[1, 0].set_ylabel(r"$\sigma'(z)$")
    fig.suptitle(
        r"Grey: flat regions ($\sigma'$ below 1% of its peak). Sigmoids are flat on both sides, "
        r"ReLU only for $z < 0$",
        fontsize=11,
    )
    return fig


def plot_threshold_losses(ax: Axes, fits: Sequence[ThresholdFit], b_max: float = 1.0) -> None:
    """The toy loss ``J(b)`` for each activation, with gradient descent's start and end.

    For ``sign`` the loss is a staircase: the slope is 0 between data points, so gradient
    descent stays where it started. Shaded: the gap between the last ``-1`` label and the
    first ``+1`` label, where every threshold classifies all 20 points correctly.
    """
    b = np.linspace(-b_max, b_max, 801)
    start = fits[0].b_path[0] if fits else 0.0
    for fit in fits:
        color = ACTIVATION_COLORS.get(fit.name, COLORS["black"])
        loss, _ = threshold_loss(fit.name, b)
        ax.plot(b, loss, color=color, linewidth=1.8, label=rf"$\sigma$ = {fit.name}")
        ax.plot([fit.b_path[0]], [fit.losses[0]], "o", color=color, markerfacecolor="white")
        ax.plot([fit.b], [fit.losses[-1]], "*", color=color, markersize=12)
    last_minus = float(np.max(THRESHOLD_X[THRESHOLD_Y < 0]))
    first_plus = float(np.min(THRESHOLD_X[THRESHOLD_Y > 0]))
    ax.axvspan(
        last_minus,
        first_plus,
        color=_FLAT,
        zorder=0,
        label=f"gap between the labels, $x$ = {last_minus:.2f} to {first_plus:.2f}",
    )
    grey = COLORS["grey"]
    ax.plot([], [], "o", color=grey, markerfacecolor="white", label=f"start, $b = {start:g}$")
    ax.plot([], [], "*", color=grey, markersize=12, label="where gradient descent ends")
    ax.set_xlabel("threshold $b$")
    ax.set_ylabel("training MSE $J(b)$")
    ax.set_xlim(-b_max, b_max)
    ax.set_title(f"Gradient descent from $b = {start:g}$ (o) to (*): sign never moves")
    ax.legend(frameon=False, loc="upper right", fontsize=9)


def _broken(
    x: np.ndarray, y: np.ndarray, z: np.ndarray, at: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` with a gap (a NaN) wherever ``z`` crosses one of the points ``at``."""
    if not len(at) or x.size < 2:
        return x, y
    side = np.sum([np.sign(z - a) for a in at], axis=0)
    cuts = np.flatnonzero(np.diff(side) != 0) + 1
    return np.insert(x.astype(float), cuts, np.nan), np.insert(y.astype(float), cuts, np.nan)


class UnitPlot:
    """One hidden unit ``sigma(v x + b)`` (left) and ``sigma'(v x + b)`` (right), in place."""

    def __init__(self, axes: Sequence[Axes], state: UnitState) -> None:
        self.ax_f, self.ax_g = axes
        self.f_lines = {}
        self.g_lines = {}
        for name in state.outputs:
            color = ACTIVATION_COLORS.get(name, COLORS["black"])
            (self.f_lines[name],) = self.ax_f.plot([], [], color=color, linewidth=2, label=name)
            (self.g_lines[name],) = self.ax_g.plot([], [], color=color, linewidth=2, label=name)
        for ax in (self.ax_f, self.ax_g):
            ax.set_xlim(-1, 1)
            ax.set_xlabel("input $x$")
            ax.axhline(0, color=COLORS["grey"], linewidth=0.6)
        self.ax_f.set_ylim(-1.15, 2.15)
        self.ax_g.set_ylim(-0.05, 1.1)
        self.ax_f.set_ylabel(r"unit output $\sigma(v x + b)$")
        self.ax_g.set_ylabel(r"$\sigma'(v x + b)$")
        self.ax_f.legend(frameon=False, loc="upper left", fontsize=9)
        self.ax_g.set_title("Its slope: the factor every gradient gets", fontsize=10)
        self.update(state)

    def update(self, state: UnitState) -> None:
        """Redraw the curves for a new ``(v, b)``; a derivative is broken where it jumps
        (ReLU's at ``v x + b = 0``), not joined by a vertical stroke."""
        z = state.v * state.x + state.b
        for name in state.outputs:
            self.f_lines[name].set_data(state.x, state.outputs[name])
            undefined = get_activation(name).undefined_at
            self.g_lines[name].set_data(*_broken(state.x, state.grads[name], z, undefined))
        self.ax_f.set_title(
            rf"A unit $\sigma(v x + b)$ with $v$ = {state.v:.2f}, $b$ = {state.b:.2f}", fontsize=10
        )


def plot_timings(
    ax: Axes,
    timings: Mapping[str, Mapping[str, float]],
    passes: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> None:
    """Measured time per call (microseconds) of each activation and of its derivative.

    With ``passes`` (from :func:`lecturelib.activations.array_passes`) each bar is labelled
    with the number of passes over the array that call makes, marked ``e`` if one of them
    computes an exponential.
    """
    names = list(timings)
    pos = np.arange(len(names))
    width = 0.38
    for shift, part, color, label in (
        (-width / 2, "f", COLORS["blue"], r"$\sigma(z)$"),
        (width / 2, "grad", COLORS["orange"], r"$\sigma'(z)$"),
    ):
        heights = [timings[n][part] * 1e6 for n in names]
        bars = ax.bar(pos + shift, heights, width, color=color, label=label)
        if passes is not None:
            ops = [passes[n][part] for n in names]
            ax.bar_label(
                bars,
                [f"{len(o)}" + ("e" if EXPONENTIALS.intersection(o) else "") for o in ops],
                fontsize=9,
                padding=2,
            )
    ax.set_xticks(pos, names)
    ax.set_ylabel("time per call (µs)")
    ax.margins(y=0.12)
    if passes is None:
        ax.set_title("Measured on 100,000 inputs (this machine, this run)", fontsize=10)
    else:
        ax.set_title(
            "Measured on 100,000 inputs (this machine, this run);\n"
            "on the bars: passes over the array, e = one computes an exponential",
            fontsize=9,
        )
    ax.legend(frameon=False, loc="upper right")


def plot_two_layer(
    ax: Axes, x: np.ndarray, H: np.ndarray, w: np.ndarray, f: np.ndarray, activation: str
) -> None:
    """Equation (6): the weighted features ``w_k h_k(x)`` (dashed) and their sum ``f`` (solid)."""
    colors = [COLORS["green"], COLORS["orange"], COLORS["purple"], COLORS["sky"]]
    for k in range(H.shape[1]):
        ax.plot(
            x,
            w[k] * H[:, k],
            linestyle="--",
            color=colors[k % len(colors)],
            label=f"$w_{k + 1} h_{k + 1}(x)$",
        )
    ax.plot(x, f, color=COLORS["vermillion"], linewidth=2.2, label=r"$f(x)$, their sum")
    ax.set_xlabel("$x$")
    ax.set_title(rf"$\sigma$ = {activation}")
    ax.axhline(0, color=COLORS["grey"], linewidth=0.6)
