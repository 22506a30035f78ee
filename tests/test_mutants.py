"""Tests that catch changes which once survived every other test (mutation testing).

Each test names the mutant it kills: a plausible wrong edit that gave a wrong number
without any test failing.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lecturelib import classification as C
from lecturelib.gradcheck import check_gradients, relative_error
from lecturelib.mlp import MLP
from lecturelib.optim import Adam, clip_by_norm


def test_classification_logistic_is_stable_far_from_zero() -> None:
    """Mutant: a naive 1 / (1 + exp(-z)) overflows (a RuntimeWarning) at z = -1000."""
    z = np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        s = C._sigma("logistic", z)
    np.testing.assert_allclose(
        s, [0.0, np.exp(-40.0) / (1 + np.exp(-40.0)), 0.5, 1.0, 1.0], rtol=1e-15, atol=0
    )
    assert s[0] == 0.0 and 0 < s[1] < 1e-17  # the tiny value itself, not 0 by cancellation


def test_one_mlp_at_two_batch_sizes_gets_both_gradients_right() -> None:
    """Mutant: the affine node's cached ones-vector (for bias sums) never resized."""
    net = MLP([2, 4, 1], seed=1)
    rng = np.random.default_rng(0)
    graph = net.loss_graph()
    for n in (5, 9, 3):
        X = rng.normal(size=(n, 2))
        feeds = {"X": X, "y": np.sin(X[:, :1])}
        assert check_gradients(graph, feeds) < 1e-6


def test_relative_error_divides_by_the_larger_magnitude() -> None:
    """Mutant: min instead of max weakens the gradient oracle itself."""
    assert relative_error(1.0, 2.0) == 0.5
    assert relative_error([1e-12, 3.0], [0.0, 3.0]) == 1.0
    assert relative_error(-2.0, 2.0) == 2.0


@pytest.mark.parametrize("factor", [1.01, 1.5, 1.99, 3.0])
def test_clip_by_norm_clips_every_norm_above_the_threshold(factor: float) -> None:
    """Mutant: clipping only above twice the threshold."""
    g = [np.array([3.0, 4.0]) * factor / 5.0, np.array([0.0])]  # joint norm = factor
    clipped, norm = clip_by_norm(g, 1.0)
    assert norm == pytest.approx(factor)
    assert np.sqrt(sum(np.sum(c * c) for c in clipped)) == pytest.approx(1.0, rel=1e-12)
    unclipped, _ = clip_by_norm(g, factor * 1.001)
    np.testing.assert_array_equal(unclipped[0], g[0])


def test_adam_adds_eps_outside_the_square_root() -> None:
    """Mutant: sqrt(v_hat + eps) instead of sqrt(v_hat) + eps, which matters for small grads."""
    from lecturelib.autodiff import Param

    w = Param("w", np.array([0.0, 0.0]))
    w.grad = np.array([1e-6, -2.0])
    opt = Adam([w], lr=0.1, eps=1e-8)
    opt.step()
    # First step: m_hat = g, v_hat = g^2, so the step is lr * g / (|g| + eps).
    expected = -0.1 * np.array([1e-6 / (1e-6 + 1e-8), -2.0 / (2.0 + 1e-8)])
    np.testing.assert_allclose(w.value, expected, rtol=1e-12)
