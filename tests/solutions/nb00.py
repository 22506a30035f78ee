"""Reference solutions and plausible wrong answers for notebook 00's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib.exercises.nb00 import EX1_W, EX1_X, EX1_Y
from tests.solutions import Solution

_b = EX1_Y - float(np.dot(EX1_W, EX1_X))


def loss_and_partials(w, b, x, y):
    r = y - (x @ w + b)
    return r**2, -2 * r * x, -2 * r


def loss_and_partials_by_node(w, b, x, y):
    y_hat = float(np.dot(w, x)) + b
    r = y - y_hat
    dl_dr = 2 * r
    dl_dy_hat = -dl_dr
    return r * r, dl_dy_hat * np.asarray(x), dl_dy_hat


def flipped(w, b, x, y):
    r = y - (x @ w + b)
    return r**2, 2 * r * x, 2 * r


def no_two(w, b, x, y):
    r = y - (x @ w + b)
    return r**2, -r * x, -r


def no_x(w, b, x, y):
    r = y - (x @ w + b)
    return r**2, -2 * r * np.ones_like(w), -2 * r


def wrong_loss(w, b, x, y):
    r = y - (x @ w + b)
    return abs(r), -2 * r * x, -2 * r


def two_things(w, b, x, y):
    r = y - (x @ w + b)
    return -2 * r * x, -2 * r


SOLUTIONS = {
    "00.1": Solution(
        right=[_b, str(_b)],
        wrong=[3.0, -_b, float(np.dot(EX1_W, EX1_X)) - EX1_Y, round(_b), 0.0],
    ),
    "00.2": Solution(
        right=[loss_and_partials, loss_and_partials_by_node],
        wrong=[flipped, no_two, no_x, wrong_loss, two_things, 1.0],
    ),
}
