"""Reference solutions and plausible wrong answers for notebook 09's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import linear_models as lm
from tests.solutions import Solution

_data = lm.default_linear_data()
_x, _y = _data.X[0], float(_data.y[0])
_r = _y - (_x[0] + _x[1])  # forward pass at w = (1, 1), b = 0
_dl_dw2 = -2.0 * _r * _x[1]
_rounded_x, _rounded_y = np.round(_x, 3), round(_y, 3)  # what the notebook prints
_dl_dw2_from_print = -2.0 * (_rounded_y - _rounded_x.sum()) * _rounded_x[1]


def sgd_step(w, b, x, y, eta):
    y_hat = x @ w + b  # forward
    r = y - y_hat
    dl_dr = 2 * r  # backward
    dl_dy_hat = -dl_dr
    dl_dw = dl_dy_hat * x
    dl_db = dl_dy_hat
    return w - eta * dl_dw, b - eta * dl_db


def sgd_step_in_place(w, b, x, y, eta):
    r = y - (np.dot(w, x) + b)
    w -= eta * (-2 * r * x)  # in place is fine: the caller's copy
    b -= eta * (-2 * r)
    return w, b


def uphill(w, b, x, y, eta):
    r = y - (x @ w + b)
    return w + eta * (-2 * r * x), b + eta * (-2 * r)


def no_two(w, b, x, y, eta):
    r = y - (x @ w + b)
    return w - eta * (-r * x), b - eta * (-r)


def no_x(w, b, x, y, eta):
    r = y - (x @ w + b)
    return w - eta * (-2 * r) * np.ones_like(w), b - eta * (-2 * r)


def b_frozen(w, b, x, y, eta):
    r = y - (x @ w + b)
    return w - eta * (-2 * r * x), b


def residual_flipped(w, b, x, y, eta):
    r = (x @ w + b) - y  # r = y_hat - y, then the slides' -2r: the sign flips
    return w - eta * (-2 * r * x), b - eta * (-2 * r)


def only_w(w, b, x, y, eta):
    r = y - (x @ w + b)
    return w - eta * (-2 * r * x)


SOLUTIONS = {
    "09.1": Solution(
        right=[_dl_dw2, _dl_dw2_from_print, round(_dl_dw2, 2)],
        wrong=[-_dl_dw2, _dl_dw2 / 2, round(_dl_dw2, 1), -2.0 * _r, 0.0],
    ),
    "09.2": Solution(
        right=[sgd_step, sgd_step_in_place],
        wrong=[uphill, no_two, no_x, b_frozen, residual_flipped, only_w, 0.1],
    ),
    "09.3": Solution(right=[5, 5.0], wrong=[10, 20, 2, 1, 100, 0, 2.5]),
}
