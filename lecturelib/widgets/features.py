"""Explorer for notebook 01: the degree of a polynomial feature map."""

from __future__ import annotations

import ipywidgets as widgets

from lecturelib.features import PolynomialDemo, PolynomialState, polynomial_demo
from lecturelib.plots import new_figure
from lecturelib.plots.features import PolynomialPlot
from lecturelib.tables import fmt
from lecturelib.widgets import Explorer

__all__ = ["degree_explorer", "describe_degree"]


def describe_degree(state: PolynomialState) -> str:
    """The readout: degree, the two errors side by side, and the noise level."""
    return (
        f"degree {state.degree}: {state.degree + 1} weights w_0..w_{state.degree}\n"
        f"training MSE  {fmt(state.train_error, 3)}\n"
        f"held-out MSE  {fmt(state.test_error, 3)}\n"
        f"noise level   {fmt(state.noise_variance, 3)} "
        "(the best any model can expect on held-out data)"
    )


def degree_explorer(demo: PolynomialDemo | None = None, degree: int = 1) -> Explorer:
    """A slider for the degree ``p`` of ``phi(x) = (1, x, ..., x^p)``: fit and both errors."""
    demo = demo or polynomial_demo()
    fig, axes = new_figure(
        1,
        2,
        figsize=(8.5, 3.4),
        margins={"left": 0.085, "right": 0.98, "bottom": 0.15, "top": 0.9, "wspace": 0.25},
    )
    plot = PolynomialPlot(axes[0, 0], axes[0, 1], demo.state(degree))
    control = widgets.IntSlider(
        value=degree,
        min=0,
        max=demo.max_degree,
        step=1,
        description="degree p",
        continuous_update=True,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
    )
    return Explorer(
        {"degree": control},
        demo.state,
        fig,
        plot.update,
        describe_degree,
        title="Polynomial feature map: move the degree, compare the two errors",
        animated=plot.animated,
    )
