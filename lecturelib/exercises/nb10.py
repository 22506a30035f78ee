"""Exercises of notebook 10 (backprop for ridge regression).

Each checker computes its reference inside the test, on data the notebook does not print,
so running a check never shows the answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lecturelib import engine
from lecturelib import linear_models as lm
from lecturelib.checks import Exercise
from lecturelib.regression import regression_graph

__all__ = ["ex1", "ex2", "ex3"]


# --------------------------------------------------------------------------------------
# 10.1: write the backward pass of the ridge penalty node R = lam w^T w
# --------------------------------------------------------------------------------------
def _ridge_with(penalty_class: type, lam: float, w0: np.ndarray, b0: float) -> engine.Graph:
    """J = 2 R(w) + 3 (y - (x·w + b))²: w has two children, R's grad is 2 (not 1), and R
    comes first in the topological order, so its backward runs after the other child's."""
    x, y = engine.Input("x"), engine.Input("y")
    w, b = engine.Param("w", w0.copy()), engine.Param("b", b0)
    r = y - (x @ w + b)
    R = penalty_class(w, lam)
    return engine.Graph(2.0 * R + 3.0 * (r * r))


def _cases() -> list[tuple[float, np.ndarray, float, np.ndarray, float]]:
    rng = np.random.default_rng(10001)
    return [
        (lam, rng.normal(size=4), float(rng.normal()), rng.normal(size=4), float(rng.normal()))
        for lam in (0.3, 1.7)
    ]


class _Reference(engine.Node):
    def __init__(self, w: engine.Node, lam: float) -> None:
        self.lam = lam
        super().__init__(w, name="R")

    def forward(self) -> None:
        w = self.inputs[0].value
        self.value = np.asarray(self.lam * np.sum(w * w))

    def backward(self) -> None:
        w = self.inputs[0]
        w.grad += self.grad * 2.0 * self.lam * w.value


def _test_ex1(penalty_class: Any) -> bool | str:
    if not isinstance(penalty_class, type) or not issubclass(penalty_class, engine.Node):
        return "pass the class itself: nb10.ex1(RidgePenalty)"
    for lam, w0, b0, x, y in _cases():
        mine = _ridge_with(penalty_class, lam, w0, b0)
        ref = _ridge_with(_Reference, lam, w0, b0)
        got_J, ref_J = mine.forward(x=x, y=y), ref.forward(x=x, y=y)
        if not np.isclose(got_J, ref_J, rtol=1e-12):
            return "the forward pass changed: keep forward() as it is, R = λ wᵀw"
        got, want = mine.backward()["w"], ref.backward()["w"]
        if np.allclose(got, want, rtol=1e-10, atol=1e-12):
            continue
        penalty_part = 2.0 * 2.0 * lam * w0  # dJ/dR = 2 times dR/dw
        via_prediction = want - penalty_part
        if np.allclose(got, penalty_part, rtol=1e-9):
            return (
                "w has two children, w·x and R: add into w.grad with +=, "
                "do not overwrite what the other child sent"
            )
        if np.allclose(got, via_prediction + penalty_part / 2.0, rtol=1e-9):
            return "R's partial is self.grad (here not 1) times dR/dw: self.grad is missing"
        if np.allclose(got, via_prediction - penalty_part, rtol=1e-9):
            return "the sign of dR/dw is flipped: R grows with |w|"
        if np.allclose(got, via_prediction + penalty_part / 4.0, rtol=1e-9):
            return "d(λ wᵀw)/dw = 2 λ w: check the factor 2 and self.grad"
        return False
    return True


ex1 = Exercise(
    "10.1",
    "write backward() of the ridge penalty node R = λ wᵀw (checked inside a ridge graph)",
    _test_ex1,
    hint="dR/dw = 2 λ w; add self.grad times that into w.grad (w.grad += ...), "
    "as every node of the engine does",
)


# --------------------------------------------------------------------------------------
# 10.2: the two children's sum, on a new example
# --------------------------------------------------------------------------------------
_X2, _Y2, _W2, _B2, _LAM2 = np.array([2.0, -1.0]), 1.0, [0.3, 0.4], -0.5, 0.5


def _parts() -> tuple[np.ndarray, np.ndarray]:
    model = regression_graph(_W2, _B2, lam=_LAM2)
    model.run(_X2, _Y2)
    total = np.array(model.w.grad, dtype=float)
    penalty = 2.0 * _LAM2 * np.asarray(_W2)
    return total - penalty, penalty


def _test_ex2(answer: Any) -> bool | str:
    got = np.asarray(answer, dtype=float)
    via_prediction, via_penalty = _parts()
    if got.shape != (2,):
        return "give a list of two numbers: [∂J/∂w1, ∂J/∂w2]"
    if np.allclose(got, via_prediction + via_penalty, atol=1e-6):
        return True
    if np.allclose(got, via_prediction, atol=1e-6):
        return "that is only the part through the prediction: add R's share, 2 λ w"
    if np.allclose(got, via_penalty, atol=1e-6):
        return "that is only R's share: add the part through the prediction, -2 r x"
    if np.allclose(got, -via_prediction + via_penalty, atol=1e-6):
        return "r = y - ŷ, so ∂ℓ/∂ŷ = -2r: check the sign of the prediction's part"
    if np.allclose(got, via_prediction + via_penalty / 2, atol=1e-6):
        return "d(λ wᵀw)/dw = 2 λ w, not λ w"
    return False


ex2 = Exercise(
    "10.2",
    "∂J/∂w of the ridge graph for x = (2, -1), y = 1, w = (0.3, 0.4), b = -0.5, λ = 0.5",
    _test_ex2,
    hint="forward first (ŷ, r), then sum the two children's shares: -2 r x_j + 2 λ w_j",
)


# --------------------------------------------------------------------------------------
# 10.3: the λ at which the ridge weights have norm 0.5 (a search, not a slider position)
# --------------------------------------------------------------------------------------
def _norm(lam: float) -> float:
    data = lm.curve_data()
    w, _ = lm.ridge_closed_form(data.X, data.y, float(lam))
    return float(np.linalg.norm(w))


def _test_ex3(answer: Any) -> bool | str:
    lam = float(answer)
    if not lam > 0:
        return "λ must be positive"
    norm = _norm(lam)
    if abs(norm - 0.5) <= 0.002:
        return True
    if norm > 0.5:
        return f"at that λ, ‖w‖ = {norm:.3f}, still above 0.5: a larger λ shrinks w more"
    return f"at that λ, ‖w‖ = {norm:.3f}, below 0.5: a smaller λ shrinks w less"


ex3 = Exercise(
    "10.3",
    "the λ at which the ridge weights on the curve data have ‖w‖ = 0.5 (within 0.002)",
    _test_ex3,
    hint="‖w‖ only falls as λ grows: bisect between two λ on either side, "
    "computing ‖w‖ with lm.ridge_closed_form",
)
