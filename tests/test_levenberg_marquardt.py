"""Levenberg-Marquardt: the optimiser, the MLP's Jacobian by backprop, and the default fit."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from scipy.optimize import least_squares

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.mlp import MLP
from lecturelib.optim import levenberg_marquardt

# --------------------------------------------------------------------------------------
# The optimiser on a classic problem: fit y = a exp(b t) + c
# --------------------------------------------------------------------------------------
T = np.linspace(0.0, 2.0, 30)
Y = 2.0 * np.exp(-1.3 * T) + 0.5 + 0.01 * np.sin(17 * T)  # small misfit: nonzero residuals


def _exp_problem():
    state = {}

    def residuals(theta: np.ndarray) -> np.ndarray:
        a, b, c = theta
        state["theta"] = theta.copy()
        return a * np.exp(b * T) + c - Y

    def jacobian() -> np.ndarray:
        a, b, _ = state["theta"]
        e = np.exp(b * T)
        return np.column_stack([e, a * T * e, np.ones_like(T)])

    return residuals, jacobian


def test_reaches_the_same_minimum_as_minpack() -> None:
    residuals, jacobian = _exp_problem()
    start = np.array([1.0, -0.5, 0.0])
    theta, history = levenberg_marquardt(residuals, jacobian, start, ftol=1e-12)
    reference = least_squares(residuals, start, method="lm", xtol=1e-14, ftol=1e-14)
    np.testing.assert_allclose(theta, reference.x, rtol=1e-7)
    assert history.final == pytest.approx(np.mean(reference.fun**2), rel=1e-10)
    assert history.optimizer == "Levenberg-Marquardt"
    np.testing.assert_array_equal(start, [1.0, -0.5, 0.0])  # the start is not modified


def test_the_objective_never_increases_and_stops_by_itself() -> None:
    residuals, jacobian = _exp_problem()
    _, history = levenberg_marquardt(residuals, jacobian, [5.0, 1.0, -3.0], steps=500)
    losses = np.array(history.losses)
    assert np.all(np.diff(losses) <= 0)
    assert losses[-1] < 1e-3 * losses[0]
    assert history.steps < 500  # converged before the limit


def test_tol_steps_and_callback_stop_early() -> None:
    residuals, jacobian = _exp_problem()
    start = [1.0, -0.5, 0.0]
    assert levenberg_marquardt(residuals, jacobian, start, steps=0)[1].steps == 0
    assert levenberg_marquardt(residuals, jacobian, start, steps=3)[1].steps == 3
    _, history = levenberg_marquardt(residuals, jacobian, start, tol=1e-2)
    assert history.final <= 1e-2 < history.losses[-2]
    seen = []
    _, history = levenberg_marquardt(
        residuals, jacobian, start, callback=lambda t, loss: seen.append(t) or t == 2
    )
    assert seen == [1, 2] and history.steps == 2


def test_bad_arguments_are_named() -> None:
    residuals, jacobian = _exp_problem()
    with pytest.raises(ValueError, match="steps must be a whole number"):
        levenberg_marquardt(residuals, jacobian, [1.0, 0.0, 0.0], steps=-1)
    with pytest.raises(ValueError, match="tol must be a number"):
        levenberg_marquardt(residuals, jacobian, [1.0, 0.0, 0.0], tol="small")


def test_overflowing_trials_are_refused_without_warnings() -> None:
    residuals, jacobian = _exp_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        theta, history = levenberg_marquardt(residuals, jacobian, [1.0, 100.0, 0.0])
        assert np.all(np.isfinite(theta)) and np.isfinite(history.final)
        assert history.final < 1e-6 * history.losses[0]
        # A start where the residuals overflow is reported, not raised.
        _, history = levenberg_marquardt(residuals, jacobian, [1.0, 400.0, 0.0])
    assert history.diverged and history.final == np.inf


# --------------------------------------------------------------------------------------
# The Jacobian by backprop, and backward passes with a seed
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sizes", "activation"),
    [([1, 3, 1], "tanh"), ([2, 4, 3, 1], "sigmoid"), ([3, 5, 2], "relu"), ([2, 3, 2], "linear")],
)
def test_jacobian_matches_central_differences(sizes, activation) -> None:
    rng = np.random.default_rng(1)
    net = MLP(sizes, activation=activation, seed=2)
    X = rng.normal(size=(7, sizes[0]))
    J = net.jacobian(X)
    k = sizes[-1]
    assert J.shape == ((7, net.n_params) if k == 1 else (7, k, net.n_params))
    theta, eps = net.theta, 1e-6
    for i in range(net.n_params):
        step = np.zeros_like(theta)
        step[i] = eps
        net.theta = theta + step
        up = net.predict(X)
        net.theta = theta - step
        down = net.predict(X)
        net.theta = theta
        np.testing.assert_allclose(J[..., i], (up - down) / (2 * eps), rtol=1e-6, atol=1e-8)


def test_jacobian_gives_the_gradient_of_the_mse() -> None:
    # dJ/dtheta = (2/n) J^T (f - y): the same numbers as the loss graph's backward pass.
    rng = np.random.default_rng(0)
    net = MLP([2, 5, 1], seed=3)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    _, grads = net.loss_and_grad(X, y)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    J = net.jacobian(X)
    np.testing.assert_allclose(2 / 20 * J.T @ (net.predict(X) - y), flat, rtol=1e-12)


def test_backward_with_a_seed_is_the_gradient_of_the_weighted_sum() -> None:
    x = Input("x")
    w = Param("w", [0.5, -1.0, 2.0])
    out = ad.tanh(x * w, name="out")
    seed = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 3.0]])
    data = np.array([[0.1, 0.2, 0.3], [1.0, -1.0, 0.5]])
    graph = Graph(out, data_grads=False)
    graph.forward(x=data)
    by_seed = graph.backward(seed)["w"].copy()
    total = Graph(ad.sum(out * Input("s")), data_grads=False)
    total.forward(x=data, s=seed)
    np.testing.assert_allclose(by_seed, total.backward()["w"], rtol=1e-14)
    # The other graph's forward pass overwrote the shared nodes: an error says so.
    with pytest.raises(RuntimeError, match="overwritten by another graph's forward pass"):
        graph.backward(seed)
    graph.forward(x=data)
    np.testing.assert_allclose(graph.backward(seed)["w"], by_seed, rtol=1e-14)
    # A second seed after the same forward pass starts afresh (nothing is doubled).
    np.testing.assert_allclose(graph.backward(2 * seed)["w"], 2 * by_seed, rtol=1e-14)
    deltas_only = Graph(out, data_grads=False, param_grads=False)
    deltas_only.forward(x=data)
    assert deltas_only.backward(seed) == {}
    assert w.grad is None
    np.testing.assert_allclose(out.grad, seed)
    with pytest.raises(ValueError, match=r"seed of the objective 'out''s shape \(2, 3\)"):
        deltas_only.backward(np.ones(3))
    graph.forward(x=data)
    with pytest.raises(ValueError, match=r"seed.*NaN"):
        graph.backward(np.full((2, 3), np.nan))


# --------------------------------------------------------------------------------------
# MLP.fit: Levenberg-Marquardt by default for the MSE
# --------------------------------------------------------------------------------------
X50 = np.linspace(-1, 1, 50)


def test_default_fit_is_levenberg_marquardt_for_mse_and_lbfgs_otherwise() -> None:
    net = MLP([1, 3, 1], seed=0)
    assert net.fit(X50, X50**2).optimizer == "Levenberg-Marquardt"
    assert "L-BFGS" in net.fit(X50, X50**2, bounds={"W1": (-5, 5)}).optimizer
    xor = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    history = MLP([2, 3, 2], seed=0).fit(xor, np.array([1, 0, 0, 1]), loss="cross_entropy")
    assert "L-BFGS" in history.optimizer
    relu = MLP([1, 8, 1], activation="relu", seed=0)
    assert "L-BFGS" in relu.fit(X50, np.abs(X50), steps=2).optimizer
    big = MLP([1, 40, 40, 1], seed=0)  # 1,761 parameters: too many for LM's linear solves
    assert "L-BFGS" in big.fit(X50, X50**2, steps=2).optimizer


def test_rtol_stops_once_the_fit_explains_the_variance() -> None:
    y = X50**2  # tanh units fit x^2 ever better with ever larger weights: no true minimum
    quick = MLP([1, 3, 1], seed=0).fit(X50, y)
    assert quick.final <= 1e-6 * np.var(y) < quick.losses[-2]
    longer = MLP([1, 3, 1], seed=0).fit(X50, y, rtol=0)
    assert longer.final < 0.1 * quick.final and longer.steps > quick.steps
    with pytest.raises(ValueError, match="rtol must be a number >= 0"):
        MLP([1, 3, 1]).fit(X50, y, rtol=-1)


def test_lm_fits_beat_lbfgs_on_bishops_sine_across_seeds() -> None:
    y = np.sin(np.pi * X50)
    lm = [MLP([1, 3, 1], seed=s).fit(X50, y).final for s in range(6)]
    lbfgs = [MLP([1, 3, 1], seed=s).fit(X50, y, optimizer="lbfgs").final for s in range(6)]
    assert np.median(lm) < 1e-6 and np.median(lm) <= np.median(lbfgs)


def test_lm_fits_several_outputs() -> None:
    Y = np.column_stack([X50**2, np.sin(np.pi * X50)])
    net = MLP([1, 6, 2], seed=0)
    history = net.fit(X50, Y, optimizer="lm")
    assert history.final < 1e-4 < history.losses[0]
    assert net.loss(X50, Y) == pytest.approx(history.final)


def test_lm_options_are_checked() -> None:
    net = MLP([1, 3, 1])
    with pytest.raises(ValueError, match="needs loss='mse'"):
        net.fit([[0.0], [1.0]], [0, 0], loss="cross_entropy", optimizer="lm")
    with pytest.raises(ValueError, match="takes no lr"):
        net.fit(X50, X50, optimizer="lm", lr=0.1)
    with pytest.raises(ValueError, match="unknown optimizer 'newton'; choose one of lm, lbfgs"):
        net.fit(X50, X50, optimizer="newton")
