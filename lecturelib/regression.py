"""The slides' worked examples: least squares and ridge regression as computation graphs.

Slides "Example: Linear least squares" and "Example: Ridge Regression", for one training
example ``(x, y)``::

    (prediction)      y_hat = sum_j w_j x_j + b
    (residual)        r     = y - y_hat
    (loss)            l     = r^2
    (regularization)  R     = lambda w^T w          (ridge only)
    (objective)       J     = l + R                 (ridge only)

with the partial derivatives the slides derive by hand::

    dl/dr = 2r,  dl/dy_hat = -2r,  dl/db = -2r,  dl/dw_j = -2 r x_j,
    dJ/dw_j = -2 r x_j + 2 lambda w_j   (w has two children: y_hat and R).

:func:`formula_graph` is the same objective as a single node whose backward pass applies
these formulas directly: what :func:`lecturelib.linear_models.sgd` trains with
``engine="formula"``, beside the graph's own backward pass (``engine="backprop"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Node, Param

__all__ = [
    "FormulaObjective",
    "RegressionGraph",
    "formula_graph",
    "regression_graph",
    "slide_partials",
]


@dataclass
class RegressionGraph:
    """The slides' graph with its named nodes (``x, y, w, b, y_hat, r, l`` and ``R, J``)."""

    graph: Graph
    x: Input
    y: Input
    w: Param
    b: Param
    y_hat: Node
    r: Node
    l: Node  # noqa: E741 - the slides' name
    R: Node | None
    J: Node

    def run(self, x: Any, y: Any) -> float:
        """A forward and a backward pass on one example; returns the objective."""
        value = self.graph.forward(x=x, y=y)
        self.graph.backward()
        return value


def regression_graph(
    w: Any, b: float = 0.0, lam: float | None = None, batch: bool = False
) -> RegressionGraph:
    """Build the least-squares graph (or ridge, with ``lam``) with initial ``w`` and ``b``.

    By default ``x`` is one example (shape ``(d,)``), exactly as on the slides. With
    ``batch=True``, ``x`` is a batch ``(n, d)``: ``l`` holds one loss per example and the
    objective is their mean (plus ``R``).
    """
    w0 = np.atleast_1d(np.asarray(w, dtype=float))
    if w0.ndim != 1:
        raise ValueError(f"w must be a vector of d weights, got shape {w0.shape}")
    x, y = Input("x"), Input("y")
    wp, bp = Param("w", w0), Param("b", b)
    y_hat = ad.Add(ad.MatMul(x, wp, name="w·x"), bp, name="y_hat")
    r = ad.Sub(y, y_hat, name="r")
    l = ad.square(r, name="l")  # noqa: E741
    loss = ad.mean(l, name="mean l") if batch else l
    if lam is None:
        J = loss
        R = None
    else:
        R = ad.l2_penalty(wp, lam, name="R")
        J = ad.Add(loss, R, name="J")
    return RegressionGraph(Graph(J), x, y, wp, bp, y_hat, r, l, R, J)


class FormulaObjective(Node):
    """The slides' objective of one example, ``J = r^2 (+ lambda w^T w)`` with
    ``r = y - (w^T x + b)``, as a single node whose backward pass is the slides'
    hand-derived partials instead of the chain rule through ``y_hat``, ``r`` and ``l``::

        dJ/dw_j = -2 r x_j + 2 lambda w_j,   dJ/db = -2 r,   dJ/dy = 2 r,   dJ/dx_j = -2 r w_j

    Inputs ``x, y, w, b``; ``x`` is one example, of shape ``(d,)`` or ``(1, d)`` (the batch
    of one that ``train(..., batch_size=1)`` feeds), ``y`` its target.
    """

    op = "slide formulas"

    def __init__(
        self, x: Any, y: Any, w: Any, b: Any, lam: float | None = None, name: str = "J"
    ) -> None:
        self.lam = 0.0 if lam is None else float(lam)
        super().__init__(x, y, w, b, name=name)

    def forward(self) -> None:
        x, y, w, b = (node.value for node in self.inputs)
        if x.shape != w.shape:
            if x.shape != (1, *w.shape) or y.size != 1:
                raise ValueError(
                    f"node {self.name!r} ({self.op}) takes one example: x of shape "
                    f"{w.shape} or {(1, *w.shape)} and one y, got {x.shape} and {y.shape}"
                )
            x, y = x[0], y.reshape(())
        self._x, self._r = x, y - (x @ w + b)
        loss = self._r * self._r
        self.value = np.asarray(loss + self.lam * (w @ w) if self.lam else loss)

    def backward(self) -> None:
        x, y, w, b = self.inputs
        d_y_hat = -2.0 * self._r * self.grad  # dJ/dy_hat = -2r, times the incoming dS/dJ
        w.grad += d_y_hat * self._x
        if self.lam:
            w.grad += (2.0 * self.lam * self.grad) * w.value
        b.grad += d_y_hat
        x.grad += (d_y_hat * w.value).reshape(x.value.shape)
        y.grad += -d_y_hat


def formula_graph(w: Any, b: float = 0.0, lam: float | None = None) -> Graph:
    """:class:`FormulaObjective` of the Inputs ``x``, ``y`` and the Params ``w``, ``b``, as a
    graph that gives only the parameters' partials (``data_grads=False``)."""
    w0 = np.atleast_1d(np.asarray(w, dtype=float))
    if w0.ndim != 1:
        raise ValueError(f"w must be a vector of d weights, got shape {w0.shape}")
    J = FormulaObjective(Input("x"), Input("y"), Param("w", w0), Param("b", b), lam, name="J")
    return Graph(J, data_grads=False)


def slide_partials(x: Any, y: float, w: Any, b: float, lam: float = 0.0) -> dict[str, Any]:
    """The slides' hand-derived partials for one example (the formulas, not backprop)."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    r = y - (x @ w + b)
    return {
        "r": r,
        "dl/dr": 2 * r,
        "dl/dy_hat": -2 * r,
        "dl/db": -2 * r,
        "dl/dw": -2 * r * x,
        "dR/dw": 2 * lam * w,
        "dJ/dw": -2 * r * x + 2 * lam * w,
    }


@dataclass
class TangentState:
    """What the start notebook's explorer shows for one slider position."""

    rows: list[list[Any]]  # node, value, backprop partial, slide formula
    b_grid: np.ndarray  # b values for the curve
    loss_curve: np.ndarray  # l as a function of b, others fixed
    b: float
    loss: float
    slope: float  # dl/db by backprop: the tangent's slope
    max_formula_gap: float  # largest |backprop - slide formula|


def tangent_state(
    w1: float, w2: float, b: float, x: Any = (1.0, 2.0), y: float = 3.0
) -> TangentState:
    """Forward and backward pass of the least-squares graph at ``(w1, w2, b)``.

    The pure update behind the start notebook's explorer: the table of every node's value
    and partial derivative next to the slides' formulas, and the loss as a function of ``b``
    with the tangent whose slope is ``dl/db``.
    """
    model = regression_graph([w1, w2], b)
    x = np.asarray(x, dtype=float)
    loss = model.run(x, y)
    formulas = slide_partials(x, y, model.w.value, float(model.b.value))
    rows = [
        ["r", model.r.value, model.r.grad, formulas["dl/dr"], "2r"],
        ["y_hat", model.y_hat.value, model.y_hat.grad, formulas["dl/dy_hat"], "-2r"],
        ["b", model.b.value, model.b.grad, formulas["dl/db"], "-2r"],
        ["w", model.w.value, model.w.grad, formulas["dl/dw"], "-2r x_j"],
    ]
    gap = max(float(np.max(np.abs(np.asarray(r[2]) - np.asarray(r[3])))) for r in rows)
    b_grid = np.linspace(-6.0, 6.0, 121)
    curve = (y - (x @ model.w.value + b_grid)) ** 2
    return TangentState(rows, b_grid, curve, float(b), float(loss), float(model.b.grad), gap)
