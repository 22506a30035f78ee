"""MLP classification (notebook 07): data, softmax, formal definition, fits, playground."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import classification as C
from lecturelib.mlp import MLP
from lecturelib.widgets.classification import describe_playground, playground_player


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


def test_fit_setting_is_cached_and_checks_its_arguments() -> None:
    a = C.fit_setting(8, 0, "relu")
    b = C.fit_setting(32, 0, "relu")
    assert a is b and a.net.sizes == [2, 3]  # width does not matter without hidden layers
    assert C.fit_setting(4, 2, "tanh").net.sizes == [2, 4, 4, 3]
    with pytest.raises(ValueError, match="width must be a whole number >= 1"):
        C.fit_setting(0, 1, "tanh")
    with pytest.raises(ValueError, match="depth must be a whole number >= 0"):
        C.fit_setting(4, -1, "tanh")
    with pytest.raises(ValueError, match="activation must be one of"):
        C.fit_setting(4, 1, "sign")


@pytest.mark.parametrize("data", C.DATASETS)
def test_playground_data_are_two_balanced_seeded_classes(data: str) -> None:
    X, y = C.playground_data(data, noise=0.0, seed=0)
    assert X.shape == (C.PLAYGROUND_N, 2) and set(np.unique(y)) == {0, 1}
    assert 0.35 < y.mean() < 0.65
    np.testing.assert_array_equal(X, C.playground_data(data, noise=0.0, seed=0)[0])
    assert not np.array_equal(X, C.playground_data(data, noise=0.0, seed=1)[0])
    noisy, y2 = C.playground_data(data, noise=0.3, seed=0)
    np.testing.assert_array_equal(y, y2)  # noise moves the points, not their labels
    assert not np.array_equal(noisy, X)
    assert np.all(np.abs(X) <= 1.6)


def test_playground_data_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="data must be one of"):
        C.playground_data("moons")
    with pytest.raises(ValueError, match="noise must be a number >= 0"):
        C.playground_data("xor", noise=-0.1)
    with pytest.raises(ValueError, match="n must be an even whole number"):
        C.playground_data("xor", n=3)


def test_the_xor_and_circles_labels_follow_their_rule() -> None:
    X, y = C.playground_data("xor", noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] > 0).astype(int))
    X, y = C.playground_data("circles", noise=0.0)
    r = np.linalg.norm(X, axis=1)
    assert r[y == 0].max() <= 0.45 and r[y == 1].min() >= 0.65


def test_playground_start_is_step_zero_of_a_fresh_network() -> None:
    state = C.playground_start(data="xor", width=3, depth=2, activation="relu")
    assert state.sizes == (2, 3, 3, 2) and state.n_params == MLP([2, 3, 3, 2]).n_params
    np.testing.assert_array_equal(state.theta, MLP([2, 3, 3, 2], activation="relu").theta)
    assert state.step == 0 and state.steps.tolist() == [0]
    net = MLP([2, 3, 3, 2], activation="relu")
    assert state.train_loss[0] == pytest.approx(net.loss(state.X, state.y, "cross_entropy"))
    assert state.unit_layers == (1, 2) and [u.shape[0] for u in state.units] == [3, 3]
    res = C.PLAYGROUND_RESOLUTION
    assert state.proba.shape == (res, res) and np.all((state.proba > 0) & (state.proba < 1))
    assert C.playground_start(depth=0).units == () and C.playground_start(depth=0).sizes == (2, 2)
    assert C.playground_start(depth=3).unit_layers == (1, 3)
    with pytest.raises(ValueError, match="optimizer must be one of"):
        C.playground_start(optimizer="lbfgs")
    with pytest.raises(ValueError, match="batch must be 'full' or a whole number"):
        C.playground_start(batch=0)
    with pytest.raises(ValueError, match="lr must be > 0"):
        C.playground_start(lr=0.0)


def test_playground_advance_is_pure_and_takes_steps_per_frame() -> None:
    start = C.playground_start(data="circles", width=3, depth=1)
    theta0 = start.theta.copy()
    one = C.playground_advance(start)
    assert one is not start and one.step == C.STEPS_PER_FRAME
    np.testing.assert_array_equal(start.theta, theta0)  # the old state is left alone
    assert start.step == 0 and len(start.train_loss) == 1
    assert one.steps.tolist() == [0, C.STEPS_PER_FRAME] and len(one.test_loss) == 2
    again = C.playground_advance(start)  # the same state, the same frame
    np.testing.assert_array_equal(again.theta, one.theta)
    # Advancing one state does not disturb another of the same settings (shared network).
    two = C.playground_advance(one)
    np.testing.assert_array_equal(C.playground_advance(start).theta, one.theta)
    assert two.step == 2 * C.STEPS_PER_FRAME


def test_playground_frames_are_the_steps_of_gradient_descent() -> None:
    # Full-batch GD: a frame is STEPS_PER_FRAME steps theta <- theta - lr * grad J(theta).
    state = C.playground_start(data="two gaussians", width=2, depth=1, lam=0.01, optimizer="gd",
                               lr=0.3)  # fmt: skip
    net = MLP([2, 2, 2])
    penalised = net.loss_graph("cross_entropy")
    theta = state.theta.copy()
    for _ in range(C.STEPS_PER_FRAME):
        net.theta = theta
        _, grads = net.loss_and_grad(state.X, state.y, "cross_entropy")
        g = np.concatenate([
            (grads[k] + (0.01 * net.params[k] if k.startswith("W") else 0)).ravel()
            for k in net.params
        ])  # fmt: skip
        theta = theta - 0.3 * g
    assert penalised is not None
    np.testing.assert_allclose(C.playground_advance(state).theta, theta, rtol=1e-10, atol=1e-12)


def test_playground_learns_and_a_run_is_the_same_however_it_is_cut() -> None:
    run = C.playground_run(100, data="circles", width=3, depth=1)
    assert run.train_loss[-1] < 0.5 * run.train_loss[0] and run.train_accuracy > 0.9
    sgd = C.playground_run(3, data="xor", batch=10, optimizer="gd", lr=0.3)
    again = C.playground_run(3, data="xor", batch=10, optimizer="gd", lr=0.3)
    np.testing.assert_array_equal(sgd.theta, again.theta)
    adam = C.playground_start(data="xor")
    for _ in range(3):
        adam = C.playground_advance(adam)
    np.testing.assert_array_equal(adam.theta, C.playground_run(3, data="xor").theta)
    with pytest.raises(ValueError, match="frames must be a whole number"):
        C.playground_run(-1)


def test_a_diverging_run_stops_and_says_so() -> None:
    # Cross-entropy's gradient is bounded, so the player's step sizes do not diverge; a
    # step size of 1e7 does, at the first step.
    start = C.playground_start(data="xor", optimizer="gd", lr=1e7)
    state = C.playground_advance(start)
    assert state.diverged and state.step == 0 and np.all(np.isfinite(state.theta))
    np.testing.assert_array_equal(state.theta, start.theta)  # where it was before the jump
    assert C.playground_advance(state) is state
    assert "diverged" in describe_playground(state)
    assert "diverged" not in describe_playground(start)


@pytest.mark.parametrize(
    "values",
    [
        dict(width=1, depth=3, activation="relu"),
        dict(width=8, depth=3, activation="logistic", batch=10),
        dict(depth=0, data="xor"),
        dict(lr=3.0, optimizer="gd", lam=0.0, data="circles"),
    ],
)
def test_playground_player_extremes_neither_raise_nor_warn(values) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        player = playground_player()
        first = player.image.value
        state = player.set(**values)
        assert player.image.value != first and player.frame == 0
        assert player.text == describe_playground(state)
        assert f"{state.n_params} parameters" in player.text
        player.step(3)
        assert player.state.step in (3 * C.STEPS_PER_FRAME, player.state.step)
        assert np.all(np.isfinite(player.state.proba))
        assert player.text.splitlines()[2].startswith(f"step {player.state.step}:")
    bundle = player._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Playground: press play")


def test_playground_picture_shows_every_hidden_unit() -> None:
    from lecturelib.plots.classification import GAP, UNITS_PER_ROW, units_mosaic

    state = C.playground_start(width=6, depth=3)
    image, starts = units_mosaic(state.units, state.unit_layers)
    res = C.PLAYGROUND_RESOLUTION
    rows_per_layer = -(-6 // UNITS_PER_ROW)
    assert image.shape == (
        2 * rows_per_layer * (res + GAP) - GAP,
        UNITS_PER_ROW * (res + GAP) - GAP,
        3,
    )
    assert starts == [(1, 0), (3, rows_per_layer * (res + GAP))]
    assert np.all((image >= 0) & (image <= 1))


def test_plot_mlp_lit_fills_every_unit_with_its_own_output() -> None:
    from matplotlib.patches import Circle

    from lecturelib.plots.classification import plot_mlp_lit
    from lecturelib.plots.network import node_color

    net = MLP([2, 4, 4, 3], activation="tanh", seed=0)
    X = np.array([[0.5, -0.2], [-1.0, 0.3]])
    fig = plot_mlp_lit(net, X, title="t")
    h1, h2, f = C.compose_by_hand(net, X)
    for i, ax in enumerate(fig.axes):
        circles = [p for p in ax.patches if isinstance(p, Circle)]
        values = np.concatenate([X[i], h1[i], h2[i], f[i]])
        assert len(circles) == len(values) == 13
        for circle, value in zip(circles, values, strict=True):
            expected = node_color(round(float(value), 1), (-1.0, 1.0))
            assert np.allclose(circle.get_facecolor(), expected)
        centres = {tuple(c.center) for c in circles}
        written = [t.get_text() for t in ax.texts if tuple(t.get_position()) in centres]
        shown = [float(w.replace("\u2212", "-")) for w in written]
        assert shown == [round(float(v), 1) + 0.0 for v in values]
        best = int(np.argmax(f[i])) + 1
        assert ax.get_title().endswith(f"largest score $f_{{{best}}}$")


def test_plot_mlp_lit_names_the_shape_it_needs() -> None:
    from lecturelib.plots.classification import plot_mlp_lit

    net = MLP([2, 4, 3], seed=0)
    with pytest.raises(ValueError, match=r"X must have shape \(n, 2\).*got shape \(1, 3\)"):
        plot_mlp_lit(net, [[0.1, 0.2, 0.3]])
