"""The playground (notebook 07): watch an MLP learn a 2-D data set, as TensorFlow Playground.

Play, step and reset (:class:`~lecturelib.widgets.player.Player`) over the pure functions
:func:`lecturelib.classification.playground_start` and
:func:`~lecturelib.classification.playground_advance`.
"""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.classification import (
    DATASETS,
    PLAYGROUND_OPTIMIZERS,
    STEPS_PER_FRAME,
    PlaygroundState,
    playground_advance,
    playground_start,
)
from lecturelib.plots import new_figure
from lecturelib.plots.classification import PlaygroundPlot
from lecturelib.tables import fmt
from lecturelib.widgets import slider
from lecturelib.widgets.player import Player

__all__ = ["describe_playground", "playground_player"]

#: The playground's choices: activations, widths and depths, step sizes, penalties, batches.
ACTIVATIONS = ("tanh", "relu", "logistic")
WIDTHS = (1, 2, 3, 4, 6, 8)
DEPTHS = (0, 1, 2, 3)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
LAMBDAS = (0.0, 0.0001, 0.001, 0.01, 0.1)
BATCHES = (("full batch", "full"), ("minibatch of 10", 10))
NOISE_RANGE = (0.0, 0.5, 0.05)
#: Frames one press of Play runs (then it stops by itself).
FRAMES = 300


def describe_playground(state: PlaygroundState) -> str:
    """The player's readout: the network, the training, the step, losses and accuracies."""
    hidden = (
        f"{state.depth} hidden layer(s) of {state.width} {state.activation} units"
        if state.depth
        else "no hidden layer (logistic regression)"
    )
    batch = "full batch" if state.batch == "full" else f"minibatches of {state.batch}"
    lines = [
        f"MLP{list(state.sizes)}: {hidden}, {state.n_params} parameters",
        f"{state.optimizer}, lr = {fmt(state.lr)}, lambda = {fmt(state.lam)}, {batch}",
        f"step {state.step}: loss train {state.train_loss[-1]:.3f}, test "
        f"{state.test_loss[-1]:.3f}; accuracy train {state.train_accuracy:.3f}, "
        f"test {state.test_accuracy:.3f}",
    ]
    if state.diverged:
        lines.append("diverged: the step size is too large (a parameter passed 1e6); reset")
    return "\n".join(lines)


def playground_player(
    data: str = "spirals",
    noise: float = 0.1,
    activation: str = "tanh",
    width: int = 8,
    depth: int = 2,
    lr: float = 0.03,
    lam: float = 0.001,
    optimizer: str = "adam",
    batch: int | str = "full",
) -> Player:
    """The 2-D playground: pick data, noise and a network; play, step, reset; watch it learn.

    One frame is :data:`~lecturelib.classification.STEPS_PER_FRAME` gradient steps; the
    figure shows the decision regions, every hidden unit's picture (the first hidden layer
    and, if deeper, the last) and the train and test loss.
    """
    fig, axes = new_figure(
        1, 3, figsize=(9.2, 3.1),
        margins={"left": 0.055, "right": 0.985, "bottom": 0.16, "top": 0.9, "wspace": 0.32},
    )  # fmt: skip
    start = playground_start(data, noise, activation, width, depth, lr, lam, optimizer, batch)
    plot = PlaygroundPlot(list(axes[0]), start)
    style = {"description_width": "initial"}
    narrow = widgets.Layout(width="210px")

    def choose(options, value, description, layout=narrow):
        return widgets.Dropdown(
            options=options, value=value, description=description, style=style, layout=layout
        )

    def steps(options, value, description):
        return widgets.SelectionSlider(
            options=options, value=value, description=description,
            continuous_update=False, style=style, layout=widgets.Layout(width="280px"),
        )  # fmt: skip

    controls = {
        "data": choose(list(DATASETS), data, "data"),
        "noise": slider(noise, *NOISE_RANGE, "noise"),
        "activation": choose(list(ACTIVATIONS), activation, "activation"),
        "width": steps([(str(w), w) for w in WIDTHS], width, "width m"),
        "depth": steps([(str(d), d) for d in DEPTHS], depth, "hidden layers L"),
        "lr": steps([(f"{v:g}", v) for v in LEARNING_RATES], lr, "learning rate η"),
        "lam": steps([(f"{v:g}", v) for v in LAMBDAS], lam, "penalty λ"),
        "optimizer": choose(list(PLAYGROUND_OPTIMIZERS), optimizer, "optimiser"),
        "batch": choose(list(BATCHES), batch, "batch", widgets.Layout(width="240px")),
    }
    controls["noise"].continuous_update = False
    return Player(
        controls,
        playground_start,
        playground_advance,
        fig,
        plot.update,
        describe_playground,
        title=f"Playground: press play ({STEPS_PER_FRAME} gradient steps per frame)",
        frames=FRAMES,
        animated=plot.animated,
    )
