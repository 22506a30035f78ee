"""MLP classification (notebook 07): data, softmax, formal definition, fits, explorer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import classification as C
from lecturelib.mlp import MLP
from lecturelib.widgets.classification import classifier_explorer, describe_classifier


def test_spirals_are_seeded_balanced_and_bounded() -> None:
    X, y = C.spirals(seed=0)
    X2, _y2 = C.spirals(seed=0)
    np.testing.assert_array_equal(X, X2)
    assert X.shape == (180, 2) and np.bincount(y).tolist() == [60, 60, 60]
    assert np.all(np.linalg.norm(X, axis=1) <= 1.0 + 1e-12)
    assert not np.array_equal(C.spirals(seed=1)[0], X)
    with pytest.raises(ValueError, match="classes"):
        C.spirals(classes=1)
    with pytest.raises(ValueError, match="noise"):
        C.spirals(noise=-1.0)


def test_softmax_properties() -> None:
    s = np.array([2.0, 1.0, -1.0])
    p = C.softmax(s)
    assert p.sum() == pytest.approx(1.0) and np.all(p > 0)
    assert np.argmax(p) == 0
    np.testing.assert_allclose(C.softmax(s + 100.0), p)  # a constant changes nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        np.testing.assert_allclose(
            C.softmax([1000.0, 999.0, -1000.0])[:2], [1 / (1 + np.exp(-1)), 1 / (1 + np.e)]
        )
    P = C.softmax(np.zeros((4, 3)))
    np.testing.assert_allclose(P, 1 / 3)
    with pytest.raises(ValueError, match="vector of scores"):
        C.softmax(1.0)


def test_formal_definition_maps_shapes_and_composition_matches_predict() -> None:
    net = MLP([2, 4, 4, 3], activation="tanh", seed=1)
    rows = C.formal_definition(net)
    assert [r[1] for r in rows] == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [r[2] for r in rows] == ["4 x 2", "4", "4 x 4", "4", "3 x 4", "3"]
    assert [r[3] for r in rows[::2]] == ["m x d", "m x m", "3 x m"]
    assert "affine" in rows[-2][4]
    X = np.random.default_rng(0).normal(size=(5, 2))
    for act in ("tanh", "relu", "logistic"):
        net = MLP([2, 3, 3], activation=act, seed=2)
        *hidden, f = C.compose_by_hand(net, X)
        np.testing.assert_allclose(f, net.predict(X), atol=1e-12)
        np.testing.assert_allclose(hidden[0], net.hidden(X)[0], atol=1e-12)
    linear = MLP([2, 3])
    assert C.formal_definition(linear)[0][3] == "3 x d"  # no hidden layer: W is k x d
    with pytest.raises(ValueError, match="X must have shape"):
        C.compose_by_hand(net, np.zeros((2, 3)))


def test_linear_scores_fail_where_the_mlp_succeeds() -> None:
    X, y = C.spirals(seed=0)
    Xt, yt = C.spirals(seed=1)
    linear = C.fit_classifier([2, 3], X, y, Xt, yt)
    mlp = C.fit_classifier([2, 16, 3], X, y, Xt, yt, activation="tanh")
    assert linear.train_accuracy < 0.8
    assert mlp.train_accuracy > 0.95 and mlp.test_accuracy > 0.9
    guess = -len(y) * np.log(3)
    # L-BFGS starts near guessing and raises the log-likelihood; the MLP ends far higher.
    assert linear.log_likelihood[-1] > guess > mlp.log_likelihood[0] - 50
    assert mlp.final_log_likelihood > linear.final_log_likelihood + 50
    assert mlp.final_log_likelihood <= 0
    # Linear scores are affine along any line: second differences vanish.
    x1 = np.linspace(-1, 1, 50)
    scores = C.scores_along(linear.net, x1)
    np.testing.assert_allclose(np.diff(scores, 2, axis=0), 0, atol=1e-10)
    _axis, classes, confidence = C.class_grid(mlp.net, resolution=21)
    assert classes.shape == (21, 21) and set(np.unique(classes)) == {0, 1, 2}
    assert np.all((confidence >= 1 / 3 - 1e-12) & (confidence <= 1))
    with pytest.raises(ValueError, match="unknown activation"):
        C.fit_classifier([2, 3], X, y, Xt, yt, activation="swish")


def test_fits_converge_to_the_same_point_from_a_start_perturbed_by_rounding(monkeypatch) -> None:
    # What a student's CPU changes: the last bits of every result. With the weight penalty
    # L-BFGS converges, so a start perturbed by 1e-12 ends at the same fit.
    X, y = C.spirals(seed=0)
    Xt, yt = C.spirals(seed=1)
    fits = [C.fit_classifier([2, 8, 3], X, y, Xt, yt)]
    initialize = MLP.initialize
    rng = np.random.default_rng(7)

    def perturbed(self, seed=0):
        initialize(self, seed)
        self.theta = self.theta * (1 + 1e-12 * rng.standard_normal(self.n_params))

    monkeypatch.setattr(MLP, "initialize", perturbed)
    fits.append(C.fit_classifier([2, 8, 3], X, y, Xt, yt))
    a, b = fits
    assert a.converged and b.converged and len(a.log_likelihood) < C.MAX_STEPS
    # Converged to about 5 digits: far more than the 1 decimal the notebook prints.
    assert b.final_log_likelihood == pytest.approx(a.final_log_likelihood, abs=1e-4)
    np.testing.assert_allclose(b.net.theta, a.net.theta, atol=1e-4)
    assert (a.train_accuracy, a.test_accuracy) == (b.train_accuracy, b.test_accuracy)


def test_the_log_likelihood_is_recorded_per_iteration_without_the_penalty() -> None:
    X, y = C.spirals(seed=0)
    Xt, yt = C.spirals(seed=1)
    start = MLP([2, 4, 3], seed=0)
    fit = C.fit_classifier([2, 4, 3], X, y, Xt, yt, steps=5)
    assert not fit.converged and len(fit.log_likelihood) == 6  # the start and 5 iterations
    assert fit.log_likelihood[0] == pytest.approx(-len(y) * start.loss(X, y, "cross_entropy"))
    assert fit.final_log_likelihood == pytest.approx(-len(y) * fit.net.loss(X, y, "cross_entropy"))
    assert fit.log_likelihood[-1] > fit.log_likelihood[0] + 50
    with pytest.raises(ValueError, match="weight_decay"):
        C.fit_classifier([2, 3], X, y, Xt, yt, weight_decay=-1.0)


def test_without_the_penalty_the_weights_grow_until_every_label_is_certain() -> None:
    X, y = C.spirals(seed=0)
    Xt, yt = C.spirals(seed=1)
    penalised = C.fit_classifier([2, 32, 3], X, y, Xt, yt)
    free = C.fit_classifier([2, 32, 3], X, y, Xt, yt, weight_decay=0)
    assert penalised.converged and -20 < penalised.final_log_likelihood < -5
    assert free.final_log_likelihood > -1e-3 and free.train_accuracy == 1
    assert np.linalg.norm(free.net.theta) > 10 * np.linalg.norm(penalised.net.theta)


def test_dead_relu_units_and_a_relu_network_that_imitates_the_linear_model() -> None:
    X, y = C.spirals(seed=0)
    Xt, yt = C.spirals(seed=1)
    # The explorer's start for ReLU at width 4: two units are off on every training point.
    assert C.dead_units(MLP([2, 4, 3], activation="relu", seed=0), X) == [2]
    relu = C.fit_classifier([2, 4, 3], X, y, Xt, yt, activation="relu", seed=0)
    assert C.dead_units(relu.net, X) == [3]
    linear = C.fit_classifier([2, 3], X, y, Xt, yt)
    assert relu.train_accuracy < linear.train_accuracy  # worse than a network it can imitate
    off = MLP([2, 3, 3, 3], activation="relu", seed=0)
    off.set_params({"b1": np.array([-10.0, -10.0, 0.0])})
    off.set_params({"W1": np.vstack([np.zeros((2, 2)), [1.0, 0.0]])})
    assert C.dead_units(off, X)[0] == 2
    assert C.dead_units(MLP([2, 4, 3], activation="tanh"), X) == [0]
    imitation = C.relu_network_with_linear_scores(linear.net, width=4)
    assert imitation.activation == "relu" and imitation.sizes == [2, 4, 3]
    np.testing.assert_allclose(imitation.predict(X), linear.net.predict(X), atol=1e-12)
    assert C.dead_units(imitation, X) == [2]
    with pytest.raises(ValueError, match="width must be"):
        C.relu_network_with_linear_scores(linear.net, width=1)
    with pytest.raises(ValueError, match="without hidden layer"):
        C.relu_network_with_linear_scores(relu.net, width=4)


def test_plot_runs_draws_one_series_per_label() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.classification import plot_runs

    _fig, axes = new_figure()
    lines = plot_runs(axes[0, 0], {"a": [0.5, 0.9], "b": [1.0, 1.0, 0.8]}, reference=0.7)
    assert [line.get_label() for line in lines] == ["a", "b"]
    np.testing.assert_array_equal(lines[1].get_ydata(), [1.0, 1.0, 0.8])
    np.testing.assert_array_equal(lines[1].get_xdata(), [0, 1, 2])


def test_explorer_state_is_cached_and_checks_its_arguments() -> None:
    a = C.explorer_state(8, 0, "relu")
    b = C.explorer_state(32, 0, "relu")
    assert a is b and a.sizes == [2, 3]  # width does not matter without hidden layers
    assert C.explorer_state(4, 2, "tanh").sizes == [2, 4, 4, 3]
    with pytest.raises(ValueError, match="width must be one of"):
        C.explorer_state(3, 1, "tanh")
    with pytest.raises(ValueError, match="depth must be one of"):
        C.explorer_state(4, 5, "tanh")
    with pytest.raises(ValueError, match="activation must be one of"):
        C.explorer_state(4, 1, "sign")


@pytest.mark.parametrize(
    "values",
    [
        dict(width=1, depth=3, activation="relu"),
        dict(width=32, depth=3, activation="logistic"),
        dict(width=1, depth=0, activation="tanh"),
        dict(width=32, depth=1, activation="tanh"),
    ],
)
def test_explorer_extremes_neither_raise_nor_warn(values) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        explorer = classifier_explorer(width=8, depth=1)
        first = explorer.image.value
        state = explorer.set(**values)
        assert np.all(np.isfinite(state.log_likelihood))
        assert np.all(np.isfinite(state.confidence))
        assert 0 <= state.test_accuracy <= 1
        assert explorer.image.value != first
        assert explorer.text == describe_classifier(state)
        assert f"parameters: {state.n_params}" in explorer.text
        ended = "could improve no further" if state.converged else "still improving"
        assert ended in explorer.text
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Width, depth, activation")
