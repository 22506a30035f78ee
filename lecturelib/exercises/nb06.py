"""Exercises of notebook 06 (universal approximation and depth).

Each checker computes its reference inside the test, for targets, intervals, widths and
tolerances the notebook does not print, so running a check never shows the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import universal as U
from lecturelib.checks import Exercise

__all__ = ["EX1_CASE", "EX3_EPS", "EX5_COMPOSITIONS", "ex1", "ex2", "ex3", "ex5", "relu_output"]

Target = Callable[[np.ndarray], np.ndarray]
Params = tuple[np.ndarray, np.ndarray, np.ndarray, float]


def _cos3(x: np.ndarray) -> np.ndarray:
    return np.cos(3.0 * np.asarray(x, dtype=float))


def _whole(answer: Any) -> int:
    if isinstance(answer, bool) or float(answer) != int(answer):
        raise ValueError(f"give a whole number, got {answer!r}")
    return int(answer)


#: Exercise 1's case the notebook states: (target, interval, units, tolerance).
EX1_CASE = (_cos3, (0.0, 2.0), 16, 0.03)
#: Exercise 3's tolerance for the staircase on the same target and interval.
EX3_EPS = 0.03
#: Exercise 5's number of compositions of the tent map.
EX5_COMPOSITIONS = 8


# --------------------------------------------------------------------------------------
# 06.1: write a one-hidden-layer ReLU network by hand: straight pieces through F's knots
# --------------------------------------------------------------------------------------
#: (label, target, interval, units, tolerance): the stated case first, then unseen ones.
#: Each tolerance is about 1.5 times the error of the chord interpolant (the reference).
_CASES_1: list[tuple[str, Target, tuple[float, float], int, float]] = [
    ("F(x) = cos(3x) on [0, 2] with N = 16", *EX1_CASE),
    ("F(x) = exp(x) on [-1, 1.5] with N = 10", np.exp, (-1.0, 1.5), 10, 0.05),
    ("F(x) = x³ - x on [-2, 1] with N = 24", lambda x: x**3 - x, (-2.0, 1.0), 24, 0.035),
    ("F(x) = sin(2x) on [-3, 1] with N = 7", lambda x: np.sin(2 * x), (-3.0, 1.0), 7, 0.25),
    ("F(x) = x² on [1, 3] with N = 2", lambda x: x**2, (1.0, 3.0), 2, 0.35),
]


def relu_output(params: Params, x: np.ndarray, activation: str = "relu") -> np.ndarray:
    """``w0 + sum_i w_i sigma(v_i x + b_i)`` at the points ``x`` (ReLU, or logistic)."""
    v, b, w, w0 = params
    z = np.outer(np.asarray(x, dtype=float), v) + b
    h = np.maximum(z, 0.0) if activation == "relu" else 1.0 / (1.0 + np.exp(-z))
    return w0 + h @ w


def _params(answer: Any, N: int) -> Params | str:
    """The student's ``(v, b, w, w0)`` as float arrays, or a hint saying what is amiss."""
    if callable(answer):
        return "return the parameters (v, b, w, w0) themselves, not a function of x"
    if isinstance(answer, dict):
        answer = tuple(answer.get(k) for k in ("v", "b", "w", "w0"))
    if not isinstance(answer, (tuple, list)) or len(answer) != 4:
        return "return four things: (v, b, w, w0), the slopes, biases, output weights and constant"
    v, b, w = (np.asarray(a, dtype=float).ravel() for a in answer[:3])
    w0 = np.asarray(answer[3], dtype=float)
    if w0.size != 1:
        return "w0 is one number, the constant of F_hat: w0 = F_hat(x) where every unit is 0"
    if not v.size == b.size == w.size:
        return f"v, b and w need one entry per unit; yours have {v.size}, {b.size} and {w.size}"
    if v.size > N:
        return f"{N} units were asked for, and your network has {v.size}"
    if not all(np.all(np.isfinite(a)) for a in (v, b, w, w0)):
        return "some of your parameters are nan or inf: check for a division by zero"
    return v, b, w, float(w0.ravel()[0])


def _chords(F: Target, interval: tuple[float, float], N: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``N + 1`` equally spaced knots of ``interval`` and the ``N`` slopes between them."""
    t = np.linspace(interval[0], interval[1], N + 1)
    return t, np.diff(F(t)) / np.diff(t)


def _variants(F: Target, interval: tuple[float, float], N: int) -> dict[str, Params]:
    """Plausible wrong networks, each with the hint that explains it."""
    t, s = _chords(F, interval, N)
    changes = np.concatenate([[s[0]], np.diff(s)])
    one, F0 = np.ones(N), float(F(np.array([t[0]]))[0])
    return {
        "each w_i is the change of slope at its knot, not the slope of its piece: the "
        "slope of F_hat on a piece is the sum of the w_i of every unit already on": (
            one,
            -t[:-1],
            s,
            F0,
        ),
        "relu(x + t) turns on at x = -t: a unit that bends at the knot t needs b = -t "
        "(with v = 1)": (one, t[:-1], changes, F0),
        "at the left end every unit relu(x - t) with t >= lo is still 0, so F_hat(lo) = w0: "
        "w0 must be F(lo)": (one, -t[:-1], changes, 0.0),
    }


def _test_ex1(my_network: Callable[..., Any]) -> bool | str:
    if not callable(my_network):
        return "pass the function itself: nb06.ex1(my_relu_network), without calling it"
    for label, F, interval, N, eps in _CASES_1:
        params = _params(my_network(F, interval, N), N)
        if isinstance(params, str):
            return params
        x = np.linspace(interval[0], interval[1], 4001)
        gap = np.abs(relu_output(params, x) - F(x))
        error = float(gap.max())
        if error < eps:
            continue
        for hint, wrong in _variants(F, interval, N).items():
            if np.allclose(relu_output(params, x), relu_output(wrong, x), rtol=1e-6, atol=1e-6):
                return hint
        with np.errstate(over="ignore"):
            as_logistic = float(np.max(np.abs(relu_output(params, x, "logistic") - F(x))))
        if as_logistic < error / 10:
            return (
                "those are logistic steps (like U.theorem_network's); here every unit is a "
                "ReLU, relu(v x + b) = max(v x + b, 0), which bends once instead of stepping"
            )
        return (
            f"for {label} your network's max error is {error:.3g}, at x = "
            f"{x[int(np.argmax(gap))]:.3g}; it should be below {eps}. Plot F_hat and F: "
            "do the straight pieces meet F at every knot?"
        )
    return True


ex1 = Exercise(
    "06.1",
    "write N ReLU units (v, b, w, w0) whose straight pieces join F at N + 1 equally spaced "
    "knots, max error below the checker's tolerance on targets you have not seen",
    _test_ex1,
    hint="unit i = relu(x - t_{i-1}) is 0 left of the knot t_{i-1} and adds w_i to the slope "
    "right of it; the first piece's slope is w_1, and F_hat(lo) = w0",
)


# --------------------------------------------------------------------------------------
# 06.2: predict how fast the chord interpolant's error falls (16 -> 40 units)
# --------------------------------------------------------------------------------------
_WIDTHS_2 = (16, 40)


def _interpolant_error(F: Target, interval: tuple[float, float], N: int) -> float:
    """The max error of the chord interpolant with ``N`` ReLU units on 4001 points."""
    t, s = _chords(F, interval, N)
    params = (np.ones(N), -t[:-1], np.concatenate([[s[0]], np.diff(s)]), float(F(t[:1])[0]))
    x = np.linspace(interval[0], interval[1], 4001)
    return float(np.max(np.abs(relu_output(params, x) - F(x))))


def _test_ex2(answer: Any) -> bool | str:
    factor = float(answer)
    F, interval = EX1_CASE[0], EX1_CASE[1]
    few, many = (_interpolant_error(F, interval, N) for N in _WIDTHS_2)
    ref = few / many  # (40/16)^2 up to the curvature's change along the interval
    if abs(factor - ref) <= 0.06:
        return True
    ratio = _WIDTHS_2[1] / _WIDTHS_2[0]
    if factor < 1:
        return "the error falls, so give E(16) / E(40), a number above 1"
    if abs(factor - ratio) <= 0.06:
        return (
            "that is the staircase's rate, error ~ 1/N: a flat step misses a slope by about "
            "slope × h. A straight chord through two points of F misses only F's bending: "
            "how does that gap scale with the width h of the piece?"
        )
    if abs(factor - ratio**3) <= 0.2 or abs(factor - ratio**4) <= 0.5:
        return "too fast: halve h, and how many times smaller does a chord's gap get?"
    if abs(factor - ref) <= 0.3:
        return "close, but not close enough: work out the factor from how the gap scales with h"
    return False


ex2 = Exercise(
    "06.2",
    "predict E(16) / E(40) for exercise 1's network on cos(3x), [0, 2] (2 decimals)",
    _test_ex2,
    hint="on a piece of width h, the chord of a curve that bends like F'' misses it by about "
    "|F''| h²/8 in the middle; N units make pieces of width (hi - lo) / N",
)


# --------------------------------------------------------------------------------------
# 06.3: the smallest staircase that reaches the same tolerance, measured
# --------------------------------------------------------------------------------------
def _staircase_error(N: int) -> float:
    F, interval = EX1_CASE[0], EX1_CASE[1]
    net = U.theorem_network(F, N, interval=interval)
    return U.sup_error(net.predict, F, np.linspace(interval[0], interval[1], 2001))


@functools.cache
def _smallest_staircase() -> int:
    N = 1
    while _staircase_error(N) >= EX3_EPS:
        N += 1
    return N


def _test_ex3(answer: Any) -> bool | str:
    N = _whole(answer)
    if N < 1:
        return "a network has at least one unit"
    ref = _smallest_staircase()
    if N == ref:
        return True
    error = _staircase_error(N)
    if error >= EX3_EPS:
        return (
            f"with N = {N} the staircase's max error on [0, 2] is {error:.4f}, not below {EX3_EPS}"
        )
    guaranteed = round(3.0 / EX3_EPS)  # cos(3x) climbs at most 3: 3 × (2/N)/2 < ε
    if N in (guaranteed, guaranteed + 1):
        return (
            "that N is what the guarantee promises, (steepest slope) × h/2 < ε; the guarantee "
            "is an upper bound. Measure the real error with a loop: fewer units do it"
        )
    return "that N works, but a smaller one does too: give the smallest"


ex3 = Exercise(
    "06.3",
    f"the smallest N for which the staircase of cos(3x) on [0, 2] has max error below {EX3_EPS}",
    _test_ex3,
    hint="loop over N = 1, 2, 3, ... and stop at the first N whose error is below ε",
)


# --------------------------------------------------------------------------------------
# 06.4 is an open exploration of the optimiser's budget: it has no checker.
# 06.5: the counting argument for g composed 8 times, on paper
# --------------------------------------------------------------------------------------
def _test_ex5(answer: Any) -> bool | str:
    count = _whole(answer)
    k = EX5_COMPOSITIONS
    units = next(n for n in range(1, 2**k + 2) if not U.pieces_too_few(U.one_layer_pieces(n), k))
    if count == U.count_params([1, units, 1]):
        return True
    if count == units:
        return "that is the number of units; count their parameters (v_i, b_i, w_i and one more)"
    if count == 3 * units:
        return "3 parameters per unit, and one more: the output bias b2"
    if count == U.count_params([1, 2**k, 1]):
        return (
            "that is the exact network, one unit per straight piece; the counting argument "
            "only needs each piece to pass at most two of the peaks and troughs"
        )
    if count == U.count_params([1, units + 1, 1]):
        return "N units make N + 1 pieces: you counted the pieces as units"
    if count == U.count_params([1, units - 1, 1]):
        return (
            "count the peaks and troughs, both ends included: with one unit fewer the pieces "
            "cover one point too few"
        )
    if count == 6 * k + 1:
        return "that is the deep network's count; the question asks about one hidden layer"
    if count in (U.count_params([1, 16, 1]), U.count_params([1, 32, 1])):
        return "that is the notebook's k = 5; here g is composed 8 times"
    return False


ex5 = Exercise(
    "06.5",
    "the parameters one hidden ReLU layer needs before the counting argument stops ruling "
    "out a max error below 1 on g composed 8 times",
    _test_ex5,
    hint="reread the counting argument: how many peaks and troughs has g composed 8 times, "
    "how many of them can one straight piece pass, and how many pieces do N units make?",
)
