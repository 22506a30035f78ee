"""The slides' MLP: shapes, parameters, gradients and fitting."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib.gradcheck import check_gradients
from lecturelib.mlp import MLP


def test_bishop_network_has_ten_parameters_with_slide_shapes() -> None:
    net = MLP([1, 3, 1])
    assert net.n_params == 10
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (3, 1),
        "b1": (3,),
        "W2": (1, 3),
        "b2": (1,),
    }
    assert repr(net) == "MLP([1, 3, 1], activation='tanh', 10 parameters)"


def test_predict_is_the_composition_of_layers() -> None:
    net = MLP([2, 4, 3, 1], activation="sigmoid", seed=1)
    X = np.random.default_rng(0).normal(size=(7, 2))
    p = net.params
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h1 = sig(X @ p["W1"].T + p["b1"])
    h2 = sig(h1 @ p["W2"].T + p["b2"])
    f = h2 @ p["W3"].T + p["b3"]
    np.testing.assert_allclose(net.predict(X), f[:, 0], rtol=1e-14)
    assert net.predict(X).shape == (7,)
    hidden = net.hidden(X)
    assert [h.shape for h in hidden] == [(7, 4), (7, 3)]
    np.testing.assert_allclose(hidden[1], h2, rtol=1e-14)


def test_one_dimensional_input_may_be_a_vector() -> None:
    net = MLP([1, 3, 1])
    x = np.linspace(-1, 1, 5)
    np.testing.assert_array_equal(net.predict(x), net.predict(x[:, None]))


def test_params_are_live_and_theta_round_trips() -> None:
    net = MLP([1, 3, 1], seed=2)
    theta = net.theta
    net.params["b2"][0] = 5.0
    assert net.predict(np.zeros(1))[0] == pytest.approx(
        5.0 + net.params["W2"][0] @ np.tanh(net.params["b1"])
    )
    net.theta = theta
    np.testing.assert_array_equal(net.theta, theta)
    with pytest.raises(ValueError, match="theta must be a vector of 10 numbers"):
        net.theta = np.zeros(9)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "logistic", "relu", "linear"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_loss_gradients_match_central_differences(activation, loss) -> None:
    rng = np.random.default_rng(3)
    net = MLP([2, 5, 3], activation=activation, seed=3)
    X = rng.normal(size=(10, 2))
    y = rng.integers(0, 3, size=10) if loss == "cross_entropy" else rng.normal(size=(10, 3))
    graph = net.loss_graph(loss)
    tolerance = 1e-4 if activation == "relu" else 1e-5
    assert check_gradients(graph, {"X": X, "y": y}) < tolerance


def test_loss_and_grad_is_mean_squared_error() -> None:
    net = MLP([1, 3, 1], seed=4)
    x = np.linspace(-1, 1, 50)
    value, grads = net.loss_and_grad(x, x**2)
    assert value == pytest.approx(np.mean((net.predict(x) - x**2) ** 2), rel=1e-14)
    assert set(grads) == {"W1", "b1", "W2", "b2"}


@pytest.mark.parametrize(
    ("target", "bound"),
    [(lambda x: x**2, 1e-4), (lambda x: np.sin(np.pi * x), 1e-4), (np.abs, 1e-3)],
)
def test_default_fit_learns_bishops_curves(target, bound) -> None:
    x = np.linspace(-1, 1, 50)
    net = MLP([1, 3, 1], seed=0)
    history = net.fit(x, target(x))
    assert history.final < bound
    assert history.losses[0] > 10 * history.final  # it learned
    assert net.loss(x, target(x)) == pytest.approx(history.final)


def test_fit_classifies_xor_with_cross_entropy() -> None:
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([1, 0, 0, 1])
    net = MLP([2, 4, 2], activation="tanh", seed=0)
    history = net.fit(X, y, loss="cross_entropy")
    np.testing.assert_array_equal(net.classify(X), y)
    assert history.final < 1e-3
    np.testing.assert_allclose(net.predict_proba(X).sum(axis=1), 1.0)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_stepwise_optimisers_reduce_the_loss(optimizer) -> None:
    x = np.linspace(-1, 1, 50)
    net = MLP([1, 3, 1], seed=1)
    history = net.fit(x, x**2, optimizer=optimizer, steps=500)
    assert history.final < 0.5 * history.losses[0]


def test_restarts_keep_the_best_run() -> None:
    x = np.linspace(-1, 1, 50)
    single = MLP([1, 2, 1], seed=0).fit(x, np.abs(x), optimizer="adam", steps=200)
    net = MLP([1, 2, 1], seed=0)
    best = net.fit(x, np.abs(x), optimizer="adam", steps=200, restarts=4)
    assert best.final <= single.final
    assert net.loss(x, np.abs(x)) == pytest.approx(best.final)


def test_bad_construction_is_explained() -> None:
    with pytest.raises(ValueError, match="unknown activation 'softplus'; choose one of tanh"):
        MLP([1, 3, 1], activation="softplus")
    with pytest.raises(ValueError, match="at least an input and an output"):
        MLP([3])
    with pytest.raises(ValueError, match="whole number >= 1"):
        MLP([1, 0, 1])
    with pytest.raises(TypeError, match="list of layer widths"):
        MLP("1-3-1")


def test_bad_data_is_explained() -> None:
    net = MLP([2, 3, 1])
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\).*got shape \(5, 3\)"):
        net.predict(np.ones((5, 3)))
    with pytest.raises(ValueError, match=r"y must have shape \(5,\).*got shape \(4,\)"):
        net.fit(np.ones((5, 2)), np.ones(4))
    with pytest.raises(ValueError, match="X contains NaN or inf"):
        net.predict(np.array([[1.0, np.nan]]))
    clf = MLP([2, 3, 2])
    with pytest.raises(ValueError, match=r"whole numbers 0\.\.1"):
        clf.fit(np.ones((3, 2)), np.array([0, 1, 2]), loss="cross_entropy")
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        clf.loss_graph("hinge")
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        net.fit(np.ones((5, 2)), np.ones(5), optimizer="rmsprop")
    with pytest.raises(ValueError, match="unknown parameter 'W9'"):
        net.set_params({"W9": 1.0})


@pytest.mark.parametrize("seed", ["abc", -1, 1.5, True])
def test_a_bad_seed_is_named(seed) -> None:
    with pytest.raises(TypeError, match=r"MLP: seed must be a whole number >= 0"):
        MLP([1, 3, 1], seed=seed)
    net = MLP([1, 3, 1])
    with pytest.raises(TypeError, match=r"fit: seed must be a whole number >= 0"):
        net.fit(np.linspace(-1, 1, 5), np.zeros(5), seed=seed)
    with pytest.raises(TypeError, match=r"initialize: seed must be a whole number >= 0"):
        net.initialize(seed)


def test_fit_without_data_says_so() -> None:
    net = MLP([1, 3, 1])
    with pytest.raises(ValueError, match="no data: X has 0 rows"):
        net.fit(np.zeros(0), np.zeros(0))
    with pytest.raises(ValueError, match="no data"):
        net.loss(np.zeros((0, 1)), np.zeros(0))


def test_a_diverged_fit_keeps_the_best_parameters_and_says_so() -> None:
    x = np.linspace(-1, 1, 50)
    net = MLP([1, 3, 1], seed=0)
    start_loss = net.loss(x, x**2)
    history = net.fit(x, x**2, optimizer="gd", lr=1e3, steps=100)
    assert history.diverged
    assert "diverged" in repr(history) and "put back to step" in repr(history)
    assert np.all(np.isfinite(net.theta))
    assert np.all(np.abs(net.predict(x)) < 10)  # not -4.5e53
    assert net.loss(x, x**2) <= start_loss
    assert net.loss(x, x**2) == history.losses[history.restored_step]
