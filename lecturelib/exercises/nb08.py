"""Exercises of notebook 08 (partial derivatives and the chain rule).

Each checker computes its reference inside the test, on a point or data the notebook does
not print, so running a check never shows the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import chainrule as cr
from lecturelib.checks import Exercise

__all__ = ["ex1", "ex2", "ex3"]


# --------------------------------------------------------------------------------------
# 08.1: the change of b_1 when a_3 grows by 0.7, by the slide's rule
# --------------------------------------------------------------------------------------
def _test_ex1(answer: Any) -> bool | str:
    value = float(answer)
    actual, _ = cr.perturb("affine", cr.A_EXAMPLE, 2, 0.7)
    ref = float(actual[0])
    if abs(value - ref) < 1e-9:
        return True
    if abs(value - float(cr.M_EXAMPLE[1, 2]) * 0.7) < 1e-9:
        return "row i of M belongs to output b_i, column j to input a_j: b_1 and a_3 is M[0, 2]"
    if abs(value - (cr.node_output("affine", cr.A_EXAMPLE)[0] + ref)) < 1e-9:
        return "that is the new value of b_1; the question asks for its change"
    return False


ex1 = Exercise(
    "08.1",
    "by how much b_1 changes when a_3 grows by 0.7 (the affine node's rule)",
    _test_ex1,
    hint="b_i changes by M_ij · δ: here i = 1 (row 1 of M) and j = 3 (column 3)",
)


# --------------------------------------------------------------------------------------
# 08.2: write a node's local derivatives: the Jacobian of b = tanh(M a + c)
# --------------------------------------------------------------------------------------
def _reference_jacobian(M: np.ndarray, c: np.ndarray, a: np.ndarray) -> np.ndarray:
    return cr.numerical_jacobian(lambda v: np.tanh(M @ v + c), a)


def _cases() -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(8002)
    return [
        (rng.normal(size=(n, p)), rng.normal(size=n), rng.normal(size=p))
        for n, p in ((2, 3), (3, 2), (4, 4))
    ]


def _test_ex2(tanh_jacobian: Callable[..., Any]) -> bool | str:
    if not callable(tanh_jacobian):
        return "pass the function itself: nb08.ex2(tanh_jacobian), without calling it"
    for M, c, a in _cases():
        got = np.asarray(tanh_jacobian(M.copy(), c.copy(), a.copy()), dtype=float)
        ref = _reference_jacobian(M, c, a)
        if got.shape != ref.shape:
            if got.shape == ref.T.shape:
                return (
                    f"the shape is {got.shape}, the transpose of what is asked: row i is output "
                    "b_i, column j is input a_j"
                )
            return f"the Jacobian of b in R^n by a in R^p has shape (n, p) = {ref.shape}"
        if np.allclose(got, ref, rtol=1e-6, atol=1e-8):
            continue
        z = M @ a + c
        if np.allclose(got, M):
            return "that is the affine node's Jacobian: tanh's own derivative is missing"
        if np.allclose(got, (1 - np.tanh(z))[:, None] * M) or np.allclose(
            got, (1 - z**2)[:, None] * M
        ):
            return "tanh'(z) = 1 - tanh(z)², with z = M a + c"
        if np.allclose(got, (1 - np.tanh(z) ** 2)[None, : got.shape[1]] * M):
            return "the factor 1 - b_i² belongs to row i (output b_i): scale the rows of M"
        return False
    return True


ex2 = Exercise(
    "08.2",
    "write the local derivatives of the node b = tanh(M a + c): its Jacobian db_i/da_j",
    _test_ex2,
    hint="the chain rule inside the node: db_i/da_j = tanh'(z_i) · M_ij with z = M a + c",
)


# --------------------------------------------------------------------------------------
# 08.3: the sum over paths at a point the notebook does not evaluate
# --------------------------------------------------------------------------------------
def _composition_at_new_point():
    comp = cr.composition_example()
    return cr.Composition(comp.M, comp.c0, comp.N, comp.d, np.array([1.0, 0.5]))


def _test_ex3(answer: Any) -> bool | str:
    value = float(answer)
    comp = _composition_at_new_point()
    ref = float(cr.jacobian_product(comp)[1, 0])
    if abs(value - ref) <= 5e-5:
        return True
    old = float(cr.jacobian_product(cr.composition_example())[1, 0])
    if abs(value - old) <= 5e-5:
        return "that is ∂c2/∂a1 at the old point; the edge derivatives of f change with a"
    if abs(value - float(cr.jacobian_product(comp)[0, 1])) <= 5e-5:
        return "that is ∂c1/∂a2: the paths must start at a1 and end at c2"
    if abs(value + ref) <= 5e-5:
        return "mind the signs of the products"
    return False


ex3 = Exercise(
    "08.3",
    "∂c2/∂a1 at the new point a = (1, 0.5), as the sum over the three paths (4 decimals)",
    _test_ex3,
    hint="the edges b_k -> c_2 carry (1 - c_2²) N_2k, with c computed at the new a; "
    "multiply along each path a1 -> b_k -> c2 and add the three products",
)
