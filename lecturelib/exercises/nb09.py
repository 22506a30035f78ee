"""Exercises of notebook 09 (backprop for least squares, SGD, minibatches).

Each checker computes its reference inside the test, from the engine or from data the
notebook does not print, so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import linear_models as lm
from lecturelib.checks import Exercise
from lecturelib.regression import regression_graph

__all__ = ["ex1", "ex2", "ex3"]


# --------------------------------------------------------------------------------------
# 09.1: one partial by hand, at a point the notebook does not evaluate
# --------------------------------------------------------------------------------------
def _dl_dw2_at_ones() -> float:
    data = lm.default_linear_data()
    model = regression_graph([1.0, 1.0], 0.0)
    model.run(data.X[0], data.y[0])
    return float(model.w.grad[1])


def _test_ex1(answer: Any) -> bool | str:
    value = float(answer)
    ref = _dl_dw2_at_ones()
    if abs(value - ref) <= 0.005:
        return True
    if abs(value + ref) <= 0.005:
        return "the sign is flipped: dl/dy_hat = -2r, because r = y - y_hat"
    if abs(value - ref / 2) <= 0.005:
        return "the derivative of r² is 2r, not r"
    if abs(value - ref) <= 0.05:
        return "close: keep 3 digits of x and y all the way and round only at the end"
    return False


ex1 = Exercise(
    "09.1",
    "dl/dw2 at w = (1, 1), b = 0 on the first example, by the slides' formulas (2 decimals)",
    _test_ex1,
    hint="first the forward pass: y_hat = w1 x1 + w2 x2 + b, r = y - y_hat; "
    "then dl/dw_j = -2 r x_j",
)


# --------------------------------------------------------------------------------------
# 09.2: write one SGD step (forward, backward, update) for an example of 3 features
# --------------------------------------------------------------------------------------
def _reference_step(
    w: np.ndarray, b: float, x: np.ndarray, y: float, eta: float
) -> tuple[np.ndarray, float]:
    """The step with the engine's backprop partials (the slides' graph)."""
    model = regression_graph(w, b)
    model.run(x, y)
    return w - eta * model.w.grad, b - eta * float(model.b.grad)


def _cases() -> list[tuple[np.ndarray, float, np.ndarray, float, float]]:
    rng = np.random.default_rng(9002)
    return [
        (rng.normal(size=3), float(rng.normal()), rng.uniform(-2, 2, 3), float(rng.normal()), eta)
        for eta in (0.05, 0.1, 0.3)
    ]


def _close(a: Any, b: Any) -> bool:
    return bool(np.allclose(np.asarray(a, dtype=float), b, rtol=1e-9, atol=1e-12))


def _test_ex2(sgd_step: Callable[..., Any]) -> bool | str:
    if not callable(sgd_step):
        return "pass the function itself: nb09.ex2(sgd_step), without calling it"
    for w, b, x, y, eta in _cases():
        result = sgd_step(w.copy(), b, x.copy(), y, eta)
        if not (isinstance(result, tuple) and len(result) == 2):
            return "return two things, the new w and the new b: return w_new, b_new"
        w_new, b_new = result
        w_new = np.asarray(w_new, dtype=float)
        if w_new.shape != w.shape:
            return f"the new w must have the shape of w, {w.shape}; yours has {w_new.shape}"
        w_ref, b_ref = _reference_step(w, b, x, y, eta)
        g_w, g_b = (w - w_ref) / eta, (b - b_ref) / eta  # the true gradient
        if _close(w_new, w_ref) and _close(b_new, b_ref):
            continue
        if _close(w_new, w + eta * g_w):
            return "you stepped uphill: subtract eta times the gradient"
        if _close(w_new, w + eta * g_w / 2) or _close(w_new, w - eta * g_w / 2):
            return "the derivative of r² is 2r: a factor 2 is missing"
        if _close(w_new, w - eta * g_b):
            return "dl/dw_j = dl/dy_hat * x_j: each weight's partial carries its own x_j"
        if _close(w_new, w_ref) and _close(b_new, b):
            return "b is a parameter too: step it with dl/db = -2r"
        if _close(w_new, w_ref):
            return "w is right; check b's step: dl/db = dl/dy_hat * 1"
        return False
    return True


ex2 = Exercise(
    "09.2",
    "write sgd_step(w, b, x, y, eta): forward, backward and update on one example",
    _test_ex2,
    hint="forward: y_hat = x @ w + b, r = y - y_hat; backward: dl/dr = 2r, "
    "dl/dy_hat = -dl/dr, dl/dw = dl/dy_hat * x, dl/db = dl/dy_hat; then step against them",
)


# --------------------------------------------------------------------------------------
# 09.3: predict the batch size at which a smaller step is as quiet as batch 10
# --------------------------------------------------------------------------------------
def _test_ex3(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer) or int(answer) < 1:
        return "a batch size is a whole number of examples, 1 or more"
    size = int(answer)
    if size > 1000:
        return "that is a tenth of the data set or more: far larger than needed"
    target = lm.minibatch_study((10,)).excess_mean[0]
    mine = lm.minibatch_study((size,), lr=0.05).excess_mean[0]
    if abs(np.log(mine / target)) <= np.log(1.5):
        return True
    if size in (2, 3):
        return (
            "that matches the size of one step's noise, eta / sqrt(B); but what settles is "
            "the excess loss, which grows as eta times the gradient's variance"
        )
    if mine > target:
        return "at that batch size the smaller step still jitters more than batch 10: larger"
    return "at that batch size it is quieter than batch 10 (and costs more per step): smaller"


ex3 = Exercise(
    "09.3",
    "the batch size at which eta = 0.05 ends as quiet as batch 10 at eta = 0.1",
    _test_ex3,
    hint="a batch of B examples divides the gradient's variance by B; the excess loss where "
    "SGD settles is about proportional to eta times that variance",
)
