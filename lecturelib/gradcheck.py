"""Checking backpropagation against central differences (the course homework's gradient check).

The partial derivative of the objective ``J`` with respect to one parameter entry ``theta_i``
is approximated by the **central difference**

    dJ/dtheta_i  ~  (J(theta + eps e_i) - J(theta - eps e_i)) / (2 eps),

whose error shrinks like ``eps^2``. Backprop's gradient and this estimate are compared by
the **relative error** ``|a - b| / max(|a|, |b|)`` (0 when both are 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from lecturelib.engine import Graph  # the core graph, and so the fast one too

__all__ = ["check_gradients", "numerical_gradient", "relative_error"]


def relative_error(a: Any, b: Any) -> float:
    """The largest entrywise ``|a - b| / max(|a|, |b|)``, counting ``0/0`` as 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"relative_error: shapes differ, {a.shape} and {b.shape}")
    scale = np.maximum(np.abs(a), np.abs(b))
    diff = np.abs(a - b)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(scale > 0, diff / np.where(scale > 0, scale, 1.0), 0.0)
    return float(ratio.max()) if ratio.size else 0.0


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of the scalar function ``f()`` with respect to array ``x``.

    ``x`` is perturbed in place, one entry at a time, and restored afterwards; ``f`` reads
    it (for a graph: ``lambda: graph.forward(**feeds)`` with ``x`` a parameter's value).
    """
    if not callable(f):
        raise TypeError(f"numerical_gradient: f must be callable, got {type(f).__name__}")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient: x must be a float64 numpy array (changed in place)")
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"numerical_gradient: eps must be a positive number, got {eps!r}")
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = float(f())
        flat[i] = old - eps
        down = float(f())
        flat[i] = old
        gflat[i] = (up - down) / (2.0 * eps)
    return grad


def check_gradients(graph: Graph, feeds: Mapping[str, Any], eps: float = 1e-6) -> float:
    """Largest relative error between backprop and central differences over all parameters.

    Runs a forward and backward pass of ``graph`` on ``feeds``, then perturbs each entry of
    each :class:`~lecturelib.engine.Param` in turn. Values around 1e-7 or below mean the
    gradients agree; the course homework accepted up to 1e-5 for linear nodes and 1e-4 to
    1e-3 for tanh networks.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"check_gradients: graph must be a Graph, got {type(graph).__name__}")
    feeds = dict(feeds)
    graph.forward(**feeds)
    analytic = {name: g.copy() for name, g in graph.backward().items()}
    worst = 0.0
    for name, param in graph.params.items():
        value = param.value.copy()
        param.value = value  # the array numerical_gradient perturbs in place
        numeric = numerical_gradient(lambda: graph.forward(**feeds), param.value, eps)
        worst = max(worst, relative_error(analytic[name], numeric))
    graph.forward(**feeds)  # leave the graph as it was, with fresh gradients
    graph.backward()
    return worst
