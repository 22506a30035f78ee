"""Figures for three hidden units approximating curves (Bishop, PRML, Fig. 5.3; notebook 05).

As in the book: training points as dots, the network's output as a solid curve, the three
hidden units' outputs as dashed curves, one panel per target. Colours are Okabe-Ito (blue
dots, a vermillion curve where the book has red, and three distinguishable dashed units).
The output is drawn on top of the dots: where it fits, it runs through every one of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from lecturelib.approximation import (
    GD_FRAMES,
    GD_STEPS_PER_FRAME,
    TARGETS,
    ApproxState,
    Fit,
    GDState,
    Params,
    approx_state,
    bishop_data,
    mse_text,
    network,
    on_segment,
    segment_mse,
)
from lecturelib.plots import COLORS, new_figure
from lecturelib.plots.network import draw_network

__all__ = [
    "UNIT_COLORS",
    "ApproximationPanel",
    "GradientDescentPlot",
    "UnitsPanel",
    "nice_limit",
    "plot_bishop_figure",
    "plot_network_lit",
    "plot_segment",
]

#: The vertical half-ranges the units' panel steps through (it never rescales continuously).
NICE_LIMITS = (1.5, 3.0, 6.0, 12.0, 25.0, 50.0, 100.0)


def nice_limit(values: np.ndarray) -> float:
    """The smallest of :data:`NICE_LIMITS` that holds ``max |values|`` (with a 5% margin)."""
    top = float(np.max(np.abs(values))) * 1.05 if np.size(values) else 0.0
    for limit in NICE_LIMITS:
        if top <= limit:
            return limit
    return NICE_LIMITS[-1]


#: The three hidden units' colours (dashed curves).
UNIT_COLORS = (COLORS["green"], COLORS["orange"], COLORS["purple"])
#: Drawing order: dashed units at the back, then the data, then the output on top.
Z_UNITS, Z_DOTS, Z_CURVE = 2.0, 2.5, 3.0


class ApproximationPanel:
    """One panel: data dots, the network's output and its three hidden units, updated in place.

    Parameters
    ----------
    ax:
        The axes to draw into.
    state:
        What to show (from :func:`lecturelib.approximation.approx_state`).
    units:
        ``"raw"`` draws ``sigma(v_k x + b_k)`` as in the book; ``"weighted"`` draws
        ``w_k sigma(v_k x + b_k)``, the three curves whose sum plus ``w0`` is the output;
        ``"none"`` draws only the data and the output.
    legend:
        Whether to draw a legend.
    ylim:
        Fixed vertical limits (curves beyond them are cut off, not rescaled: the picture
        does not jump while a slider moves).
    """

    def __init__(
        self,
        ax: Axes,
        state: ApproxState,
        *,
        units: str = "raw",
        legend: bool = True,
        ylim: tuple[float, float] = (-1.25, 1.25),
        title: bool = True,
    ) -> None:
        if units not in ("raw", "weighted", "none"):
            raise ValueError(f"units must be 'raw', 'weighted' or 'none', got {units!r}")
        self.ax = ax
        self.units = units
        self.show_title = title
        name = r"$w_k\,\sigma(v_k x + b_k)$" if units == "weighted" else r"$\sigma(v_k x + b_k)$"
        self.unit_lines = [
            ax.plot(
                [],
                [],
                linestyle="--",
                linewidth=1.3,
                color=c,
                label=f"hidden unit {k + 1}" + (f": {name}" if k == 0 else ""),
                zorder=Z_UNITS,
            )[0]
            for k, c in enumerate(UNIT_COLORS)
            if units != "none"
        ]
        (self.curve,) = ax.plot(
            [],
            [],
            color=COLORS["vermillion"],
            linewidth=1.8,
            label="network output $f(x)$",
            zorder=Z_CURVE,
        )
        (self.dots,) = ax.plot(
            [],
            [],
            "o",
            color=COLORS["blue"],
            markersize=4.5,
            label="training points",
            zorder=Z_DOTS,
        )
        ax.set_xlim(-1.05, 1.05)
        ax.set_ylim(*ylim)
        ax.set_xlabel("x")
        if legend:
            ax.legend(frameon=False, loc="lower left", fontsize=8)
        #: What :meth:`update` moves, for an explorer that blits its frames.
        self.animated = [*self.unit_lines, self.curve, self.dots, *([ax.title] if title else [])]
        self.update(state)

    def update(self, state: ApproxState) -> None:
        """Move every curve to a new state."""
        shown = state.weighted if self.units == "weighted" else state.hidden
        for line, ys in zip(self.unit_lines, shown, strict=False):
            line.set_data(state.x_grid, ys)
        self.curve.set_data(state.x_grid, state.curve)
        self.dots.set_data(state.x, state.y)
        if self.show_title:
            self.ax.set_title(
                f"{TARGETS[state.target].label}, {state.activation}: MSE {mse_text(state.mse)}",
                fontsize=10,
            )


class UnitsPanel:
    """What the output is made of: ``w0`` (dotted) and the weighted units (dashed).

    ``f(x) = w0 + sum_k w_k sigma(v_k x + b_k)``: adding the dashed curves to the dotted line
    gives the solid output of :class:`ApproximationPanel`. The vertical range steps through
    :data:`NICE_LIMITS` to hold the largest curve, so large trained weights stay visible.
    """

    def __init__(self, ax: Axes, state: ApproxState, legend: bool = True) -> None:
        self.ax = ax
        self.unit_lines = [
            ax.plot(
                [],
                [],
                linestyle="--",
                linewidth=1.6,
                color=c,
                label=rf"$w_{k + 1}\,\sigma(v_{k + 1} x + b_{k + 1})$",
            )[0]
            for k, c in enumerate(UNIT_COLORS)
        ]
        (self.bias_line,) = ax.plot(
            [], [], linestyle=":", linewidth=1.6, color=COLORS["black"], label="$w_0$"
        )
        ax.set_xlim(-1.05, 1.05)
        ax.set_xlabel("x")
        ax.set_title("Its parts: output = $w_0$ + sum of the dashed", fontsize=10)
        if legend:
            ax.legend(frameon=False, loc="lower left", fontsize=8, ncol=2)
        #: What :meth:`update` moves (its vertical range changes in steps, rarely).
        self.animated = [*self.unit_lines, self.bias_line]
        self.update(state)

    def update(self, state: ApproxState) -> None:
        """Move the weighted units and the ``w0`` line; step the vertical range if needed."""
        for line, ys in zip(self.unit_lines, state.weighted, strict=True):
            line.set_data(state.x_grid, ys)
        w0 = state.params.w0
        self.bias_line.set_data([-1.05, 1.05], [w0, w0])
        limit = nice_limit(np.append(state.weighted.ravel(), w0))
        self.ax.set_ylim(-limit, limit)


def plot_bishop_figure(
    fits: Mapping[tuple[str, str], Fit],
    activations: Sequence[str] = ("tanh",),
    targets: Sequence[str] = tuple(TARGETS),
    title: str = "Three hidden units fit each curve. Dashed: each unit's output "
    r"$\sigma(v_k x + b_k)$; $f = w_0 + \sum_k w_k \times$ dashed",
) -> Figure:
    """Bishop's Fig. 5.3: one panel per target (columns), one row per activation."""
    height = 0.9 + 2.3 * len(activations)
    fig, axes = new_figure(
        len(activations),
        len(targets),
        figsize=(2.4 * len(targets), height),
        margins={
            "left": 0.05,
            "right": 0.98,
            "bottom": 0.1,
            "top": 1 - 0.9 / height,
            "wspace": 0.22,
            "hspace": 0.5,
        },
    )
    for i, activation in enumerate(activations):
        for j, target in enumerate(targets):
            fit = fits[(target, activation)]
            ApproximationPanel(
                axes[i, j], approx_state(fit.params, target, activation), legend=False
            )
            if j > 0:
                axes[i, j].tick_params(labelleft=False)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    order = [4, 3, 0, 1, 2]
    fig.suptitle(title, fontsize=11, y=0.99)
    fig.legend(
        [handles[k] for k in order],
        [labels[k].split(":")[0] for k in order],
        loc="upper center",
        ncol=5,
        frameon=False,
        fontsize=9,
        bbox_to_anchor=(0.5, 0.95),
    )
    return fig


#: The gradient-descent player's loss axis: fixed limits and ticks, labelled as plain text
#: (a log locator and 10^k mathtext labels, rerun at every draw, would slow each frame).
GD_LOSS_LIMITS = (1e-6, 1e2)
GD_LOSS_TICKS = (1e-6, 1e-4, 1e-2, 1.0, 1e2)
GD_LOSS_TITLE = "The loss falls as it learns (log scale)"


class GradientDescentPlot:
    """The gradient-descent player's figure, updated in place at every frame.

    Left: the data (blue dots), the network's output ``f`` drawn on top of them
    (vermillion) and the three hidden units ``sigma(v_k x + b_k)`` (dashed), as in Bishop's
    figure. Right: the training MSE at each frame so far against the step (log scale).
    """

    def __init__(self, ax_fit: Axes, ax_loss: Axes, state: GDState) -> None:
        self.ax_fit, self.ax_loss = ax_fit, ax_loss
        self.fit = ApproximationPanel(
            ax_fit, state.picture, units="raw", legend=False, ylim=(-1.5, 1.5), title=False
        )
        # Few ticks and a legend of three entries: a frame's time goes mostly into text.
        ax_fit.xaxis.set_major_locator(FixedLocator([-1.0, 0.0, 1.0]))
        ax_fit.yaxis.set_major_locator(FixedLocator([-1.0, 0.0, 1.0]))
        ax_fit.set_xlabel("$x$")
        ax_fit.set_ylabel("$f(x)$")
        units = self.fit.unit_lines[0]
        ax_fit.legend(
            [self.fit.dots, self.fit.curve, units],
            ["training points", "network output $f(x)$", r"hidden units $\sigma(v_k x + b_k)$"],
            frameon=False, loc="upper center", fontsize=8,
        )  # fmt: skip
        (self.curve,) = ax_loss.plot([], [], "-", color=COLORS["blue"], linewidth=1.5)
        (self.now,) = ax_loss.plot([], [], "o", color=COLORS["blue"], markersize=5)
        ax_loss.set_yscale("log")
        ax_loss.yaxis.set_major_locator(FixedLocator(GD_LOSS_TICKS))
        ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_loss.yaxis.set_minor_locator(NullLocator())
        ax_loss.set_ylim(*GD_LOSS_LIMITS)
        total = GD_FRAMES * GD_STEPS_PER_FRAME
        ax_loss.set_xlim(0, total)
        ax_loss.xaxis.set_major_locator(FixedLocator(np.linspace(0, total, 4)))
        ax_loss.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax_loss.set_xlabel("gradient-descent step")
        ax_loss.set_ylabel(r"training MSE $J(\theta)$")
        ax_loss.set_title(GD_LOSS_TITLE, fontsize=10, y=1.01)
        self.warning = ax_loss.text(
            0.5, 0.5, "", transform=ax_loss.transAxes, ha="center", va="center",
            color=COLORS["vermillion"], fontsize=10, fontweight="bold",
        )  # fmt: skip
        #: What :meth:`update` moves at every frame (the rest changes with the settings).
        self.animated = [*self.fit.animated, ax_fit.title, self.curve, self.now]
        self.update(state)

    def update(self, state: GDState) -> None:
        """Show a new frame: move the curves, the loss curve and the titles."""
        self.fit.update(state.picture)
        losses = np.maximum(state.losses, GD_LOSS_LIMITS[0])
        self.curve.set_data(state.steps, losses)
        self.now.set_data(state.steps[-1:], losses[-1:])
        self.ax_fit.set_title(
            f"Step {state.step}: the red curve moves onto the dots", fontsize=10, y=1.01
        )
        self.warning.set_text(
            f"diverged at step {state.diverged_at}:\nthe learning rate is too large"
            if state.diverged
            else ""
        )
        self.ax_loss.title.set_text(
            "The loss blew up: the step is too large (log scale)"
            if state.diverged
            else GD_LOSS_TITLE
        )


def plot_segment(
    a: Params,
    b: Params,
    target: str,
    activation: str = "tanh",
    title: str = "Two equally good networks, and the straight line between them: "
    "the loss rises in between, so it is not convex",
) -> Figure:
    """The training MSE along ``theta(t) = (1 - t) theta_A + t theta_B`` (left, log scale)
    and the network's output at both ends and at ``t = 1/2`` (right)."""
    ts, losses = segment_mse(a, b, target, activation)
    fig, axes = new_figure(
        1, 2, figsize=(9.0, 3.3),
        margins={"left": 0.08, "right": 0.98, "bottom": 0.15, "top": 0.8, "wspace": 0.25},
    )  # fmt: skip
    left, right = axes[0]
    left.semilogy(ts, losses, color=COLORS["blue"], linewidth=1.8, label="training MSE")
    ends = [losses[0], losses[-1]]
    left.plot([0, 1], ends, "s", color=COLORS["black"], markersize=6, label="the two fits")
    left.plot(
        [0, 1], ends, ":", color=COLORS["black"], linewidth=1.2,
        label="the chord: a convex loss stays below it",
    )  # fmt: skip
    left.set_xlabel("$t$ in $\\theta(t) = (1-t)\\,\\theta_A + t\\,\\theta_B$")
    left.set_ylabel(r"training MSE $J(\theta(t))$")
    left.legend(frameon=False, fontsize=8, loc="lower center")
    left.set_title("The loss along the segment", fontsize=10)
    x, y = bishop_data(target)
    grid = np.linspace(-1.0, 1.0, 201)
    right.plot(x, y, "o", color=COLORS["blue"], markersize=4.5, label="training points", zorder=2)
    for t, style, color, label in (
        (0.0, "-", COLORS["vermillion"], r"$f$ at $\theta_A$ and at $\theta_B$: the same"),
        (0.5, "--", COLORS["black"], r"$f$ at $\theta(1/2)$, half way"),
    ):
        f, _ = network(grid, on_segment(a, b, t), activation)
        right.plot(grid, f, style, color=color, linewidth=1.8, label=label, zorder=3)
    right.set_xlabel("$x$")
    right.set_ylabel("$f(x)$")
    right.set_xlim(-1.05, 1.05)
    right.legend(frameon=False, fontsize=8, loc="center")
    right.set_title(f"The fits of {TARGETS[target].label}", fontsize=10)
    fig.suptitle(title, fontsize=11)
    return fig


def plot_network_lit(
    params: Params,
    xs: Sequence[float],
    activation: str = "tanh",
    title: str = "The same network at three inputs: each unit lit by its output "
    "(blue: positive, vermillion: negative)",
) -> Figure:
    """The 1-3-1 network drawn as the slides draw it, once per input in ``xs``, every unit
    filled by its activation for that input (written to one decimal) and the output in
    each drawing's title.

    Line widths and styles give the weights (solid blue positive, dashed vermillion
    negative); the drawings share one width scale, so they can be compared.
    """
    xs = [float(x) for x in xs]
    if not xs:
        raise ValueError("xs must hold at least one input, got none")
    # Drawn and written to two decimals (one inside the units): the digits a fit determines.
    mlp = {name: np.round(value, 2) + 0.0 for name, value in params.mlp_params().items()}
    weights, biases = [mlp["W1"], mlp["W2"]], [mlp["b1"], mlp["b2"]]
    value_range = (-1.0, 1.0) if activation == "tanh" else (0.0, 1.0)
    fig, axes = new_figure(
        1, len(xs), figsize=(3.2 * len(xs), 3.3),
        margins={"left": 0.01, "right": 0.99, "bottom": 0.04, "top": 0.8, "wspace": 0.05},
    )  # fmt: skip
    scale = float(max(np.abs(w).max() for w in weights))
    for ax, x in zip(axes[0], xs, strict=True):
        f, hidden = network([x], params, activation)
        drawing = draw_network(
            ax,
            weights,
            biases,
            value_range=value_range,
            weight_scale=scale,
            weight_labels=False,
            radius=0.33,
        )
        drawing.light([np.round(values, 1) + 0.0 for values in ([x], hidden[:, 0], f)])
        ax.set_title(f"$x = {x:g}$: $f(x) = {f[0]:.2f}$", fontsize=10)
    fig.suptitle(title, fontsize=11)
    return fig
