"""Reference solutions and plausible wrong answers for notebook 06's exercises."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import universal as U
from lecturelib.exercises.nb06 import EX1_CASE, EX3_EPS, EX5_COMPOSITIONS, relu_output
from tests.solutions import Solution

Target = Callable[[np.ndarray], np.ndarray]
Interval = tuple[float, float]


# -- 06.1: N ReLU units whose straight pieces join F at N + 1 equally spaced knots -------
def relu_network(F: Target, interval: Interval, N: int) -> Any:
    """Unit i bends at knot t_{i-1}; w_i is the change of slope there; w0 = F(lo)."""
    lo, hi = interval
    t = np.linspace(lo, hi, N + 1)
    s = np.diff(F(t)) / np.diff(t)
    return np.ones(N), -t[:-1], np.concatenate([[s[0]], np.diff(s)]), F(t[:1])[0]


def relu_network_from_the_right(F: Target, interval: Interval, N: int) -> Any:
    """The mirror image: units relu(t - x) switch off at the knots, w0 = F(hi)."""
    lo, hi = interval
    t = np.linspace(lo, hi, N + 1)
    s = np.diff(F(t)) / np.diff(t)
    w = np.concatenate([np.diff(s), [-s[-1]]])  # slope changes at t_1..t_{N-1}, then -s_N
    return -np.ones(N), t[1:], w, F(t[-1:])[0]


def relu_network_loop(F: Target, interval: Interval, N: int) -> Any:
    """The same, one knot at a time, as a dict (an MLP's W1, b1, W2, b2 as lists)."""
    lo, hi = interval
    h = (hi - lo) / N
    v, b, w, previous = [], [], [], 0.0
    for i in range(N):
        left, right = lo + i * h, lo + (i + 1) * h
        slope = (F(np.array([right]))[0] - F(np.array([left]))[0]) / h
        v.append([1.0])
        b.append(-left)
        w.append(slope - previous)
        previous = slope
    return {"v": v, "b": b, "w": [w], "w0": [F(np.array([lo]))[0]]}


def slopes_not_changes(F: Target, interval: Interval, N: int) -> Any:
    v, b, _, w0 = relu_network(F, interval, N)
    t = np.linspace(*interval, N + 1)
    return v, b, np.diff(F(t)) / np.diff(t), w0


def bias_wrong_sign(F: Target, interval: Interval, N: int) -> Any:
    v, b, w, w0 = relu_network(F, interval, N)
    return v, -b, w, w0


def no_constant(F: Target, interval: Interval, N: int) -> Any:
    v, b, w, _ = relu_network(F, interval, N)
    return v, b, w, 0.0


def one_unit_too_many(F: Target, interval: Interval, N: int) -> Any:
    t = np.linspace(*interval, N + 1)  # a unit at every knot, the last one with weight 0
    _, _, w, w0 = relu_network(F, interval, N)
    return np.ones(N + 1), -t, np.append(w, 0.0), w0


def logistic_staircase(F: Target, interval: Interval, N: int) -> Any:
    p = U.theorem_network(F, N, interval=interval).params
    return p["W1"][:, 0], p["b1"], p["W2"][0], p["b2"][0]


def relu_step_pairs(F: Target, interval: Interval, N: int) -> Any:
    """N/2 steps, each from a pair of steep ReLUs: a staircase, which needs far more units."""
    lo, hi = interval
    steps = N // 2
    h = (hi - lo) / steps
    t = lo + h * np.arange(steps + 1)
    c = lo + h * (np.arange(steps) + 0.5)
    s = 8.0 / h  # relu(s(x - c) + 1/2) - relu(s(x - c) - 1/2): 0, then a ramp, then 1
    v = np.full(2 * steps, s)
    b = np.concatenate([-s * c + 0.5, -s * c - 0.5])
    climb = np.diff(F(t))
    return v, b, np.concatenate([climb, -climb]), F(t[:1])[0]


def returns_a_function(F: Target, interval: Interval, N: int) -> Any:
    params = relu_network(F, interval, N)
    return lambda x: relu_output(params, x)


def only_the_left_end(F: Target, interval: Interval, N: int) -> Any:
    return np.zeros(N), np.zeros(N), np.zeros(N), F(np.array([interval[0]]))[0]


# -- 06.2: E(16) / E(40) -------------------------------------------------------------------
def _interpolant_error(N: int) -> float:
    F, interval = EX1_CASE[0], EX1_CASE[1]
    x = np.linspace(*interval, 4001)
    return float(np.max(np.abs(relu_output(relu_network(F, interval, N), x) - F(x))))


_factor = _interpolant_error(16) / _interpolant_error(40)


# -- 06.3: the smallest staircase below ε ------------------------------------------------
def _staircase_error(N: int) -> float:
    F, interval = EX1_CASE[0], EX1_CASE[1]
    x = np.linspace(*interval, 2001)
    return U.sup_error(U.theorem_network(F, N, interval=interval).predict, F, x)


_smallest = next(N for N in range(1, 500) if _staircase_error(N) < EX3_EPS)

# -- 06.5: the counting argument for k = 8 -------------------------------------------------
_k = EX5_COMPOSITIONS
_units = next(N for N in range(1, 2**_k) if 2 * (N + 1) >= 2**_k + 1)

SOLUTIONS = {
    "06.1": Solution(
        right=[relu_network, relu_network_from_the_right, relu_network_loop],
        wrong=[
            slopes_not_changes,
            bias_wrong_sign,
            no_constant,
            one_unit_too_many,
            logistic_staircase,
            relu_step_pairs,
            returns_a_function,
            only_the_left_end,
            relu_network(*EX1_CASE[:3]),  # the parameters, not the function
        ],
    ),
    "06.2": Solution(
        right=[_factor, round(_factor, 2), (40 / 16) ** 2],
        wrong=[40 / 16, 2.5, 16 / 40, (16 / 40) ** 2, (40 / 16) ** 3, 6.0, 6.5, 9.0, 4.0],
    ),
    "06.3": Solution(
        right=[_smallest, float(_smallest)],
        wrong=[100, 101, _smallest - 1, _smallest + 1, 16, 64, 0, 43.5],
    ),
    "06.5": Solution(
        right=[3 * _units + 1],
        wrong=[
            _units,
            3 * _units,
            3 * 2**_k + 1,
            3 * (_units + 1) + 1,
            3 * (_units - 1) + 1,
            6 * _k + 1,
            49,
            97,
            200,
        ],
    ),
}
