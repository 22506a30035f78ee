"""Which explorers each notebook shows, in order, and how to rebuild them in Python.

The browser test moves a slider in JupyterLab, reads every slider's value from the page,
rebuilds the same explorer here, sets it to those values and expects the page to show the
same numbers. Each entry: (factory, index of the slider to move, or None for an explorer
with no slider), in the order the explorers appear in the notebook. The factories call the
library exactly as the notebook's cells do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Factory = Callable[[], Any]


def _tangent() -> Any:
    from lecturelib.widgets.regression import tangent_explorer

    return tangent_explorer()


def _degree() -> Any:
    import lecturelib.features as F
    from lecturelib.widgets.features import degree_explorer

    return degree_explorer(F.polynomial_demo(n_train=15, n_test=500, noise=0.2, seed=0), degree=1)


def _gate() -> Any:
    from lecturelib.widgets.perceptron import gate_explorer

    return gate_explorer()


def _two_layer() -> Any:
    from lecturelib.widgets.perceptron import two_layer_explorer

    return two_layer_explorer()


def _unit() -> Any:
    from lecturelib.widgets.activations import unit_explorer

    return unit_explorer()


def _approximation() -> Any:
    from lecturelib.widgets.approximation import approximation_explorer

    return approximation_explorer()


def _gradient_descent() -> Any:
    from lecturelib.widgets.approximation import gradient_descent_player

    return gradient_descent_player()


def _width() -> Any:
    import lecturelib.universal as U
    from lecturelib.widgets.universal import width_explorer

    return width_explorer(U.error_vs_width(activation="tanh"), N=4)


def _playground() -> Any:
    from lecturelib.widgets.classification import playground_player

    return playground_player()


def _perturbation() -> Any:
    from lecturelib.widgets.chainrule import perturbation_explorer

    return perturbation_explorer()


def _paths() -> Any:
    from lecturelib.widgets.chainrule import paths_explorer

    return paths_explorer()


def _step_size() -> Any:
    from lecturelib.widgets.linear_models import step_size_explorer

    return step_size_explorer()


def _lambda() -> Any:
    from lecturelib.widgets.linear_models import lambda_explorer

    return lambda_explorer()


def _step_through() -> Any:
    from lecturelib.widgets.backprop import step_through_explorer

    return step_through_explorer(step=15)


def _landscape() -> Any:
    from lecturelib.widgets.landscape import landscape_explorer

    return landscape_explorer()


def _descent() -> Any:
    from lecturelib.widgets.landscape import descent_player

    return descent_player()


EXPLORERS: dict[str, list[tuple[Factory, int | None]]] = {
    "00_start_here.ipynb": [(_tangent, 2)],
    "01_feature_maps.ipynb": [(_degree, 0)],
    "02_perceptron_logic_gates.ipynb": [(_gate, 2)],
    "03_xor_hidden_layer.ipynb": [(_two_layer, 2)],
    "04_activation_functions.ipynb": [(_unit, 0)],
    # the gradient-descent player: its random start (at step 0 the learning rate changes no
    # picture); then the hand-set explorer: w0
    "05_three_hidden_units.ipynb": [(_gradient_descent, 1), (_approximation, 0)],
    "06_universal_approximation_and_depth.ipynb": [(_width, 0)],
    "07_mlp_classification.ipynb": [(_playground, 0)],  # 0: the noise slider
    "08_partial_derivatives_and_chain_rule.ipynb": [(_perturbation, 0), (_paths, None)],
    "09_backprop_least_squares.ipynb": [(_step_size, 0)],
    "10_backprop_ridge_regression.ipynb": [(_lambda, 0)],
    "11_backprop_algorithm.ipynb": [(_step_through, 0)],
    # clipping: 0 is "off"; the descent player: its start x0 (at step 0 lr changes no picture)
    "13_nonconvex_optimization.ipynb": [(_landscape, 1), (_descent, 1)],
}
