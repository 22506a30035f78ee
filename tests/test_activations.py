"""Activation functions, their derivatives, saturation, the sign function's zero gradient,
equation (6) and notebook 04's explorer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import activations as A
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.activations import (
    plot_activations,
    plot_threshold_losses,
    plot_timings,
    plot_two_layer,
)
from lecturelib.widgets.activations import unit_explorer

EXTREME = np.array([-1e300, -1e4, -745.0, -710.0, -40.0, 0.0, 40.0, 710.0, 745.0, 1e4, 1e300])
SMOOTH = ("logistic", "tanh")


def test_values_at_known_points() -> None:
    assert A.sign([-2.0, 0.0, 3.0]).tolist() == [-1.0, 1.0, 1.0]
    assert A.logistic(0.0) == 0.5
    assert A.logistic(np.log(3.0)) == pytest.approx(0.75)
    assert A.tanh(0.0) == 0.0
    assert A.relu([-1.0, 0.0, 2.5]).tolist() == [0.0, 0.0, 2.5]
    z = np.linspace(-5, 5, 11)
    # tanh is a rescaled logistic function: tanh(z) = 2 logistic(2z) - 1
    np.testing.assert_allclose(A.tanh(z), 2 * A.logistic(2 * z) - 1, atol=1e-15)


@pytest.mark.parametrize("name", ["logistic", "tanh", "relu"])
def test_derivatives_match_central_differences(name: str) -> None:
    act = A.get_activation(name)
    z = np.array([-4.0, -1.3, -0.2, 0.3, 0.9, 2.0, 6.0])
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.grad(z), numeric, rtol=1e-6, atol=1e-10)


def test_sign_has_zero_gradient_everywhere() -> None:
    z = np.linspace(-3, 3, 61)
    assert np.all(A.sign_grad(z) == 0)
    assert not A.ACTIVATIONS["sign"].differentiable
    assert all(A.ACTIVATIONS[n].differentiable for n in ("logistic", "tanh", "relu"))


def test_derivative_peaks() -> None:
    z = np.linspace(-10, 10, 2001)
    assert A.logistic_grad(z).max() == pytest.approx(0.25)
    assert A.tanh_grad(z).max() == pytest.approx(1.0)
    assert A.relu_grad(z).max() == 1.0
    # ReLU's slope does not fade however large the input
    assert A.relu_grad(1e6) == 1.0


@pytest.mark.parametrize("name", list(A.ACTIVATIONS))
def test_extreme_inputs_are_finite_and_silent(name: str) -> None:
    act = A.get_activation(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        f, g = act.f(EXTREME), act.grad(EXTREME)
    assert np.all(np.isfinite(g)) and np.all(g >= 0)
    if name != "relu":
        assert np.all(np.isfinite(f))
    if name in SMOOTH:
        low = 0.0 if name == "logistic" else -1.0
        assert f[0] == low and f[-1] == 1.0
        assert g[0] == 0.0 and g[-1] == 0.0


def test_sigmoid_derivatives_stay_accurate_in_the_tails() -> None:
    # s(1 - s) and 1 - tanh^2 would round to 0 here; the safe forms do not.
    assert A.logistic_grad(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert A.logistic_grad(-40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)
    assert A.tanh_grad(20.0) == pytest.approx(4 * np.exp(-40.0), rel=1e-12)


def test_flat_regions_and_saturation() -> None:
    z = np.linspace(-10, 10, 2001)
    # tanh' < 0.01 beyond |z| ~ 2.99, logistic' < 0.0025 beyond |z| ~ 5.99
    assert A.saturated_fraction("tanh", z) == pytest.approx(1 - 2 * 2.99 / 20, abs=0.002)
    assert A.saturated_fraction("logistic", z) == pytest.approx(1 - 2 * 5.99 / 20, abs=0.002)
    assert A.saturated_fraction("relu", z) == pytest.approx(0.5, abs=0.001)
    assert A.saturated_fraction("sign", z) == 1.0
    assert not A.flat_mask("tanh", [0.0, 2.9]).any()
    with pytest.raises(ValueError, match="threshold"):
        A.saturated_fraction("tanh", z, threshold=1.5)
    with pytest.raises(ValueError, match="at least one input"):
        A.saturated_fraction("tanh", [])


def test_derivative_table() -> None:
    columns, rows = A.derivative_table((0.0, 5.0))
    assert columns == ["activation", "z = 0", "z = 5"]
    table = {r[0]: r[1:] for r in rows}
    # sign jumps and ReLU has a kink at 0: no derivative there, whatever the code returns
    assert table["sign"] == ["undefined", 0.0]
    assert table["relu"] == ["undefined", 1.0]
    assert table["tanh"][0] == 1.0 and table["tanh"][1] < 2e-4
    assert table["logistic"][0] == 0.25
    assert A.sign_grad(0.0) == 0.0 and A.relu_grad(0.0) == 0.0  # what autodiff passes back
    assert A.derivative_cells("relu", [-1.0, 0.0, -0.0, 1e-300]) == [
        0.0,
        "undefined",
        "undefined",
        1.0,
    ]
    assert A.derivative_cells("tanh", [0.0]) == [1.0]


def test_array_passes_count_numpy_operations() -> None:
    passes = A.array_passes()
    assert list(passes) == ["sign", "logistic", "tanh", "relu"]
    assert passes["relu"] == {"f": ("maximum",), "grad": ("greater", "astype")}
    assert passes["tanh"]["f"] == ("tanh",)
    assert passes["sign"] == {"f": ("greater_equal", "where"), "grad": ("zeros_like",)}
    # the overflow-safe logistic function: |z|, -|z|, exp, z >= 0, where, 1 + e, divide
    assert len(passes["logistic"]["f"]) == 7 and passes["logistic"]["f"].count("exp") == 1
    assert len(passes["logistic"]["grad"]) == 6 and len(passes["tanh"]["grad"]) == 7
    for name, parts in passes.items():
        uses_exp = any(A.EXPONENTIALS.intersection(ops) for ops in parts.values())
        assert uses_exp == (name in ("logistic", "tanh"))
    # counting changes nothing: the traced call returns the same numbers as a plain one
    z = np.linspace(-3, 3, 7)
    traced = z.view(A._Traced)
    traced.log = []
    np.testing.assert_array_equal(np.asarray(A.logistic_grad(traced)), A.logistic_grad(z))
    assert len(traced.log) == 6
    assert type(A.logistic(z)) is np.ndarray  # plain inputs stay plain


def test_get_activation_errors() -> None:
    assert A.get_activation("sigmoid").name == "logistic"
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        A.get_activation("swish")
    with pytest.raises(TypeError, match="activation must be a name"):
        A.get_activation(3)
    with pytest.raises(TypeError, match="z must be a number"):
        A.tanh("abc")


def test_sign_cannot_be_trained_by_gradient_descent() -> None:
    sign = A.fit_threshold("sign", b0=-0.5)
    tanh = A.fit_threshold("tanh", b0=-0.5)
    assert sign.moved == 0.0  # dJ/db = 0: gradient descent never moves
    assert sign.losses[-1] == sign.losses[0]
    # tanh finds a threshold between the last -1 label (x = 0.263) and the first +1 (0.368)
    assert 0.2 < tanh.b < 0.42
    assert tanh.losses[-1] < 0.1 * tanh.losses[0]


def test_threshold_gradient_is_the_slope_of_the_loss() -> None:
    b, h = np.array([-0.4, 0.1, 0.5]), 1e-6
    loss, grad = A.threshold_loss("tanh", b)
    numeric = (A.threshold_loss("tanh", b + h)[0] - A.threshold_loss("tanh", b - h)[0]) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6)
    assert loss.shape == (3,)
    with pytest.raises(ValueError, match="steps"):
        A.fit_threshold("tanh", steps=-1)


def test_time_activations_measures_every_function() -> None:
    timings = A.time_activations(n=1000, repeat=1, number=2)
    assert list(timings) == ["sign", "logistic", "tanh", "relu"]
    for parts in timings.values():
        assert set(parts) == {"f", "grad"}
        assert all(0 < t < 1 for t in parts.values())
    with pytest.raises(ValueError, match="n must be"):
        A.time_activations(n=0)


@pytest.mark.parametrize("activation", ["tanh", "logistic", "relu"])
def test_two_layer_is_an_mlp_without_biases(activation: str) -> None:
    rng = np.random.default_rng(3)
    X, V, w = rng.normal(size=(7, 2)), rng.normal(size=(4, 2)), rng.normal(size=4)
    f, H = A.two_layer(X, V, w, activation, return_hidden=True)
    net = MLP([2, 4, 1], activation=activation)
    net.set_params({"W1": V, "b1": np.zeros(4), "W2": w[None, :], "b2": np.zeros(1)})
    np.testing.assert_allclose(f, net.predict(X), rtol=1e-12)
    np.testing.assert_allclose(H, net.hidden(X)[0], rtol=1e-12)
    assert A.two_layer(X[:, 0], V[:, :1], w, activation).shape == (7,)


def test_two_layer_shape_errors() -> None:
    with pytest.raises(ValueError, match="same d"):
        A.two_layer(np.zeros((5, 2)), np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="one weight per hidden unit"):
        A.two_layer(np.zeros((5, 2)), np.zeros((3, 2)), np.zeros(2))


def test_unit_state_saturates_for_large_weights() -> None:
    calm = A.unit_state(1.0, 0.0)
    assert calm.saturated["tanh"] == 0.0 and calm.saturated["logistic"] == 0.0
    assert calm.saturated["relu"] == pytest.approx(0.5, abs=0.01)  # x < 0: the flat half
    steep = A.unit_state(20.0, 0.0)
    assert steep.saturated["tanh"] > 0.8 and steep.saturated["logistic"] > 0.6
    assert steep.saturated["relu"] == pytest.approx(0.5, abs=0.01)  # ReLU's x > 0 keeps slope 1


def test_unit_explorer_updates_and_extremes_are_silent() -> None:
    explorer = unit_explorer()
    first = explorer.image.value
    assert "v = 1.00, b = 0.00" in explorer.text
    assert "relu" in explorer.text and "50%" in explorer.text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        for v in (-20.0, 20.0):
            for b in (-20.0, 20.0):
                state = explorer.set(v=v, b=b)
                assert all(np.isfinite(g).all() for g in state.grads.values())
    assert explorer.image.value != first
    # v = b = 20: z = 20 x + 20 in [0, 40]; the sigmoids are flat almost everywhere, ReLU nowhere
    assert state.saturated["tanh"] > 0.9 and state.saturated["logistic"] > 0.8
    assert state.saturated["relu"] < 0.01  # only x = -1, where z = 0
    assert "93%" in explorer.text


def test_figures_draw() -> None:
    fig = plot_activations()
    assert len(fig.axes) == 8
    fig, axes = new_figure(1, 3)
    plot_threshold_losses(axes[0, 0], [A.fit_threshold("sign"), A.fit_threshold("tanh")])
    labels = axes[0, 0].get_legend_handles_labels()[1]
    assert labels == [
        r"$\sigma$ = sign",
        r"$\sigma$ = tanh",
        "gap between the labels, $x$ = 0.26 to 0.37",
        "start, $b = -0.5$",
        "where gradient descent ends",
    ]
    plot_timings(axes[0, 1], {"relu": {"f": 1e-4, "grad": 2e-4}})
    _, more = new_figure()
    passes = A.array_passes(["tanh", "relu"])
    plot_timings(
        more[0, 0], {"tanh": {"f": 1e-4, "grad": 5e-4}, "relu": {"f": 1e-5, "grad": 2e-5}}, passes
    )
    labels = [t.get_text() for t in more[0, 0].texts]
    assert labels == ["1e", "1", "7e", "2"]  # passes over the array, e = an exponential
    x = np.linspace(-1, 1, 5)
    f, H = A.two_layer(x, np.ones((2, 1)), np.ones(2), return_hidden=True)
    plot_two_layer(axes[0, 2], x, H, np.ones(2), f, "tanh")
    assert len(axes[0, 2].lines) == 4  # two dashed features, f, the zero line
