"""Notebook 05's explorers: gradient descent played frame by frame, and the 10-slider
explorer with a "train from here" button."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from lecturelib.approximation import (
    FIT_ACTIVATIONS,
    GD_FRAMES,
    GD_LR,
    GD_STEPS_PER_FRAME,
    TARGETS,
    ApproxState,
    GDState,
    Params,
    TrainResult,
    gd_advance,
    gd_start,
    mse_text,
    sliders_state,
    train_from,
)
from lecturelib.plots import new_figure
from lecturelib.plots.approximation import ApproximationPanel, GradientDescentPlot, UnitsPanel
from lecturelib.tables import Table, fmt
from lecturelib.widgets import Explorer, slider
from lecturelib.widgets.player import Player

__all__ = [
    "GD_LEARNING_RATES",
    "GD_SEEDS",
    "HAND_START",
    "SLIDER_RANGES",
    "TrainableExplorer",
    "approximation_explorer",
    "describe_approx",
    "describe_gd",
    "describe_training",
    "gradient_descent_player",
]

#: The 10-slider explorer's ranges, by kind of parameter (also the box "train from here"
#: stays in, so the sliders can show its result).
SLIDER_RANGES: dict[str, tuple[float, float]] = {
    "v": (-10.0, 10.0),
    "b": (-10.0, 10.0),
    "w": (-10.0, 10.0),
    "w0": (-10.0, 10.0),
}
#: The explorer's hand-made start for x^2 (tanh): units 1 and 2 mirror each other, unit 3 is
#: off (w3 = 0).
HAND_START = Params(v=[2.0, -2.0, 1.0], b=[-1.0, -1.0, 0.0], w=[0.75, 0.75, 0.0], w0=1.15)

#: The gradient-descent player's learning rates (a roughly logarithmic scale) and seeds.
GD_LEARNING_RATES = (0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.5, 1.0, 3.0)
GD_SEEDS = tuple(range(10))


def describe_gd(state: GDState) -> str:
    """The player's readout: the settings, the step and the training MSE (2 digits)."""
    total = GD_FRAMES * GD_STEPS_PER_FRAME
    lines = [
        f"target {TARGETS[state.target].label}, {state.activation} units, learning rate "
        f"η = {fmt(state.lr)}, random start {state.seed}",
        f"step {state.step} of {total}: training MSE {mse_text(state.mse)}",
    ]
    if state.diverged:
        lines.append(
            f"diverged at step {state.diverged_at} (the loss passed 1e100 or a parameter "
            "1e50): the learning rate is too large; choose a smaller one"
        )
    return "\n".join(lines)


def gradient_descent_player(
    target: str = "square", activation: str = "tanh", lr: float = GD_LR, seed: int = 0
) -> Player:
    """Plain gradient descent on the 1-3-1 network, a frame at a time: play, step, reset.

    Slide "How do we learn these parameters?": one frame is
    :data:`~lecturelib.approximation.GD_STEPS_PER_FRAME` full-batch steps
    ``theta <- theta - eta grad J(theta)`` with backprop's gradient
    (:func:`~lecturelib.approximation.gd_advance`). Left: the data, the output on top of
    them and the three hidden units; right: the training MSE by step.
    """
    fig, axes = new_figure(
        1, 2, figsize=(7.8, 2.9),
        margins={"left": 0.075, "right": 0.96, "bottom": 0.165, "top": 0.9, "wspace": 0.3},
    )  # fmt: skip
    plot = GradientDescentPlot(axes[0, 0], axes[0, 1], gd_start(target, activation, lr, seed))
    style = {"description_width": "initial"}
    controls: dict[str, widgets.ValueWidget] = {
        "target": widgets.Dropdown(
            options=[(t.label, name) for name, t in TARGETS.items()],
            value=target,
            description="target",
            layout=widgets.Layout(width="180px"),
        ),
        "activation": widgets.Dropdown(
            options=list(FIT_ACTIVATIONS),
            value=activation,
            description="σ",
            layout=widgets.Layout(width="180px"),
        ),
        "lr": widgets.SelectionSlider(
            options=[(f"{v:g}", v) for v in GD_LEARNING_RATES],
            value=lr,
            description="learning rate η",
            continuous_update=False,
            style=style,
            layout=widgets.Layout(width="300px"),
        ),
        "seed": widgets.SelectionSlider(
            options=list(GD_SEEDS),
            value=seed,
            description="random start",
            continuous_update=False,
            style=style,
            layout=widgets.Layout(width="260px"),
        ),
    }
    return Player(
        controls,
        gd_start,
        gd_advance,
        fig,
        plot.update,
        describe_gd,
        title=f"Gradient descent: press play ({GD_STEPS_PER_FRAME} steps per frame)",
        frames=GD_FRAMES,
        animated=plot.animated,
    )


def describe_approx(state: ApproxState) -> str:
    """The readout: target, activation, the live training MSE and each unit's parameters."""
    p = state.params
    rows = [[f"unit {k + 1}", p.v[k], p.b[k], p.w[k]] for k in range(3)]
    table = Table(["", "v_k", "b_k", "w_k"], rows, digits=3)
    head = (
        f"target {TARGETS[state.target].label}, {state.activation} units: "
        f"training MSE = {mse_text(state.mse)}   (w0 = {p.w0:.3g})"
    )
    return f"{head}\n{table!r}"


def describe_training(result: TrainResult) -> str:
    """One line on what "train from here" did."""
    return (
        f"trained {result.steps} L-BFGS steps from the sliders: MSE {mse_text(result.mse_before)}"
        f" -> {mse_text(result.mse_after)}"
    )


class TrainableExplorer(Explorer):
    """The 10-slider explorer plus a "train from here" button.

    The button calls :meth:`train`, which runs the pure
    :func:`lecturelib.approximation.train_from` on the current slider values and moves the
    sliders to the result (so each unit's dashed curve jumps to its trained place).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.button = widgets.Button(
            description="train from here",
            icon="play",
            tooltip="Fit the network by L-BFGS, starting from the sliders' values",
            button_style="primary",
        )
        self.status = widgets.HTML("")
        self.last_training: TrainResult | None = None
        self.button.on_click(lambda _button: self.train())
        row = widgets.HBox([self.button, self.status])
        children = list(self.children)
        # after the title and the controls, before the figure
        at = 2 if self.title else 1
        self.children = (*children[:at], row, *children[at:])

    def train(self) -> TrainResult:
        """Train from the current sliders, move the sliders to the result, return it."""
        values = self.values
        result = train_from(
            Params.from_sliders(values),
            values["target"],
            values["activation"],
            bounds=SLIDER_RANGES,
        )
        self.last_training = result
        self.set(**result.params.sliders())
        self.status.value = f"<code>{html.escape(describe_training(result))}</code>"
        return result


def approximation_explorer(
    params: Params = HAND_START, target: str = "square", activation: str = "tanh"
) -> TrainableExplorer:
    """Ten sliders ``v_k, b_k, w_k, w0``, a target and an activation; live MSE and curves.

    Starts from ``params`` (by default a hand-made fit of ``x^2`` with unit 3 switched off).
    Left: the data and the network's output. Right: its parts, the weighted units
    ``w_k sigma(v_k x + b_k)`` (dashed) and ``w0`` (dotted), which add up to the output.
    """
    state = sliders_state(**params.sliders(), target=target, activation=activation)
    fig, axes = new_figure(
        1,
        2,
        figsize=(9.0, 3.4),
        margins={"left": 0.06, "right": 0.98, "bottom": 0.14, "top": 0.9, "wspace": 0.2},
    )
    fit_panel = ApproximationPanel(axes[0, 0], state, units="none", ylim=(-1.6, 1.6))
    parts_panel = UnitsPanel(axes[0, 1], state)

    def redraw(new: ApproxState) -> None:
        fit_panel.update(new)
        parts_panel.update(new)

    controls: dict[str, widgets.ValueWidget] = {
        "target": widgets.Dropdown(
            options=[(t.label, name) for name, t in TARGETS.items()],
            value=target,
            description="target",
            layout=widgets.Layout(width="200px"),
        ),
        "activation": widgets.Dropdown(
            options=list(FIT_ACTIVATIONS),
            value=activation,
            description="σ",
            layout=widgets.Layout(width="200px"),
        ),
    }
    for name, value in params.sliders().items():
        low, high = SLIDER_RANGES[name if name == "w0" else name[0]]
        controls[name] = slider(value, low, high, 0.01, name)
    return TrainableExplorer(
        controls,
        sliders_state,
        fig,
        redraw,
        describe_approx,
        title="Fit a curve by hand with 3 hidden units, or press 'train from here'",
        animated=[*fit_panel.animated, *parts_panel.animated],
    )
