"""Reference solutions and plausible wrong answers for notebook 08's exercises."""

from __future__ import annotations

import numpy as np

from lecturelib import chainrule as cr
from tests.solutions import Solution


def tanh_jacobian(M, c, a):
    b = np.tanh(M @ a + c)
    return (1 - b**2)[:, None] * M  # row i scaled by tanh'(z_i)


def tanh_jacobian_loop(M, c, a):
    z = M @ a + c
    J = np.zeros(M.shape)
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            J[i, j] = (1 - np.tanh(z[i]) ** 2) * M[i, j]
    return J


def affine_only(M, c, a):
    return M


def transposed(M, c, a):
    return tanh_jacobian(M, c, a).T


def no_square(M, c, a):
    return (1 - np.tanh(M @ a + c))[:, None] * M


def columns_scaled(M, c, a):
    b = np.tanh(M @ a + c)
    return M * (1 - b[: M.shape[1]] ** 2)[None, :] if M.shape[0] >= M.shape[1] else M * 0


_new = cr.Composition(*(getattr(cr.composition_example(), k) for k in ("M", "c0", "N", "d")),
                      a=np.array([1.0, 0.5]))  # fmt: skip
_right3 = float(cr.jacobian_product(_new)[1, 0])

SOLUTIONS = {
    "08.1": Solution(right=[0.35, 0.5 * 0.7], wrong=[-0.7, 0.55 + 0.35, 0.3, 0.4, -0.35]),
    "08.2": Solution(
        right=[tanh_jacobian, tanh_jacobian_loop],
        wrong=[affine_only, transposed, no_square, columns_scaled],
    ),
    "08.3": Solution(
        right=[_right3, round(_right3, 4)],
        wrong=[
            float(cr.jacobian_product(cr.composition_example())[1, 0]),  # the old point
            float(cr.jacobian_product(_new)[0, 1]),
            -_right3,
            round(_right3, 1),
            round(_right3, 2) + 0.01,
        ],
    ),
}
