"""The course homework's data and bookkeeping: what notebook 12's exercises train on.

Notebook 12 ("write your own backprop") has students write node classes, the gradient of
softmax followed by cross-entropy, and the homework's two models as computation graphs
trained by SGD: ridge regression (slide "Example: Ridge Regression") and a one-hidden-layer
tanh MLP regression (slide "Multilayer Perceptron (MLP): formal definition"). This module
holds their data sets and the translation between the two ways of storing the MLP's
parameters. It holds no solution: those are the students' to write.

The MLP built as an explicit graph stores its first layer the way a batch multiplies it,
``X @ W1`` with ``W1`` of shape ``(d, m)``: the slides' ``W^(1)`` (shape ``(m, d)``)
transposed. Its output weights are a vector ``w2`` of shape ``(m,)`` and its output bias
``b2`` a scalar. :class:`~lecturelib.mlp.MLP` stores the slides' shapes: ``W1 (m, d)``,
``b1 (m,)``, ``W2 (1, m)``, ``b2 (1,)``. :func:`mlp_params_from_graph` and
:func:`graph_params_from_mlp` convert between the two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = [
    "GRAPH_PARAM_NAMES",
    "graph_params_from_mlp",
    "mlp_params_from_graph",
    "mlp_regression_data",
]

#: The Params of the MLP regression graph, in this order: ``W1 (d, m)``, ``b1 (m,)``,
#: ``w2 (m,)``, ``b2 ()``.
GRAPH_PARAM_NAMES = ("W1", "b1", "w2", "b2")


def mlp_regression_data(
    n: int = 40, noise: float = 0.05, low: float = -2.0, high: float = 2.0, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``y = sin(x) + noise * N(0, 1)`` with ``x`` uniform on ``[low, high)``, sorted.

    Returns ``X`` of shape ``(n, 1)`` (one feature, a batch as the slides' MLP takes it)
    and ``y`` of shape ``(n,)``. Three tanh units fit this curve to the noise level, so a
    trained network's mean squared error can be compared with ``noise ** 2``.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"mlp_regression_data: n must be a whole number >= 1, got {n!r}")
    if not (np.isfinite(noise) and noise >= 0):
        raise ValueError(f"mlp_regression_data: noise must be a finite number >= 0, got {noise!r}")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(
            f"mlp_regression_data: need finite low < high, got low={low!r}, high={high!r}"
        )
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(low, high, int(n)))
    y = np.sin(x) + noise * rng.standard_normal(int(n))
    return x[:, None], y


def _check_names(params: Mapping[str, Any], names: tuple[str, ...], what: str) -> None:
    if set(params) != set(names):
        raise ValueError(
            f"{what} needs exactly the parameters {', '.join(names)}; got "
            f"{', '.join(sorted(params)) or 'none'}"
        )


def mlp_params_from_graph(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The graph's ``W1 (d, m), b1 (m,), w2 (m,), b2 ()`` as :class:`~lecturelib.mlp.MLP`'s.

    ``MLP.set_params`` takes the result: ``W1 (m, d)`` (the slides' ``W^(1)``), ``b1 (m,)``,
    ``W2 (1, m)`` and ``b2 (1,)``.
    """
    _check_names(params, GRAPH_PARAM_NAMES, "mlp_params_from_graph")
    W1 = np.asarray(params["W1"], dtype=float)
    b1 = np.asarray(params["b1"], dtype=float)
    w2 = np.asarray(params["w2"], dtype=float)
    b2 = np.asarray(params["b2"], dtype=float)
    if W1.ndim != 2 or b1.shape != (W1.shape[1],) or w2.shape != (W1.shape[1],) or b2.size != 1:
        raise ValueError(
            "mlp_params_from_graph: expected W1 (d, m), b1 (m,), w2 (m,) and a scalar b2; got "
            f"W1 {W1.shape}, b1 {b1.shape}, w2 {w2.shape}, b2 {b2.shape}"
        )
    return {"W1": W1.T.copy(), "b1": b1.copy(), "W2": w2[None, :].copy(), "b2": b2.reshape(1)}


def graph_params_from_mlp(params: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """:class:`~lecturelib.mlp.MLP`'s ``W1, b1, W2, b2`` (one hidden layer, one output) as the
    graph's ``W1 (d, m), b1 (m,), w2 (m,), b2 ()``: the inverse of :func:`mlp_params_from_graph`.
    """
    _check_names(params, ("W1", "b1", "W2", "b2"), "graph_params_from_mlp")
    W1 = np.asarray(params["W1"], dtype=float)
    W2 = np.asarray(params["W2"], dtype=float)
    b1 = np.asarray(params["b1"], dtype=float)
    b2 = np.asarray(params["b2"], dtype=float)
    if W1.ndim != 2 or W2.shape != (1, W1.shape[0]) or b2.shape != (1,):
        raise ValueError(
            "graph_params_from_mlp: needs an MLP with one hidden layer and one output "
            f"(W1 (m, d), W2 (1, m), b2 (1,)); got W1 {W1.shape}, W2 {W2.shape}, b2 {b2.shape}"
        )
    return {"W1": W1.T.copy(), "b1": b1.copy(), "w2": W2[0].copy(), "b2": b2.reshape(())}
