"""Exercises of notebook 11 (the backpropagation algorithm).

Each checker computes its reference inside the test, with the engine, at points the
notebook does not print, so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib import backprop as bp
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.checks import Exercise

__all__ = ["ex1", "ex2", "ex3"]

NAMES = ("w", "b", "x")


# --------------------------------------------------------------------------------------
# 11.1: the backward pass of a small graph with a two-children node, by hand, in code
# --------------------------------------------------------------------------------------
def _engine_partials(x: float, y: float, w: float, b: float, lam: float) -> dict[str, float]:
    """u = w x, z = u + b, h = tanh(z), r = h - y, l = r², R = λ w², J = l + R."""
    xi, yi = Input("x"), Input("y")
    wp, bp_ = Param("w", w), Param("b", b)
    h = ad.tanh(ad.Add(ad.Mul(wp, xi, name="u"), bp_, name="z"), name="h")
    r = ad.Sub(h, yi, name="r")
    J = ad.Add(ad.square(r, name="l"), ad.Mul(lam, ad.square(wp), name="R"), name="J")
    g = Graph(J)
    g.forward(x=x, y=y)
    grads = g.backward()
    return {"w": float(grads["w"]), "b": float(grads["b"]), "x": float(xi.grad)}


def _cases() -> list[tuple[float, float, float, float, float]]:
    rng = np.random.default_rng(11001)
    return [
        (
            float(rng.uniform(-2, 2)),
            float(rng.uniform(-1, 1)),
            float(rng.normal()),
            float(rng.normal()),
            lam,
        )
        for lam in (0.1, 0.8, 2.0)
    ]


def _test_ex1(my_backward: Callable[..., Any]) -> bool | str:
    if not callable(my_backward):
        return "pass the function itself: nb11.ex1(my_backward), without calling it"
    for x, y, w, b, lam in _cases():
        got = my_backward(x, y, w, b, lam)
        if not isinstance(got, dict) or set(got) != set(NAMES):
            return 'return a dict with the keys "w", "b" and "x"'
        ref = _engine_partials(x, y, w, b, lam)
        if all(np.isclose(float(got[k]), ref[k], rtol=1e-9, atol=1e-12) for k in NAMES):
            continue
        if all(np.isclose(float(got[k]), -ref[k], rtol=1e-9, atol=1e-12) for k in NAMES):
            return "every sign is flipped: r = h - y, so dl/dr = 2r and dr/dh = +1"
        if np.isclose(float(got["w"]), ref["w"] - 2 * lam * w, rtol=1e-9) and np.isclose(
            float(got["b"]), ref["b"], rtol=1e-9
        ):
            return "w has two children, u and R: add R's share 2 λ w to what comes through u"
        if np.isclose(float(got["w"]), 2 * lam * w, rtol=1e-9):
            return "w has two children, u and R: ∂J/∂w is the sum of both shares"
        h = np.tanh(w * x + b)
        if np.isclose(float(got["b"]), ref["b"] / (1 - h * h), rtol=1e-9):
            return "tanh's local derivative is missing: dh/dz = 1 - h²"
        if np.isclose(float(got["x"]), ref["x"] / w * x, rtol=1e-9) and x != 0:
            return "du/dx = w and du/dw = x: the two are swapped somewhere"
        return False
    return True


ex1 = Exercise(
    "11.1",
    "write the backward pass of u = w x, z = u + b, h = tanh(z), r = h - y, l = r², "
    "R = λ w², J = l + R (the partials of w, b and x)",
    _test_ex1,
    hint="reverse order: J, then R and l, r, h, z, u, and the leaves; each partial is the "
    "sum over the node's children of (child's partial) × (local derivative)",
)


# --------------------------------------------------------------------------------------
# 11.2: dJ/dh in the notebook's graph with v = -2 (the sum over two children)
# --------------------------------------------------------------------------------------
def _test_ex2(answer: Any) -> bool | str:
    value = float(answer)
    m = bp.multiple_children_graph(v=-2.0)
    m.graph.forward(x=2.0)
    m.graph.backward()
    ref = float(m.h.grad)
    h = float(m.h.value)
    if abs(value - ref) <= 5e-4:
        return True
    if abs(value - 2 * h) <= 5e-4 or abs(value + 2.0) <= 5e-4:
        return "h has two children, c1 and c2: add both shares"
    if abs(value - (h - 2.0)) <= 5e-4:
        return "the local derivative of c1 = h² is 2h, not h"
    if abs(value - (2 * h + 1.5)) <= 5e-4:
        return "that is the notebook's v = 1.5; the question sets v = -2"
    return False


ex2 = Exercise(
    "11.2",
    "∂J/∂h in the notebook's graph when v = -2 (w = 0.8, b = -0.3, x = 2), 3 decimals",
    _test_ex2,
    hint="∂J/∂h = ∂J/∂c1 · ∂c1/∂h + ∂J/∂c2 · ∂c2/∂h, with ∂J/∂c1 = ∂J/∂c2 = 1",
)


# --------------------------------------------------------------------------------------
# 11.3: node operations of backprop and finite differences for the ladder of depth 7
# --------------------------------------------------------------------------------------
def _test_ex3(answer: Any) -> bool | str:
    if not isinstance(answer, (list, tuple)) or len(answer) != 2:
        return "give two whole numbers: [backprop, finite differences]"
    got = [int(v) for v in answer]
    ref = bp.count_operations(7)
    if got == [ref.backprop, ref.finite_differences]:
        return True
    if got[0] == ref.nodes:
        return "backprop visits every computing node twice: once forward, once backward"
    graph, _ = bp.ladder_graph(7)
    if got[0] == 2 * len(graph.nodes):
        return "count the computing nodes only: parameters and data compute nothing"
    if got[0] == ref.backprop:
        return (
            "backprop is right; finite differences need 2 forward passes of N nodes per parameter"
        )
    return False


ex3 = Exercise(
    "11.3",
    "node operations for the full gradient of the ladder of depth 7: backprop and finite "
    "differences",
    _test_ex3,
    hint="count N (computing nodes) and P (parameters) in bp.ladder_graph(7); "
    "backprop needs 2N, finite differences 2PN",
)
