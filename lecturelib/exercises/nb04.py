"""Exercises of notebook 04 (activation functions).

Each checker computes its reference inside the test, at points the notebook does not
evaluate, so running a check never shows the answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lecturelib import activations as act
from lecturelib.checks import Exercise

__all__ = ["EX1_UNIT", "EX3_UNIT", "ex1", "ex2", "ex3", "ex4"]

#: Exercise 1's unit h(x) = tanh(v x + b) and the input x where its slope is asked.
EX1_UNIT = {"v": 2.3, "b": -0.9, "x": 0.6}
#: Exercise 3's unit (v, b) on the explorer's inputs x in [-1, 1].
EX3_UNIT = (-4.0, 2.0)


# --------------------------------------------------------------------------------------
# 04.1: the slope of a tanh unit by the chain rule
# --------------------------------------------------------------------------------------
def _test_ex1(answer: Any) -> bool | str:
    value = float(answer)
    v, b, x = EX1_UNIT["v"], EX1_UNIT["b"], EX1_UNIT["x"]
    z = v * x + b
    ref = v * float(act.tanh_grad(z))
    if abs(value - ref) <= 0.0005:
        return True
    if abs(value - float(act.tanh_grad(z))) <= 0.0005:
        return "that is tanh'(z); the chain rule multiplies by dz/dx = v too"
    if abs(value - v * float(act.tanh_grad(v * x))) <= 0.0005:
        return "the bias is part of z: z = v x + b"
    if abs(value - v * float(act.tanh(z))) <= 0.0005 or abs(value - float(act.tanh(z))) <= 0.0005:
        return "that is (a multiple of) the unit's value; the slope needs tanh'(z) = 1 - tanh(z)²"
    if abs(value + ref) <= 0.0005:
        return "mind the sign: tanh' is positive everywhere and v is positive"
    if abs(value - ref) <= 0.005:
        return "close: keep more digits until the end and give 3 decimals"
    return False


ex1 = Exercise(
    "04.1",
    "dh/dx at x = 0.6 for the unit h(x) = tanh(2.3 x - 0.9) (3 decimals)",
    _test_ex1,
    hint="the chain rule: dh/dx = tanh'(z) · dz/dx with z = v x + b, and tanh'(z) = 1 - tanh(z)²",
)


# --------------------------------------------------------------------------------------
# 04.2: where tanh's slope falls to a tenth of its peak
# --------------------------------------------------------------------------------------
def _test_ex2(answer: Any) -> bool | str:
    z = float(answer)
    if z <= 0:
        return "give the positive z; tanh' is symmetric, so -z is the other one"
    ref = float(np.arctanh(np.sqrt(1.0 - 0.1 * act.GRAD_PEAK["tanh"])))
    if abs(z - ref) <= 0.005:
        return True
    if abs(act.tanh_grad(z) - 0.01) <= 0.0005:
        return "that is where the slope is 1% of its peak (the grey edge); the question asks 10%"
    if abs(z - ref) <= 0.05:
        return "close, but two decimals are asked: solve tanh(z) = √0.9 exactly"
    if abs(act.logistic_grad(z) - 0.025) <= 0.001:
        return "that is the logistic function's point; the question is about tanh"
    return False


ex2 = Exercise(
    "04.2",
    "the positive z at which tanh'(z) falls to a tenth of its peak (2 decimals)",
    _test_ex2,
    hint="the peak is tanh'(0) = 1; solve 1 - tanh(z)² = 0.1 for tanh(z), then invert tanh",
)


# --------------------------------------------------------------------------------------
# 04.3: predict the share of inputs in tanh's flat region for a unit not shown
# --------------------------------------------------------------------------------------
def _test_ex3(answer: Any) -> bool | str:
    share = float(answer)
    if share > 1.0:
        return "give a fraction between 0 and 1 (0.5 for half), not a percentage"
    state = act.unit_state(*EX3_UNIT)
    ref = state.saturated["tanh"]
    if abs(share - ref) <= 0.01:
        return True
    if abs(share - state.saturated["logistic"]) <= 0.01:
        return "that is the logistic function's share; tanh's flat region starts nearer 0"
    if abs(share - state.saturated["relu"]) <= 0.01:
        return "that is ReLU's share (where z <= 0); the question asks for tanh"
    if abs(share - (1 - ref)) <= 0.01:
        return "that is the share *outside* the flat region"
    return False


ex3 = Exercise(
    "04.3",
    "the share of inputs x in [-1, 1] in tanh's flat region for the unit v = -4, b = 2",
    _test_ex3,
    hint="tanh is flat where |z| is beyond about 3 (the grey edge); z = v x + b is a "
    "straight line in x: find the x where it crosses ±3 and measure that part of [-1, 1]",
)


# --------------------------------------------------------------------------------------
# 04.4: a dead ReLU unit within the explorer's ranges
# --------------------------------------------------------------------------------------
def _test_ex4(unit: Any) -> bool | str:
    v, b = (float(u) for u in unit)
    if max(abs(v), abs(b)) > 20:
        return "stay within the explorer's ranges: |v| and |b| at most 20"
    share = act.unit_state(v, b).saturated["relu"]
    if share == 1.0:
        return True
    if share == 0.0:
        return "that unit is alive everywhere: z = v x + b > 0 for every x in [-1, 1]"
    return "that unit is dead only for part of [-1, 1]: z = v x + b must be <= 0 at x = -1 and 1"


ex4 = Exercise(
    "04.4",
    "a weight and bias (v, b) for which the ReLU unit has slope 0 on all of [-1, 1]",
    _test_ex4,
    hint="you need v x + b <= 0 for all x in [-1, 1]: check both ends",
)
