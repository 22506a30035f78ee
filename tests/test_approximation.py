"""Three hidden units (Bishop Fig. 5.3): data, the 10 parameters, fits, the explorer."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from matplotlib.figure import Figure

from lecturelib import approximation as ap
from lecturelib.approximation import HAND_START, SLIDER_NAMES, SLIDER_RANGES, Params
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.approximation import ApproximationPanel, nice_limit, plot_bishop_figure
from lecturelib.widgets.approximation import approximation_explorer

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
    result = ap.train_from(HAND_START, "square", "tanh")
    assert result.mse_before == pytest.approx(ap.mse(HAND_START, "square"))
    assert result.mse_after < 1e-4 < result.mse_before
    assert result.mse_after == pytest.approx(ap.mse(result.params, "square"))
    assert 0 < result.steps <= 500
    again = ap.train_from(HAND_START, "square", "tanh")
    np.testing.assert_array_equal(again.params.theta, result.params.theta)  # deterministic


def test_train_from_stays_in_the_slider_ranges() -> None:
    wild = Params(v=[50.0, -2.0, 1.0], b=[0.0, 0.0, -30.0], w=[1.0, 1.0, 1.0], w0=0.0)
    result = ap.train_from(wild, "step", "logistic")
    assert result.start.v[0] == 10.0 and result.start.b[2] == -10.0  # clipped start
    for name, value in result.params.sliders().items():
        low, high = SLIDER_RANGES[name if name == "w0" else name[0]]
        assert low <= value <= high
    assert result.mse_after <= result.mse_before
    unchanged = ap.train_from(HAND_START, "abs", steps=0)
    np.testing.assert_array_equal(unchanged.params.theta, HAND_START.theta)
    with pytest.raises(TypeError, match="params must be a Params"):
        ap.train_from(THETA)
    with pytest.raises(ValueError, match="steps must be"):
        ap.train_from(HAND_START, steps=-3)


def test_explorer_update_at_every_corner_is_silent() -> None:
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
            state = ap.explorer_update(**values, target=target, activation=activation)
            assert np.isfinite(state.mse) and np.all(np.isfinite(state.curve))
        # far beyond the sliders, too: no overflow in exp
        huge = dict.fromkeys(SLIDER_NAMES, 1e6)
        assert np.isfinite(ap.explorer_update(**huge, activation="logistic").mse)


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
    assert len(recwarn) == 0


def test_plot_helpers() -> None:
    assert nice_limit(np.array([0.2, -1.0])) == 1.5
    assert nice_limit(np.array([9.6])) == 12.0
    assert nice_limit(np.array([1e9])) == 100.0
    _, axes = new_figure()
    with pytest.raises(ValueError, match="units must be"):
        ApproximationPanel(axes[0, 0], ap.approx_state(HAND_START), units="some")
