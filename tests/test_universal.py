"""Universal approximation and depth (notebook 06): constructions, measurements, explorer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import universal as U
from lecturelib.mlp import MLP
from lecturelib.widgets.universal import width_explorer

X_FINE = np.linspace(-1, 1, 2001)


def test_theorem_network_is_equation_7_and_error_falls_like_one_over_n() -> None:
    errors = []
    for N in (4, 8, 16, 32, 64):
        net = U.theorem_network(U.wiggle, N)
        assert net.sizes == [1, N, 1] and net.n_params == 3 * N + 1
        # v_i = s for all units, b_i = -s c_i with the borders c_i inside [-1, 1].
        s = net.params["W1"][:, 0]
        assert np.all(s == s[0]) and s[0] > 0
        centres = -net.params["b1"] / s
        assert np.all(np.diff(centres) > 0) and -1 < centres[0] and centres[-1] < 1
        errors.append(U.sup_error(net.predict, U.wiggle, X_FINE))
    errors = np.array(errors)
    assert np.all(np.diff(errors) < 0)
    # Doubling N roughly halves the sup error: slope about -1 on log-log.
    slope = np.polyfit(np.log([4, 8, 16, 32, 64]), np.log(errors), 1)[0]
    assert -1.3 < slope < -0.7
    # The proof's bound: about (max |F'|) * h / 2, with max |F'| <= 4 + 4.5.
    assert errors[-1] < 8.5 * (2 / 64) / 2 * 1.5


def test_theorem_network_reproduces_a_constant_and_rejects_bad_input() -> None:
    net = U.theorem_network(lambda x: np.full_like(x, 2.5), 5)
    np.testing.assert_allclose(net.predict(X_FINE), 2.5)
    with pytest.raises(ValueError, match="N must be a whole number"):
        U.theorem_network(U.wiggle, 0)
    with pytest.raises(ValueError, match="interval"):
        U.theorem_network(U.wiggle, 3, interval=(1.0, -1.0))


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_sawtooth_networks_are_exact(k) -> None:
    deep, shallow = U.sawtooth_deep_network(k), U.sawtooth_shallow_network(k)
    target = U.sawtooth(X_FINE, k)
    assert U.sup_error(deep.predict, lambda x: target, X_FINE) < 1e-12
    assert U.sup_error(shallow.predict, lambda x: target, X_FINE) < 1e-9
    assert deep.n_params == 6 * k + 1
    assert shallow.n_params == 3 * 2**k + 1
    # 2^k straight pieces: on a grid through the kinks, the slope changes sign 2^k - 1 times.
    slopes = np.sign(np.diff(U.sawtooth(np.linspace(-1, 1, 4 * 2**k + 1), k)))
    assert np.count_nonzero(np.diff(slopes)) == 2**k - 1


def test_helpers_and_their_errors() -> None:
    assert U.count_params([1, 3, 1]) == 10 == MLP([1, 3, 1]).n_params
    assert U.count_params([2, 8, 8, 3]) == MLP([2, 8, 8, 3]).n_params
    assert U.grid(2, 3).shape == (9, 2)
    assert U.bump(np.zeros((1, 3)))[0] == 1.0
    with pytest.raises(ValueError, match="sizes"):
        U.count_params([3])
    with pytest.raises(ValueError, match="k must be"):
        U.grid(2, 1)
    with pytest.raises(TypeError, match="compositions"):
        U.sawtooth(X_FINE, 2.5)


@pytest.fixture(scope="module")
def small_widths() -> U.WidthResult:
    return U.error_vs_width(widths=(1, 4, 8), restarts=1, steps=300)


def test_error_vs_width_fits_improve_with_width(small_widths) -> None:
    r = small_widths
    assert r.widths.tolist() == [1, 4, 8]
    # One tanh unit cannot follow the wiggles; eight can (error well below the staircase's).
    assert r.fitted_sup[0] > 0.5
    assert r.fitted_sup[2] < 0.1 < r.theorem_sup[2]
    assert np.all(r.fitted_rms <= r.fitted_sup)
    with pytest.raises(ValueError, match="every width"):
        U.error_vs_width(widths=(0,))
    with pytest.raises(ValueError, match="unknown activation"):
        U.error_vs_width(widths=(1,), activation="swish")


def test_units_needed_grows_with_dimension() -> None:
    r = U.units_needed(dims=(1, 2), eps=0.02, candidates=(1, 2, 3, 4, 6, 8))
    assert r.needed[1] is not None and r.needed[2] is not None
    assert r.needed[2] > r.needed[1]
    assert r.tried[2][-1][1] <= 0.02 < r.tried[2][-2][1]
    with pytest.raises(ValueError, match="eps"):
        U.units_needed(eps=0)


def test_wider_vs_deeper_records_every_run() -> None:
    r = U.wider_vs_deeper(architectures=[(1, 8, 1), (1, 3, 3, 1)], seeds=(0, 1), steps=100)
    assert r.errors.shape == (2, 2) and r.n_params == [25, 22]
    assert np.all(r.best <= r.median)
    best = r.nets[(1, 8, 1)]
    x = np.linspace(-1, 1, 2001)
    rms = np.sqrt(np.mean((best.predict(x) - U.sawtooth(x)) ** 2))
    assert rms == pytest.approx(r.best[0])
    assert r.typical((1, 8, 1)) in r.runs.values()
    with pytest.raises(ValueError, match="1-D networks"):
        U.wider_vs_deeper(architectures=[(2, 4, 1)])


def test_width_explorer_moves_through_widths_without_warnings(small_widths) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        explorer = width_explorer(small_widths, N=4)
        first = explorer.image.value
        for N in (1, 8):  # both ends of the slider
            state = explorer.set(N=N)
            assert state.terms.shape == (N, state.x.size)
            # The output is the sum of the units' terms plus the output bias.
            b2 = small_widths.nets[N].params["b2"][0]
            np.testing.assert_allclose(state.terms.sum(axis=0) + b2, state.fitted, atol=1e-10)
        assert f"N = 8 hidden units ({3 * 8 + 1} parameters)" in explorer.text
        assert explorer.image.value != first
    with pytest.raises(ValueError, match="measured widths"):
        U.width_state(small_widths, 3)
