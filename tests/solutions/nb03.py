"""Reference solutions and plausible wrong answers for notebook 03's exercises."""

from __future__ import annotations

from lecturelib.perceptron import count_solved
from tests.solutions import Solution

_tanh = sum(f.solved for f in count_solved([2], range(100), "tanh", progress=False)[2])
_sigmoid = sum(f.solved for f in count_solved([2], range(100), "sigmoid", progress=False)[2])

SOLUTIONS = {
    "03.1": Solution(
        right=[(1, -1, 1, -1, 1, 1), [2, -2, 1, -2, 2, 1], (-1, 1, 0.5, 1, -1, 0.5)],
        wrong=[(1, 1, 2, -1, -1, 0), (1, 1, 1, -1, -1, 0), (1, -1, 1, 1, -1, 1), (1, -1, 1)],
    ),
    "03.2": Solution(
        right=[_tanh, float(_tanh)],
        wrong=[_sigmoid, 100 - _sigmoid, 100 - _tanh, 100, 50.5],
    ),
}
