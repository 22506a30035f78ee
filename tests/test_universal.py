"""Universal approximation and depth (notebook 06): constructions, measurements, explorer."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import universal as U
from lecturelib.mlp import MLP
from lecturelib.widgets.universal import describe_width, width_explorer

X_FINE = np.linspace(-1, 1, 2001)


def test_theorem_network_is_equation_7_and_error_falls_like_one_over_n() -> None:
    errors = []
    for N in (4, 8, 16, 32, 64):
        net = U.theorem_network(U.wiggle, N)
        assert net.sizes == [1, N, 1] and net.n_params == 3 * N + 1
        # v_i = s = 12 / h for all units, b_i = -s c_i with c_i the middles of the N cells.
        h = 2 / N
        s = net.params["W1"][:, 0]
        assert np.all(s == s[0]) and s[0] == pytest.approx(12 / h)
        centres = -net.params["b1"] / s
        np.testing.assert_allclose(centres, -1 + h * (np.arange(N) + 0.5), atol=1e-12)
        errors.append(U.sup_error(net.predict, U.wiggle, X_FINE))
    errors = np.array(errors)
    assert np.all(np.diff(errors) < 0)
    # Doubling N roughly halves the sup error: slope about -1 on log-log.
    slope = np.polyfit(np.log([4, 8, 16, 32, 64]), np.log(errors), 1)[0]
    assert -1.3 < slope < -0.7
    # The proof's bound: at most (max |F'|) * h / 2 for every N (max |F'| is about 8.29).
    x = np.linspace(-1, 1, 100_001)
    steepest = np.abs(4 * np.cos(4 * x) - 4.5 * np.sin(9 * x)).max()
    assert 8.2 < steepest < 8.5
    for N in (1, 2, 3, 4, 8, 16, 32, 64):
        error = U.sup_error(U.theorem_network(U.wiggle, N).predict, U.wiggle, X_FINE)
        assert error <= steepest * (2 / N) / 2


def test_theorem_network_is_flat_at_the_border_values_between_the_middles() -> None:
    # With N = 4 the steps sit at the cell middles -0.75, -0.25, 0.25, 0.75. At each border
    # x_i between them the staircase takes the value F(x_i), and it is much flatter there
    # than F (the steps are steep: s = 12 / h).
    net = U.theorem_network(U.wiggle, 4)
    middles = -net.params["b1"] / net.params["W1"][:, 0]
    np.testing.assert_allclose(middles, [-0.75, -0.25, 0.25, 0.75])
    borders = np.array([-0.5, 0.0, 0.5])
    np.testing.assert_allclose(net.predict(borders), U.wiggle(borders), atol=0.01)
    dx = 1e-4
    slope = (net.predict(borders + dx) - net.predict(borders - dx)) / (2 * dx)
    slope_F = (U.wiggle(borders + dx) - U.wiggle(borders - dx)) / (2 * dx)
    assert np.all(np.abs(slope) < 0.2) and np.abs(slope_F).max() > 3


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
    return U.error_vs_width(widths=(1, 4, 8), seeds=(0,), steps=300)


def test_error_vs_width_fits_improve_with_width(small_widths) -> None:
    r = small_widths
    assert r.widths.tolist() == [1, 4, 8] and r.seeds == [0]
    assert r.run_sup.shape == r.run_steps.shape == (3, 1)
    assert np.array_equal(r.run_sup[:, 0], r.fitted_sup)
    # One unit converges well within the budget; eight use all 300 iterations.
    assert r.steps == 300 and 0 < r.run_steps[0, 0] < 300 and r.run_steps[2, 0] == 300
    # One tanh unit cannot follow the wiggles; eight can (error well below the staircase's).
    assert r.fitted_sup[0] > 0.5
    assert r.fitted_sup[2] < 0.1 < r.theorem_sup[2]
    assert np.all(r.fitted_rms <= r.fitted_sup)
    assert not r.run_dead.any()  # only ReLU units are counted as dead
    with pytest.raises(ValueError, match="every width"):
        U.error_vs_width(widths=(0,))
    with pytest.raises(ValueError, match="unknown activation"):
        U.error_vs_width(widths=(1,), activation="swish")
    with pytest.raises(ValueError, match="seeds"):
        U.error_vs_width(widths=(1,), seeds=())
    with pytest.raises(ValueError, match="steps"):
        U.error_vs_width(widths=(1,), steps=0)


def test_error_vs_width_keeps_the_start_with_the_lowest_training_loss() -> None:
    r = U.error_vs_width(widths=(2, 8), activation="relu", seeds=(0, 1, 2), steps=50)
    assert r.run_sup.shape == r.run_loss.shape == r.run_dead.shape == (2, 3)
    x = r.x_train
    for i, N in enumerate(r.widths):
        best = int(np.argmin(r.run_loss[i]))
        assert r.fitted_sup[i] == r.run_sup[i, best]
        kept = r.nets[int(N)]
        assert np.mean((kept.predict(x) - U.wiggle(x)) ** 2) == pytest.approx(r.run_loss[i, best])
        # The same start fitted again gives the same network: the seeds are the starts.
        again = MLP([1, int(N), 1], activation="relu", seed=r.seeds[best])
        again.fit(x, U.wiggle(x), steps=50, rtol=0, progress=False)
        np.testing.assert_array_equal(again.theta, kept.theta)
        assert 0 <= r.run_dead[i].min() and r.run_dead[i].max() <= N


def test_dead_units_counts_units_that_are_zero_on_the_whole_interval() -> None:
    net = MLP([1, 4, 1], activation="relu")
    # relu(x + 2) is alive, relu(-x - 2) is dead on [-1, 1], relu(x - 1) is 0 on [-1, 1]
    # (it only touches 0 at x = 1), relu(0.5 x) is alive on the right half.
    net.set_params(
        {"W1": np.array([[1.0], [-1.0], [1.0], [0.5]]), "b1": np.array([2.0, -2.0, -1.0, 0.0])}
    )
    assert U.dead_units(net) == 2
    assert U.dead_units(net, interval=(-1.0, 2.0)) == 1
    with pytest.raises(ValueError, match="ReLU network"):
        U.dead_units(MLP([1, 4, 1], activation="tanh"))
    with pytest.raises(ValueError, match="ReLU network"):
        U.dead_units(MLP([1, 2, 2, 1], activation="relu"))


def test_unit_terms_add_up_to_the_network() -> None:
    net = MLP([1, 5, 1], seed=3)
    terms = U.unit_terms(net, X_FINE)
    assert terms.shape == (5, X_FINE.size)
    np.testing.assert_allclose(terms.sum(axis=0) + net.params["b2"][0], net.predict(X_FINE))
    with pytest.raises(ValueError, match="unit_terms"):
        U.unit_terms(MLP([1, 2, 2, 1]), X_FINE)


def test_units_needed_grows_with_dimension() -> None:
    r = U.units_needed(dims=(1, 2), eps=0.02, candidates=(1, 2, 3, 4, 6, 8))
    assert r.needed[1] is not None and r.needed[2] is not None
    assert r.needed[2] > r.needed[1]
    assert r.tried[2][-1][1] <= 0.02 < r.tried[2][-2][1]
    with pytest.raises(ValueError, match="eps"):
        U.units_needed(eps=0)


def test_one_layer_pieces_and_the_counting_bound() -> None:
    assert U.one_layer_pieces(10) == 11
    # g composed 5 times: 33 peaks and troughs. 16 pieces cover at most 32 of them, two each.
    assert U.pieces_too_few(16, 5) and not U.pieces_too_few(17, 5)
    assert U.pieces_too_few(1, 1) and not U.pieces_too_few(2, 1)
    # The hand-built one-layer net for k = 3 (8 units, 9 pieces) has too few pieces for
    # g composed 5 times and is >= 1 off it; the one for k = 5 (32 units) is exact.
    x = np.linspace(-1, 1, 2049)
    target = U.sawtooth(x, 5)
    for k, too_few in ((3, True), (5, False)):
        net = U.sawtooth_shallow_network(k)
        assert U.pieces_too_few(U.one_layer_pieces(net.sizes[1]), 5) == too_few
        assert bool(np.max(np.abs(net.predict(x) - target)) >= 1 - 1e-12) == too_few
    with pytest.raises(ValueError, match="units"):
        U.one_layer_pieces(0)


def test_every_one_layer_net_of_10_units_is_at_least_1_off_the_sawtooth() -> None:
    # Random (untrained) [1, 10, 1] networks: 11 pieces, so every one is >= 1 off g^5.
    x = np.linspace(-1, 1, 2049)
    target = U.sawtooth(x, 5)
    for seed in range(20):
        net = MLP([1, 10, 1], activation="relu", seed=seed)
        net.theta = net.theta * 5
        assert np.max(np.abs(net.predict(x) - target)) >= 1 - 1e-12


def test_wider_vs_deeper_records_every_run() -> None:
    r = U.wider_vs_deeper(3, architectures=[(1, 3, 1), (1, 2, 2, 1)], seeds=(0, 1, 2), steps=60)
    assert r.sup.shape == r.flat.shape == r.dead_layer.shape == (2, 3)
    assert r.n_params == [10, 13] and r.compositions == 3
    # [1, 3, 1] makes at most 4 pieces: too few for g composed 3 times (9 peaks and troughs).
    assert U.pieces_too_few(U.one_layer_pieces(3), 3) and r.sup[0].min() >= 1 - 1e-12
    assert r.x_test.size == 64 * 2**3 + 1
    for i, a in enumerate(r.architectures):
        best = r.best(a)
        sup = np.max(np.abs(best.predict(r.x_test) - U.sawtooth(r.x_test, 3)))
        assert sup == pytest.approx(r.sup[i].min())
        for j, s in enumerate(r.seeds):
            out = r.runs[(a, s)].predict(r.x_test)
            assert r.flat[i, j] == (np.ptp(out) == 0)
            # A constant output comes from a dead layer (or the reverse is impossible to miss).
            if r.dead_layer[i, j]:
                assert r.flat[i, j]
    assert np.array_equal(r.successes, (r.sup < 0.5).sum(axis=1))
    assert np.array_equal(r.n_flat, r.flat.sum(axis=1))
    with pytest.raises(ValueError, match="1-D networks"):
        U.wider_vs_deeper(architectures=[(2, 4, 1)])
    with pytest.raises(ValueError, match="seeds"):
        U.wider_vs_deeper(seeds=())


def test_a_deep_net_with_a_dead_layer_is_flat_and_counted() -> None:
    deep = (1, 2, 2, 2, 2, 2, 1)
    r = U.wider_vs_deeper(5, architectures=[deep], seeds=range(4), steps=30)
    # The narrow deep net ends with a dead layer from these starts: a constant output, the
    # best constant for the training points (their mean, -1/129), so 1 + 1/129 off.
    assert r.dead_layer.all() and r.flat.all() and r.n_flat.tolist() == [4]
    np.testing.assert_allclose(r.sup, 1 + 1 / 129, rtol=1e-6)
    flat_net = r.first_flat(deep)
    assert flat_net is r.runs[(deep, 0)]
    hidden = flat_net.hidden(r.x_test)
    assert any(not np.any(h) for h in hidden)
    np.testing.assert_allclose(flat_net.predict(r.x_test), -1 / 129, rtol=1e-6)


def test_width_explorer_moves_through_widths_without_warnings(small_widths) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        explorer = width_explorer(small_widths, N=4)
        first = explorer.image.value
        for N in (1, 8):  # both ends of the slider
            state = explorer.set(N=N)
            assert state.terms.shape == (N, state.x.size)
            # The output is the sum of the units' terms plus the output bias.
            b2 = small_widths.nets[N].params["b2"][0]
            np.testing.assert_allclose(state.terms.sum(axis=0) + b2, state.fitted, atol=1e-10)
            assert state.largest_term == pytest.approx(small_widths.largest_term(N))
        assert f"N = 8 hidden units ({3 * 8 + 1} parameters)" in explorer.text
        assert "largest unit term" in explorer.text
        assert explorer.image.value != first
    with pytest.raises(ValueError, match="measured widths"):
        U.width_state(small_widths, 3)


def test_describe_width_rounds_the_fit_to_one_digit_and_the_staircase_to_two() -> None:
    state = U.WidthState(
        4,
        X_FINE,
        U.wiggle(X_FINE),
        X_FINE,
        X_FINE,
        np.array([170.63, -3.0])[:, None] * np.ones(X_FINE.size),
        X_FINE,
        X_FINE,
        0.0574709,
        0.995508,
    )
    text = describe_width(state)
    assert "fitted network 0.06, theorem's staircase 1\n" in text
    assert "largest unit term: 170 (the target stays within ±1.5)" in text


def test_figures_show_every_run() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.universal import plot_depth_fits, plot_depth_runs, plot_error_vs_width

    widths = U.error_vs_width(widths=(1, 2), activation="relu", seeds=(0, 1, 2), steps=20)
    depth = U.wider_vs_deeper(
        3, architectures=[(1, 3, 1), (1, 2, 2, 2, 1)], seeds=(0, 1, 2, 3), steps=20
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        _, axes = new_figure(1, 3)
        plot_error_vs_width(axes[0, 0], [widths])
        plot_depth_runs(axes[0, 1], depth)
        plot_depth_fits(axes[0, 2], depth, U.sawtooth_deep_network(3))
    # Every start of every width is a dot, next to the line through the kept starts.
    dots = [ln for ln in axes[0, 0].lines if ln.get_label() == "every relu start"]
    assert len(dots) == 1 and dots[0].get_xdata().size == 2 * 3
    kept = [ln for ln in axes[0, 0].lines if ln.get_label().startswith("fitted relu")]
    assert kept[0].get_label() == "fitted relu: lowest training error of 3 starts"
    np.testing.assert_array_equal(kept[0].get_ydata(), widths.fitted_sup)
    # The slope -1 reference runs through the middle of the staircase's points (on the log
    # scale the staircase lies above it as much as below it), not through the first one.
    (ref,) = [ln for ln in axes[0, 0].lines if ln.get_label().startswith("slope -1")]
    gaps = np.log(widths.theorem_sup) - np.log(ref.get_ydata())
    assert abs(gaps.sum()) < 1e-12 and np.allclose(np.diff(np.log(ref.get_ydata())), -np.log(2))
    # Every run is a dot: flat runs open, the others filled, one column per architecture.
    plotted = sum(ln.get_xdata().size for ln in axes[0, 1].lines if ln.get_marker() == "o")
    assert plotted == depth.sup.size
    labels = [t.get_text() for t in axes[0, 2].get_legend().get_texts()]
    assert labels[:3] == ["target", "deep: built by hand", "wide [1, 3, 1]: best run"]
    assert labels[3] in ("deep: a run that ended constant", "deep: best run")
    # The best wide run is drawn on top of the (broad, pale) deep run, so a nearly flat wide
    # run still shows where the deep run is a constant near 0.
    lines = {ln.get_label(): ln for ln in axes[0, 2].lines}
    assert lines[labels[2]].get_zorder() > lines[labels[3]].get_zorder()
    assert lines[labels[2]].get_linewidth() < lines[labels[3]].get_linewidth()


def test_depth_runs_title_says_whether_any_run_beats_the_constant() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.universal import plot_depth_runs

    depth = U.wider_vs_deeper(3, architectures=[(1, 3, 1)], seeds=(0, 1), steps=20)
    # [1, 3, 1] has 4 pieces, too few for g composed 3 times: every run is >= 1 off.
    assert depth.sup.min() >= 1.0
    _, axes = new_figure(1, 2)
    plot_depth_runs(axes[0, 0], depth)
    assert axes[0, 0].get_title() == "No run beats the constant 0 (2 starts each)"
    depth.sup[0, 1] = 0.3  # as if one run had fitted
    plot_depth_runs(axes[0, 1], depth)
    assert axes[0, 1].get_title() == "2 random starts each: every run"
