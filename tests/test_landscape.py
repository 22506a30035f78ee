"""Non-convex optimisation (notebook 13): slices, seeds, saddles, saturation, trajectories."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest

from lecturelib.backprop import fit_by_gradient_descent, slide_theta, slides_data
from lecturelib.landscape import (
    DESCENT_STEPS,
    LANDSCAPES,
    OPTIMIZER_CHOICES,
    STEPS_PER_FRAME,
    activation_derivative,
    along_the_floor,
    descent_advance,
    descent_start,
    flip_unit,
    hessian_eigenvalues,
    landscape_graph,
    landscape_grid,
    landscape_state,
    linear_slice,
    lowest_value,
    mlp_losses,
    probe_losses,
    restart_failure_rate,
    run_optimizer,
    saturation_gradients,
    seed_study,
    swap_units,
    symmetry_slice,
)
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.landscape import (
    LOSS_FLOOR,
    DescentPlot,
    plot_final_losses,
    plot_saturation,
    plot_slice,
    plot_trajectories,
)
from lecturelib.widgets.landscape import descent_player, landscape_explorer

X, Y = slides_data()


def test_mlp_losses_matches_the_engine() -> None:
    nets = [MLP([1, 3, 1], seed=s) for s in range(3)]
    thetas = np.array([slide_theta(n) for n in nets])
    np.testing.assert_allclose(mlp_losses(thetas, X, Y), [n.loss(X, Y) for n in nets], rtol=1e-12)
    with pytest.raises(ValueError, match="10 numbers"):
        mlp_losses(np.zeros(9), X, Y)


def test_symmetries_keep_the_loss_and_the_slice_is_not_convex() -> None:
    theta = slide_theta(MLP([1, 3, 1], seed=1))
    loss = mlp_losses(theta, X, Y)
    assert mlp_losses(swap_units(theta, 0, 2), X, Y) == pytest.approx(loss, rel=1e-12)
    assert mlp_losses(flip_unit(theta, 1), X, Y) == pytest.approx(loss, rel=1e-12)
    fit = fit_by_gradient_descent(X, Y, lr=0.3, steps=300)
    sl = symmetry_slice(fit.theta, X, Y, n=41, span=(-0.5, 1.5))
    i0, i1, mid = 10, 30, 20  # a = -0.5 + 0.05 i
    assert sl.a[i0] == pytest.approx(0) and sl.a[i1] == pytest.approx(1)
    corners = [sl.losses[i0, i0], sl.losses[i0, i1], sl.losses[i1, i0]]
    np.testing.assert_allclose(corners, fit.final, rtol=1e-9)
    assert sl.losses[i0, mid] > 10 * max(corners)  # higher between two equally low points


def test_linear_slice_is_a_convex_bowl() -> None:
    sl = linear_slice(X, Y, n=31)
    Z = sl.losses
    assert np.unravel_index(np.argmin(Z), Z.shape) == (15, 15)
    assert np.all(np.diff(Z, 2, axis=0) > 0) and np.all(np.diff(Z, 2, axis=1) > 0)


def test_seed_study_equals_separate_training_runs() -> None:
    study = seed_study(X, Y, seeds=4, steps=40)
    for s in (0, 3):
        net = MLP([1, 3, 1], seed=s)
        history = net.fit(X, Y, optimizer="adam", lr=0.05, steps=40)
        assert study.finals[s] == pytest.approx(history.final, rel=1e-10)
        np.testing.assert_allclose(study.thetas[s], slide_theta(net), rtol=1e-9, atol=1e-12)
    with pytest.raises(ValueError, match="optimizer must be"):
        seed_study(X, Y, seeds=2, optimizer="lbfgs")


def test_some_seeds_get_stuck_and_restarts_fix_it() -> None:
    study = seed_study(X, Y, seeds=30, steps=800)
    assert 0 < study.bad.sum() < 10
    stuck = study.thetas[np.argmax(study.finals)]
    # stuck = the network predicts the mean of y: a stationary point, the loss var(y)
    assert study.finals.max() == pytest.approx(np.var(Y), rel=1e-3)
    eig = hessian_eigenvalues(stuck, X, Y)
    assert eig.min() > -1e-3 and eig.max() > 1  # no direction of descent to second order
    rate1, groups1 = restart_failure_rate(study, 1)
    assert rate1 == study.bad_fraction and groups1 == 30
    rate3, groups3 = restart_failure_rate(study, 3)
    assert groups3 == 10 and rate3 < rate1
    with pytest.raises(ValueError, match="more than the 30 seeds"):
        restart_failure_rate(study, 31)


def test_the_stuck_point_is_a_flat_bottomed_local_minimum() -> None:
    """Notebook 13's stuck seed: zero Hessian eigenvalues (the test cannot decide), a floor
    along which the loss stays exactly var(y), no lower point nearby, lower ones further off."""
    study = seed_study(X, Y, seeds=3, steps=800)
    assert study.bad.tolist() == [False, False, True]
    theta = study.thetas[2]
    var_y = np.var(Y)
    assert np.abs(theta[3:6]).max() < 1e-12  # v = 0: the hidden units are switched off
    eig = hessian_eigenvalues(theta, X, Y)
    assert np.sum(np.abs(eig) < 1e-8) == 6 and np.sum(eig > 1e-3) == 4
    for unit, shift in [(0, 0.5), (1, -2.0), (2, 3.0)]:
        moved = along_the_floor(theta, unit, shift)
        assert moved[unit] == pytest.approx(theta[unit] + shift)
        assert abs(mlp_losses(moved, X, Y) - var_y) < 1e-12
    near = probe_losses(theta, X, Y, radius=0.1, n=500)
    far = probe_losses(theta, X, Y, radius=0.3, n=2000)
    assert near.shape == (500,) and near.min() > var_y + 1e-8
    assert far.min() < var_y - 1e-6
    np.testing.assert_array_equal(probe_losses(theta, X, Y, 0.1, n=500), near)  # seeded
    direction = (probe_losses(theta, X, Y, radius=1e-3, n=1) - var_y) * 1e6
    assert 0 < direction[0] < 1  # a tiny step off the floor raises the loss, but only a little
    with pytest.raises(ValueError, match="radius must be"):
        probe_losses(theta, X, Y, radius=0.0)
    with pytest.raises(ValueError, match="unit must be"):
        along_the_floor(theta, unit=3)


def test_saturated_sigmoids_have_vanishing_gradients_relu_not() -> None:
    shifts = [0.0, 4.0, 8.0]
    sig = saturation_gradients(shifts, "sigmoid", X, Y)
    relu = saturation_gradients(shifts, "relu", X, Y)
    assert sig[2] < 1e-3 * sig[0]
    assert relu[2] > relu[0]
    d = activation_derivative(np.array([-6.0, 0.0, 6.0]), "sigmoid")
    assert d[1] == 0.25 and d[0] == pytest.approx(d[2], rel=1e-12) and d[0] < 0.003
    np.testing.assert_array_equal(activation_derivative([-1.0, 2.0], "relu"), [0.0, 1.0])
    with pytest.raises(ValueError, match="activation must be one of"):
        activation_derivative([0.0], "swish")


@pytest.mark.parametrize("name", list(LANDSCAPES))
def test_landscape_graph_equals_its_formula(name: str) -> None:
    land = LANDSCAPES[name]
    rng = np.random.default_rng(0)
    for point in rng.uniform(-2, 2, size=(5, 2)):
        graph, _p = landscape_graph(name, point)
        value = graph.forward(noise=np.zeros(2))
        assert value == pytest.approx(float(land.numpy_f(point[0], point[1])))
    for sx, sy, _ in land.stationary:  # the listed stationary points have zero gradient
        graph, _ = landscape_graph(name, (sx, sy))
        graph.forward(noise=np.zeros(2))
        assert np.linalg.norm(graph.backward()["p"]) < 1e-12
    xs, ys, Z = landscape_grid(name)
    assert Z.shape == (len(ys), len(xs)) and not Z.flags.writeable


def test_gradient_descent_stalls_on_the_saddle_and_sgd_escapes() -> None:
    gd = run_optimizer("saddle", "gd", 0.1, steps=100)
    sgd = run_optimizer("saddle", "sgd", 0.1, steps=100)
    assert np.abs(gd.points[-1]).max() < 1e-6 and gd.grad_norm < 1e-6
    assert gd.status == "stopped at the saddle point (0, 0)"
    assert abs(abs(sgd.points[-1, 1]) - np.sqrt(2)) < 0.3 and sgd.values[-1] < -0.8
    # the minimum is named with three digits, as the notebook's text writes sqrt(2)
    assert sgd.status.startswith("close to the minimum (0, -1.41), |grad f| = ")
    assert run_optimizer("saddle", "sgd", 0.1).points.tolist() == sgd.points.tolist()  # seeded


def test_high_curvature_diverges_and_clipping_or_adam_tame_it() -> None:
    plain = run_optimizer("valley", "gd", 0.12)
    clipped = run_optimizer("valley", "gd", 0.12, clip=1.0)
    adam = run_optimizer("valley", "adam", 0.12)
    # plain: every step multiplies y by 1 - 0.12 * 20 = -1.4, for all 100 steps
    assert plain.steps == 100 and plain.left_at == 1 and plain.diverged
    np.testing.assert_allclose(plain.points[1:, 1] / plain.points[:-1, 1], -1.4, rtol=1e-12)
    assert plain.status == f"diverged: f grew to {plain.values[-1]:.2g} in 100 steps"
    assert plain.values[-1] == pytest.approx(LANDSCAPES["valley"].numpy_f(*plain.points[-1]))
    # clipping: no blow-up, but a bounce across the valley that never settles
    assert not clipped.left_box and not clipped.diverged
    last = clipped.points[-10:, 1]
    assert np.all(np.sign(last[1:]) == -np.sign(last[:-1]))
    assert np.all((np.abs(last) > 0.05) & (np.abs(last) < 0.07)) and clipped.grad_norm > 1
    steps = np.linalg.norm(np.diff(clipped.points, axis=0), axis=1)
    assert steps.max() <= 0.12 * (1 + 1e-12)  # no step longer than lr * clip
    # Adam: converges
    assert not adam.left_box and adam.values[-1] < 1e-3 and adam.grad_norm < 0.1
    # the drawn path stops on a box ten box sizes out; the kept points go on
    drawn = plain.drawn()
    assert len(drawn) < len(plain.points)
    assert np.isclose(np.abs(drawn[-1, 1]), 1.5 + 10 * 4.0)


def test_leaving_the_plot_is_not_diverging() -> None:
    adam = run_optimizer("valley", "adam", 10**0.5)
    assert adam.left_box and not adam.diverged and not adam.ended_outside
    assert "minimum" in adam.status
    slow = run_optimizer("valley", "gd", 10**-0.99)  # just past the stable limit 0.1
    assert slow.ended_outside and not slow.diverged
    assert slow.status.startswith("ended outside the plot")
    blown = run_optimizer("saddle", "sgd", 1.0)  # the quartic explodes: f passes 1e100
    assert blown.diverged and blown.steps < 100 and "passed 1e100" in blown.status
    assert np.all(np.isfinite(blown.points))


def test_momentum_can_roll_past_the_local_minimum() -> None:
    gd = run_optimizer("two minima", "gd", 0.03)
    momentum = run_optimizer("two minima", "momentum", 0.03)
    assert gd.status == "stopped at the local minimum (0.96, 0)"
    assert momentum.status == "stopped at the global minimum (-1.04, 0)"


def test_run_optimizer_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown landscape"):
        run_optimizer("bowl")
    with pytest.raises(ValueError, match="unknown optimizer"):
        run_optimizer("valley", "newton")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        run_optimizer("valley", "gd", -1.0)
    with pytest.raises(ValueError, match="noise must be"):
        run_optimizer("valley", "sgd", 0.1, noise=-1.0)
    with pytest.raises(ValueError, match="start must be a point"):
        landscape_graph("valley", (1.0, 2.0, 3.0))


@pytest.mark.parametrize("landscape", list(LANDSCAPES))
@pytest.mark.parametrize("optimizer", OPTIMIZER_CHOICES)
@pytest.mark.parametrize(("log10_lr", "clip"), [(-3.0, 0.0), (0.5, 0.0), (0.5, 5.0), (-3.0, 5.0)])
def test_landscape_state_extremes_never_raise_or_warn(landscape, optimizer, log10_lr, clip) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        state = landscape_state(landscape, optimizer, log10_lr, clip)
    tr = state.trajectory
    assert np.all(np.isfinite(tr.points))
    assert len(tr.values) == len(tr.points) == tr.steps + 1
    x0, x1, y0, y1 = LANDSCAPES[landscape].box
    reach = 10 * max(x1 - x0, y1 - y0)  # drawn: at most ten box sizes out
    drawn = tr.drawn()
    assert np.all(np.isfinite(drawn))
    assert drawn[:, 0].min() >= x0 - reach and drawn[:, 0].max() <= x1 + reach
    assert drawn[:, 1].min() >= y0 - reach and drawn[:, 1].max() <= y1 + reach
    if clip > 0 or optimizer == "adam":  # bounded steps never diverge: they stay near the plot
        assert not tr.diverged and np.abs(tr.points).max() < 50


def test_explorer_widget_updates_fast_and_describes() -> None:
    explorer = landscape_explorer()
    assert "f = x²/2 + 10 y²; gd, lr = 0.0501" in explorer.text
    first = explorer.image.value
    start = time.perf_counter()
    state = landscape_state("valley", "gd", 0.5, 0.0)
    assert time.perf_counter() - start < 5  # generous; the update itself takes ~10 ms
    assert state.trajectory.left_box
    explorer.set(log10_lr=0.5)
    assert "diverged: f passed 1e100 in" in explorer.text
    assert "of them outside the plot" in explorer.text
    assert explorer.image.value != first
    explorer.set(landscape="saddle", optimizer="sgd", log10_lr=-1.0)
    assert "gradient noise 1" in explorer.text and "minimum" in explorer.text


def test_landscape_figures_draw() -> None:
    _fig, axes = new_figure(2, 3)
    fit = fit_by_gradient_descent(X, Y, steps=50)
    plot_slice(axes[0, 0], symmetry_slice(fit.theta, X, Y, n=11), "slice")
    plot_slice(axes[0, 1], linear_slice(X, Y, n=11), "bowl", log=False)
    plot_final_losses(axes[0, 2], seed_study(X, Y, seeds=3, steps=5))
    z = np.linspace(-5, 5, 11)
    plot_saturation(axes[1, 0], axes[1, 1], z, {"relu": activation_derivative(z, "relu")},
                    [0, 1], {"relu": np.array([1.0, 2.0])})  # fmt: skip
    tr = run_optimizer("valley")
    plot_trajectories(axes[1, 2], "valley", [tr], ["gd"], "valley")
    assert len(axes[1, 2].lines) == 4


# --------------------------------------------------------------------------------------
# The descent player
# --------------------------------------------------------------------------------------
def test_descent_start_and_advance_are_pure_and_show_the_run_step_by_step() -> None:
    state = descent_start("two minima", "momentum", -1.5, 1.7, 1.4)
    full = run_optimizer("two minima", "momentum", 10**-1.5, steps=DESCENT_STEPS, start=(1.7, 1.4))
    np.testing.assert_array_equal(state.trajectory.points, full.points)  # one implementation
    assert state.shown == 0 and state.points.shape == (1, 2) and not state.done
    assert state.f_min == pytest.approx(lowest_value("two minima"))
    later = descent_advance(state, landscape="two minima")
    assert later is not state and state.shown == 0  # a new state; the old one is untouched
    assert later.shown == STEPS_PER_FRAME
    np.testing.assert_array_equal(later.points, full.points[: STEPS_PER_FRAME + 1])
    np.testing.assert_array_equal(later.values, full.values[: STEPS_PER_FRAME + 1])
    for _ in range(DESCENT_STEPS):  # more frames than needed: it stops at the end
        later = descent_advance(later)
    assert later.done and later.shown == full.steps == DESCENT_STEPS
    with pytest.raises(TypeError, match="DescentState"):
        descent_advance(None)
    with pytest.raises(ValueError, match="x0 must be a finite number"):
        descent_start(x0=float("nan"))


def test_lowest_values_of_the_landscapes() -> None:
    assert lowest_value("valley") == 0.0
    assert lowest_value("saddle") == pytest.approx(-1.0, abs=1e-12)
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    assert lowest_value("two minima") == pytest.approx((roots[0] ** 2 - 1) ** 2 + 0.3 * roots[0])


def test_a_diverging_run_plays_to_its_end_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        state = descent_start("valley", "gd", 0.5, -1.8, 1.2)
        _fig, axes = new_figure(1, 2)
        plot = DescentPlot(axes[0, 0], axes[0, 1], state)
        while not state.done:
            state = descent_advance(state)
            plot.update(state)
    assert state.trajectory.diverged and state.shown == state.trajectory.steps < DESCENT_STEPS


def test_descent_player_plays_steps_and_resets() -> None:
    player = descent_player()
    assert "step 0 of 160: at (1.7, 1.4)" in player.text
    first = player.image.value
    for tick in range(1, 4):  # the browser's Play widget counts 1, 2, 3
        player.play.value = tick
    assert player.state.shown == 3 * STEPS_PER_FRAME and player.image.value != first
    assert "step 6 of 160" in player.text and "minimum" not in player.text  # no spoiler
    player.step(DESCENT_STEPS)
    assert player.state.done and "stopped at the global minimum" in player.text
    curve = player.figure.axes[1].lines[0].get_xydata()
    assert len(curve) == DESCENT_STEPS + 1 and np.all(curve[:, 1] >= LOSS_FLOOR)
    player.set(optimizer="gd")  # a control starts a new run
    assert player.state.shown == 0 and player.frame == 0
    player.step(DESCENT_STEPS)
    assert "stopped at the local minimum" in player.text
    player.reset()
    assert player.state.shown == 0
    assert len(player.frame_times) == 3 + 2 * DESCENT_STEPS  # 3 ticks, 2 x 160 steps
