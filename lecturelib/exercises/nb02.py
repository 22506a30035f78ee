"""Exercises of notebook 02 (perceptrons as logic gates).

Each checker decides by a property of the answer or by a count it computes inside the test
(on point sets the notebook does not use), so running a check never shows the answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib.checks import Exercise
from lecturelib.perceptron import gate_state, is_linearly_separable

__all__ = ["ex1", "ex2", "ex3"]


# --------------------------------------------------------------------------------------
# 02.1: a NAND unit with two different weights (the notebook's NAND units have w1 = w2)
# --------------------------------------------------------------------------------------
def _test_ex1(unit: Any) -> bool | str:
    w1, w2, theta = (float(v) for v in unit)
    name = gate_state(w1, w2, theta).name
    if name != "NAND":
        return f"your unit computes {name}, not NAND: check its four weighted sums against θ"
    if w1 == w2:
        return "that is NAND, but the question asks for two different weights, w1 ≠ w2"
    return True


ex1 = Exercise(
    "02.1",
    "a threshold unit (w1, w2, theta) computing NAND with w1 different from w2",
    _test_ex1,
    hint="NAND fires unless both inputs are 1: write its four inequalities and pick w1, w2, θ",
)


# --------------------------------------------------------------------------------------
# 02.2: write a function that counts the labellings one threshold unit can compute
# --------------------------------------------------------------------------------------
def _count(points: np.ndarray) -> int:
    labellings = itertools.product((0, 1), repeat=len(points))
    return sum(is_linearly_separable(points, labels) for labels in labellings)


def _point_sets() -> list[np.ndarray]:
    """Point sets the notebook does not use: 3 on a line, a triangle, 5 in the plane."""
    return [
        np.array([[0.0], [1.0], [2.0]]),
        np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
        np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0], [1.0, 1.0]]),
    ]


def _test_ex2(count_separable: Callable[[np.ndarray], Any]) -> bool | str:
    if not callable(count_separable):
        return "pass the function itself: nb02.ex2(count_separable), without calling it"
    for points in _point_sets():
        got, want = count_separable(points.copy()), _count(points)
        if isinstance(got, bool) or not float(got).is_integer():
            return "return a whole number: how many of the 2**n labellings are separable"
        if int(got) == want:
            continue
        n = len(points)
        if int(got) == want - 2:
            return "all 0s and all 1s are labellings too (FALSE and TRUE): a unit computes them"
        if int(got) == 2**n - want:
            return "that counts the labellings one unit can NOT compute"
        if int(got) == 2 ** (n - 1):
            return "a point set of n points has 2**n labellings: loop over all of them"
        return (
            f"on {n} points {'on a line' if points.shape[1] == 1 else 'in the plane'} your "
            "function gives another count: test it on the square of notebook 02 (14 of 16)"
        )
    return True


ex2 = Exercise(
    "02.2",
    "write count_separable(points): how many labellings of the points one unit computes",
    _test_ex2,
    hint="itertools.product((0, 1), repeat=len(points)) gives every labelling; "
    "is_linearly_separable(points, labels) tells whether one unit computes it",
)


# --------------------------------------------------------------------------------------
# 02.3: how many of the 256 three-input boolean functions one unit computes
# --------------------------------------------------------------------------------------
def _test_ex3(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer):
        return "a count is a whole number"
    n = int(answer)
    cube = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    want = _count(cube)
    if n == want:
        return True
    if n == 14:
        return "14 is the two-input count; with three inputs the cube has 8 corners"
    if n == want - 2:
        return "count TRUE and FALSE too: a unit with zero weights computes them"
    if n > 128:
        return "more than half? with two inputs 2 of 16 fail; with three many more do"
    return False


ex3 = Exercise(
    "02.3",
    "how many of the 256 three-input boolean functions one threshold unit computes",
    _test_ex3,
    hint="run your count_separable on the 8 corners of the cube, "
    "itertools.product((0, 1), repeat=3)",
)
