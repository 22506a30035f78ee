"""Reference solutions and plausible wrong answers for notebook 01's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import features as F
from lecturelib.exercises.nb01 import EX1_DATA
from tests.solutions import Solution

_demo = F.polynomial_demo(**EX1_DATA)
_best = int(np.argmin(_demo.test_errors))


def fit_predict(x_train, y_train, x_new, p):
    Phi = x_train[:, None] ** np.arange(p + 1)
    w, *_ = np.linalg.lstsq(Phi, y_train, rcond=None)
    return x_new[:, None] ** np.arange(p + 1) @ w


def fit_predict_polyfit(x_train, y_train, x_new, p):
    return np.polyval(np.polyfit(x_train, y_train, p), x_new)


def p_columns(x_train, y_train, x_new, p):
    w, *_ = np.linalg.lstsq(x_train[:, None] ** np.arange(p), y_train, rcond=None)
    return x_new[:, None] ** np.arange(p) @ w


def no_constant(x_train, y_train, x_new, p):
    w, *_ = np.linalg.lstsq(x_train[:, None] ** np.arange(1, p + 1), y_train, rcond=None)
    return x_new[:, None] ** np.arange(1, p + 1) @ w


def predicts_training_points(x_train, y_train, x_new, p):
    w, *_ = np.linalg.lstsq(x_train[:, None] ** np.arange(p + 1), y_train, rcond=None)
    return x_train[:, None] ** np.arange(p + 1) @ w


def straight_line(x_train, y_train, x_new, p):
    return fit_predict(x_train, y_train, x_new, 1)


SOLUTIONS = {
    "01.1": Solution(
        right=[_best, float(_best)],
        wrong=[int(np.argmin(F.polynomial_demo().test_errors)), 12, _best + 1, 2.5, -1],
    ),
    "01.2": Solution(
        right=[fit_predict, fit_predict_polyfit],
        wrong=[p_columns, no_constant, predicts_training_points, straight_line, 3],
    ),
}
