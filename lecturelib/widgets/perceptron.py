"""Explorers for threshold units (notebook 02) and the two-layer XNOR network (notebook 03)."""

from __future__ import annotations

from typing import Any

import numpy as np

from lecturelib.perceptron import (
    GateState,
    TwoLayerState,
    gate_state,
    hidden_layer_state,
    slide_xnor_network,
)
from lecturelib.plots import new_figure
from lecturelib.plots.perceptron import GatePlot, TwoLayerPlot
from lecturelib.tables import Table
from lecturelib.widgets import Explorer, slider

__all__ = [
    "describe_gate",
    "describe_two_layer",
    "gate_explorer",
    "two_layer_explorer",
    "two_layer_table",
]


def describe_gate(state: GateState) -> str:
    """The 02 explorer's readout: the live truth table, the function, the XNOR score."""
    table = Table(
        ["i1", "i2", "w1*i1 + w2*i2", "output"],
        state.rows,
        title=f"w1 = {state.w1:.2f}, w2 = {state.w2:.2f}, theta = {state.theta:.2f}",
    )
    return f"{table!r}\ncomputes: {state.name}\nXNOR rows right: {state.xnor_rows_right} of 4"


def gate_explorer(w1: float = 1.0, w2: float = 1.0, theta: float = 2.0) -> Explorer:
    """Sliders for ``w1, w2, theta`` of one threshold unit on the four two-bit inputs."""
    fig, axes = new_figure(
        figsize=(4.4, 4.9), margins={"left": 0.15, "right": 0.95, "bottom": 0.27, "top": 0.88}
    )
    plot = GatePlot(axes[0, 0], gate_state(w1, w2, theta))
    return Explorer(
        {
            "w1": slider(w1, -2, 2, 0.1, "w1"),
            "w2": slider(w2, -2, 2, 0.1, "w2"),
            "theta": slider(theta, -2.5, 2.5, 0.1, "θ (theta)"),
        },
        gate_state,
        fig,
        plot.update,
        describe_gate,
        title="One threshold unit: fires when w1*i1 + w2*i2 >= theta",
    )


def two_layer_table(state: TwoLayerState) -> Table:
    """The slide's table: hidden-layer inputs, hidden-layer outputs and output ``o``."""
    return Table(
        ["", "i1", "i2", "h1 input", "h2 input", "h1 output", "h2 output", "o"],
        state.rows,
    )


def describe_two_layer(state: TwoLayerState) -> str:
    """The 03 explorer's readout: the table, what the network computes, hidden separability."""
    verdict = "yes" if state.hidden_separable else "no"
    return (
        f"{two_layer_table(state)!r}\n"
        f"network computes: {state.computes} ({state.correct} of 4 XNOR rows right)\n"
        f"XNOR linearly separable in hidden space: {verdict}"
    )


def two_layer_explorer(**start: Any) -> Explorer:
    """Sliders for the two hidden units' weights and thresholds; starts at the slide's net."""
    slide = slide_xnor_network()
    values = {
        "w11": slide["W"][0, 0],
        "w12": slide["W"][0, 1],
        "theta1": slide["theta"][0],
        "w21": slide["W"][1, 0],
        "w22": slide["W"][1, 1],
        "theta2": slide["theta"][1],
    }
    values.update(start)
    fig, axes = new_figure(
        1,
        2,
        figsize=(8.0, 4.9),
        margins={"left": 0.08, "right": 0.98, "bottom": 0.29, "top": 0.88, "wspace": 0.35},
    )
    plot = TwoLayerPlot(axes[0, 0], axes[0, 1], hidden_layer_state(**values))
    labels = {
        "w11": "h1: w11",
        "w12": "h1: w12",
        "theta1": "h1: θ1",
        "w21": "h2: w21",
        "w22": "h2: w22",
        "theta2": "h2: θ2",
    }
    controls = {
        name: slider(
            float(np.asarray(v)),
            -2.5 if "theta" in name else -2,
            2.5 if "theta" in name else 2,
            0.1,
            labels[name],
        )
        for name, v in values.items()
    }
    return Explorer(
        controls,
        hidden_layer_state,
        fig,
        plot.update,
        describe_two_layer,
        title="Two hidden threshold units, output o = [h1 + h2 >= 1]",
    )
