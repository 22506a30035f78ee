"""Polynomial feature maps, the restaurant data set and the three models compared there."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib.features import (
    POPULARITY_NOISE,
    ZIP_CODES,
    compare_restaurant_models,
    fit_linear,
    fit_network,
    legendre_features,
    make_restaurants,
    polynomial_demo,
    polynomial_features,
    raw_design,
    subproblem_features,
    unit_correlations,
    unit_response,
)
from lecturelib.mlp import MLP
from lecturelib.widgets.features import degree_explorer


def test_polynomial_features_shape_and_errors() -> None:
    Phi = polynomial_features(np.array([2.0, -1.0]), 3)
    assert Phi.tolist() == [[1, 2, 4, 8], [1, -1, 1, -1]]
    with pytest.raises(ValueError, match="degree must be a whole number"):
        polynomial_features([1.0], -1)
    with pytest.raises(ValueError, match="x must be a 1-d array"):
        polynomial_features(np.ones((2, 2)), 2)


def test_fit_linear_recovers_exact_weights_and_checks_shapes() -> None:
    x = np.linspace(-1, 1, 9)
    y = 1.0 - 2.0 * x + 0.5 * x**3
    np.testing.assert_allclose(
        fit_linear(polynomial_features(x, 3), y), [1, -2, 0, 0.5], atol=1e-12
    )
    with pytest.raises(ValueError, match=r"y must have shape \(9,\)"):
        fit_linear(polynomial_features(x, 3), y[:-1])


def test_legendre_features_span_the_same_polynomials() -> None:
    x = np.array([-1.0, 0.0, 0.5, 1.0])
    P = legendre_features(x, 3)
    # P_0 = 1, P_1 = x, P_2 = (3x^2 - 1)/2, P_3 = (5x^3 - 3x)/2
    np.testing.assert_allclose(P[2], [1, 0.5, -0.125, -0.4375])
    np.testing.assert_allclose(P[:, 1], x)
    with pytest.raises(ValueError, match="degree must be a whole number"):
        legendre_features(x, 1.5)
    with pytest.raises(ValueError, match="x must be a 1-d array"):
        legendre_features(np.ones((2, 2)), 2)
    # The demo's fits are the least-squares polynomials on (1, x, ..., x^p): the monomial
    # weights it reports give the same predictions and the same errors.
    demo = polynomial_demo()
    for p in (0, 1, 4, 8):
        w = fit_linear(polynomial_features(demo.x_train, p), demo.y_train)
        np.testing.assert_allclose(demo.weights[p], w, rtol=1e-8, atol=1e-10)
        fit = polynomial_features(demo.x_test, p) @ demo.weights[p]
        assert np.mean((fit - demo.y_test) ** 2) == pytest.approx(demo.test_errors[p], rel=1e-10)
    assert [w.size for w in demo.weights] == list(range(1, 14))


def test_linear_fails_and_a_feature_map_succeeds() -> None:
    demo = polynomial_demo()
    # A straight line on raw x explains almost nothing of cos(pi x) ...
    assert demo.test_errors[1] > 10 * demo.noise**2
    # ... degree 4 is close to the noise level, and training error never increases with p.
    assert demo.test_errors[4] < 2 * demo.noise**2
    assert np.all(np.diff(demo.train_errors) <= 1e-12)
    # Over-fitting: the highest degree has the lowest training error and a huge held-out one.
    assert demo.train_errors[-1] == demo.train_errors.min()
    assert demo.test_errors[-1] > 100 * demo.test_errors.min()
    with pytest.raises(ValueError, match="degree must be between 0 and 12"):
        demo.state(13)
    with pytest.raises(ValueError, match="max_degree must be between"):
        polynomial_demo(n_train=5, max_degree=5)


def test_degree_explorer_shows_both_errors() -> None:
    explorer = degree_explorer()
    assert explorer.text.startswith("degree 1:")
    first = explorer.image.value
    state = explorer.set(degree=4)
    assert state.degree == 4 and state.w.size == 5
    assert f"held-out MSE  {state.test_error:.3g}" in explorer.text
    assert explorer.image.value != first
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no overflow at the extreme degrees
        for d in (0, explorer.controls["degree"].max):
            explorer.set(degree=d)
            assert np.all(np.isfinite(explorer.state.f_grid))


def test_restaurant_data_follow_the_documented_recipe() -> None:
    data = make_restaurants(500, seed=3)
    assert data.raw.shape == (500, 6) and len(data) == 500
    assert np.all(np.isin(data.raw[:, 3], ZIP_CODES))
    assert set(np.unique(data.raw[:, 2])) == {0.0, 1.0}
    np.testing.assert_allclose(data.h, subproblem_features(data.raw))
    residual = data.popularity - data.h @ np.array([2.0, 1.5, -2.0])
    assert abs(residual.std() - POPULARITY_NOISE) < 0.02
    # walkable depends on the zip code only; noisy is seats per square metre.
    for z in ZIP_CODES:
        assert np.ptp(data.h[data.raw[:, 3] == z, 1]) == 0
    np.testing.assert_allclose(data.h[:, 2], data.raw[:, 4] / data.raw[:, 5])
    with pytest.raises(ValueError, match=r"raw features must have shape \(n, 6\)"):
        subproblem_features(np.ones((3, 5)))
    with pytest.raises(ValueError, match="zip codes must be among"):
        subproblem_features([[10, 20, 1, 99999, 50, 100]])
    with pytest.raises(ValueError, match="n must be a whole number"):
        make_restaurants(0)


def test_raw_design_one_hot_and_standardised() -> None:
    data = make_restaurants(200, seed=0)
    X = raw_design(data.raw)
    assert X.shape == (200, 5 + len(ZIP_CODES))
    np.testing.assert_allclose(X[:, :5].mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(X[:, 5:].sum(1), 1)


def test_correlation_heat_map_labels_every_cell_without_minus_zero() -> None:
    from matplotlib.figure import Figure

    from lecturelib.features import UnitCorrelations
    from lecturelib.plots.features import plot_unit_correlations

    corr = UnitCorrelations(
        np.array([[0.5, -0.001, 0.2], [-0.7, 0.0, 0.004]]),
        np.array([[0.1, -0.2, 0.3, -0.004, 0.9], [0.0, 0.0, 0.0, 0.0, -1.0]]),
        np.zeros(3),
        np.zeros(3),
    )
    ax = Figure().add_subplot()
    plot_unit_correlations(ax, corr)
    labels = [t.get_text() for t in ax.texts]
    assert len(labels) == 2 * 8
    assert labels[:3] == ["0.50", "0.00", "0.20"] and labels[8 + 7] == "-1.00"
    assert "-0.00" not in labels


def _penalised_gradient(fit, X: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    net = fit.net
    r = net.predict(X).ravel() - y
    return 2 * (net.jacobian(X).T @ r + penalty * net.theta) / y.size


def test_fit_network_converges_to_a_stationary_point_and_keeps_the_best_start() -> None:
    data = make_restaurants(120, seed=4)
    X = raw_design(data.raw)
    y = (data.popularity - data.popularity.mean()) / data.popularity.std()
    fit = fit_network(X, y, 2, penalty=0.1, restarts=4, seed=0)
    assert fit.net.sizes == [13, 2, 1] and fit.objectives.shape == (4,)
    assert fit.converged.all() and np.all(fit.steps < 3000)
    # The kept start has the lowest objective, and the objective is what the net gives.
    assert fit.objectives[fit.best] == pytest.approx(fit.objectives.min(), rel=1e-9)
    assert np.all(fit.objectives[: fit.best] > fit.objectives.min() * (1 + 1e-9))
    mse = np.mean((fit.net.predict(X).ravel() - y) ** 2)
    assert mse + 0.1 * fit.net.theta @ fit.net.theta / y.size == pytest.approx(
        fit.objectives[fit.best], rel=1e-12
    )
    assert 1 <= fit.n_best <= 4
    # Converged: the gradient of the penalised objective vanishes at the kept network.
    assert np.abs(_penalised_gradient(fit, X, y, 0.1)).max() < 1e-8
    # Well conditioned: inputs moved by 1e-12 (relative) lead to the same network, up to
    # where the fit stops (a gradient below 1e-8): predictions of order 1 agree to 1e-8.
    # (atol 1e-9 failed under OPENBLAS_CORETYPE=Prescott: 1.8e-9 apart at a prediction of 0.004.)
    moved = fit_network(X * (1 + 1e-12), y, 2, penalty=0.1, restarts=4, seed=0)
    assert moved.best == fit.best
    np.testing.assert_allclose(moved.net.predict(X), fit.net.predict(X), rtol=1e-7, atol=1e-8)
    with pytest.raises(ValueError, match="hidden must be a whole number"):
        fit_network(X, y, 0)
    with pytest.raises(ValueError, match="restarts must be a whole number"):
        fit_network(X, y, 2, restarts=0)
    with pytest.raises(ValueError, match="penalty must be a number > 0"):
        fit_network(X, y, 2, penalty=0.0)
    with pytest.raises(ValueError, match="X must have shape"):
        fit_network(X[:-1], y, 2)


def test_three_approaches_rank_as_the_slides_suggest() -> None:
    train, test = make_restaurants(300, seed=0), make_restaurants(1000, seed=1)
    results = compare_restaurant_models(train, test, hidden=(8,), restarts=4)
    linear, engineered, mlp = results
    assert mlp.fit is not None and mlp.fit.converged.all() and mlp.net is mlp.fit.net
    noise = POPULARITY_NOISE**2
    # The true sub-problems + a linear read-out reach the noise level; raw linear does not.
    assert engineered.test_mse < 1.3 * noise
    assert linear.test_mse > 10 * noise
    # The learned features beat the linear model on raw features by far.
    assert mlp.test_mse < linear.test_mse / 4
    corr = unit_correlations(mlp.net, test, train)
    assert corr.corr_sub.shape == (8, 3) and corr.corr_raw.shape == (8, 5)
    assert np.all(np.abs(corr.corr_sub) <= 1 + 1e-12)
    assert np.all(corr.r2_from_units <= 1 + 1e-12)
    # Walkability is a linear function of the one-hot zip code: R^2 = 1 from the raw inputs.
    assert corr.r2_from_raw[1] == pytest.approx(1.0)


def test_unit_response_is_the_average_part_of_each_unit() -> None:
    train = make_restaurants(60, seed=2)
    net = MLP([13, 3, 1], activation="tanh", seed=1)
    values = np.array([5.0, 25.0, 80.0])
    parts = unit_response(net, train, "#dishes", values)
    assert parts.shape == (3, 3)
    # The parts plus the output bias are the average prediction, in units of popularity.
    mu, sd = train.popularity.mean(), train.popularity.std()
    for value, row in zip(values, parts, strict=True):
        raw = train.raw.copy()
        raw[:, 0] = value
        prediction = net.predict(raw_design(raw, reference=train.raw)) * sd + mu
        assert row.sum() + net.params["b2"][0] * sd + mu == pytest.approx(prediction.mean())
    # A unit that ignores #dishes contributes the same at every value.
    params = net.params
    params["W1"][1, 0] = 0.0
    net.set_params(params)
    flat = unit_response(net, train, "#dishes", values)[:, 1]
    np.testing.assert_allclose(flat, flat[0], rtol=1e-12)
    with pytest.raises(ValueError, match="feature must be one of"):
        unit_response(net, train, "zip code", values)
    with pytest.raises(TypeError, match="one hidden layer"):
        unit_response(MLP([13, 2, 2, 1]), train, "price", values)
