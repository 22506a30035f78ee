"""The 10-slider explorer for three hidden units, with a "train from here" button (nb 05)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from lecturelib.approximation import (
    FIT_ACTIVATIONS,
    HAND_START,
    SLIDER_RANGES,
    TARGETS,
    ApproxState,
    Params,
    TrainResult,
    explorer_update,
    mse_text,
    train_from,
)
from lecturelib.plots import new_figure
from lecturelib.plots.approximation import ApproximationPanel, UnitsPanel
from lecturelib.tables import Table
from lecturelib.widgets import Explorer, slider

__all__ = ["TrainableExplorer", "approximation_explorer", "describe_approx", "describe_training"]


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
        result = train_from(Params.from_sliders(values), values["target"], values["activation"])
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
    state = explorer_update(**params.sliders(), target=target, activation=activation)
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
        explorer_update,
        fig,
        redraw,
        describe_approx,
        title="Fit a curve by hand with 3 hidden units, or press 'train from here'",
    )
