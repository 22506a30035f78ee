"""Reference solutions and plausible wrong answers for notebook 13's exercises."""

from __future__ import annotations

import numpy as np

from tests.solutions import Solution


def momentum_step(p, v, grad, lr, beta):
    v = beta * v + grad
    return p - lr * v, v


def momentum_step_lr_inside(p, v, grad, lr, beta):
    v = beta * v - lr * grad  # the other common convention: the same path
    return p + v, v


def no_momentum(p, v, grad, lr, beta):
    return p - lr * grad, grad


def old_velocity(p, v, grad, lr, beta):
    return p - lr * v, beta * v + grad  # moves with the velocity before the update


def uphill(p, v, grad, lr, beta):
    v = beta * v + grad
    return p + lr * v, v


def averaged(p, v, grad, lr, beta):
    v = beta * v + (1 - beta) * grad  # an average, not a sum: steps 10 times smaller
    return p - lr * v, v


def returns_p_only(p, v, grad, lr, beta):
    return p - lr * (beta * v + grad)


SOLUTIONS = {
    "13.1": Solution(right=[1 / 3, 0.33, 0.333], wrong=[1 / 6, 2 / 3, 2.0, 0.1, 0.3, 0.4]),
    "13.2": Solution(right=[6, 6.0], wrong=[5, 7, 1, 10, 5.46]),
    "13.3": Solution(
        right=[momentum_step, momentum_step_lr_inside],
        wrong=[no_momentum, old_velocity, uphill, averaged, returns_p_only, 0.9],
    ),
    "13.4": Solution(
        right=[0.15 * np.sqrt(2), 0.2121],
        wrong=[0.15, 0.21, 0.2, 0.3, 0.15 * np.hypot(1.8, 24.0), 0.15 / np.sqrt(2)],
    ),
}
