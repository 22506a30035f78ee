"""Reference solutions and plausible wrong answers for notebook 04's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import activations as act
from lecturelib.exercises.nb04 import EX1_UNIT, EX3_UNIT
from tests.solutions import Solution

_v, _b, _x = EX1_UNIT["v"], EX1_UNIT["b"], EX1_UNIT["x"]
_z = _v * _x + _b
_slope = _v * (1 - np.tanh(_z) ** 2)
_edge = float(np.arctanh(np.sqrt(0.9)))
_flat_from = (3.0 - EX3_UNIT[1]) / EX3_UNIT[0]  # z = 3 at this x; flat for smaller x
_share = (_flat_from + 1.0) / 2.0
_state = act.unit_state(*EX3_UNIT)

SOLUTIONS = {
    "04.1": Solution(
        right=[_slope, round(_slope, 3)],
        wrong=[
            1 - np.tanh(_z) ** 2,
            _v * (1 - np.tanh(_v * _x) ** 2),
            -_slope,
            round(_slope, 2),
            _v * np.tanh(_z),
            0.25,
        ],
    ),
    "04.2": Solution(
        right=[_edge, round(_edge, 2)],
        wrong=[2.99, 3.0, round(_edge, 1), -_edge, 1.0, 0.1],
    ),
    "04.3": Solution(
        right=[_state.saturated["tanh"], _share, round(_share, 2)],
        wrong=[
            _state.saturated["relu"],
            _state.saturated["logistic"],
            1 - _share,
            0.5,
            100 * _share,
            0.71,
        ],
    ),
    "04.4": Solution(
        right=[(0, -1), (1.0, -1.0), (-5, -5), [0.5, -20]],
        wrong=[(1, 0), (1, 1), (0, 1), (10, -5), (30, -30)],
    ),
}
