"""Figures for non-convex optimisation (notebook 13): loss slices, seeds, trajectories, and
the descent player's path and loss curve."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from lecturelib.landscape import (
    LANDSCAPES,
    DescentState,
    LandscapeState,
    LossSlice,
    SeedStudy,
    Trajectory,
    landscape_grid,
)
from lecturelib.plots import COLORS

__all__ = [
    "DescentPlot",
    "TrajectoryPlot",
    "plot_final_losses",
    "plot_saturation",
    "plot_slice",
    "plot_trajectories",
]

_MARKS = [COLORS["vermillion"], COLORS["green"], COLORS["purple"], COLORS["orange"]]


def plot_slice(ax: Axes, sl: LossSlice, title: str, log: bool = True) -> None:
    """Filled contours of the loss on a plane (log10 by default) with the marked points."""
    Z = np.log10(sl.losses) if log else sl.losses
    filled = ax.contourf(sl.a, sl.c, Z, levels=14, cmap="viridis")
    cbar = ax.figure.colorbar(filled, ax=ax, fraction=0.05, pad=0.02)
    cbar.set_label(r"$\log_{10}$ loss" if log else "loss")
    for (label, (a, c)), color in zip(sl.marks.items(), _MARKS, strict=False):
        ax.plot([a], [c], "*", color=color, markersize=13, markeredgecolor="white", label=label)
    ax.set_xlabel(sl.xlabel)
    ax.set_ylabel(sl.ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(False)
    ax.legend(frameon=True, fontsize=7, loc="upper right")


def plot_final_losses(ax: Axes, study: SeedStudy) -> None:
    """Histogram of the final losses (log10) over seeds, the "stuck" threshold dashed (and in
    the legend)."""
    logs = np.log10(study.finals)
    bins = np.linspace(np.floor(logs.min()), max(np.ceil(logs.max()), -0.5), 30)
    good = logs[~study.bad]
    bad = logs[study.bad]
    ax.hist(good, bins=bins, color=COLORS["blue"], label=f"good ({len(good)} seeds)")
    ax.hist(bad, bins=bins, color=COLORS["vermillion"], label=f"stuck ({len(bad)} seeds)")
    ax.axvline(
        np.log10(study.threshold),
        color=COLORS["black"],
        linestyle="--",
        linewidth=1,
        label=f"stuck: above MSE {study.threshold:g}",
    )
    ax.set_xlabel(r"$\log_{10}$ final training loss")
    ax.set_ylabel("number of seeds")
    ax.set_title("Same network, same data, different initialisations")
    ax.legend(frameon=False, fontsize=8)


def plot_saturation(
    ax_deriv: Axes,
    ax_grad: Axes,
    z: np.ndarray,
    derivatives: Mapping[str, np.ndarray],
    shifts: Sequence[float],
    gradients: Mapping[str, np.ndarray],
) -> None:
    """Left: each activation's derivative; right: gradient norm as the units saturate."""
    colors = {"sigmoid": COLORS["vermillion"], "tanh": COLORS["orange"], "relu": COLORS["blue"]}
    for name, d in derivatives.items():
        ax_deriv.plot(z, d, color=colors.get(name), label=name, linewidth=2)
    ax_deriv.set_xlabel("pre-activation $z$")
    ax_deriv.set_ylabel(r"$d\sigma/dz$")
    ax_deriv.set_title("Sigmoid and tanh flatten out; ReLU does not (for $z > 0$)", fontsize=9)
    ax_deriv.legend(frameon=False, fontsize=8)
    for name, g in gradients.items():
        ax_grad.plot(shifts, g, "o-", color=colors.get(name), label=name, markersize=4)
    ax_grad.set_yscale("log")
    ax_grad.set_xlabel("hidden biases $b_k$ pushed to")
    ax_grad.set_ylabel(r"$\|\partial J / \partial (v, b)\|$")
    ax_grad.set_title("Saturated units: a flat loss, tiny gradients", fontsize=9)
    ax_grad.legend(frameon=False, fontsize=8)


def _draw_landscape(ax: Axes, name: str):
    xs, ys, Z = landscape_grid(name)
    levels = np.quantile(Z, np.linspace(0.0, 0.97, 13))
    levels = np.unique(levels)
    # No antialiasing: the PNG stays small (a third of the size) and renders faster.
    return ax.contour(
        xs, ys, Z, levels=levels, cmap="viridis", linewidths=0.8, antialiased=False, zorder=1
    )  # beneath the paths


def _stationary_xy(name: str) -> tuple[list[float], list[float]]:
    points = LANDSCAPES[name].stationary
    return [p[0] for p in points], [p[1] for p in points]


def _style_landscape_axes(ax: Axes, name: str) -> None:
    land = LANDSCAPES[name]
    x0, x1, y0, y1 = land.box
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")
    ax.grid(False)


def plot_trajectories(
    ax: Axes,
    name: str,
    trajectories: Sequence[Trajectory],
    labels: Sequence[str],
    title: str,
    legend_loc: str = "lower left",
) -> None:
    """Several optimisers' paths on one landscape (contours), each ending in a dot.

    A path is drawn until it gets far from the plot (:meth:`Trajectory.drawn`); the plot's
    limits cut what lies outside.
    """
    _draw_landscape(ax, name)
    ax.plot(
        *_stationary_xy(name), "x", color=COLORS["black"], markersize=7, label="stationary points"
    )
    colors = [COLORS["vermillion"], COLORS["blue"], COLORS["green"], COLORS["purple"]]
    for tr, label, color in zip(trajectories, labels, colors, strict=False):
        path = tr.drawn()
        ax.plot(path[:, 0], path[:, 1], "-", color=color, linewidth=1.3, label=label)
        ax.plot(path[-1:, 0], path[-1:, 1], "o", color=color, markersize=6)
    start = trajectories[0].points[0]
    ax.plot([start[0]], [start[1]], "s", color=COLORS["black"], markersize=6, label="start")
    _style_landscape_axes(ax, name)
    ax.set_title(title, fontsize=10)
    ax.legend(frameon=True, fontsize=7, loc=legend_loc)


class TrajectoryPlot:
    """The explorer's figure: landscape contours and one optimiser's path, updated in place.

    The contours are redrawn only when the landscape changes (its grid is cached); the path
    and its end point are moved with ``set_data``.
    """

    def __init__(self, ax: Axes, state: LandscapeState) -> None:
        self.ax = ax
        self.landscape: str | None = None
        self.contours = None
        (self.path,) = ax.plot([], [], "-", color=COLORS["vermillion"], linewidth=1.4)
        (self.dots,) = ax.plot([], [], ".", color=COLORS["vermillion"], markersize=3)
        (self.start,) = ax.plot([], [], "s", color=COLORS["black"], markersize=6)
        (self.stationary,) = ax.plot([], [], "x", color=COLORS["black"], markersize=7)
        (self.end,) = ax.plot([], [], "o", color=COLORS["vermillion"], markersize=7)
        #: What :meth:`update` moves (the contours change only with the landscape).
        self.animated = [self.path, self.dots, self.start, self.end, ax.title]
        self.update(state)

    def update(self, state: LandscapeState) -> None:
        """Show a new state (redraw contours only if the landscape changed)."""
        if state.landscape != self.landscape:
            if self.contours is not None:
                self.contours.remove()
            self.contours = _draw_landscape(self.ax, state.landscape)
            _style_landscape_axes(self.ax, state.landscape)
            self.stationary.set_data(*_stationary_xy(state.landscape))
            self.landscape = state.landscape
        tr = state.trajectory
        path = tr.drawn()
        self.path.set_data(path[:, 0], path[:, 1])
        self.dots.set_data(path[:, 0], path[:, 1])
        self.start.set_data(path[:1, 0], path[:1, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        self.end.set_color(COLORS["black"] if tr.diverged else COLORS["vermillion"])
        land = LANDSCAPES[state.landscape]
        self.ax.set_title(f"{land.formula}: {tr.status}", fontsize=9)


#: The loss curve's floor: ``f - f_min`` below this is drawn at it (a run that has converged
#: to the global minimum reaches 0, which a log axis cannot show).
LOSS_FLOOR = 1e-8


class DescentPlot:
    """The descent player's figure: the path on the contours (left), ``f - f_min`` by step
    (right, log scale). Both grow as frames are shown; artists move in place with
    ``set_data`` and the contours are redrawn only when the landscape changes.
    """

    def __init__(self, ax_path: Axes, ax_loss: Axes, state: DescentState) -> None:
        self.ax_path, self.ax_loss = ax_path, ax_loss
        self.landscape: str | None = None
        self.contours = None
        color = COLORS["vermillion"]
        (self.path,) = ax_path.plot([], [], ".-", color=color, linewidth=1.3, markersize=3)
        (self.start,) = ax_path.plot([], [], "s", color=COLORS["black"], markersize=6)
        (self.stationary,) = ax_path.plot([], [], "x", color=COLORS["black"], markersize=7)
        (self.end,) = ax_path.plot([], [], "o", color=color, markersize=7)
        (self.curve,) = ax_loss.plot([], [], "-", color=COLORS["blue"], linewidth=1.5)
        (self.now,) = ax_loss.plot([], [], "o", color=COLORS["blue"], markersize=5)
        ax_loss.set_yscale("log")
        # Fixed ticks labelled as plain text: matplotlib's 10^k labels go through mathtext
        # and its log locator runs at every draw, which more than doubled a frame's time.
        ax_loss.yaxis.set_major_locator(FixedLocator([1e-8, 1e-6, 1e-4, 1e-2, 1, 1e2]))
        ax_loss.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax_loss.yaxis.set_minor_locator(NullLocator())
        for axis in (ax_path.xaxis, ax_path.yaxis, ax_loss.xaxis):
            axis.set_major_locator(MaxNLocator(5))
        ax_loss.set_xlabel("step")
        # "f − f_min" with Unicode subscripts, not mathtext: mathtext is parsed again at
        # every draw, which cost a fifth of a frame.
        ax_loss.set_ylabel("f − f\u2098\u1d62\u2099")
        ax_loss.set_ylim(LOSS_FLOOR / 3, 1e3)
        # Titles at a fixed height: matplotlib otherwise lays out every tick label at each
        # draw to place them (a sixth of a frame's time).
        ax_path.set_title(" ", fontsize=9, y=1.01)
        ax_loss.set_title(
            "The loss falls, or not: f − f\u2098\u1d62\u2099 by step", fontsize=9, y=1.01
        )
        #: What :meth:`update` moves at every frame (the rest changes with the settings).
        self.animated = [self.path, self.start, self.end, self.curve, self.now]
        self.update(state)

    def update(self, state: DescentState) -> None:
        """Show a new state (the contours are redrawn only if the landscape changed)."""
        if state.landscape != self.landscape:
            if self.contours is not None:
                self.contours.remove()
            self.contours = _draw_landscape(self.ax_path, state.landscape)
            _style_landscape_axes(self.ax_path, state.landscape)
            self.stationary.set_data(*_stationary_xy(state.landscape))
            self.landscape = state.landscape
        tr = state.trajectory
        self.ax_loss.set_xlim(0, max(tr.steps, 1))
        # The shown steps of the path drawn as in the static figures: cut where it gets
        # far from the plot (Trajectory.drawn), so a diverging run does not rescale anything.
        path = tr.drawn()[: state.shown + 1]
        self.path.set_data(path[:, 0], path[:, 1])
        self.start.set_data(path[:1, 0], path[:1, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        gap = np.maximum(state.values - state.f_min, LOSS_FLOOR)
        steps = np.arange(len(gap))
        self.curve.set_data(steps, gap)
        self.now.set_data(steps[-1:], gap[-1:])
        land = LANDSCAPES[state.landscape]
        self.ax_path.title.set_text(f"{land.formula}: the path of {tr.optimizer}")
