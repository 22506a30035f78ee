"""Explorers for partial derivatives and the chain rule (notebook 08)."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.chainrule import (
    KINDS,
    PathsState,
    PerturbationState,
    composition_example,
    paths_state,
    perturbation_state,
)
from lecturelib.plots import new_figure
from lecturelib.plots.chainrule import PathsPlot, PerturbationPlot
from lecturelib.tables import Table, fmt
from lecturelib.widgets import Explorer, slider

__all__ = ["describe_paths", "describe_perturbation", "paths_explorer", "perturbation_explorer"]


def _choice(options: list[tuple[str, object]], value: object, description: str):
    return widgets.Dropdown(
        options=options,
        value=value,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="200px"),
    )


def describe_perturbation(state: PerturbationState) -> str:
    """The readout: the change of every ``b_k``, actual against predicted, and the partial."""
    i, j = state.i + 1, state.j + 1
    rows = [
        [f"b{k + 1}", state.b[k], state.b_new[k], state.actual[k], state.predicted[k]]
        for k in range(state.b.size)
    ]
    table = Table(
        ["output", "before", "after", "actual change", "(∂b/∂a_j) δ"],
        rows,
        title=f"{KINDS[state.kind]}, a{j} <- a{j} + {fmt(state.delta, 3)}",
    )
    return (
        f"{table!r}\n"
        f"∂b{i}/∂a{j}: formula {fmt(state.partial)}, backprop {fmt(state.partial_backprop)}, "
        f"central difference {fmt(state.partial_numeric)}\n"
        f"error of the linear prediction for b{i}: {_error(state)}"
    )


def _error(state: PerturbationState) -> str:
    if state.error < 1e-12:  # the affine node: exact up to floating-point rounding
        return "0 (up to rounding: the prediction is exact)"
    return f"{state.error:.2g} ({100 * state.relative_error:.2g}% of the change)"


def perturbation_explorer(
    kind: str = "affine", i: int = 0, j: int = 1, delta: float = 0.5
) -> Explorer:
    """Move ``a_j`` by ``delta`` through the affine or tanh node; watch every ``b_k``."""
    state = perturbation_state(kind, i, j, delta)
    fig, axes = new_figure(figsize=(5.8, 3.3), margins={"left": 0.12, "bottom": 0.15})
    plot = PerturbationPlot(axes[0, 0], state)
    return Explorer(
        {
            "kind": _choice([(v, k) for k, v in KINDS.items()], kind, "node"),
            "i": _choice([("b1", 0), ("b2", 1)], i, "watch"),
            "j": _choice([("a1", 0), ("a2", 1), ("a3", 2)], j, "move"),
            "delta": slider(delta, -3.0, 3.0, 0.05, "δ"),
        },
        perturbation_state,
        fig,
        plot.update,
        describe_perturbation,
        title="Perturb one input of a node: is the change ∂b_i/∂a_j · δ?",
    )


def describe_paths(state: PathsState) -> str:
    """The readout: every path with its edge derivatives and product, then the sum."""
    rows = [[t.label, " x ".join(fmt(f, 3) for f in t.factors), t.product] for t in state.terms]
    table = Table(["path", "edge derivatives", "product"], rows)
    i, j = state.i + 1, state.j + 1
    return (
        f"{table!r}\n"
        f"sum over paths      ∂c{i}/∂a{j} = {fmt(state.total, 6)}\n"
        f"Jacobian product    (J_f J_g)_{i}{j} = {fmt(state.jacobian_entry, 6)}\n"
        f"central difference  {fmt(state.numeric, 6)}"
    )


def paths_explorer(i: int = 0, j: int = 0) -> Explorer:
    """Pick an output ``c_i`` and an input ``a_j``: the paths between them and their sum."""
    comp = composition_example()
    fig, axes = new_figure(
        figsize=(6.4, 3.9), margins={"left": 0.02, "right": 0.98, "bottom": 0.02, "top": 0.9}
    )
    plot = PathsPlot(axes[0, 0], comp, paths_state(i, j, comp))
    return Explorer(
        {
            "i": _choice([("c1", 0), ("c2", 1)], i, "output"),
            "j": _choice([("a1", 0), ("a2", 1)], j, "input"),
        },
        lambda i, j: paths_state(i, j, comp),
        fig,
        plot.update,
        describe_paths,
        title="The chain rule: sum over paths of the product along each path",
    )
