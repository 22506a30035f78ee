"""The landscape explorer and the descent player: optimisers on a 2-D loss (notebook 13)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lecturelib.landscape import (
    DESCENT_STEPS,
    LANDSCAPES,
    OPTIMIZER_CHOICES,
    DescentState,
    LandscapeState,
    descent_advance,
    descent_start,
    landscape_state,
)
from lecturelib.plots import new_figure
from lecturelib.plots.landscape import DescentPlot, TrajectoryPlot
from lecturelib.tables import fmt
from lecturelib.widgets import Explorer, slider
from lecturelib.widgets.player import Player

__all__ = ["descent_player", "describe_descent", "describe_landscape", "landscape_explorer"]

#: The descent player's slider ranges: the start stays inside every landscape's plot.
LOG10_LR_RANGE = (-3.0, 0.5, 0.05)
X0_RANGE = (-1.9, 1.9, 0.1)
Y0_RANGE = (-1.4, 1.4, 0.1)


def describe_landscape(state: LandscapeState) -> str:
    """The explorer's readout: settings, where the run ended, and how."""
    tr = state.trajectory
    clip = "off" if tr.clip is None else fmt(tr.clip, 3)
    noise = f", gradient noise {fmt(tr.noise, 2)}" if tr.noise > 0 else ""
    end = np.round(tr.points[-1], 4)  # no 1e-263: a coordinate that has converged prints 0
    away = f" ({tr.outside} of them outside the plot)" if tr.left_box else ""
    return (
        f"{LANDSCAPES[state.landscape].formula}; {tr.optimizer}, lr = {fmt(tr.lr, 3)}, "
        f"clip = {clip}{noise}\n"
        f"{tr.steps} steps{away}, ended at ({fmt(end[0], 3)}, {fmt(end[1], 3)}) with "
        f"f = {fmt(np.round(tr.values[-1], 6), 3)}\n{tr.status}"
    )


def landscape_explorer(
    landscape: str = "valley",
    optimizer: str = "gd",
    log10_lr: float = -1.3,
    clip: float = 0.0,
) -> Explorer:
    """Pick a landscape and an optimiser, move the step size and clipping, watch the path."""
    fig, axes = new_figure(figsize=(5.2, 3.8), margins={"left": 0.12, "top": 0.9})
    plot = TrajectoryPlot(axes[0, 0], landscape_state(landscape, optimizer, log10_lr, clip))
    controls = {
        "landscape": widgets.Dropdown(options=list(LANDSCAPES), value=landscape,
                                      description="landscape"),
        "optimizer": widgets.Dropdown(options=list(OPTIMIZER_CHOICES), value=optimizer,
                                      description="optimiser"),
        "log10_lr": slider(log10_lr, -3.0, 0.5, 0.05, "log10 step size"),
        "clip": slider(clip, 0.0, 5.0, 0.25, "clip norm (0 = off)"),
    }  # fmt: skip
    return Explorer(
        controls,
        landscape_state,
        fig,
        plot.update,
        describe_landscape,
        title="Optimisers on a 2-D landscape (100 steps from the black square)",
        animated=plot.animated,
    )


def describe_descent(state: DescentState) -> str:
    """The player's readout: the settings, where the path is now, and how the run ended."""
    tr = state.trajectory
    here = np.round(state.points[-1], 4)
    f = np.round(state.values[-1], 6)
    head = f"{LANDSCAPES[state.landscape].formula}; {tr.optimizer}, lr = {fmt(tr.lr, 3)}"
    now = (
        f"step {state.shown} of {tr.steps}: at ({fmt(here[0], 3)}, {fmt(here[1], 3)}), "
        f"f = {fmt(f, 3)}"
    )
    if not state.done:
        return f"{head}\n{now}"
    return f"{head}\n{now}\n{tr.status}"


def descent_player(
    landscape: str = "two minima",
    optimizer: str = "momentum",
    log10_lr: float = -1.5,
    x0: float = 1.7,
    y0: float = 1.4,
) -> Player:
    """Play an optimiser's path across a landscape, a few steps per frame, with its loss."""
    fig, axes = new_figure(
        1, 2, figsize=(7.6, 3.1),
        margins={"left": 0.08, "right": 0.98, "top": 0.9, "bottom": 0.15, "wspace": 0.3},
    )  # fmt: skip
    start = descent_start(landscape, optimizer, log10_lr, x0, y0)
    plot = DescentPlot(axes[0, 0], axes[0, 1], start)
    controls = {
        "landscape": widgets.Dropdown(options=list(LANDSCAPES), value=landscape,
                                      description="landscape"),
        "optimizer": widgets.Dropdown(options=list(OPTIMIZER_CHOICES), value=optimizer,
                                      description="optimiser"),
        "log10_lr": slider(log10_lr, *LOG10_LR_RANGE, "log10 step size"),
        "x0": slider(x0, *X0_RANGE, "start x"),
        "y0": slider(y0, *Y0_RANGE, "start y"),
    }  # fmt: skip
    return Player(
        controls,
        descent_start,
        descent_advance,
        fig,
        plot.update,
        describe_descent,
        title=f"An optimiser's path, step by step ({DESCENT_STEPS} steps from the black square)",
        frames=-(-DESCENT_STEPS // 2),
        animated=plot.animated,
    )
