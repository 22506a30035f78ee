"""Reference solutions and plausible wrong answers for notebook 05's exercises."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lecturelib import approximation as ap
from lecturelib.exercises.nb05 import EX3_UNITS
from tests.solutions import Solution


# -- 05.1: the gradient of the training MSE, backprop by hand ------------------------------
def gradient(theta: Any, x: Any, y: Any) -> np.ndarray:
    """Forward a = v x + b, h = tanh a, f = w0 + w h; backward from dJ/df = 2 (f - y) / n."""
    b, v, w0, w = theta[0:3], theta[3:6], theta[6], theta[7:10]
    a = np.outer(v, x) + b[:, None]
    h = np.tanh(a)
    f = w0 + w @ h
    df = 2.0 * (f - y) / len(x)
    da = w[:, None] * (1.0 - h**2) * df
    return np.concatenate([da.sum(axis=1), da @ x, [df.sum()], h @ df])


def gradient_loop(theta: Any, x: Any, y: Any) -> list[float]:
    """The same, one point and one unit at a time, summing each partial with +=."""
    g = [0.0] * 10
    n = len(x)
    for xi, yi in zip(x, y, strict=True):
        h = [math.tanh(theta[3 + k] * xi + theta[k]) for k in range(3)]
        f = theta[6] + sum(theta[7 + k] * h[k] for k in range(3))
        df = 2.0 * (f - yi) / n
        g[6] += df
        for k in range(3):
            g[7 + k] += df * h[k]
            da = df * theta[7 + k] * (1.0 - h[k] ** 2)
            g[k] += da
            g[3 + k] += da * xi
    return g


def _wrong(change: Any) -> Any:
    return lambda theta, x, y: change(gradient(theta, x, y), theta, x, y)


def _no_x(g: np.ndarray, theta: Any, x: Any, y: Any) -> np.ndarray:
    g = g.copy()
    g[3:6] = g[0:3]
    return g


def _no_w(g: np.ndarray, theta: Any, x: Any, y: Any) -> np.ndarray:
    g = g.copy()
    w = theta[7:10]
    g[0:6] = g[0:6] / np.concatenate([w, w])
    return g


def _tanh_not_derivative(theta: Any, x: Any, y: Any) -> np.ndarray:
    b, v, w0, w = theta[0:3], theta[3:6], theta[6], theta[7:10]
    h = np.tanh(np.outer(v, x) + b[:, None])
    df = 2.0 * (w0 + w @ h - y) / len(x)
    da = w[:, None] * h * df  # tanh instead of tanh'
    return np.concatenate([da.sum(axis=1), da @ x, [df.sum()], h @ df])


def _mlp_order(g: np.ndarray, theta: Any, x: Any, y: Any) -> np.ndarray:
    return np.concatenate([g[3:6], g[0:3], g[7:10], [g[6]]])


# -- 05.2: gradient descent ------------------------------------------------------------------
def descent(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    losses = []
    for _ in range(steps):
        loss, grad = loss_and_grad(theta)
        losses.append(loss)
        theta = theta - lr * grad
    return theta, losses


def descent_in_place(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    losses = []
    for _ in range(steps):
        loss, grad = loss_and_grad(theta)
        losses.append(loss)
        theta -= lr * grad  # changes the caller's array
    return theta, losses


def ascent(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    losses = []
    for _ in range(steps):
        loss, grad = loss_and_grad(theta)
        losses.append(loss)
        theta = theta + lr * grad
    return theta, losses


def one_step_too_many(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    return descent(loss_and_grad, theta, lr, steps + 1)


def losses_after_the_step(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    losses = []
    for _ in range(steps):
        _, grad = loss_and_grad(theta)
        theta = theta - lr * grad
        losses.append(loss_and_grad(theta)[0])
    return theta, losses


def no_losses(loss_and_grad: Any, theta: Any, lr: float, steps: int) -> Any:
    return descent(loss_and_grad, theta, lr, steps)[0]


# -- 05.4: |x| by hand, inside the sliders' range --------------------------------------------
def _abs_fit() -> dict[str, float]:
    from lecturelib.widgets.approximation import HAND_START, SLIDER_RANGES

    return ap.train_from(HAND_START, "abs", bounds=SLIDER_RANGES).params.sliders()


_K = EX3_UNITS
SOLUTIONS = {
    "05.1": Solution(
        right=[gradient, gradient_loop],
        wrong=[
            _wrong(lambda g, *_: -g),
            _wrong(lambda g, *_: g / 2),
            _wrong(lambda g, t, x, y: g * len(x)),
            _wrong(_no_x),
            _wrong(_no_w),
            _wrong(_mlp_order),
            _tanh_not_derivative,
            lambda theta, x, y: ap.loss_and_gradient(theta, x, y)[0],  # the loss, not the gradient
            gradient(ap.random_start().theta, *ap.bishop_data("square")),  # a value, not a function
        ],
    ),
    "05.2": Solution(
        right=[descent],
        wrong=[descent_in_place, ascent, one_step_too_many, losses_after_the_step, no_losses],
    ),
    "05.3": Solution(
        right=[math.factorial(_K) * 2**_K, float(math.factorial(_K) * 2**_K)],
        wrong=[math.factorial(_K), 2**_K, _K, 10, 20, 119, 2 * _K, 3840 // 2 + 1, 1],
    ),
    "05.4": Solution(
        right=[_abs_fit()],
        wrong=[
            ap.Params(
                v=[2.0, -2.0, 1.0], b=[-1.0, -1.0, 0.0], w=[0.75, 0.75, 0.0], w0=1.15
            ).sliders(),
            ap.fit_target("step").params.sliders(),  # the step's fit: too steep for the box
            {**_abs_fit(), "v1": 50.0},
        ],
    ),
}
