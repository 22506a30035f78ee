"""Three hidden units (Bishop Fig. 5.3): data, the 10 parameters, fits, the explorer."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecturelib import approximation as ap
from lecturelib.approximation import SLIDER_NAMES, Params
from lecturelib.gradcheck import numerical_gradient, relative_error
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.approximation import ApproximationPanel, nice_limit, plot_bishop_figure
from lecturelib.widgets.approximation import HAND_START, SLIDER_RANGES, approximation_explorer
from tests.conftest import own_warnings

THETA = np.arange(1.0, 11.0) / 10  # (b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)


def test_bishop_data() -> None:
    x, y = ap.bishop_data("square")
    assert x.shape == (50,) and x[0] == -1 and x[-1] == 1
    assert np.min(np.abs(x)) == pytest.approx(1 / 49)  # no point at exactly 0
    np.testing.assert_allclose(y, x**2)
    np.testing.assert_allclose(ap.bishop_data("sin")[1], np.sin(np.pi * x))
    np.testing.assert_allclose(ap.bishop_data("abs")[1], np.abs(x))
    step = ap.bishop_data("step")[1]
    assert step.tolist() == [0.0] * 25 + [1.0] * 25
    with pytest.raises(ValueError, match="unknown target 'cube'"):
        ap.bishop_data("cube")
    with pytest.raises(ValueError, match="n must be"):
        ap.bishop_data("abs", n=1)


def test_why_sin_pi_x() -> None:
    # Plain sin(x) is nearly a straight line on [-1, 1]; sin(pi x) is not.
    assert ap.linear_fit_mse(np.sin) < 1e-3
    assert ap.linear_fit_mse("sin") > 0.2
    assert ap.linear_fit_mse(lambda x: 3 * x - 1) == pytest.approx(0, abs=1e-25)


def test_params_theta_order_and_mlp_mapping() -> None:
    p = Params.from_theta(THETA)
    assert p.b.tolist() == [0.1, 0.2, 0.3] and p.v.tolist() == [0.4, 0.5, 0.6]
    assert p.w0 == 0.7 and p.w.tolist() == [0.8, 0.9, 1.0]
    np.testing.assert_array_equal(p.theta, THETA)
    m = p.mlp_params()
    assert m["W1"].shape == (3, 1) and m["W2"].shape == (1, 3)
    assert m["W1"][:, 0].tolist() == p.v.tolist() and m["b2"].tolist() == [0.7]
    net = p.to_mlp("tanh")
    assert net.n_params == 10
    back = Params.from_mlp(net)
    np.testing.assert_array_equal(back.theta, THETA)
    np.testing.assert_array_equal(Params.from_sliders(p.sliders()).theta, THETA)
    assert list(p.sliders()) == list(SLIDER_NAMES)


@pytest.mark.parametrize("activation", ["tanh", "logistic"])
def test_network_equals_the_mlp(activation: str) -> None:
    p = Params.from_theta(np.linspace(-2, 3, 10))
    x = np.linspace(-1, 1, 13)
    f, hidden = ap.network(x, p, activation)
    net = p.to_mlp(activation)
    np.testing.assert_allclose(f, net.predict(x), rtol=1e-12)
    np.testing.assert_allclose(hidden, net.hidden(x)[0].T, rtol=1e-12)


def test_params_errors() -> None:
    with pytest.raises(ValueError, match="v must be 3 numbers"):
        Params(v=[1, 2], b=[0, 0, 0], w=[0, 0, 0], w0=0)
    with pytest.raises(ValueError, match="b must be finite"):
        Params(v=[1, 2, 3], b=[0, np.nan, 0], w=[0, 0, 0], w0=0)
    with pytest.raises(ValueError, match="w0 must be a finite number"):
        Params(v=[1, 2, 3], b=[0, 0, 0], w=[0, 0, 0], w0=np.inf)
    with pytest.raises(ValueError, match="theta must be 10 numbers"):
        Params.from_theta(np.zeros(9))
    with pytest.raises(ValueError, match=r"MLP\(\[1, 3, 1\]\)"):
        Params.from_mlp(MLP([1, 4, 1]))
    with pytest.raises(TypeError, match="net must be an MLP"):
        Params.from_mlp("net")
    with pytest.raises(ValueError, match="missing slider value"):
        Params.from_sliders({"v1": 1.0})
    with pytest.raises(ValueError, match="activation must be one of tanh, logistic"):
        ap.network([0.0], HAND_START, "relu")


def test_state_parts_add_up_to_the_output() -> None:
    state = ap.approx_state(HAND_START, "square", "tanh")
    np.testing.assert_allclose(state.params.w0 + state.weighted.sum(axis=0), state.curve)
    assert state.mse == pytest.approx(ap.mse(HAND_START, "square"))
    # the hand-made start is a rough x^2 (MSE ~ 0.018), not yet a fit
    assert 0.01 < state.mse < 0.03
    assert np.all(state.weighted[2] == 0)  # unit 3 is switched off (w3 = 0)


def test_mse_text_is_stable() -> None:
    assert ap.mse_text(3.2e-9) == "< 1e-06"
    assert ap.mse_text(1.458e-4) == "1.5e-04"
    assert ap.mse_text(1.47e-4) == "1.5e-04"
    assert ap.mse_text(float("inf")) == "inf"


@pytest.mark.parametrize(("target", "below"), [("square", 1e-4), ("sin", 1e-4), ("abs", 1e-3)])
def test_one_start_of_the_default_fit_is_good_with_tanh(target: str, below: float) -> None:
    # One start of the default MLP.fit (Levenberg-Marquardt) from seed 0.
    fit = ap.fit_target(target, "tanh", restarts=1)
    assert fit.mse < below, (target, fit.mse)
    assert fit.mse == pytest.approx(ap.mse(fit.params, target, "tanh"))
    assert fit.start_mses == (fit.mse,) and fit.starts_that_get_there == 1


def test_restarts_keep_every_start_and_choose_as_mlp_fit_does() -> None:
    fit = ap.fit_target("abs", "tanh", restarts=3)
    # the same choice as MLP.fit(restarts=3): the best of seeds 0, 1, 2
    x, y = ap.bishop_data("abs")
    net = MLP([1, 3, 1], seed=0)
    net.fit(x, y, restarts=3, seed=0, progress=False)
    np.testing.assert_array_equal(fit.params.theta, Params.from_mlp(net).theta)
    assert len(fit.start_mses) == 3 and fit.mse == min(fit.start_mses)
    # |x| with tanh: of seeds 0, 1, 2, one start finds the best fit; the others stop in a
    # local minimum more than 4 times higher
    assert fit.starts_that_get_there == 1
    assert sorted(fit.start_mses)[1] > 4 * fit.mse
    with pytest.raises(ValueError, match="restarts must be"):
        ap.fit_target("abs", restarts=0)


def test_unit_rows_and_spans() -> None:
    # unit 1 flat (v = 0: a constant), unit 2 bends at x = 0.5, unit 3 at x = -0.25
    p = Params(v=[0.0, 2.0, -4.0], b=[0.3, -1.0, -1.0], w=[5.0, -0.76, 1.04], w0=0.0)
    spans = ap.unit_spans(p, "tanh")
    assert spans[0] == 0.0
    assert spans[1] == pytest.approx(0.76 * (np.tanh(1.0) - np.tanh(-3.0)))
    x = np.linspace(-1, 1, 2001)
    parts = p.w[:, None] * np.tanh(p.v[:, None] * x + p.b[:, None])
    np.testing.assert_allclose(spans, parts.max(axis=1) - parts.min(axis=1), atol=1e-12)
    rows = ap.unit_rows(p, "tanh")
    assert rows[0] == ["unit 1", "0.0", "none: flat", "adds a constant"]
    assert rows[1] == ["unit 2", "2.0", "0.5", "-0.8"]
    assert rows[2] == ["unit 3", "-4.0", "-0.2", "1.0"]
    # no "-0.0": a tiny negative value prints as 0.0
    tiny = Params(v=[-0.01, 1.0, 1.0], b=[0.0, 0.001, 0.0], w=[0.5, 1.0, -0.04], w0=0.0)
    assert ap.unit_rows(tiny, "logistic")[1] == ["unit 2", "1.0", "0.0", "1.0"]
    assert ap.unit_rows(tiny, "logistic")[2][3] == "0.0"


def test_best_of_three_fits_both_activations() -> None:
    fits = ap.fit_all(restarts=3, progress=False)
    assert list(fits) == [(t, a) for a in ("tanh", "logistic") for t in ap.TARGETS]
    for (target, activation), fit in fits.items():
        if target in ("square", "sin"):
            assert fit.mse < 1e-6, (target, activation, fit.mse)
            assert ap.max_error(fit.params, target, activation) < 0.002
        elif target == "abs":  # the kink limits it: about 1.5e-4 (REFERENCE)
            assert 1e-4 < fit.mse < 3e-4, (activation, fit.mse)
        else:  # the step: no point at 0, so very steep units fit it
            assert fit.mse < 1e-6 and np.max(np.abs(fit.params.v)) > 25
            assert ap.max_error(fit.params, target, activation) < 0.002
    rows = ap.mse_rows(fits)
    assert rows[0] == ["x²", "tanh", "< 1e-06", "3 of 3"]
    assert rows[2] == ["|x|", "tanh", "1.5e-04", "1 of 3"]
    # x² with tanh: two mirrored units make the parabola; training leaves the third flat
    square = fits[("square", "tanh")].params
    assert (ap.unit_spans(square) < ap.FLAT_SPAN).tolist() == [True, False, False]
    assert ap.unit_rows(square)[0][2] == "none: flat"
    fig = plot_bishop_figure(fits, ("tanh", "logistic"))
    assert isinstance(fig, Figure) and len(fig.axes) == 8


def test_train_from_the_hand_start() -> None:
    result = ap.train_from(HAND_START, "square", "tanh", bounds=SLIDER_RANGES)
    assert result.mse_before == pytest.approx(ap.mse(HAND_START, "square"))
    assert result.mse_after < 1e-4 < result.mse_before
    assert result.mse_after == pytest.approx(ap.mse(result.params, "square"))
    assert 0 < result.steps <= 500
    again = ap.train_from(HAND_START, "square", "tanh", bounds=SLIDER_RANGES)
    np.testing.assert_array_equal(again.params.theta, result.params.theta)  # deterministic


def test_train_from_stays_in_the_slider_ranges() -> None:
    wild = Params(v=[50.0, -2.0, 1.0], b=[0.0, 0.0, -30.0], w=[1.0, 1.0, 1.0], w0=0.0)
    result = ap.train_from(wild, "step", "logistic", bounds=SLIDER_RANGES)
    assert result.start.v[0] == 10.0 and result.start.b[2] == -10.0  # clipped start
    for name, value in result.params.sliders().items():
        low, high = SLIDER_RANGES[name if name == "w0" else name[0]]
        assert low <= value <= high
    assert result.mse_after <= result.mse_before
    unchanged = ap.train_from(HAND_START, "abs", steps=0, bounds=SLIDER_RANGES)
    np.testing.assert_array_equal(unchanged.params.theta, HAND_START.theta)
    with pytest.raises(TypeError, match="params must be a Params"):
        ap.train_from(THETA, bounds=SLIDER_RANGES)
    with pytest.raises(ValueError, match=r"bounds must map each of v, b, w, w0.*got \['b', 'v'\]"):
        ap.train_from(HAND_START, bounds={"v": (-1, 1), "b": (-1, 1)})
    with pytest.raises(ValueError, match=r"bounds\['w'\] must be \(low, high\) with low < high"):
        ap.train_from(HAND_START, bounds={**SLIDER_RANGES, "w": (1.0, -1.0)})
    tight = {"v": (-1.0, 1.0), "b": (-0.5, 0.5), "w": (0.0, 0.5), "w0": (0.0, 2.0)}
    boxed = ap.train_from(HAND_START, "square", bounds=tight)
    assert np.all(np.abs(boxed.params.v) <= 1.0) and np.all(np.abs(boxed.params.b) <= 0.5)
    assert np.all((0.0 <= boxed.params.w) & (boxed.params.w <= 0.5))
    with pytest.raises(ValueError, match="steps must be"):
        ap.train_from(HAND_START, steps=-3, bounds=SLIDER_RANGES)


def test_sliders_state_at_every_corner_is_silent() -> None:
    corners = [
        {name: SLIDER_RANGES[name if name == "w0" else name[0]][i] for name in SLIDER_NAMES}
        for i in (0, 1)
    ]
    mixed = {
        name: SLIDER_RANGES[name if name == "w0" else name[0]][k % 2]
        for k, name in enumerate(SLIDER_NAMES)
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        for values, target, activation in itertools.product(
            [*corners, mixed], ap.TARGETS, ("tanh", "logistic")
        ):
            state = ap.sliders_state(**values, target=target, activation=activation)
            assert np.isfinite(state.mse) and np.all(np.isfinite(state.curve))
        # far beyond the sliders, too: no overflow in exp
        huge = dict.fromkeys(SLIDER_NAMES, 1e6)
        assert np.isfinite(ap.sliders_state(**huge, activation="logistic").mse)


def test_explorer_shows_live_mse_and_trains_from_the_sliders() -> None:
    explorer = approximation_explorer()
    assert "training MSE = 1.8e-02" in explorer.text
    first = explorer.image.value
    state = explorer.set(w3=0.5)
    assert state.params.w[2] == 0.5 and explorer.image.value != first
    explorer.set(w3=0.0)
    explorer.button.click()  # the button wires train()
    result = explorer.last_training
    assert result is not None and result.mse_after < 1e-4
    for name, value in result.params.sliders().items():
        assert explorer.controls[name].value == value  # the sliders moved to the result
    assert explorer.state.mse == result.mse_after
    assert "-&gt; &lt; 1e-06" in explorer.status.value
    explorer.set(target="abs", activation="logistic")
    assert "target |x|, logistic units" in explorer.text
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Fit a curve by hand")
    assert "image/png" in bundle


def test_explorer_extremes_do_not_warn(recwarn) -> None:
    explorer = approximation_explorer()
    for i in (0, 1):
        values = {
            name: SLIDER_RANGES[name if name == "w0" else name[0]][i] for name in SLIDER_NAMES
        }
        for activation in ("tanh", "logistic"):
            state = explorer.set(**values, activation=activation)
            assert np.isfinite(state.mse)
    assert own_warnings(recwarn) == []


def test_plot_helpers() -> None:
    assert nice_limit(np.array([0.2, -1.0])) == 1.5
    assert nice_limit(np.array([9.6])) == 12.0
    assert nice_limit(np.array([1e9])) == 100.0
    _, axes = new_figure()
    with pytest.raises(ValueError, match="units must be"):
        ApproximationPanel(axes[0, 0], ap.approx_state(HAND_START), units="some")


# -- gradient descent, the race and the segment (slide "How do we learn these parameters?") --
@pytest.mark.parametrize("activation", ap.FIT_ACTIVATIONS)
def test_loss_and_gradient_is_backprop_in_the_slides_order(activation: str) -> None:
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-2, 2, 23), rng.normal(size=23)
    theta = rng.normal(size=10)
    loss, grad = ap.loss_and_gradient(theta, x, y, activation)
    probe = theta.copy()
    numeric = numerical_gradient(lambda: ap.loss_and_gradient(probe, x, y, activation)[0], probe)
    assert relative_error(grad, numeric) < 1e-7
    net = Params.from_theta(theta).to_mlp(activation)
    engine_loss, engine = net.loss_and_grad(x.reshape(-1, 1), y.reshape(-1, 1))
    assert loss == pytest.approx(engine_loss, rel=1e-12)
    as_params = Params(v=engine["W1"][:, 0], b=engine["b1"], w=engine["W2"][0], w0=engine["b2"][0])
    np.testing.assert_allclose(grad, as_params.theta, rtol=1e-10, atol=1e-14)
    with pytest.raises(ValueError, match="theta must be 10 numbers, got shape"):
        ap.loss_and_gradient(theta[:9], x, y)


def test_gradient_descent_player_frames() -> None:
    state = ap.gd_start("sin", lr=0.1, seed=3)
    assert state.step == 0 and state.mse == pytest.approx(ap.mse(ap.random_start(seed=3), "sin"))
    later = ap.gd_advance(state)
    assert later.step == ap.GD_STEPS_PER_FRAME and later.steps.tolist() == [0, later.step]
    # a frame is GD_STEPS_PER_FRAME plain steps theta <- theta - lr grad J
    x, y = ap.bishop_data("sin")
    theta = state.theta.copy()
    for _ in range(ap.GD_STEPS_PER_FRAME):
        theta = theta - 0.1 * ap.loss_and_gradient(theta, x, y)[1]
    np.testing.assert_allclose(later.theta, theta, rtol=1e-12)
    assert later.mse < state.mse and later.picture.mse == later.mse
    assert state.step == 0  # states are read-only: advancing made a new one
    with pytest.raises(ValueError):
        later.theta[0] = 1.0
    run = ap.gd_run(frames=40, target="square")
    assert run.step == 40 * ap.GD_STEPS_PER_FRAME and len(run.losses) == 41
    assert np.all(np.diff(run.losses) < 0)  # lr 0.1 from the default start: every frame lower
    for bad, match in [({"lr": 0}, "lr must be a number > 0"), ({"seed": -1}, "seed must be"),
                       ({"target": "cube"}, "unknown target")]:  # fmt: skip
        with pytest.raises(ValueError, match=match):
            ap.gd_start(**bad)


def test_a_learning_rate_too_large_is_reported_not_drawn_as_nan() -> None:
    state = ap.gd_run(frames=5, target="square", lr=3.0)
    assert state.diverged and 0 < state.diverged_at <= 5 * ap.GD_STEPS_PER_FRAME
    assert np.all(np.isfinite(state.theta)) and np.isfinite(state.mse)
    assert ap.gd_advance(state) is state  # a diverged run does not move
    theta, blew = ap.gd_steps(ap.gd_start().theta, "square", "tanh", 3.0, 1000)
    assert blew is not None and np.all(np.isfinite(theta))
    _, none = ap.gd_steps(ap.gd_start().theta, "square", "tanh", 0.1, 10)
    assert none is None


def test_the_race_from_one_start_to_one_loss() -> None:
    results = ap.race("square", goal=1e-3, max_steps=20000, progress=False)
    assert [r.name for r in results] == list(ap.RACERS)
    assert all(r.reached and r.mse <= 1e-3 for r in results)
    steps = [r.steps for r in results]
    assert steps == sorted(steps, reverse=True)  # gd, momentum, L-BFGS, LM: fewer and fewer
    assert steps[0] > 10 * steps[1]
    short = ap.race("square", goal=1e-12, max_steps=50, progress=False)
    assert not short[0].reached and short[0].steps == 50


def test_round_count() -> None:
    assert [ap.round_count(n) for n in (7, 67, 822, 10126)] == ["7", "67", "820", "10,000"]
    assert [ap.round_count(n, 1) for n in (7, 67, 68, 822, 10126)] == [
        "7", "70", "70", "800", "10,000",
    ]  # fmt: skip


def test_swapping_two_units_keeps_f_and_the_segment_rises() -> None:
    a = Params(v=[0.1, 2.0, 2.0], b=[0.3, -1.0, 1.0], w=[0.5, 1.5, -1.5], w0=0.2)
    b = ap.swap_units(a, 1, 2)
    grid = np.linspace(-1, 1, 41)
    np.testing.assert_allclose(ap.network(grid, a)[0], ap.network(grid, b)[0], atol=1e-14)
    assert not np.array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(ap.on_segment(a, b, 0.0).theta, a.theta)
    np.testing.assert_allclose(ap.on_segment(a, b, 0.5).w, [0.5, 0.0, 0.0], atol=1e-15)
    ts, losses = ap.segment_mse(a, b, "square")
    assert ts[0] == 0 and ts[-1] == 1 and losses[0] == pytest.approx(losses[-1])
    fitted = ap.fit_target("square", restarts=1).params  # a minimum: the loss rises off it
    ts, losses = ap.segment_mse(fitted, ap.swap_units(fitted, 1, 2), "square")
    assert losses[0] < 1e-5 and losses[-1] < 1e-5
    assert losses[50] > 100 * max(losses[0], losses[-1])  # far above the chord: not convex
    with pytest.raises(ValueError, match="units are numbered 0, 1, 2"):
        ap.swap_units(a, 1, 3)


def test_gradient_descent_player_plays_and_reports_divergence() -> None:
    from lecturelib.widgets.approximation import GD_LEARNING_RATES, gradient_descent_player

    player = gradient_descent_player()
    start_png = player.image.value
    assert "step 0 of 15000" in player.text and f"η = {ap.GD_LR:g}" in player.text
    player.step(3)
    assert player.state.step == 3 * ap.GD_STEPS_PER_FRAME and player.image.value != start_png
    assert player.state.mse < ap.mse(ap.random_start(), "square")
    player.set(lr=max(GD_LEARNING_RATES))  # a new learning rate starts over
    assert player.state.step == 0
    loss_axes = player.figure.axes[1]
    assert loss_axes.get_title() == "The loss falls as it learns (log scale)"
    player.step(5)
    assert player.state.diverged and "diverged at step" in player.text
    assert "choose a smaller one" in player.text
    assert loss_axes.get_title().startswith("The loss blew up")  # the title says so too
    player.set(target="abs", seed=4)
    assert player.state.step == 0 and player.state.seed == 4 and player.state.target == "abs"
    assert loss_axes.get_title() == "The loss falls as it learns (log scale)"


def test_learning_rate_runs_tell_slow_overshooting_and_diverging_apart() -> None:
    runs = ap.learning_rate_runs((0.01, 0.1, 0.5, 3.0), steps=3000, progress=False)
    slow, good, overshoot, blown = runs
    assert slow.mse > good.mse and slow.rising == 0 == good.rising
    assert good.verdict == "still falling at every step"
    assert overshoot.rising > 0.3 and "overshoots" in overshoot.verdict
    assert blown.diverged_at is not None and np.isnan(blown.mse) and "diverged" in blown.verdict
    x, y = ap.bishop_data("square")
    theta = ap.gd_start().theta.copy()
    for _ in range(3000):
        theta = theta - 0.1 * ap.loss_and_gradient(theta, x, y)[1]
    assert good.mse == pytest.approx(ap.loss_and_gradient(theta, x, y)[0], rel=1e-9)
    with pytest.raises(ValueError, match="steps must be a whole number >= 1000"):
        ap.learning_rate_runs((0.1,), steps=10)


def test_exercise_4s_box_is_the_sliders_range() -> None:
    from lecturelib.exercises.nb05 import EX4_BOX

    assert set(SLIDER_RANGES.values()) == {(-EX4_BOX, EX4_BOX)}


def test_the_network_drawn_lit_at_each_input() -> None:
    from lecturelib.plots.approximation import plot_network_lit

    params = Params(v=[2.0, -1.0, 0.5], b=[0.5, 0.0, -0.25], w=[1.0, -2.0, 0.5], w0=0.1)
    fig = plot_network_lit(params, [-0.5, 0.5])
    assert len(fig.axes) == 2
    titles = [ax.get_title() for ax in fig.axes]
    f, _ = ap.network([-0.5, 0.5], params)
    assert titles == [f"$x = -0.5$: $f(x) = {f[0]:.2f}$", f"$x = 0.5$: $f(x) = {f[1]:.2f}$"]
    with pytest.raises(ValueError, match="xs must hold at least one input"):
        plot_network_lit(params, [])
