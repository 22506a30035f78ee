"""Contracts of lecturelib.optim that the docstrings promise, checked one by one.

Update formulas against hand computation, stopping rules (``steps``, ``tol``, ``ftol``,
callbacks), divergence handling and the History it returns, minibatch sampling, error
messages that name the argument, the progress bar's settings, and Levenberg-Marquardt's
algorithm 3.16 (Madsen, Nielsen and Tingleff) step by step.
"""

from __future__ import annotations

import itertools
import warnings
from typing import ClassVar

import numpy as np
import pytest
from scipy.optimize import least_squares

from lecturelib import autodiff as ad
from lecturelib import optim
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.optim import (
    Adam,
    GradientDescent,
    History,
    Momentum,
    Optimizer,
    clip_by_norm,
    levenberg_marquardt,
    make_optimizer,
    train,
)

# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------


def _quadratic(start=(0.0, 10.0)) -> tuple[Graph, Param]:
    """J = sum((w - 3)^2): minimum at w = 3."""
    w = Param("w", np.array(start, dtype=float))
    return Graph(ad.sum(ad.square(w - 3.0), name="J")), w


def _rosenbrock() -> tuple[Graph, Param]:
    """J = (1 - x)^2 + 100 (y - x^2)^2 from (-1.2, 1): slow for L-BFGS, many iterations."""
    x = Param("x", np.array(-1.2))
    y = Param("y", np.array(1.0))
    return Graph(ad.square(1.0 - x) + 100.0 * ad.square(y - ad.square(x))), x


def _grad(graph: Graph, w: Param) -> np.ndarray:
    graph.forward()
    graph.backward()
    return w.grad.copy()


class _RecordingBar:
    """Stands in for DelayedBar: records what the optimiser asked for."""

    made: ClassVar[list[_RecordingBar]] = []

    def __init__(self, total, desc, delay=2.0) -> None:
        self.total, self.desc, self.delay, self.n = total, desc, delay, 0
        _RecordingBar.made.append(self)

    def update(self, n=1) -> None:
        self.n += n

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass


@pytest.fixture
def bars(monkeypatch) -> list[_RecordingBar]:
    _RecordingBar.made = []
    monkeypatch.setattr(optim, "DelayedBar", _RecordingBar)
    return _RecordingBar.made


# --------------------------------------------------------------------------------------
# Optimisers: updates by hand, validation, repr
# --------------------------------------------------------------------------------------


def test_step_returns_the_joint_gradient_norm() -> None:
    graph, w = _quadratic()
    g = _grad(graph, w)  # (-6, 14)
    norm = GradientDescent([w], lr=0.1).step()
    assert norm == pytest.approx(float(np.sqrt(np.sum(g * g))))


def test_step_without_gradients_names_the_fix() -> None:
    w = Param("w", np.array([1.0]))
    with pytest.raises(RuntimeError, match=r"^step\(\) needs gradients: run graph\.forward"):
        GradientDescent([w], lr=0.1).step()


def test_optimiser_rejects_non_params_with_a_hint() -> None:
    with pytest.raises(
        TypeError, match=r"^an optimiser updates Param nodes; pass graph\.params\.values\(\)$"
    ):
        GradientDescent([np.zeros(2)], lr=0.1)


@pytest.mark.parametrize("bad", [True, 0, 0.0, -1.0, "0.1"])
def test_lr_must_be_a_positive_number(bad) -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match="lr must be a positive number"):
        GradientDescent([w], lr=bad)


def test_lr_and_clip_must_be_finite() -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match="lr must be finite"):
        GradientDescent([w], lr=float("inf"))
    with pytest.raises(ValueError, match="clip must be finite"):
        GradientDescent([w], lr=0.1, clip=float("inf"))


def test_clip_errors_name_clip() -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match=r"^clip must be a positive number"):
        GradientDescent([w], lr=0.1, clip=-1.0)


def test_repr_shows_lr_and_clip() -> None:
    _, w = _quadratic()
    assert repr(GradientDescent([w], lr=0.1)) == "GradientDescent(lr=0.1)"
    assert repr(Adam([w], lr=0.01, clip=2.0)) == "Adam(lr=0.01, clip=2)"
    assert repr(Momentum([w], lr=0.05)) == "Momentum(lr=0.05)"


@pytest.mark.parametrize("cls", [Momentum, Adam])
def test_momentum_and_adam_clip_their_gradients(cls) -> None:
    graph, w = _quadratic()
    g = _grad(graph, w)
    opt = cls([w], lr=0.1, clip=1.0)
    assert opt.clip == 1.0
    norm = opt.step()
    assert norm == pytest.approx(float(np.linalg.norm(g)))  # the norm before clipping
    if cls is Momentum:  # v = clipped g, step = lr v
        np.testing.assert_allclose(w.value, [0.0, 10.0] - 0.1 * g / np.linalg.norm(g))


def test_momentum_with_beta_zero_is_gradient_descent() -> None:
    graph, w = _quadratic()
    opt = Momentum([w], lr=0.1, beta=0.0)
    for _ in range(3):
        g = _grad(graph, w)
        before = w.value.copy()
        opt.step()
        np.testing.assert_allclose(w.value, before - 0.1 * g)
    assert w.value.dtype == np.float64
    assert opt.velocity[0].shape == w.value.shape


@pytest.mark.parametrize("beta", [1.0, 1.5, -0.1])
def test_momentum_beta_must_be_in_unit_interval(beta) -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match=r"momentum: beta must be in \[0, 1\)"):
        Momentum([w], lr=0.1, beta=beta)


@pytest.mark.parametrize("betas", [(1.0, 0.5), (1.5, 0.5), (0.5, 1.0), (0.5, 1.5), (-0.1, 0.5)])
def test_adam_betas_must_be_in_unit_interval(betas) -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match=r"adam: betas must be in \[0, 1\)"):
        Adam([w], lr=0.1, betas=betas)


def test_adam_accepts_zero_betas_and_then_steps_lr_times_sign() -> None:
    graph, w = _quadratic()
    opt = Adam([w], lr=0.5, betas=(0.0, 0.0), eps=0.0)
    g = _grad(graph, w)
    opt.step()
    np.testing.assert_allclose(w.value, [0.0, 10.0] - 0.5 * np.sign(g))


def test_adam_two_steps_by_hand() -> None:
    """m, v running averages with bias correction by 1 - beta^t, t counting the steps."""
    graph, w = _quadratic()
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    opt = Adam([w], lr=lr, betas=(b1, b2), eps=eps)
    m = np.zeros(2)
    v = np.zeros(2)
    for t in (1, 2, 3):
        g = _grad(graph, w)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        expected = w.value - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        opt.step()
        np.testing.assert_allclose(w.value, expected, rtol=1e-12)
    assert opt.t == 3
    assert opt.m[0].shape == opt.v[0].shape == (2,)


def test_running_averages_start_at_zero_in_the_params_shape() -> None:
    _, w = _quadratic()
    mom = Momentum([w], lr=0.1)
    adam = Adam([w], lr=0.1)
    for state in (mom.velocity[0], adam.m[0], adam.v[0]):
        assert state.dtype == np.float64 and state.shape == (2,)
        np.testing.assert_array_equal(state, 0.0)


def test_make_optimizer_error_lists_the_choices() -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match=r"choose one of gd, sgd, momentum, adam, lbfgs$"):
        make_optimizer("newton", [w])


# --------------------------------------------------------------------------------------
# The step-size schedule: eta_t = lr / (1 + t / decay)
# --------------------------------------------------------------------------------------


def test_decay_shrinks_the_step_by_hand() -> None:
    graph, w = _quadratic()
    opt = GradientDescent([w], lr=0.1, decay=2.0)
    for t in range(4):
        g = _grad(graph, w)
        before = w.value.copy()
        opt.step()
        assert opt.eta == 0.1 / (1.0 + t / 2.0) == opt.step_size(t)
        np.testing.assert_array_equal(w.value, before - opt.eta * g)
    assert repr(opt) == "GradientDescent(lr=0.1, decay=2)"


def test_momentum_and_adam_take_the_schedule_by_hand() -> None:
    """The schedule scales the step, eta_t = lr / (1 + t / decay); the running averages are
    those of the gradients, as without it."""
    lr, decay = 0.1, 3.0
    graph, w = _quadratic()
    opt = Momentum([w], lr=lr, beta=0.5, decay=decay)
    v = np.zeros(2)
    for t in range(3):
        g = _grad(graph, w)
        v = 0.5 * v + g
        expected = w.value - lr / (1 + t / decay) * v
        opt.step()
        np.testing.assert_allclose(w.value, expected, rtol=1e-14)
    graph, w = _quadratic()
    opt = Adam([w], lr=lr, decay=decay)
    m, v = np.zeros(2), np.zeros(2)
    for t in range(3):
        g = _grad(graph, w)
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9 ** (t + 1)), v / (1 - 0.999 ** (t + 1))
        expected = w.value - lr / (1 + t / decay) * m_hat / (np.sqrt(v_hat) + 1e-8)
        opt.step()
        np.testing.assert_allclose(w.value, expected, rtol=1e-12)


def test_decay_must_be_a_positive_number() -> None:
    _, w = _quadratic()
    with pytest.raises(ValueError, match=r"^decay must be a positive number"):
        GradientDescent([w], lr=0.1, decay=0.0)


def test_train_decay_equals_the_scheduled_optimiser() -> None:
    graph, w = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=0.2, decay=5.0, steps=6)
    other, w2 = _quadratic()
    opt = GradientDescent([w2], lr=0.2, decay=5.0)
    h2 = train(other, {}, optimizer=opt, steps=6)
    assert (
        h.losses == h2.losses and h.optimizer == h2.optimizer == "GradientDescent(lr=0.2, decay=5)"
    )
    np.testing.assert_array_equal(w.value, w2.value)
    with pytest.raises(ValueError, match=r"give the Optimizer object its decay"):
        train(other, {}, optimizer=opt, decay=5.0)
    with pytest.raises(ValueError, match=r"decay and record_every work with the step-wise"):
        train(other, {}, optimizer="lbfgs", decay=5.0)


# --------------------------------------------------------------------------------------
# Recording the parameters, and the one divergence rule
# --------------------------------------------------------------------------------------


def test_record_every_keeps_copies_from_step_0_and_the_last_step() -> None:
    graph, w = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=0.25, steps=7, record_every=3)
    assert h.recorded_steps == [0, 3, 6, 7]
    # w - 3 halves each step from (-3, 7)
    for step, params in zip(h.recorded_steps, h.recorded_params, strict=True):
        np.testing.assert_array_equal(params["w"], 3.0 + np.array([-3.0, 7.0]) / 2.0**step)
    assert h.recorded_params[-1]["w"] is not w.value  # a copy, not the parameter itself
    assert train(_quadratic()[0], {}, optimizer="gd", steps=3).recorded_steps == []


def test_record_every_ends_where_tol_or_the_callback_stops() -> None:
    graph, _ = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=0.25, steps=50, tol=1.0, record_every=10)
    assert h.recorded_steps == [0, h.steps] and h.losses[-1] <= 1.0
    graph, _ = _quadratic()
    h = train(
        graph, {}, optimizer="gd", lr=0.25, steps=50, record_every=2, callback=lambda t, j: t == 3
    )
    assert h.recorded_steps == [0, 2, 3] and h.steps == 3


@pytest.mark.parametrize("bad", [0, 1.5, True, "2"])
def test_record_every_must_be_whole(bad) -> None:
    graph, _ = _quadratic()
    with pytest.raises(ValueError, match="record_every must be a whole number >= 1 or None"):
        train(graph, {}, optimizer="gd", steps=2, record_every=bad)


def test_a_diverged_run_records_nothing_past_its_last_sound_step() -> None:
    graph, w = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=5.0, steps=500, record_every=1)
    assert h.diverged and h.diverged_at == h.steps == len(h.losses) - 1
    assert h.recorded_steps == list(range(h.diverged_at))
    assert all(np.abs(p["w"]).max() < optim.PARAMETER_LIMIT for p in h.recorded_params)
    assert not optim.blown_up(h.losses[-2], [Param("w", h.recorded_params[-1]["w"])])
    np.testing.assert_array_equal(w.value, [0.0, 10.0])  # the best parameters put back


def test_a_parameter_past_the_limit_diverges_even_when_the_loss_looks_tame() -> None:
    w = Param("w", np.array([0.0]))
    graph = Graph(ad.sum(-1.0 * w))  # J = -w: finite (and falling) however large w grows
    h = train(graph, {}, optimizer="gd", lr=3e49, steps=10)
    assert h.diverged and h.diverged_at == 4  # w = 9e49 after 3 steps, 1.2e50 after 4
    assert h.losses[-2] == pytest.approx(-9e49) and h.restored_step == 3
    np.testing.assert_allclose(w.value, [9e49])


def test_blown_up_is_one_rule_for_losses_and_parameters() -> None:
    sound = [Param("w", np.array([1.0, -2.0])), Param("b", 0.5)]
    assert not optim.blown_up(1.0, sound) and not optim.blown_up(-1e300, sound)
    for loss in (float("nan"), float("inf"), -float("inf"), optim.DIVERGED):
        assert optim.blown_up(loss, sound)
    assert optim.PARAMETER_LIMIT == 1e50
    for value in (1e50, -1e50, float("nan"), float("inf")):
        w, b = Param("w", np.zeros(2)), Param("b", 0.0)
        w.assign(np.array([0.0, value]))  # as an optimiser does: unchecked
        assert optim.blown_up(1.0, [b, w])
        b.assign(np.array(value))
        assert optim.blown_up(1.0, [b])
    assert not optim.blown_up(1.0, [Param("w", np.zeros(0))])


# --------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------


def test_history_iterates_over_losses_and_reports() -> None:
    h = History(losses=[2.0, 1.0, 0.5], optimizer="GD")
    assert list(h) == [2.0, 1.0, 0.5]
    assert h.steps == 2 and h.final == 0.5
    assert repr(h) == "History(GD, 2 steps, final loss 0.5)"
    # A restored step only matters after a divergence.
    h.restored_step = 1
    assert repr(h) == "History(GD, 2 steps, final loss 0.5)"
    h.diverged = True
    assert repr(h) == "History(GD, 2 steps, diverged; parameters put back to step 1 (loss 1))"
    h.restored_step = None
    assert repr(h) == "History(GD, 2 steps, diverged)"
    assert h.final == float("inf")


# --------------------------------------------------------------------------------------
# train: arguments and errors
# --------------------------------------------------------------------------------------


def test_train_rejects_a_non_graph_naming_its_type() -> None:
    with pytest.raises(TypeError, match="graph must be a Graph, got list"):
        train([1, 2], {})


def test_train_with_zero_steps_only_evaluates() -> None:
    graph, w = _quadratic()
    h = train(graph, {}, optimizer="gd", steps=0)
    assert h.losses == [9.0 + 49.0] and h.steps == 0 and not h.diverged
    np.testing.assert_array_equal(w.value, [0.0, 10.0])


def test_lbfgs_with_zero_steps_only_evaluates() -> None:
    graph, w = _quadratic()
    h = train(graph, {}, optimizer="lbfgs", steps=0)
    assert h.losses == [58.0]
    np.testing.assert_array_equal(w.value, [0.0, 10.0])


@pytest.mark.parametrize("tol", ["0.1", True])
def test_tol_must_be_a_number(tol) -> None:
    graph, _ = _quadratic()
    with pytest.raises(ValueError, match="train: tol must be a number or None"):
        train(graph, {}, optimizer="gd", steps=3, tol=tol)


def test_lbfgs_refuses_minibatches() -> None:
    graph, _ = _quadratic()
    with pytest.raises(
        ValueError, match=r"^train: L-BFGS works on the full batch; leave batch_size=None$"
    ):
        train(graph, {}, optimizer="lbfgs", batch_size=1)


def test_bounds_only_for_lbfgs() -> None:
    graph, _ = _quadratic()
    with pytest.raises(ValueError, match=r"^train: bounds work with optimizer='lbfgs' only$"):
        train(graph, {}, optimizer="gd", bounds={"w": (0.0, 1.0)})


def test_vector_objective_is_refused() -> None:
    w = Param("w", np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="train needs a scalar objective, got shape"):
        train(Graph(ad.square(w)), {}, optimizer="gd", steps=1)


def test_default_steps_is_1000() -> None:
    graph, _ = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=1e-4)
    assert h.steps == 1000


def test_train_uses_a_given_optimizer_object() -> None:
    graph, _w = _quadratic()
    opt = Momentum(list(graph.params.values()), lr=0.01, beta=0.5)
    h = train(graph, {}, optimizer=opt, steps=2)
    assert h.optimizer == "Momentum(lr=0.01)"
    assert opt.t == 2


def test_history_names_the_optimizer() -> None:
    graph, _ = _quadratic()
    assert train(graph, {}, optimizer="adam", steps=1).optimizer == "Adam(lr=0.01)"
    assert train(graph, {}, optimizer="lbfgs", steps=1).optimizer == "L-BFGS (scipy)"


def test_train_steps_and_losses_by_hand() -> None:
    graph, _w = _quadratic()
    h = train(graph, {}, optimizer="gd", lr=0.25, steps=3)
    # w - 3 halves each step: J = 58 / 4^t
    np.testing.assert_allclose(h.losses, [58.0, 14.5, 3.625, 0.90625])
    assert len(h.grad_norms) == 3


# --------------------------------------------------------------------------------------
# train: tol and callbacks
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["gd", "lbfgs"])
def test_tol_stops_at_or_below(optimizer) -> None:
    graph, _ = _rosenbrock()
    full = train(graph, {}, optimizer=optimizer, lr=1e-3, steps=8)
    graph, _ = _rosenbrock()
    tol = full.losses[4]  # exactly a loss seen on the way: stop there
    h = train(graph, {}, optimizer=optimizer, lr=1e-3, steps=8, tol=tol)
    assert h.losses == full.losses[:5]


def test_callback_sees_step_and_loss_and_can_stop() -> None:
    graph, _w = _quadratic()
    seen = []

    def callback(step, loss):
        seen.append((step, loss))
        return step == 2

    h = train(graph, {}, optimizer="gd", lr=0.25, steps=10, callback=callback)
    assert seen == [(1, 58.0), (2, 14.5)]
    # The loss after the last step taken is recorded.
    assert h.losses == [58.0, 14.5, 3.625]
    assert all(isinstance(x, float) for x in h.losses)


@pytest.mark.parametrize("answer", [None, False, 0])
def test_lbfgs_callback_returning_not_true_continues(answer) -> None:
    graph, _ = _rosenbrock()
    seen = []

    def callback(step, loss):
        seen.append((step, loss))
        return answer

    h = train(graph, {}, optimizer="lbfgs", steps=6, callback=callback)
    assert h.steps == 6
    assert seen == [(i, h.losses[i]) for i in range(1, 7)]


def test_lbfgs_callback_true_stops() -> None:
    graph, _ = _rosenbrock()
    h = train(graph, {}, optimizer="lbfgs", steps=20, callback=lambda step, loss: step == 3)
    assert h.steps == 3


@pytest.mark.parametrize("steps", [1, 3, 5])
def test_lbfgs_takes_exactly_steps_iterations(steps) -> None:
    graph, _x = _rosenbrock()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="lbfgs", steps=steps)
    assert h.steps == steps
    assert all(isinstance(v, float) for v in h.losses)
    assert all(b <= a for a, b in itertools.pairwise(h.losses))
    assert h.losses[0] == pytest.approx(2.2**2 + 100 * (1 - 1.44) ** 2)
    assert h.losses[-1] == pytest.approx(float(graph.forward()))


def test_lbfgs_is_precise_on_rosenbrock() -> None:
    graph, x = _rosenbrock()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="lbfgs", steps=200)
    assert h.final < 1e-20
    assert x.value == pytest.approx(1.0, abs=1e-9)


# --------------------------------------------------------------------------------------
# Non-finite objectives: no warnings, History says so
# --------------------------------------------------------------------------------------


def _expanded_square(w0: float, v0: float) -> tuple[Graph, Param]:
    """J = w^2 + v^2 + 2 w v = (w + v)^2, written out: inf - inf = nan for huge w = -v."""
    w = Param("w", np.array([w0]))
    v = Param("v", np.array([v0]))
    return Graph(ad.sum(ad.square(w) + ad.square(v) + 2.0 * w * v)), w


def test_nan_loss_counts_as_divergence_quietly() -> None:
    graph, w = _expanded_square(1.0, 0.0)  # one step of lr=1e160: w = -v = 2e160, J = nan
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="gd", lr=1e160, steps=5)
    assert h.diverged
    assert h.losses[-1] == float("inf") and len(h) == 2
    assert h.restored_step == 0
    np.testing.assert_array_equal(w.value, [1.0])


def test_overflow_counts_as_divergence_quietly() -> None:
    graph, w = _quadratic()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="gd", lr=1e3, steps=500)
    assert h.diverged and h.restored_step == 0
    np.testing.assert_array_equal(w.value, [0.0, 10.0])


def test_huge_finite_loss_counts_as_divergence() -> None:
    w = Param("w", np.array([1.0]))
    graph = Graph(ad.sum(ad.square(w)))
    h = train(graph, {}, optimizer="gd", lr=1e60, steps=10)  # w -> -2e60, J = 4e120
    assert h.diverged
    assert h.losses == [1.0, float("inf")]
    assert h.restored_step == 0


def test_non_finite_start_has_no_step_to_restore() -> None:
    graph, _ = _expanded_square(1e200, -1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="gd", lr=0.1, steps=5)
    assert h.diverged and h.restored_step is None and h.losses == [float("inf")]


def test_divergence_restores_the_first_best_step() -> None:
    w = Param("w", np.array([1.0]))
    graph = Graph(ad.sum(ad.square(w)))
    opt = GradientDescent([w], lr=1.0)  # w -> -w: the loss stays 1

    def blow_up(step, loss):
        if step == 1:
            opt.lr = 1e60

    h = train(graph, {}, optimizer=opt, steps=10, callback=blow_up)
    assert h.diverged and h.losses[:2] == [1.0, 1.0]
    assert h.restored_step == 0
    np.testing.assert_array_equal(w.value, [1.0])


def test_lbfgs_steps_into_nan_region_quietly() -> None:
    """J = w^2 + q - q/2 with q = (10 w)^512: inf - inf = nan at L-BFGS's first trial.

    The first trial is a unit step against the gradient, from 0.1 to -0.9, where q
    overflows; the line search must back off without a warning or an exception.
    """
    w = Param("w", np.array([0.1]))
    q = 10.0 * w
    for _ in range(9):
        q = ad.square(q)
    graph = Graph(ad.sum(ad.square(w) + q - 0.5 * q))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="lbfgs", steps=50)
    assert not h.diverged
    assert np.isfinite(w.value).all()
    assert all(np.isfinite(h.losses))
    assert all(b <= a for a, b in itertools.pairwise(h.losses))


def test_lbfgs_non_finite_start_is_quiet() -> None:
    w = Param("w", np.array([1e200]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(Graph(ad.sum(ad.square(w))), {}, optimizer="lbfgs", steps=3)
    assert h.losses[0] == float("inf")
    graph, _ = _expanded_square(1e200, -1e200)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h = train(graph, {}, optimizer="lbfgs", steps=3)
    assert all(isinstance(v, float) for v in h.losses)


# --------------------------------------------------------------------------------------
# Minibatches
# --------------------------------------------------------------------------------------


def _subset_graph() -> Graph:
    """The loss is sum(x) + c with w fixed at its minimum: it identifies the minibatch."""
    x, c = Input("x"), Input("c")
    w = Param("w", np.zeros(1))
    return Graph(ad.sum(x) + c + ad.sum(ad.square(w)))


POWERS = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0])


@pytest.mark.parametrize("batch_size", [1, 2, 3, 6])
def test_minibatches_are_distinct_examples_of_the_right_size(batch_size) -> None:
    h = train(
        _subset_graph(),
        {"x": POWERS, "c": 0.0},
        optimizer="sgd",
        steps=60,
        batch_size=batch_size,
    )
    picked = [int(v) for v in h.losses]
    assert all(v == loss for v, loss in zip(picked, h.losses, strict=True))
    assert all(bin(v).count("1") == batch_size for v in picked)  # distinct examples
    covered = np.bitwise_or.reduce(picked)
    assert covered == 63  # every example is drawn sometime


def test_minibatch_sampling_is_seeded() -> None:
    feeds = {"x": POWERS, "c": 0.0}
    a = train(_subset_graph(), feeds, optimizer="sgd", steps=30, batch_size=2)
    b = train(_subset_graph(), feeds, optimizer="sgd", steps=30, batch_size=2, seed=0)
    c = train(_subset_graph(), feeds, optimizer="sgd", steps=30, batch_size=2, seed=0)
    d = train(_subset_graph(), feeds, optimizer="sgd", steps=30, batch_size=2, seed=1)
    assert a.losses == b.losses == c.losses
    assert a.losses != d.losses


def test_one_example_per_step_is_default_rng_integers_once_per_step() -> None:
    """batch_size=1 draws the example of each step as default_rng(seed).integers(n) would."""
    h = train(_subset_graph(), {"x": POWERS, "c": 0.0}, optimizer="sgd", steps=600, seed=7,
              batch_size=1)  # fmt: skip
    rng = np.random.default_rng(7)
    assert h.losses == [POWERS[rng.integers(6)] for _ in range(601)]


def test_minibatch_rows_are_read_only() -> None:
    seen = []
    x = Input("x")

    class Spy(ad.Node):
        def forward(self) -> None:
            seen.append(self.inputs[0].value)
            self.value = np.asarray(np.sum(self.inputs[0].value))

        def backward(self) -> None:
            pass

    w = Param("w", np.zeros(1))
    data = POWERS.copy()
    train(Graph(Spy(x) + ad.sum(ad.square(w))), {"x": data}, optimizer="sgd", steps=3,
          batch_size=1)  # fmt: skip
    assert all(not row.flags.writeable for row in seen)
    np.testing.assert_array_equal(data, POWERS)


@pytest.mark.parametrize("batch_size", [2.0, True, "2"])
def test_batch_size_must_be_whole(batch_size) -> None:
    with pytest.raises(ValueError, match="batch_size must be a whole number or None"):
        train(_subset_graph(), {"x": POWERS, "c": 0.0}, optimizer="sgd", batch_size=batch_size)


def test_batch_size_range_and_shapes() -> None:
    with pytest.raises(ValueError, match="batch_size must be between 1 and 6, got 7"):
        train(_subset_graph(), {"x": POWERS, "c": 0.0}, optimizer="sgd", batch_size=7)
    with pytest.raises(ValueError, match="same number of examples along its first axis"):
        train(_subset_graph(), {"x": POWERS, "c": np.zeros(2)}, optimizer="sgd", batch_size=2)


# --------------------------------------------------------------------------------------
# Progress bars
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("progress", "delay"), [(None, 2.0), (False, float("inf")), (True, 0)])
def test_train_progress_bar_settings(bars, progress, delay) -> None:
    graph, _ = _quadratic()
    train(graph, {}, optimizer="adam", steps=7, progress=progress)
    (bar,) = bars
    assert (bar.total, bar.desc, bar.delay, bar.n) == (7, "training (adam)", delay, 7)


def test_lbfgs_progress_bar(bars) -> None:
    graph, _ = _rosenbrock()
    h = train(graph, {}, optimizer="lbfgs", steps=4, progress=True)
    (bar,) = bars
    assert (bar.total, bar.desc, bar.delay, bar.n) == (4, "training (lbfgs)", 0, h.steps)


def test_lm_progress_bar(bars) -> None:
    residuals, jacobian = _exp_problem()
    _, h = levenberg_marquardt(residuals, jacobian, [1.0, -1.0, 0.0], steps=5, progress=False)
    (bar,) = bars
    assert (bar.total, bar.desc, bar.delay) == (5, "training (Levenberg-Marquardt)", float("inf"))
    assert bar.n == h.steps == 5


# --------------------------------------------------------------------------------------
# Levenberg-Marquardt
# --------------------------------------------------------------------------------------

T = np.linspace(0.0, 2.0, 32)  # m = 32, a power of two: cost / m is exact
Y = 2.0 * np.exp(-1.3 * T) + 0.5 + 0.01 * np.sin(17 * T)


def _exp_problem(scale: float = 1.0):
    state = {}

    def residuals(theta):
        a, b, c = theta
        state["theta"] = np.array(theta, dtype=float)
        return scale * (a * np.exp(b * T) + c - Y)

    def jacobian():
        a, b, _ = state["theta"]
        e = np.exp(b * T)
        return scale * np.column_stack([e, a * T * e, np.ones_like(T)])

    return residuals, jacobian


def _rosenbrock_problem(a: float = 100.0):
    """Rosenbrock as least squares: r = (a (y - x^2), 1 - x)."""
    state = {}

    def residuals(theta):
        state["theta"] = np.array(theta, dtype=float)
        x, y = theta
        return np.array([a * (y - x * x), 1.0 - x])

    def jacobian():
        x, _ = state["theta"]
        return np.array([[-2.0 * a * x, a], [-1.0, 0.0]])

    return residuals, jacobian


def _reference_lm(residuals, jacobian, theta, steps, ftol):
    """Algorithm 3.16 of Madsen, Nielsen and Tingleff with MINPACK's ftol test."""
    theta = np.array(theta, dtype=float)
    r = residuals(theta)
    m = r.size
    cost = r @ r
    J = jacobian()
    A, g = J.T @ J, J.T @ r
    mu, nu = 1e-3 * A.diagonal().max(), 2.0
    losses = [cost / m]
    for _ in range(steps):
        h = np.linalg.solve(A + mu * np.eye(theta.size), g)
        trial = theta - h
        r_new = residuals(trial)
        cost_new = r_new @ r_new
        converged = False
        if cost_new < cost:
            predicted = mu * (h @ h) + h @ g
            rho = (cost - cost_new) / predicted
            converged = cost - cost_new <= ftol * cost and predicted <= ftol * cost
            theta, r, cost = trial, r_new, cost_new
            J = jacobian()
            A, g = J.T @ J, J.T @ r
            mu *= max(1 / 3, 1 - (2 * rho - 1) ** 3)
            nu = 2.0
        else:
            mu *= nu
            nu *= 2.0
        losses.append(cost / m)
        if converged:
            break
    return theta, losses


@pytest.mark.parametrize(
    ("problem", "start", "ftol", "steps"),
    [
        (lambda: _exp_problem(), [5.0, 1.0, 0.0], 1e-6, 40),
        (lambda: _exp_problem(), [1.0, -1.0, 0.0], 1e-6, 40),
        (lambda: _exp_problem(0.01), [5.0, 1.0, 0.0], 1e-6, 40),
        (lambda: _exp_problem(), [5.0, 1.0, 0.0], 1e-2, 40),
        (lambda: _exp_problem(30.0), [1.0, -1.0, 0.0], 1e-3, 40),
        (lambda: _exp_problem(), [1.0, 3.0, 0.0], 1e-6, 40),
        (lambda: _rosenbrock_problem(), [0.0, 10.0], 1e-8, 30),
        (lambda: _rosenbrock_problem(), [3.0, -3.0], 1e-8, 30),
        (lambda: _rosenbrock_problem(10.0), [-10.0, 50.0], 1e-8, 30),
    ],
)
def test_lm_follows_algorithm_3_16(problem, start, ftol, steps) -> None:
    residuals, jacobian = problem()
    theta, h = levenberg_marquardt(residuals, jacobian, start, steps=steps, ftol=ftol)
    residuals, jacobian = problem()
    ref_theta, ref_losses = _reference_lm(residuals, jacobian, start, steps, ftol)
    assert len(h.losses) == len(ref_losses)
    np.testing.assert_allclose(h.losses, ref_losses, rtol=1e-8)
    np.testing.assert_allclose(theta, ref_theta, rtol=1e-6, atol=1e-9)


def test_lm_refusals_happen_in_the_reference_problem() -> None:
    """Guard for the test above: the far start exercises refused steps, several in a row."""
    residuals, jacobian = _rosenbrock_problem()
    _, losses = _reference_lm(residuals, jacobian, [0.0, 10.0], 30, 1e-8)
    flat = [a == b for a, b in itertools.pairwise(losses)]
    assert any(x and y for x, y in itertools.pairwise(flat))


def test_lm_matches_minpack_and_never_increases() -> None:
    residuals, jacobian = _exp_problem()
    seen = []
    theta, h = levenberg_marquardt(
        residuals, jacobian, [1.0, -1.0, 0.0], callback=lambda t, loss: seen.append((t, loss))
    )
    ref = least_squares(lambda th: _exp_problem()[0](th), [1.0, -1.0, 0.0], method="lm")
    np.testing.assert_allclose(theta, ref.x, rtol=1e-6)
    assert all(b <= a for a, b in itertools.pairwise(h.losses))
    assert seen == [(t, h.losses[t]) for t in range(1, len(h.losses))]
    assert h.losses[0] == pytest.approx(np.mean(residuals(np.array([1.0, -1.0, 0.0])) ** 2))
    assert h.optimizer == "Levenberg-Marquardt"


def test_lm_losses_are_float64_means_of_squares() -> None:
    r0 = (np.arange(1, 9, dtype=np.float32) / 3).astype(np.float32)

    def residuals(theta):
        return (r0 * theta[0]).astype(np.float32)

    def jacobian():
        return r0.astype(np.float64)[:, None]

    theta, h = levenberg_marquardt(residuals, jacobian, [1], steps=0)
    r64 = r0.astype(np.float64)
    assert h.losses[0] == float(np.dot(r64, r64)) / 8
    assert theta.dtype == np.float64


def test_lm_tol_stops_at_or_below() -> None:
    residuals, jacobian = _exp_problem()
    _, full = levenberg_marquardt(residuals, jacobian, [5.0, 1.0, 0.0], steps=30)
    k = next(i for i in range(2, len(full)) if full[i] < full[i - 1])
    residuals, jacobian = _exp_problem()
    _, h = levenberg_marquardt(residuals, jacobian, [5.0, 1.0, 0.0], steps=30, tol=full[k])
    assert h.losses == full.losses[: k + 1]


def test_lm_callback_true_stops() -> None:
    residuals, jacobian = _exp_problem()
    _, h = levenberg_marquardt(residuals, jacobian, [1.0, -1.0, 0.0], callback=lambda t, x: t == 2)
    assert h.steps == 2


def test_lm_default_is_200_iterations() -> None:
    """r = theta^2: Gauss-Newton halves theta, never a negligible step relative to theta."""
    _theta, h = levenberg_marquardt(
        _square_residuals, lambda: 2 * np.diag(_last[0]), [1e70], ftol=0.0
    )
    assert h.steps == 200


_last = [np.zeros(1)]


@pytest.fixture(autouse=True)
def _reset_last():
    _last[0] = np.zeros(1)


def _square_residuals(th):
    _last[0] = np.array(th, dtype=float)
    return th**2


def test_lm_relatively_large_steps_are_not_negligible() -> None:
    theta, h = levenberg_marquardt(
        _square_residuals, lambda: 2 * np.diag(_last[0]), [1.0], steps=80, ftol=0.0
    )
    assert h.steps == 80
    assert all(b < a for a, b in itertools.pairwise(h.losses))
    assert 0 < theta[0] < 1e-15


@pytest.mark.parametrize("c", [0.1, 10.0])
def test_lm_stops_at_once_on_a_negligible_gradient(c) -> None:
    """r = c + eps theta with eps = 5e-16 relative: a stationary point to rounding."""
    eps = 5e-16
    theta, h = levenberg_marquardt(lambda th: c + eps * th, lambda: np.array([[eps]]), [0.0])
    assert h.losses == [c * c] and theta[0] == 0.0


def test_lm_refuses_steps_that_do_not_lower_the_objective() -> None:
    """Residuals that ignore theta but a Jacobian that claims a slope: every step refused."""
    theta, h = levenberg_marquardt(lambda th: np.ones(4), lambda: np.ones((4, 1)), [1.0], steps=100)
    assert theta[0] == 1.0
    assert set(h.losses) == {1.0} and 1 < len(h.losses) < 100


def test_lm_returns_even_when_the_jacobian_overflows() -> None:
    theta, h = levenberg_marquardt(
        lambda th: np.ones(2), lambda: np.full((2, 2), 1e200), [1.0, 2.0], steps=10
    )
    np.testing.assert_array_equal(theta, [1.0, 2.0])
    assert isinstance(h, History) and set(h.losses) == {1.0}


def test_lm_trial_outside_the_domain_is_refused_quietly() -> None:
    """r = log(theta) - 1 from 0.05: the Gauss-Newton step leaves theta > 0; no warning."""
    state = {}

    def residuals(th):
        state["th"] = th.copy()
        return np.log(th) - 1.0

    def jacobian():
        return np.array([[1.0 / state["th"][0]]])

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        theta, h = levenberg_marquardt(residuals, jacobian, [0.05], steps=50)
    assert theta[0] == pytest.approx(np.e, rel=1e-6)
    assert all(b <= a for a, b in itertools.pairwise(h.losses))


@pytest.mark.parametrize("steps", [2.5, True, -1])
def test_lm_steps_must_be_whole(steps) -> None:
    with pytest.raises(ValueError, match="levenberg_marquardt: steps must be a whole number"):
        levenberg_marquardt(lambda th: th, lambda: np.eye(1), [1.0], steps=steps)


def test_clip_by_norm_reports_norm() -> None:
    grads, norm = clip_by_norm([np.array([3.0, 4.0])], 10.0)
    assert norm == 5.0 and isinstance(grads, list)


def test_optimizer_base_has_a_name() -> None:
    assert Optimizer.name == "optimizer"


def test_lbfgs_that_overflows_says_so_and_keeps_the_best_parameters() -> None:
    """SciPy's L-BFGS can accept an iterate where the objective overflowed (inf, zero
    gradient) and end at NaN parameters: train() must report the divergence and put back
    the best parameters seen, never return NaN weights with diverged=False."""
    w = Param("w", np.array([0.1]))
    q = ad.square(ad.square(ad.square(ad.square(1e20 * w))))  # (1e20 w)^16
    graph = Graph(ad.sum(w * w + q - 0.5 * q))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        history = train(graph, {}, optimizer="lbfgs", steps=50)
    assert history.diverged
    assert np.all(np.isfinite(w.value))
    assert history.restored_step is not None
    assert graph.forward() == history.losses[history.restored_step]
