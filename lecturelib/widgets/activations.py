"""The saturation explorer of notebook 04: one hidden unit sigma(v x + b) and its slope."""

from __future__ import annotations

from lecturelib.activations import UnitState, unit_state
from lecturelib.plots import new_figure
from lecturelib.plots.activations import UnitPlot
from lecturelib.tables import Table
from lecturelib.widgets import Explorer, slider

__all__ = ["describe_unit", "unit_explorer"]


def describe_unit(state: UnitState) -> str:
    """The readout: per activation, how much of [-1, 1] is flat and the largest slope."""
    rows = [
        [
            name,
            f"{100 * state.saturated[name]:.0f}%",
            float(state.grads[name].max()),
        ]
        for name in state.outputs
    ]
    table = Table(
        ["activation", "inputs in a flat region", "largest σ' on [-1, 1]"], rows, digits=3
    )
    return f"unit σ(v x + b) with v = {state.v:.2f}, b = {state.b:.2f}\n{table!r}"


def unit_explorer(v: float = 1.0, b: float = 0.0) -> Explorer:
    """Sliders for the weight ``v`` and bias ``b`` of one unit, inputs ``x`` in [-1, 1]."""
    fig, axes = new_figure(
        1,
        2,
        figsize=(8.0, 3.2),
        margins={"left": 0.08, "right": 0.98, "bottom": 0.15, "top": 0.88, "wspace": 0.28},
    )
    plot = UnitPlot(axes[0], unit_state(v, b))
    return Explorer(
        {"v": slider(v, -20, 20, 0.1, "weight v"), "b": slider(b, -20, 20, 0.1, "bias b")},
        unit_state,
        fig,
        plot.update,
        describe_unit,
        title="Push the unit into its flat regions: make |v| or |b| large",
    )
