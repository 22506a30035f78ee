"""The step-through explorer of the backpropagation algorithm (notebook 11)."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.backprop import StepThroughState, multiple_children_graph, step_through_state
from lecturelib.plots import new_figure
from lecturelib.plots.backprop import StepThroughPlot
from lecturelib.plots.graph import figure_size
from lecturelib.tables import Table, fmt
from lecturelib.widgets import Explorer

__all__ = ["STEPS", "describe_step", "step_through_explorer"]

#: The slider's range: step 0 (nothing computed), 10 forward steps, 10 backward steps.
STEPS = 20


def describe_step(state: StepThroughState) -> str:
    """The readout: what this step computes, and in the backward pass the children's shares."""
    text = f"step {state.step} of {state.steps}: {state.formula}"
    if state.phase == "backward" and state.terms:
        rows = [[c, g, d, p] for c, g, d, p in state.terms]
        rows.append(["sum", "", "", state.total])
        node = state.node
        table = Table(["child c", "∂J/∂c", f"∂c/∂{node}", "product"], rows, digits=4)
        text += f"\n{table!r}"
    known = ", ".join(f"{k} = {fmt(v, 4)}" for k, v in state.grads.items())
    if known:
        text += f"\npartials known so far: {known}"
    return text


def step_through_explorer(step: int = 0) -> Explorer:
    """Walk the forward pass (topological order) and the backward pass (reverse order) of
    the graph ``J = h² + v h``, ``h = tanh(w x + b)``, one node per step."""
    state = step_through_state(step)
    width, height = figure_size(multiple_children_graph().graph)  # as draw_graph sizes it
    fig, axes = new_figure(
        figsize=(width, height), margins={"left": 0.01, "right": 0.99, "bottom": 0.1, "top": 0.9}
    )
    plot = StepThroughPlot(axes[0, 0], state)
    slider = widgets.IntSlider(
        value=step,
        min=0,
        max=state.steps,
        step=1,
        description="step",
        continuous_update=True,
        layout=widgets.Layout(width="420px"),
    )
    explorer = Explorer(
        {"step": slider},
        step_through_state,
        fig,
        plot.update,
        describe_step,
        title="Backprop step by step: forward in topological order, then backward in reverse",
    )
    back = widgets.Button(description="◀ back", layout=widgets.Layout(width="90px"))
    forth = widgets.Button(description="next ▶", layout=widgets.Layout(width="90px"))
    back.on_click(lambda _: setattr(slider, "value", max(slider.min, slider.value - 1)))
    forth.on_click(lambda _: setattr(slider, "value", min(slider.max, slider.value + 1)))
    explorer.buttons = (back, forth)
    heading, *rest = explorer.children
    explorer.children = (heading, widgets.HBox([back, forth]), *rest)
    return explorer
