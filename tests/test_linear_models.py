"""SGD for least squares and ridge regression, and the solutions it reaches (notebooks 09, 10)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import engine
from lecturelib import linear_models as S
from lecturelib.autodiff import Graph
from lecturelib.gradcheck import check_gradients
from lecturelib.optim import train
from lecturelib.regression import FormulaObjective, formula_graph, regression_graph
from lecturelib.widgets.linear_models import lambda_explorer, step_size_explorer


@pytest.fixture(scope="module")
def data() -> S.RegressionData:
    return S.linear_data()


def test_linear_data_is_seeded_and_shaped(data) -> None:
    again = S.linear_data()
    np.testing.assert_array_equal(data.X, again.X)
    np.testing.assert_array_equal(data.y, again.y)
    assert (data.n, data.d) == (100, 2)
    assert np.all((data.X >= -1) & (data.X < 1))
    assert not np.array_equal(S.linear_data(seed=1).X, data.X)


def test_least_squares_is_near_the_truth_and_has_zero_gradient(data) -> None:
    w, b = S.least_squares(data.X, data.y)
    np.testing.assert_allclose(w, data.w_true, atol=0.05)
    assert b == pytest.approx(data.b_true, abs=0.05)
    r = data.y - (data.X @ w + b)
    np.testing.assert_allclose(data.X.T @ r, 0, atol=1e-12)  # normal equations
    assert r.sum() == pytest.approx(0, abs=1e-12)


def test_ridge_centring_equals_augmented_system_and_lam0_is_least_squares(data) -> None:
    cd = S.curve_data()
    for lam in (0.0, 1e-3, 0.5):
        w1, b1 = S.ridge_closed_form(cd.X, cd.y, lam)
        w2, b2 = S.ridge_augmented(cd.X, cd.y, lam)
        np.testing.assert_allclose(w1, w2, atol=1e-8)
        assert b1 == pytest.approx(b2, abs=1e-8)
    w0, _ = S.ridge_closed_form(data.X, data.y, 0.0)
    wl, _ = S.least_squares(data.X, data.y)
    np.testing.assert_allclose(w0, wl, atol=1e-12)
    # The bias is not penalised: a huge lambda leaves b = mean(y) and w ~ 0.
    w, b = S.ridge_closed_form(data.X, data.y, 1e8)
    assert np.abs(w).max() < 1e-6 and b == pytest.approx(data.y.mean(), abs=1e-6)


def test_ridge_is_the_minimiser_of_the_average_slide_objective() -> None:
    cd = S.curve_data()
    lam = 0.01
    w, b = S.ridge_closed_form(cd.X, cd.y, lam)
    # Gradient of (1/n) sum r^2 + lam w^T w vanishes at the solution.
    r = cd.y - (cd.X @ w + b)
    np.testing.assert_allclose(-2 * cd.X.T @ r / cd.n + 2 * lam * w, 0, atol=1e-10)
    assert abs(-2 * r.mean()) < 1e-10
    best = S.objective(cd.X, cd.y, w, b, lam)
    rng = np.random.default_rng(0)
    for _ in range(5):
        assert S.objective(cd.X, cd.y, w + 0.01 * rng.standard_normal(w.size), b, lam) > best


def test_regularization_path_shrinks_the_weights() -> None:
    cd = S.curve_data()
    path = S.regularization_path(cd.X, cd.y, np.logspace(-6, 1, 30))
    assert np.all(np.diff(path.norms) < 0)  # ||w(lambda)|| falls as lambda grows
    assert np.all(np.diff(path.train_mse) > 0)  # and the training error rises
    assert path.norms[-1] < 0.05 * path.norms[0]
    with pytest.raises(ValueError, match="lams must be"):
        S.regularization_path(cd.X, cd.y, [-1.0])


@pytest.mark.parametrize("lam", [0.0, 0.05])
def test_backprop_and_formula_sgd_give_the_same_iterates(data, lam) -> None:
    a = S.sgd(data.X, data.y, lr=0.05, steps=300, lam=lam, engine="formula")
    b = S.sgd(data.X, data.y, lr=0.05, steps=300, lam=lam, engine="backprop")
    np.testing.assert_allclose(a.W, b.W, rtol=0, atol=1e-14)
    np.testing.assert_allclose(a.b, b.b, rtol=0, atol=1e-14)
    np.testing.assert_allclose(a.losses, b.losses, rtol=1e-13)


@pytest.mark.parametrize("lam", [None, 0.3])
@pytest.mark.parametrize("shape", ["example", "batch of one"])
def test_formula_node_gives_backprops_partials(data, lam, shape) -> None:
    """The formula engine's node: the slides' partials, for the parameters and the data,
    equal backprop's on the slides' graph, in the fast graph and the core one."""
    x, y = data.X[3], data.y[3]
    feeds = {"x": x, "y": y} if shape == "example" else {"x": x[None], "y": np.array([y])}
    slides = regression_graph([0.5, -0.25], 1.0, lam=lam)
    expected = slides.graph.forward(**feeds), slides.graph.backward()
    data_partials = slides.x.grad.copy(), slides.y.grad.copy()
    for graph_type in (Graph, engine.Graph):
        xs, ys = engine.Input("x"), engine.Input("y")
        w, b = engine.Param("w", [0.5, -0.25]), engine.Param("b", 1.0)
        graph = graph_type(FormulaObjective(xs, ys, w, b, lam))
        assert float(graph.forward(**feeds)) == pytest.approx(float(np.sum(expected[0])))
        grads = graph.backward()
        np.testing.assert_allclose(grads["w"], expected[1]["w"], rtol=1e-15)
        assert float(grads["b"]) == pytest.approx(float(expected[1]["b"]), rel=1e-15)
        np.testing.assert_allclose(xs.grad, data_partials[0], rtol=1e-15)
        np.testing.assert_allclose(ys.grad, data_partials[1], rtol=1e-15)
        assert check_gradients(graph, feeds) < 1e-7
    with pytest.raises(ValueError, match="takes one example"):
        formula_graph([0.0, 0.0]).forward(x=data.X[:2], y=data.y[:2])


def test_sgd_is_train_on_the_slides_graph(data) -> None:
    """sgd(engine="backprop") is optim.train(batch_size=1) on the slides' graph, recorded."""
    run = S.sgd(data.X, data.y, lr=0.2, decay=10, steps=300, record_every=7, engine="backprop")
    model = regression_graph(np.zeros(2), 0.0)
    history = train(model.graph, {"x": data.X, "y": data.y}, optimizer="sgd", lr=0.2,
                    decay=10, steps=300, batch_size=1, record_every=7)  # fmt: skip
    assert run.steps_recorded.tolist() == history.recorded_steps == [*range(0, 300, 7), 300]
    np.testing.assert_array_equal(run.W, [p["w"] for p in history.recorded_params])
    np.testing.assert_array_equal(run.b, [p["b"] for p in history.recorded_params])
    np.testing.assert_allclose(
        run.losses,
        [S.objective(data.X, data.y, w, b) for w, b in zip(run.W, run.b, strict=True)],
        rtol=1e-13,
    )


def test_sgd_matches_optim_train_with_batch_size_1(data) -> None:
    run = S.sgd(data.X, data.y, lr=0.05, steps=200, seed=3)
    model = regression_graph(np.zeros(2), 0.0, batch=True)
    train(
        model.graph,
        {"x": data.X, "y": data.y},
        optimizer="sgd",
        lr=0.05,
        steps=200,
        batch_size=1,
        seed=3,
        progress=False,
    )
    np.testing.assert_allclose(model.w.value, run.w_final, atol=1e-13)
    assert float(model.b.value) == pytest.approx(run.b_final, abs=1e-13)


def test_sgd_with_decaying_step_reaches_least_squares(data) -> None:
    w_ls, b_ls = S.least_squares(data.X, data.y)
    run = S.sgd(data.X, data.y, lr=0.2, decay=10, steps=5000, record_every=100)
    assert run.distance(w_ls, b_ls) < 0.01
    assert run.losses[-1] - S.objective(data.X, data.y, w_ls, b_ls) < 1e-4
    assert not run.diverged and run.steps_recorded[-1] == 5000


def test_sgd_with_ridge_reaches_the_closed_form() -> None:
    cd = S.curve_data()
    w_r, b_r = S.ridge_closed_form(cd.X, cd.y, 0.01)
    run = S.sgd(cd.X, cd.y, lr=0.2, decay=100, lam=0.01, steps=20000, record_every=1000)
    assert run.distance(w_r, b_r) < 0.02


def test_sgd_divergence_stops_quietly(data) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        run = S.sgd(data.X, data.y, lr=5.0, steps=2000)
    assert run.diverged and run.diverged_at < 2000
    assert np.all(np.isfinite(run.W)) and np.all(np.abs(run.W) < S.PARAMETER_LIMIT)
    # Recorded up to the step before the one that blew up, and that step did blow up.
    assert run.steps_recorded.tolist() == list(range(run.diverged_at))
    assert np.isfinite(run.losses).all()
    before = S.sgd(data.X, data.y, lr=5.0, steps=run.diverged_at - 1)
    assert not before.diverged and np.array_equal(before.W, run.W)


def test_sgd_bad_arguments(data) -> None:
    with pytest.raises(ValueError, match="lr must be > 0"):
        S.sgd(data.X, data.y, lr=0.0, steps=10)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        S.sgd(data.X, data.y, lr=0.1, steps=-1)
    with pytest.raises(ValueError, match="engine must be"):
        S.sgd(data.X, data.y, lr=0.1, steps=1, engine="torch")
    with pytest.raises(ValueError, match="y must have one value per row"):
        S.sgd(data.X, data.y[:5], lr=0.1, steps=1)
    with pytest.raises(ValueError, match="w0 must have 2 entries"):
        S.sgd(data.X, data.y, lr=0.1, steps=1, w0=[1.0])
    with pytest.raises(ValueError, match="lam must be >= 0"):
        S.ridge_closed_form(data.X, data.y, -1.0)


def test_slide_comparison_is_exact_to_machine_precision(data) -> None:
    rows, gap = S.slide_comparison(data.X[0], data.y[0], [0.5, -0.25], 1.0)
    assert [r[0] for r in rows] == ["r", "y_hat", "b", "w"]
    assert gap <= 1e-15
    r = rows[0][1]
    assert rows[0][2] == pytest.approx(2 * r) and rows[2][2] == pytest.approx(-2 * r)


def test_two_children_partials_add_up(data) -> None:
    tc = S.two_children(data.X[0], data.y[0], [0.5, -0.25], 1.0, lam=0.3)
    assert set(tc.children) == {"w·x", "R"}
    np.testing.assert_allclose(tc.via_penalty, 2 * 0.3 * np.array([0.5, -0.25]), rtol=1e-15)
    np.testing.assert_allclose(tc.via_prediction + tc.via_penalty, tc.total, atol=1e-15)
    assert tc.gap <= 1e-15


def test_step_size_state_regimes() -> None:
    assert S.step_size_state(-4.0).verdict.startswith("too slow")
    assert S.step_size_state(-2.0).verdict == "close to least squares"
    assert S.step_size_state(-0.5).verdict.startswith("jitters")
    assert S.step_size_state(0.5).verdict == "diverges"


def test_step_size_tail_ratio_measures_the_jitter() -> None:
    settled, jitter, edge = (S.step_size_state(v) for v in (-2.0, -0.5, -0.25))
    # The mean loss over steps 500..1000, in units of the least-squares minimum.
    run = jitter.run
    assert jitter.tail_loss == pytest.approx(np.mean(run.losses[run.steps_recorded >= 500]))
    assert jitter.tail_ratio == pytest.approx(jitter.tail_loss / jitter.loss_ls)
    assert 1.0 <= settled.tail_ratio < 1.1 < 2.0 < jitter.tail_ratio < 100.0 < edge.tail_ratio
    # eta = 0.56 jitters wildly but stays below where it started: not divergence.
    assert edge.verdict.startswith("jitters") and edge.tail_loss < edge.run.losses[0]


def test_step_size_slow_divergence_counts_as_diverging() -> None:
    # At eta = 0.62 no parameter passes 1e50 within 1000 steps, but the loss explodes.
    slow = S.step_size_state(float(np.log10(0.62)))
    assert not slow.run.diverged and slow.verdict == "diverges"
    assert slow.tail_loss > 1e20 * slow.run.losses[0]
    fast = S.step_size_state(0.0)
    assert fast.run.diverged and fast.tail_ratio == float("inf") == fast.distance


@pytest.mark.parametrize("value", [-4.0, 0.5])
def test_step_size_explorer_extremes_do_not_warn(value) -> None:
    explorer = step_size_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        explorer.set(log10_lr=value)
    assert explorer.text.startswith(f"η = {10**value:.3g}")
    if explorer.state.run.diverged:
        assert "diverged at step" in explorer.text
    else:
        ratio = explorer.state.tail_ratio
        assert f"the loss averages {ratio:.3g} times the minimum" in explorer.text


def test_lambda_explorer_shrinks_weights_and_extremes_do_not_warn() -> None:
    explorer = lambda_explorer()
    norms = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        for value in (-6.0, -3.0, 1.0):
            norms.append(explorer.set(log10_lam=value).norm)
    assert norms[0] > norms[1] > norms[2]
    assert "training MSE" in explorer.text
    # The fit flattens towards the mean of y as lambda grows.
    assert np.ptp(explorer.state.fit) < 0.1


def test_sgd_plot_log_step_axis_shows_the_early_descent(data) -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.linear_models import SGDPlot

    w_ls, b_ls = S.least_squares(data.X, data.y)
    run = S.sgd(data.X, data.y, lr=0.2, decay=10, steps=500, progress=False)
    _, axes = new_figure(1, 2)
    plot = SGDPlot(axes[0, 0], axes[0, 1], data, w_ls, b_ls, max_steps=500, log_steps=True)
    plot.update(run)
    ax = axes[0, 0]
    assert ax.get_xscale() == "log" and ax.get_xlim() == (1.0, 500.0)
    steps, losses = plot.loss.get_data()
    # Step 0 cannot sit on a log axis: the curve starts at step 1, with every later step.
    assert steps[0] == 1 and np.array_equal(steps, run.steps_recorded[1:])
    assert np.array_equal(losses, run.losses[1:])
    assert "least-squares b" in axes[0, 1].get_title()
    # The explorer's default keeps a linear axis from step 0.
    _, axes = new_figure(1, 2)
    plain = SGDPlot(axes[0, 0], axes[0, 1], data, w_ls, b_ls, max_steps=500)
    plain.update(run)
    assert axes[0, 0].get_xscale() == "linear" and plain.loss.get_data()[0][0] == 0


def test_regularisation_path_plot_keeps_the_weights_readable() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.linear_models import WEIGHTS_READABLE_FROM, plot_regularization_path

    path = S.ridge_state().path  # lambda from 1e-6 to 10; ||w|| about 32 at 1e-6
    fig, axes = new_figure()
    ax = axes[0, 0]
    marker = plot_regularization_path(ax, path, current=1e-3)
    low, high = ax.get_ylim()
    readable = path.W[path.lams >= WEIGHTS_READABLE_FROM]
    assert low < readable.min() and readable.max() < high  # every weight shows from 1e-4 on
    assert high < 0.5 * path.W.max()  # the large weights at tiny lambda do not set the scale
    (ax_norm,) = [other for other in fig.axes if other is not ax]  # ||w|| on its own axis
    assert ax_norm.get_yscale() == "log"
    line, marked = ax_norm.get_lines()  # the norm, and the marker drawn over every curve
    np.testing.assert_array_equal(line.get_ydata(), path.norms)
    assert len(marker) == 1 and marker[0] is marked
    assert marker[0].get_xdata()[0] == pytest.approx(-3.0)


# --------------------------------------------------------------------------------------
# Minibatch SGD
# --------------------------------------------------------------------------------------
def test_minibatch_study_takes_the_steps_a_plain_loop_takes() -> None:
    study = S.minibatch_study((1, 5, 40), n=40, lr=0.1, epochs=2, seeds=3)
    data = S.linear_data(n=40, seed=1)
    w_ls, b_ls = S.least_squares(data.X, data.y)
    for k, size in enumerate(study.batch_sizes):
        rng = np.random.default_rng(1000 + size)
        thetas = np.zeros((3, 3))  # (seeds, w1 w2 b)
        for _ in range(study.budget // size):
            idx = rng.integers(40, size=(3, size)) if size < 40 else None
            for s in range(3):
                rows = np.arange(40) if idx is None else idx[s]
                X, y = data.X[rows], data.y[rows]
                r = y - (X @ thetas[s, :2] + thetas[s, 2])
                grad = np.append(-2 * (r @ X) / size, -2 * r.mean())
                thetas[s] = thetas[s] - 0.1 * grad
        assert study.spent[k][-1] == study.budget == 80
        direct = [S.objective(data.X, data.y, t[:2], t[2]) for t in thetas]
        floor = S.objective(data.X, data.y, w_ls, b_ls)
        np.testing.assert_allclose(study.excess[k][:, -1], np.array(direct) - floor, rtol=1e-7)
    full = study.excess[2]
    assert np.all(full == full[0])  # the full batch has no randomness: every seed alike
    assert study.spent[2].tolist() == [0, 40, 80]
    np.testing.assert_array_equal(study.at(2, 79), full[:, 1])  # 79 buys one full step


def test_minibatch_noise_falls_about_as_one_over_the_batch_size() -> None:
    study = S.minibatch_study((1, 4, 16), n=2000, lr=0.1, epochs=3, seeds=40)
    ratios = study.excess_mean[:-1] / study.excess_mean[1:]  # about 4 each
    assert np.all((ratios > 2.5) & (ratios < 6)), ratios
    assert np.all(study.excess_mean > 0)


def test_minibatch_study_bad_arguments() -> None:
    with pytest.raises(ValueError, match="batch sizes must be at most n = 10"):
        S.minibatch_study((1, 20), n=10)
    with pytest.raises(ValueError, match="a batch size must be a whole number >= 1"):
        S.minibatch_study((0,), n=10)
    with pytest.raises(ValueError, match="lr must be > 0"):
        S.minibatch_study((1,), n=10, lr=0.0)


def test_minibatch_plot_draws_one_curve_and_band_per_batch_size() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.linear_models import plot_minibatch

    study = S.minibatch_study((1, 50), n=50, lr=0.1, epochs=2, seeds=5)
    _fig, axes = new_figure()
    ax = axes[0, 0]
    plot_minibatch(ax, study)
    assert len(ax.lines) == 2 and len(ax.collections) == 1  # the full batch has no spread
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "batch $B = 1$",
        "full batch (gradient descent)",
    ]
