"""Reference solutions and plausible wrong answers for notebook 10's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import engine
from lecturelib import linear_models as lm
from tests.solutions import Solution


def _penalty(backward):
    class Penalty(engine.Node):
        def __init__(self, w, lam):
            self.lam = lam
            super().__init__(w, name="R")

        def forward(self):
            w = self.inputs[0].value
            self.value = np.asarray(self.lam * np.sum(w * w))

    Penalty.backward = backward
    return Penalty


def _right(self):
    w = self.inputs[0]
    w.grad += self.grad * 2 * self.lam * w.value


def _right_local_first(self):
    local = 2.0 * self.lam * self.inputs[0].value  # dR/dw
    self.inputs[0].grad = self.inputs[0].grad + self.grad * local


def _overwrites(self):  # = instead of +=: w's other child's share is lost
    w = self.inputs[0]
    w.grad = self.grad * 2 * self.lam * w.value


def _no_upstream(self):
    w = self.inputs[0]
    w.grad += 2 * self.lam * w.value


def _flipped(self):
    w = self.inputs[0]
    w.grad -= self.grad * 2 * self.lam * w.value


def _no_two(self):
    w = self.inputs[0]
    w.grad += self.grad * self.lam * w.value


def _lam_for_norm(target: float = 0.5) -> float:
    data = lm.curve_data()
    low, high = -3.0, 1.0  # log10 λ: ‖w‖ falls as λ grows
    for _ in range(60):
        mid = (low + high) / 2
        w, _ = lm.ridge_closed_form(data.X, data.y, 10**mid)
        low, high = (mid, high) if np.linalg.norm(w) > target else (low, mid)
    return 10 ** ((low + high) / 2)


_lam = _lam_for_norm()

SOLUTIONS = {
    "10.1": Solution(
        right=[_penalty(_right), _penalty(_right_local_first)],
        wrong=[
            _penalty(_overwrites),
            _penalty(_no_upstream),
            _penalty(_flipped),
            _penalty(_no_two),
        ],
    ),
    "10.2": Solution(
        right=[[-4.9, 3.0], np.array([-4.9, 3.0])],
        wrong=[[-5.2, 2.6], [0.3, 0.4], [5.5, -2.2], [-5.05, 2.8], [-4.9]],
    ),
    "10.3": Solution(right=[_lam, round(_lam, 4)], wrong=[1.0, 0.1, round(_lam, 1) * 2, 10.0]),
}
