"""Explorers for SGD on least squares (notebook 09) and ridge regression (notebook 10)."""

from __future__ import annotations

import numpy as np

from lecturelib.linear_models import (
    RidgeState,
    StepSizeState,
    default_curve_data,
    default_linear_data,
    least_squares,
    ridge_state,
    step_size_state,
)
from lecturelib.plots import new_figure
from lecturelib.plots.linear_models import RidgeFitPlot, SGDPlot
from lecturelib.tables import Table, fmt
from lecturelib.widgets import Explorer, slider

__all__ = ["describe_ridge", "describe_step_size", "lambda_explorer", "step_size_explorer"]

#: The step-size explorer's number of SGD steps per slider position.
STEPS = 1000


def describe_step_size(state: StepSizeState) -> str:
    """The readout: the step size, the outcome, how far SGD ended from least squares and
    how large its loss is on average over the second half of the run (the jitter)."""
    run = state.run
    if run.diverged:
        outcome = (
            f"diverged at step {run.diverged_at} (a parameter passed 1e50 or the loss "
            "1e100); stopped there"
        )
    else:
        outcome = (
            f"after {run.steps_recorded[-1]} steps: objective {fmt(run.losses[-1], 3)} "
            f"(minimum {fmt(state.loss_ls, 3)}), w = {fmt(run.w_final, 3)}, "
            f"b = {fmt(run.b_final, 3)}, largest distance to least squares "
            f"{fmt(state.distance, 2)}\n"
            f"second half of the run (steps {int(np.ceil(state.run.steps_recorded[-1] / 2))} "
            f"to {state.run.steps_recorded[-1]}): the loss averages "
            f"{fmt(state.tail_ratio, 3)} times the minimum"
        )
    return f"η = {state.lr:.3g}: {state.verdict}\n{outcome}"


def step_size_explorer(log10_lr: float = -1.5) -> Explorer:
    """A slider for ``log10 eta``: constant-step SGD on notebook 09's data, 1000 steps."""
    data = default_linear_data()
    w_ls, b_ls = least_squares(data.X, data.y)
    fig, axes = new_figure(
        1, 2, figsize=(8.0, 3.4), margins={"left": 0.08, "right": 0.98, "wspace": 0.3}
    )
    plot = SGDPlot(axes[0, 0], axes[0, 1], data, w_ls, b_ls, STEPS)

    def update(log10_lr: float) -> StepSizeState:
        return step_size_state(log10_lr, steps=STEPS)

    def redraw(state: StepSizeState) -> None:
        plot.update(state.run, title=f"η = {state.lr:.3g}: {state.verdict}")

    return Explorer(
        {"log10_lr": slider(log10_lr, -4.0, 0.5, 0.25, "log10 η")},
        update,
        fig,
        redraw,
        describe_step_size,
        title="SGD's step size: too small is slow, too large jitters or diverges",
        animated=plot.animated,
    )


def describe_ridge(state: RidgeState) -> str:
    """The readout: lambda, the weights, their norm and the training error."""
    table = Table(
        ["λ", "‖w‖", "b", "training MSE"],
        [[f"{state.lam:.3g}", state.norm, state.b, state.train_mse]],
        digits=3,
    )
    return f"{table!r}\nw = {fmt(state.w, 3)}"


def lambda_explorer(log10_lam: float = -3.0) -> Explorer:
    """A slider for ``log10 lambda``: the ridge fit of notebook 10's curve and the
    regularisation path."""
    data = default_curve_data()
    fig, axes = new_figure(
        1, 2, figsize=(8.5, 3.4), margins={"left": 0.085, "right": 0.91, "wspace": 0.25}
    )
    plot = RidgeFitPlot(axes[0, 0], axes[0, 1], data, ridge_state(log10_lam))
    return Explorer(
        {"log10_lam": slider(log10_lam, -6.0, 1.0, 0.1, "log10 λ")},
        ridge_state,
        fig,
        plot.update,
        describe_ridge,
        title="Ridge regression: a larger λ shrinks the weights and flattens the fit",
        animated=plot.animated,
    )
