"""Optimisers, clipping and the training loop."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.optim import Adam, GradientDescent, Momentum, clip_by_norm, train


def _quadratic() -> tuple[Graph, Param]:
    """J = sum((w - 3)^2): minimum at w = 3."""
    w = Param("w", np.array([0.0, 10.0]))
    return Graph(ad.sum(ad.square(w - 3.0), name="J")), w


def test_gradient_descent_step_is_lr_times_gradient() -> None:
    graph, w = _quadratic()
    graph.forward()
    graph.backward()
    GradientDescent([w], lr=0.1).step()
    np.testing.assert_allclose(w.value, [0.0 - 0.1 * -6.0, 10.0 - 0.1 * 14.0])


def test_momentum_accumulates_velocity() -> None:
    graph, w = _quadratic()
    opt = Momentum([w], lr=0.1, beta=0.5)
    graph.forward()
    graph.backward()
    opt.step()
    graph.forward()
    graph.backward()
    g2 = w.grad.copy()
    before = w.value.copy()
    opt.step()
    np.testing.assert_allclose(w.value, before - 0.1 * (0.5 * np.array([-6.0, 14.0]) + g2))


def test_adam_first_step_has_size_lr_in_every_coordinate() -> None:
    graph, w = _quadratic()
    graph.forward()
    graph.backward()
    Adam([w], lr=0.05).step()
    np.testing.assert_allclose(w.value, [0.05, 9.95])


def test_clip_by_norm_keeps_direction() -> None:
    grads, norm = clip_by_norm([np.array([3.0]), np.array([4.0])], 1.0)
    assert norm == 5.0
    np.testing.assert_allclose(np.concatenate(grads), [0.6, 0.8])
    unclipped, _ = clip_by_norm([np.array([0.3])], 1.0)
    assert unclipped[0] == 0.3


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam", "lbfgs"])
def test_every_optimiser_finds_the_minimum(optimizer) -> None:
    graph, w = _quadratic()
    lr = {"adam": 0.5}.get(optimizer)
    history = train(graph, {}, optimizer=optimizer, lr=lr, steps=400)
    np.testing.assert_allclose(w.value, [3.0, 3.0], atol=1e-3)
    assert history.final < 1e-5 and not history.diverged


def test_sgd_one_example_per_step_reaches_least_squares() -> None:
    rng = np.random.default_rng(0)
    Xv = rng.normal(size=(30, 2))
    yv = Xv @ np.array([2.0, -1.0]) + 0.5
    X, y = Input("X"), Input("y")
    w, b = Param("w", np.zeros(2)), Param("b", 0.0)
    graph = Graph(ad.mean(ad.square(y - (X @ w + b))))
    history = train(graph, {"X": Xv, "y": yv}, optimizer="sgd", lr=0.05, steps=3000, batch_size=1)
    np.testing.assert_allclose(w.value, [2.0, -1.0], atol=1e-6)
    assert b.value == pytest.approx(0.5, abs=1e-6)
    assert len(history) == 3001


def test_divergence_stops_quietly() -> None:
    graph, _w = _quadratic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        history = train(graph, {}, optimizer="gd", lr=5.0, steps=10_000)
    assert history.diverged and history.final == float("inf")
    assert history.steps < 10_000


def test_clipping_tames_a_diverging_step() -> None:
    graph, _ = _quadratic()
    wild = train(graph, {}, optimizer="gd", lr=1.5, steps=200)
    graph, _ = _quadratic()
    clipped = train(graph, {}, optimizer="gd", lr=1.5, steps=200, clip=0.5)
    assert wild.final > 1e3 or wild.diverged
    assert clipped.final < wild.final


def test_tol_stops_early() -> None:
    graph, _ = _quadratic()
    history = train(graph, {}, optimizer="gd", lr=0.1, steps=1000, tol=1e-6)
    assert history.final <= 1e-6 and history.steps < 1000


def test_bad_arguments_are_explained() -> None:
    graph, w = _quadratic()
    with pytest.raises(ValueError, match="lr must be a positive number"):
        train(graph, {}, optimizer="gd", lr=-1.0)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        train(graph, {}, steps=2.5)
    with pytest.raises(ValueError, match="unknown optimizer 'newton'"):
        train(graph, {}, optimizer="newton")
    with pytest.raises(TypeError, match="graph must be a Graph"):
        train("graph", {})
    X = Input("X")
    g2 = Graph(ad.sum(X * w))
    with pytest.raises(ValueError, match="batch_size must be between 1 and 4"):
        train(g2, {"X": np.ones((4, 2))}, batch_size=9)


def test_single_example_graph_trains_with_batch_size_one() -> None:
    """The slides' graph of one example: x of shape (1, d) gives a loss of shape (1,)."""
    from lecturelib.regression import regression_graph

    model = regression_graph([0.0, 0.0])
    rng = np.random.default_rng(1)
    Xv = rng.normal(size=(20, 2))
    yv = Xv @ np.array([1.5, -0.5]) + 0.25
    history = train(
        model.graph, {"x": Xv, "y": yv}, optimizer="sgd", lr=0.05, steps=2000, batch_size=1
    )
    np.testing.assert_allclose(model.w.value, [1.5, -0.5], atol=1e-6)
    assert history.final < 1e-12


def test_negative_objectives_train_and_callback_can_stop() -> None:
    w = Param("w", np.array([1.0]))
    graph = Graph(ad.sum(ad.square(w) - 5.0, name="J"))  # minimum -5 at w = 0
    history = train(graph, {}, optimizer="gd", lr=0.1, steps=200)
    assert history.steps == 200 and history.final == pytest.approx(-5.0)
    w.value = [1.0]
    stopped = train(graph, {}, optimizer="gd", lr=0.1, steps=200, callback=lambda t, j: t >= 3)
    assert stopped.steps == 3 and not stopped.diverged


def test_lbfgs_bounds_keep_parameters_in_the_box() -> None:
    graph, w = _quadratic()  # unconstrained minimum at w = (3, 3)
    train(graph, {}, optimizer="lbfgs", steps=100, bounds={"w": (-1.0, 2.0)})
    np.testing.assert_allclose(w.value, [2.0, 2.0])
    with pytest.raises(ValueError, match="bounds name unknown parameters"):
        train(graph, {}, optimizer="lbfgs", bounds={"v": (0.0, 1.0)})
    with pytest.raises(ValueError, match="bounds work with optimizer='lbfgs' only"):
        train(graph, {}, optimizer="adam", bounds={"w": (0.0, 1.0)})
