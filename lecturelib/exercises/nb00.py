"""Exercises of notebook 00 (the least-squares graph of one example).

Each checker computes its reference inside the test, on an example the notebook does not
use, so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib.checks import Exercise
from lecturelib.regression import regression_graph

__all__ = ["ex1", "ex2"]

#: Exercise 1's example: the notebook's w, a new (x, y).
EX1_W, EX1_X, EX1_Y = (0.5, -0.25), (2.0, 3.0), -1.5


# --------------------------------------------------------------------------------------
# 00.1: the bias that makes the loss zero, on an example the notebook does not use
# --------------------------------------------------------------------------------------
def _test_ex1(answer: Any) -> bool | str:
    b = float(answer)
    model = regression_graph(EX1_W, b)
    loss = model.run(np.array(EX1_X), EX1_Y)
    if loss <= 1e-6:
        return True
    if abs(b - 3.0) <= 1e-6:
        return "b = 3 belongs to the notebook's example x = (1, 2), y = 3; this one is new"
    w_dot_x = float(np.dot(EX1_W, EX1_X))
    if abs(b - (w_dot_x - EX1_Y)) <= 1e-6:
        return "the sign is flipped: r = y - (w·x + b) = 0 means b = y - w·x"
    if abs(b - (EX1_Y - EX1_W[0] * EX1_X[0] + EX1_W[1] * EX1_X[1])) <= 1e-6:
        return "w2 is negative: mind the sign of w2 x2 in w·x"
    return False


ex1 = Exercise(
    "00.1",
    "the bias b that makes the loss zero at w = (0.5, -0.25) on x = (2, 3), y = -1.5",
    _test_ex1,
    hint="the loss r² is zero when the residual r = y - (w·x + b) is zero: solve for b",
)


# --------------------------------------------------------------------------------------
# 00.2: write the loss and its partials by the slides' formulas, for any example
# --------------------------------------------------------------------------------------
def _cases() -> list[tuple[np.ndarray, float, np.ndarray, float]]:
    rng = np.random.default_rng(2000)
    return [
        (rng.normal(size=d), float(rng.normal()), rng.uniform(-2, 2, d), float(rng.normal()))
        for d in (2, 3, 5)
    ]


def _close(a: Any, b: Any) -> bool:
    a = np.asarray(a, dtype=float)
    return a.shape == np.shape(b) and bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))


def _test_ex2(loss_and_partials: Callable[..., Any]) -> bool | str:
    if not callable(loss_and_partials):
        return "pass the function itself: nb00.ex2(loss_and_partials), without calling it"
    for w, b, x, y in _cases():
        result = loss_and_partials(w.copy(), b, x.copy(), y)
        if not (isinstance(result, tuple) and len(result) == 3):
            return "return three things: the loss, dl/dw (a vector) and dl/db (a number)"
        loss, dl_dw, dl_db = result
        model = regression_graph(w, b)
        ref_loss = model.run(x, y)
        ref_w, ref_b = model.w.grad, float(model.b.grad)
        if np.shape(dl_dw) != w.shape:
            return f"dl/dw has one entry per weight: shape {w.shape}, yours {np.shape(dl_dw)}"
        if not _close(loss, ref_loss):
            return "the loss is l = r², with r = y - (w·x + b)"
        if _close(dl_dw, ref_w) and _close(dl_db, ref_b):
            continue
        if _close(dl_dw, -ref_w) or _close(dl_db, -ref_b):
            return "a sign is flipped: dl/dy_hat = -2r, because r = y - y_hat"
        if _close(dl_dw, ref_w / 2) or _close(dl_db, ref_b / 2):
            return "the derivative of r² is 2r, not r"
        if _close(dl_dw, np.full_like(w, ref_b)):
            return "dl/dw_j carries its own x_j: dl/dw_j = dl/dy_hat · x_j"
        if _close(dl_dw, ref_w):
            return "dl/dw is right; dl/db = dl/dy_hat · 1"
        return False
    return True


ex2 = Exercise(
    "00.2",
    "write loss_and_partials(w, b, x, y): the loss, dl/dw and dl/db of one example",
    _test_ex2,
    hint="forward: y_hat = w·x + b, r = y - y_hat, l = r²; then the slides' formulas "
    "dl/db = -2r and dl/dw_j = -2 r x_j",
)
