"""Exercises of notebook 13 (non-convex optimisation).

Each checker computes its reference inside the test (from the landscape or the optimiser
it names), so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import landscape as ls
from lecturelib.checks import Exercise

__all__ = ["ex1", "ex2", "ex3", "ex4"]


# --------------------------------------------------------------------------------------
# 13.1: the largest stable step size of a valley the notebook does not draw
# --------------------------------------------------------------------------------------
def _bowl(p: np.ndarray) -> float:
    """``f = 3x² + y²/2``: exercise 1's valley."""
    return 3.0 * p[0] ** 2 + 0.5 * p[1] ** 2


def _largest_curvature(f: Callable[[np.ndarray], float], h: float = 1e-3) -> float:
    """The Hessian's largest eigenvalue at the origin, by central differences."""
    H = np.zeros((2, 2))
    eye = np.eye(2) * h
    for i in range(2):
        for j in range(2):
            H[i, j] = (
                f(eye[i] + eye[j]) - f(eye[i] - eye[j]) - f(-eye[i] + eye[j]) + f(-eye[i] - eye[j])
            ) / (4 * h * h)
    return float(np.linalg.eigvalsh(H).max())


def _test_ex1(answer: Any) -> bool | str:
    lr = float(answer)
    c = _largest_curvature(_bowl)
    ref = 2.0 / c
    if abs(lr - ref) <= 0.005:
        return True
    if abs(lr - 1.0 / c) <= 0.005:
        return "stable means |1 - eta c| < 1, which allows eta up to 2/c, not 1/c"
    if abs(lr - 2.0 / (c / 2)) <= 0.005:
        return "the curvature is the second derivative: d²(3x²)/dx² is 6, not 3"
    if abs(lr - 2.0) <= 0.005:
        return "that is the limit in the flat direction; the steep one binds first"
    if abs(lr - 0.1) <= 0.005:
        return "0.1 belongs to the notebook's valley; this one has another curvature"
    return False


ex1 = Exercise(
    "13.1",
    "the largest stable gradient-descent step size on f = 3x² + y²/2 (2 decimals)",
    _test_ex1,
    hint="gradient descent multiplies each coordinate by 1 - eta c per step, c that "
    "direction's curvature (second derivative); every factor must stay between -1 and 1",
)


# --------------------------------------------------------------------------------------
# 13.2: how many restarts make failure one in a million
# --------------------------------------------------------------------------------------
def _test_ex2(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer):
        return "a number of restarts is a whole number"
    k = int(answer)
    if 0.08**k < 1e-6 and 0.08 ** (k - 1) >= 1e-6:
        return True
    if 0.08**k >= 1e-6:
        return "with that many the best run is still stuck more often than one in a million"
    return "that many works, but fewer would do: give the smallest"


ex2 = Exercise(
    "13.2",
    "the smallest number of restarts k with 0.08^k below one in a million",
    _test_ex2,
    hint="the best of k independent runs is stuck only if all k are: probability 0.08^k",
)


# --------------------------------------------------------------------------------------
# 13.3: write the momentum update, checked by the path it takes
# --------------------------------------------------------------------------------------
MOMENTUM_START = (1.7, 1.4)
MOMENTUM_LR = 10**-1.5
MOMENTUM_BETA = 0.9


def _two_minima_grad(p: np.ndarray) -> np.ndarray:
    """The gradient of ``f = (x² - 1)² + 0.3 x + y²``."""
    x, y = p
    return np.array([4.0 * x * (x * x - 1.0) + 0.3, 2.0 * y])


def _path_of(step: Callable[..., Any], steps: int = 100) -> np.ndarray:
    p, v = np.array(MOMENTUM_START), np.zeros(2)
    path = [p.copy()]
    for _ in range(steps):
        result = step(p.copy(), v.copy(), _two_minima_grad(p), MOMENTUM_LR, MOMENTUM_BETA)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise ValueError("momentum_step must return two things: the new p and the new v")
        p, v = (np.asarray(a, dtype=float) for a in result)
        if p.shape != (2,) or v.shape != (2,):
            raise ValueError(f"p and v must keep their shape (2,); got {p.shape}, {v.shape}")
        path.append(p.copy())
    return np.array(path)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(a)) and np.allclose(a, b, rtol=0, atol=1e-6))


def _test_ex3(momentum_step: Callable[..., Any]) -> bool | str:
    if not callable(momentum_step):
        return "pass the function itself: nb13.ex3(momentum_step), without calling it"
    with np.errstate(all="ignore"):
        mine = _path_of(momentum_step)
    reference = ls.run_optimizer(
        "two minima", "momentum", MOMENTUM_LR, steps=100, start=MOMENTUM_START
    ).points
    if _same(mine, reference):
        return True
    gd = ls.run_optimizer("two minima", "gd", MOMENTUM_LR, steps=100, start=MOMENTUM_START)
    if _same(mine, gd.points):
        return "your path is plain gradient descent's: the velocity must carry the old one on"
    if np.allclose(mine[1], reference[1]) and not np.allclose(mine[2], reference[2]):
        return (
            "your first step is right, your second is not: does p move with the *new* "
            "velocity, and does the new velocity keep beta times the old one?"
        )
    start, first = reference[0], reference[1] - reference[0]
    if np.allclose(mine[1] - start, -first):
        return "you moved uphill: p moves *against* the velocity"
    if np.allclose(mine[1] - start, (1 - MOMENTUM_BETA) * first):
        return (
            "your first step is 10 times too short: does the velocity take in the whole gradient?"
        )
    if not np.allclose(mine[1], reference[1]):
        return "already the first step differs: with v = 0 at the start, what is v after one step?"
    return False


ex3 = Exercise(
    "13.3",
    "write momentum_step(p, v, grad, lr, beta); checked by its path on the two-minima landscape",
    _test_ex3,
    hint="the velocity first forgets a little (times beta) and takes in the new gradient; "
    "then p moves against the velocity, scaled by lr",
)


# --------------------------------------------------------------------------------------
# 13.4: predict the length of Adam's first step
# --------------------------------------------------------------------------------------
def _adam_first_step() -> float:
    run = ls.run_optimizer("valley", "adam", 0.15, steps=1)
    return float(np.linalg.norm(run.points[1] - run.points[0]))


def _test_ex4(answer: Any) -> bool | str:
    value = float(answer)
    ref = _adam_first_step()
    if abs(value - ref) <= 5e-5:
        return True
    if abs(value - 0.15) <= 5e-4:
        return "each coordinate moves by about lr; the step has two coordinates"
    if value > 1:
        return "Adam divides each coordinate's step by the size of its gradient"
    if abs(value - ref) <= 5e-3:
        return "close: give 4 decimals"
    return False


ex4 = Exercise(
    "13.4",
    "the length of Adam's first step on the valley from its start, lr = 0.15 (4 decimals)",
    _test_ex4,
    hint="at the first step m_hat = g and v_hat = g² (the bias corrections undo the "
    "averages): what is g / sqrt(g²) for each coordinate?",
)
