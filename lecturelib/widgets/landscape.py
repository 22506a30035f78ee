"""The landscape explorer: learning rate, optimiser and clipping on a 2-D loss (notebook 13)."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from lecturelib.landscape import LANDSCAPES, OPTIMIZER_CHOICES, LandscapeState, explore
from lecturelib.plots import new_figure
from lecturelib.plots.landscape import TrajectoryPlot
from lecturelib.tables import fmt
from lecturelib.widgets import Explorer, slider

__all__ = ["describe_landscape", "landscape_explorer"]


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
    plot = TrajectoryPlot(axes[0, 0], explore(landscape, optimizer, log10_lr, clip))
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
        explore,
        fig,
        plot.update,
        describe_landscape,
        title="Optimisers on a 2-D landscape (100 steps from the black square)",
    )
