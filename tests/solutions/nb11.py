"""Reference solutions and plausible wrong answers for notebook 11's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import backprop as bp
from tests.solutions import Solution


def my_backward(x, y, w, b, lam):
    u = w * x  # forward
    z = u + b
    h = np.tanh(z)
    r = h - y
    dJ_dl = dJ_dR = 1.0  # backward, in reverse topological order
    dJ_dr = dJ_dl * 2 * r
    dJ_dh = dJ_dr * 1.0
    dJ_dz = dJ_dh * (1 - h**2)
    dJ_du = dJ_dz
    dJ_db = dJ_dz
    dJ_dw = dJ_du * x + dJ_dR * 2 * lam * w  # two children: u and R
    dJ_dx = dJ_du * w
    return {"w": dJ_dw, "b": dJ_db, "x": dJ_dx}


def forgot_R(x, y, w, b, lam):
    g = my_backward(x, y, w, b, lam)
    return {**g, "w": g["w"] - 2 * lam * w}


def flipped(x, y, w, b, lam):
    return {k: -v for k, v in my_backward(x, y, w, b, lam).items()}


def no_tanh(x, y, w, b, lam):
    r = np.tanh(w * x + b) - y
    return {"w": 2 * r * x + 2 * lam * w, "b": 2 * r, "x": 2 * r * w}


def _dJ_dh(v):
    m = bp.multiple_children_graph(v=v)
    m.graph.forward(x=2.0)
    m.graph.backward()
    return float(m.h.grad), float(m.h.value)


_right2, _h = _dJ_dh(-2.0)
_count = bp.count_operations(7)

SOLUTIONS = {
    "11.1": Solution(right=[my_backward], wrong=[forgot_R, flipped, no_tanh]),
    "11.2": Solution(
        right=[_right2, round(_right2, 3)],
        wrong=[2 * _h, _h - 2.0, 2 * _h + 1.5, round(_right2, 1), -_right2],
    ),
    "11.3": Solution(
        right=[[_count.backprop, _count.finite_differences]],
        wrong=[
            [_count.nodes, _count.finite_differences],
            [_count.backprop, 2 * _count.nodes],
            [2 * _count.backprop, _count.finite_differences],
        ],
    ),
}
