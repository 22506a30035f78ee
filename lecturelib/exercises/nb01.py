"""Exercises of notebook 01 (feature maps).

Each checker computes its reference inside the test, on data the notebook does not show,
so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import features as F
from lecturelib.checks import Exercise

__all__ = ["EX1_DATA", "ex1", "ex2"]

#: Exercise 1's data set: another draw from the notebook's source, with more points.
EX1_DATA = {"n_train": 40, "seed": 4}


# --------------------------------------------------------------------------------------
# 01.1: the best degree on another draw of the data
# --------------------------------------------------------------------------------------
def _test_ex1(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer) or not 0 <= int(answer) <= 12:
        return "a degree is a whole number from 0 to 12"
    p = int(answer)
    errors = F.polynomial_demo(**EX1_DATA).test_errors
    best = int(np.argmin(errors))
    if p == best:
        return True
    if p == int(np.argmin(F.polynomial_demo().test_errors)):
        return (
            "that is the best degree for the notebook's 15 points; with 40 points the "
            "held-out errors change: compute them for this data set"
        )
    if p == int(np.argmin(F.polynomial_demo(**EX1_DATA).train_errors)):
        return "that degree has the lowest *training* error; the question is about held-out data"
    return False


ex1 = Exercise(
    "01.1",
    "the degree with the lowest held-out error on polynomial_demo(n_train=40, seed=4)",
    _test_ex1,
    hint="build the demo and look at its test_errors: which index holds the smallest?",
)


# --------------------------------------------------------------------------------------
# 01.2: write the feature map and the least-squares fit yourself
# --------------------------------------------------------------------------------------
def _reference(x_train: np.ndarray, y_train: np.ndarray, x_new: np.ndarray, p: int) -> np.ndarray:
    w = F.fit_linear(F.legendre_features(x_train, p), y_train)  # the same polynomial
    return F.legendre_features(x_new, p) @ w


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    rng = np.random.default_rng(1002)
    cases = []
    for n, p in ((12, 1), (20, 3), (30, 5)):
        x = rng.uniform(-1, 1, n)
        y = np.sin(2 * x) + 0.5 * x**2 + 0.1 * rng.normal(size=n)
        cases.append((x, y, np.linspace(-1, 1, 7), p))
    return cases


def _test_ex2(fit_predict: Callable[..., Any]) -> bool | str:
    if not callable(fit_predict):
        return "pass the function itself: nb01.ex2(fit_predict), without calling it"
    for x, y, x_new, p in _cases():
        got = np.asarray(fit_predict(x.copy(), y.copy(), x_new.copy(), p), dtype=float)
        if got.shape != x_new.shape:
            return (
                f"return one prediction per point of x_new: shape {x_new.shape}, yours {got.shape}"
            )
        want = _reference(x, y, x_new, p)
        if np.allclose(got, want, rtol=1e-6, atol=1e-9):
            continue
        if np.allclose(got, _reference(x, y, x_new, max(p - 1, 0)), rtol=1e-6, atol=1e-9):
            return "degree p has p + 1 features: 1, x, ..., x^p (np.arange(p + 1))"
        no_one = x[:, None] ** np.arange(1, p + 1)
        w, *_ = np.linalg.lstsq(no_one, y, rcond=None)
        if np.allclose(got, (x_new[:, None] ** np.arange(1, p + 1)) @ w, rtol=1e-6, atol=1e-9):
            return "the constant feature 1 (x^0) is missing: without it the fit must pass 0"
        return False
    return True


ex2 = Exercise(
    "01.2",
    "write fit_predict(x_train, y_train, x_new, p): least squares on phi(x) = (1, x, ..., x^p)",
    _test_ex2,
    hint="build a matrix with one row phi(x_i) = (1, x_i, ..., x_i^p) per training point, "
    "find the least-squares w (numpy's linalg has a solver), then predict phi(x_new) w",
)
