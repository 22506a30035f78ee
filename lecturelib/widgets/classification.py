"""The classification explorer (notebook 07): width, depth and activation of an MLP."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.classification import (
    EXPLORER_ACTIVATIONS,
    EXPLORER_DEPTHS,
    EXPLORER_WIDTHS,
    MAX_STEPS,
    ClassifierState,
    explorer_state,
)
from lecturelib.plots import new_figure
from lecturelib.plots.classification import ClassifierExplorerPlot
from lecturelib.tables import fmt
from lecturelib.widgets import Explorer

__all__ = ["classifier_explorer", "describe_classifier"]


def describe_classifier(state: ClassifierState) -> str:
    """The explorer's readout: architecture, size, how training ended, fit and accuracies."""
    if state.depth == 0:
        arch = "no hidden layer: multinomial logistic regression (linear scores)"
    else:
        arch = f"{state.depth} hidden layer(s) of {state.width} {state.activation} units"
    if state.converged:
        ended = "L-BFGS stopped: it could improve no further"
    else:
        ended = f"L-BFGS stopped at its limit of {MAX_STEPS} iterations, still improving"
    return (
        f"MLP{state.sizes}: {arch}\n"
        f"parameters: {state.n_params}\n"
        f"{ended}\n"
        f"final log-likelihood: {fmt(round(float(state.log_likelihood[-1]), 1))} "
        f"(guessing: {fmt(round(-len(state.y) * 1.0986122886681098, 1))})\n"
        f"accuracy: train {state.train_accuracy:.3f}, test {state.test_accuracy:.3f}"
    )


def classifier_explorer(width: int = 8, depth: int = 1, activation: str = "tanh") -> Explorer:
    """A width slider, a depth slider and an activation menu; each change retrains the MLP.

    Sliders update on release only (each new setting trains for a fraction of a second, the
    largest for a second or two; settings already seen come from a cache).
    """
    fig, axes = new_figure(
        1,
        2,
        figsize=(9.0, 3.9),
        margins={"left": 0.07, "right": 0.98, "bottom": 0.13, "top": 0.9, "wspace": 0.28},
    )
    plot = ClassifierExplorerPlot(axes[0], explorer_state(width, depth, activation))
    style = {"description_width": "initial"}
    controls = {
        "width": widgets.SelectionSlider(
            options=list(EXPLORER_WIDTHS),
            value=width,
            description="width m",
            continuous_update=False,
            style=style,
        ),
        "depth": widgets.SelectionSlider(
            options=list(EXPLORER_DEPTHS),
            value=depth,
            description="hidden layers L",
            continuous_update=False,
            style=style,
        ),
        "activation": widgets.Dropdown(
            options=list(EXPLORER_ACTIVATIONS),
            value=activation,
            description="activation",
            style=style,
            layout=widgets.Layout(width="200px"),
        ),
    }
    return Explorer(
        controls,
        explorer_state,
        fig,
        plot.update,
        describe_classifier,
        title="Width, depth, activation: retrain and watch the decision regions",
    )
