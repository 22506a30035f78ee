"""Exercises of notebook 05 (three hidden units, learned by gradient descent).

The student writes the gradient of the training MSE by hand (backprop for the 1-3-1
network) and the gradient-descent loop, counts the parameter vectors that give the same
network, and fits |x| by hand. Each checker draws its own parameters, data and step sizes
(never printed) and compares with central differences (:mod:`lecturelib.gradcheck`) or
with plain gradient descent written here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import approximation as ap
from lecturelib.checks import Exercise
from lecturelib.gradcheck import numerical_gradient, relative_error

__all__ = ["EX3_UNITS", "EX4_BOX", "EX4_GOAL", "ex1", "ex2", "ex3", "ex4"]


def _case(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A theta, inputs and targets the notebook never shows."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(7, 40))
    return rng.normal(0.0, 1.2, 10), rng.uniform(-2.0, 2.0, n), rng.normal(0.0, 1.0, n)


def _reference(theta: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Central differences of the training MSE (tanh units): no backprop involved."""
    probe = np.array(theta, dtype=float)
    return numerical_gradient(lambda: ap.loss_and_gradient(probe, x, y)[0], probe, 1e-6)


# --------------------------------------------------------------------------------------
# 05.1: the gradient of the training MSE, by hand (backprop for the 1-3-1 network)
# --------------------------------------------------------------------------------------
def _as_gradient(value: Any) -> np.ndarray | str:
    if isinstance(value, tuple) and len(value) == 2:
        return "return only the gradient (10 numbers), not (loss, gradient)"
    grad = np.asarray(value, dtype=float).reshape(-1)
    if grad.size != 10:
        return f"return 10 numbers, one per parameter, in the slides' order; got {grad.size}"
    return grad


def _test_ex1(my_gradient: Callable[..., Any]) -> bool | str:
    if not callable(my_gradient):
        return "pass the function itself: nb05.ex1(my_gradient), without calling it"
    for seed in (11, 12, 13):
        theta, x, y = _case(seed)
        grad = _as_gradient(my_gradient(theta.copy(), x.copy(), y.copy()))
        if isinstance(grad, str):
            return grad
        ref = _reference(theta, x, y)
        if relative_error(grad, ref) < 1e-6:
            continue
        b, v, w0, w = slice(0, 3), slice(3, 6), 6, slice(7, 10)
        if relative_error(grad, -ref) < 1e-6:
            return "the sign is flipped: the partial of (f - y)² with respect to f is 2(f - y)"
        if relative_error(2 * grad, ref) < 1e-6:
            return "every entry is half the right size: d(r²)/dr = 2r"
        if relative_error(grad * len(x), ref) < 1e-6 or relative_error(grad, ref * len(x)) < 1e-6:
            return "J is the mean over the n points: divide the sum by n (once)"
        mlp_order = np.concatenate([ref[v], ref[b], ref[w], [ref[w0]]])
        if relative_error(grad, mlp_order) < 1e-6:
            return (
                "that is the order MLP stores (W1, b1, W2, b2); the slides' theta is "
                "(b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)"
            )
        if relative_error(grad[w], ref[w]) < 1e-6 and relative_error(grad[w0], ref[w0]) < 1e-6:
            if relative_error(grad[v], ref[b]) < 1e-6:
                return (
                    "dJ/dv_k needs one more factor than dJ/db_k: a_k = v_k x + b_k, so "
                    "da_k/dv_k = x_i at each point"
                )
            return (
                "w0 and the w_k are right; for b_k and v_k go back through w_k and "
                "through tanh'(a) = 1 - tanh(a)² at a_k = v_k x_i + b_k"
            )
        if relative_error(grad[b], ref[b]) < 1e-6 and relative_error(grad[v], ref[v]) < 1e-6:
            return (
                "b_k and v_k are right; dJ/dw_k = mean of 2 (f - y) h_k, dJ/dw0 = mean of 2(f - y)"
            )
        return False
    return True


ex1 = Exercise(
    "05.1",
    "write the gradient of the training MSE of the 1-3-1 tanh network in the slides' order "
    "(backprop by hand, plain numpy), checked against central differences on new data",
    _test_ex1,
    hint="forward: a = v x + b, h = tanh(a), f = w0 + w·h; backward: dJ/df_i = 2 (f_i - y_i)/n, "
    "then dJ/dw_k = Σ_i dJ/df_i h_k(x_i), dJ/da_k(x_i) = dJ/df_i w_k (1 - h_k²), and from there "
    "b_k and v_k",
)


# --------------------------------------------------------------------------------------
# 05.2: the gradient-descent loop
# --------------------------------------------------------------------------------------
def _reference_descent(
    loss_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]],
    theta: np.ndarray,
    lr: float,
    steps: int,
) -> tuple[np.ndarray, list[float]]:
    theta = np.array(theta, dtype=float)
    losses = []
    for _ in range(steps):
        loss, grad = loss_and_grad(theta)
        losses.append(loss)
        theta = theta - lr * grad
    return theta, losses


def _bowl(theta: np.ndarray) -> tuple[float, np.ndarray]:
    """A quadratic bowl with different curvatures: J = sum c_j (theta_j - 1)^2."""
    c = np.arange(1.0, theta.size + 1.0)
    return float(np.sum(c * (theta - 1.0) ** 2)), 2.0 * c * (theta - 1.0)


def _test_ex2(my_descent: Callable[..., Any]) -> bool | str:
    if not callable(my_descent):
        return "pass the function itself: nb05.ex2(my_descent), without calling it"
    x, y = ap.bishop_data("sin")
    cases: list[tuple[Callable[[np.ndarray], tuple[float, np.ndarray]], np.ndarray, float, int]] = [
        (_bowl, np.array([3.0, -2.0, 0.5]), 0.05, 17),
        (lambda t: ap.loss_and_gradient(t, x, y), ap.random_start(seed=7).theta, 0.2, 40),
    ]
    for loss_and_grad, start, lr, steps in cases:
        given = start.copy()
        out = my_descent(loss_and_grad, given, lr, steps)
        if not (isinstance(out, tuple) and len(out) == 2):
            return "return two things: (theta after the steps, the list of losses)"
        theta, losses = np.asarray(out[0], dtype=float), [float(v) for v in out[1]]
        if not np.array_equal(given, start):
            return (
                "your loop changed the theta it was given (theta -= ... works in place); "
                "start from a copy, or write theta = theta - lr * grad"
            )
        ref_theta, ref_losses = _reference_descent(loss_and_grad, start, lr, steps)
        if len(losses) != steps:
            return f"one loss per step: {steps} steps give {steps} losses, not {len(losses)}"
        if np.allclose(theta, ref_theta, rtol=1e-9, atol=1e-12) and np.allclose(
            losses, ref_losses, rtol=1e-9, atol=1e-15
        ):
            continue
        up, _ = _reference_descent(lambda t, f=loss_and_grad: (f(t)[0], -f(t)[1]), start, lr, 1)
        if np.allclose(np.asarray(theta) if steps == 1 else theta, up) or losses[-1] > losses[0]:
            return "the loss rises: a step goes against the gradient, theta - lr * grad"
        return False
    return True


ex2 = Exercise(
    "05.2",
    "write plain gradient descent: my_descent(loss_and_grad, theta, lr, steps) returns theta "
    "after the steps and the loss before each step; checked on a bowl and on the network",
    _test_ex2,
    hint="each step: loss, grad = loss_and_grad(theta); keep the loss; theta = theta - lr * grad",
)


# --------------------------------------------------------------------------------------
# 05.3: how many parameter vectors give the same network?
# --------------------------------------------------------------------------------------
#: Exercise 3's number of tanh hidden units.
EX3_UNITS = 5


def _test_ex3(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer):
        return "give a whole number"
    n, K = int(answer), EX3_UNITS
    if n == math.factorial(K) * 2**K:
        return True
    if n == math.factorial(K):
        return (
            "that counts the orders of the units. tanh is odd, tanh(-z) = -tanh(z): what "
            "else can you change in one unit's (v_k, b_k, w_k) and keep w_k tanh(v_k x + b_k)?"
        )
    if n == 2**K:
        return "that counts the sign flips alone; the units can also be put in any order"
    if n in (K, K * (K - 1) // 2, K * (K - 1), math.factorial(K) - 1, 2 * K):
        return "count every ordering of the K units (not only one swap of two): each is a new theta"
    return False


ex3 = Exercise(
    "05.3",
    f"how many parameter vectors theta give exactly the same function for a network with "
    f"{EX3_UNITS} tanh hidden units (in general position)?",
    _test_ex3,
    hint="one swap is one symmetry; all the orders of K units and what tanh's oddness allows "
    "per unit multiply",
)


# --------------------------------------------------------------------------------------
# 05.4: fit |x| by hand (the explorer), inside the sliders' range
# --------------------------------------------------------------------------------------
#: Exercise 4: every parameter within [-EX4_BOX, EX4_BOX] (the explorer's sliders) ...
EX4_BOX = 10.0
#: ... and a training MSE on |x| (tanh units) below this.
EX4_GOAL = 0.002


def _test_ex4(values: Any) -> bool | str:
    if not isinstance(values, dict):
        return "copy the sliders' values as a dict: my_params = dict(explorer.values)"
    params = ap.Params.from_sliders(values)
    if np.max(np.abs(params.theta)) > EX4_BOX:
        return f"every parameter must stay within the sliders' range, [-{EX4_BOX:g}, {EX4_BOX:g}]"
    error = ap.mse(params, "abs", "tanh")
    if error < EX4_GOAL:
        return True
    return (
        f"the training MSE on |x| with tanh units is {ap.mse_text(error)}; lower it below "
        f"{EX4_GOAL} (set the explorer's target to |x|, then press train from here)"
    )


ex4 = Exercise(
    "05.4",
    f"fit |x| with tanh units to a training MSE below {EX4_GOAL}, every parameter inside the "
    "sliders' range (copy dict(explorer.values))",
    _test_ex4,
    hint="start from the hand-made x² fit: |x| has the same symmetry; then train from there",
)
