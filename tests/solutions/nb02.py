"""Reference solutions and plausible wrong answers for notebook 02's exercises."""

from __future__ import annotations

import itertools

import numpy as np

from lecturelib.perceptron import is_linearly_separable
from tests.solutions import Solution


def count_separable(points):
    labellings = itertools.product((0, 1), repeat=len(points))
    return sum(is_linearly_separable(points, labels) for labels in labellings)


def count_separable_by_bits(points):
    n = len(points)
    count = 0
    for code in range(2**n):
        labels = [(code >> i) & 1 for i in range(n)]
        count += bool(is_linearly_separable(points, labels))
    return count


def without_constants(points):
    return count_separable(points) - 2


def counts_the_impossible(points):
    return 2 ** len(points) - count_separable(points)


def half_the_labellings(points):
    labellings = itertools.product((0, 1), repeat=len(points) - 1)
    return sum(is_linearly_separable(points[:-1], labels) for labels in labellings)


def every_labelling(points):
    return 2 ** len(points)


_cube = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
_three = count_separable(_cube)

SOLUTIONS = {
    "02.1": Solution(
        right=[(-2, -1, -2.5), (-1.0, -1.5, -2.0), [-0.5, -1, -1.2]],
        wrong=[(-1, -1, -1.5), (-1, -1, -1), (1, 2, 2.5), (-2, -1, -3.5), (-2, -1, 0)],
    ),
    "02.2": Solution(
        right=[count_separable, count_separable_by_bits],
        wrong=[without_constants, counts_the_impossible, half_the_labellings, every_labelling, 14],
    ),
    "02.3": Solution(right=[_three, float(_three)], wrong=[14, _three - 2, 256, 128, 2.5]),
}
