"""The homework's data and the two ways of storing the one-hidden-layer MLP's parameters."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib import homework as hw
from lecturelib.autodiff import mean
from lecturelib.engine import Graph, Input, Param, Tanh
from lecturelib.mlp import MLP


def test_mlp_regression_data_is_seeded_sorted_and_shaped() -> None:
    X, y = hw.mlp_regression_data(n=25, noise=0.0, seed=4)
    assert X.shape == (25, 1) and y.shape == (25,)
    assert np.all(np.diff(X[:, 0]) >= 0)
    assert np.all((X >= -2.0) & (X < 2.0))
    np.testing.assert_allclose(y, np.sin(X[:, 0]))
    X2, y2 = hw.mlp_regression_data(n=25, seed=4)
    np.testing.assert_array_equal(X, X2)
    assert not np.allclose(y, y2)  # the noise is there by default
    assert not np.array_equal(X, hw.mlp_regression_data(n=25, seed=5)[0])


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"n": 0}, "n"),
        ({"n": 2.5}, "n"),
        ({"noise": -1.0}, "noise"),
        ({"low": 1.0, "high": 0.0}, "low"),
    ],
)
def test_mlp_regression_data_rejects_bad_arguments(kwargs: dict, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        hw.mlp_regression_data(**kwargs)


def _graph_params(d: int, m: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(size=(d, m)),
        "b1": rng.normal(size=m),
        "w2": rng.normal(size=m),
        "b2": np.asarray(rng.normal()),
    }


def test_the_conversions_are_inverse_and_give_the_same_network() -> None:
    d, m = 2, 3
    params = _graph_params(d, m, 0)
    mlp_params = hw.mlp_params_from_graph(params)
    assert {k: v.shape for k, v in mlp_params.items()} == {
        "W1": (m, d),
        "b1": (m,),
        "W2": (1, m),
        "b2": (1,),
    }
    back = hw.graph_params_from_mlp(mlp_params)
    for name in hw.GRAPH_PARAM_NAMES:
        np.testing.assert_array_equal(back[name], params[name])
        assert back[name].shape == params[name].shape
    # the same function: the graph X @ W1 + b1 -> tanh -> @ w2 + b2 against MLP.predict
    X = np.random.default_rng(1).normal(size=(6, d))
    net = MLP([d, m, 1])
    net.set_params(mlp_params)
    Xi, yi = Input("X"), Input("y")
    nodes = {k: Param(k, v) for k, v in params.items()}
    f = Tanh(Xi @ nodes["W1"] + nodes["b1"]) @ nodes["w2"] + nodes["b2"]
    r = yi - f
    g = Graph(mean(r * r))
    y = np.zeros(6)
    np.testing.assert_allclose(g.forward(X=X, y=y), np.mean(net.predict(X) ** 2), rtol=1e-12)
    np.testing.assert_allclose(g.forward(X=X, y=y), net.loss(X, y), rtol=1e-12)


def test_the_conversions_copy_rather_than_share() -> None:
    params = _graph_params(1, 2, 3)
    out = hw.mlp_params_from_graph(params)
    out["b1"][0] = 99.0
    assert params["b1"][0] != 99.0


def test_the_conversions_name_what_is_wrong() -> None:
    params = _graph_params(2, 3, 0)
    with pytest.raises(ValueError, match="W1, b1, w2, b2"):
        hw.mlp_params_from_graph({k: v for k, v in params.items() if k != "b1"})
    with pytest.raises(ValueError, match="w2"):
        hw.mlp_params_from_graph({**params, "w2": np.zeros(4)})
    with pytest.raises(ValueError, match="one hidden layer and one output"):
        hw.graph_params_from_mlp(
            {"W1": np.zeros((3, 2)), "b1": np.zeros(3), "W2": np.zeros((2, 3)), "b2": np.zeros(2)}
        )


# Notebook 12's checkers (lecturelib.exercises.nb12) run on this module's data: each names
# the mistake it sees, so a student gets a hint that teaches rather than a bare "not yet".
HINTS = [
    ("ex1", "MulFlipped", "wrong sign"),
    ("ex1", "MulOneInput", "gets nothing back"),
    ("ex1", "MulAssign", "+="),
    ("ex1", "MulNoChain", "self.grad"),
    ("ex1", "MulNoSumTo", "sum_to"),
    ("ex2", "TanhOfInput", "output"),
    ("ex2", "TanhAssign", "+="),
    ("ex3", "MatMulNoTranspose", "transposed"),
    ("ex3", "MatMulMatricesOnly", "row (1, d)"),
    ("ex3", "MatMulAssign", "+="),
    ("ex4", "SumNoChain", "self.grad"),
    ("ex5", "no_mean", "1/n"),
    ("ex5", "plus_e_y", "minus sign"),
    ("ex5", "wrong_axis", "axis=1"),
    ("ex6", "ridge_no_lambda", "least squares"),
    ("ex6", "ridge_penalises_b", "leaves the bias b out"),
    ("ex7", "mlp_graph_sum", "MEAN"),
    ("ex8", "train_mlp_output_only", "hidden layer"),
    ("ex9", "backprop_no_tanh_prime", "tanh"),
    ("ex9", "backprop_transposed", "transpose"),
    ("ex9", "backprop_no_mean", "1/n"),
]


@pytest.mark.parametrize("name, wrong, words", HINTS, ids=lambda v: str(v))
def test_notebook_12_checkers_name_the_mistake(name: str, wrong: str, words: str) -> None:
    from lecturelib.exercises import nb12
    from tests.solutions import nb12 as solutions

    verdict = getattr(nb12, name).verdict(getattr(solutions, wrong))
    assert verdict.startswith("Not yet. Hint:") and words in verdict, verdict
