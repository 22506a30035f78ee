"""MLP classification: the formal definition, softmax, linear against non-linear scores.

Slides "Multilayer Perceptron (MLP): formal definition", "What did we do in multinomial
logistic regression?" and "Nonlinear Generalization of Multinomial Logistic Regression":

- hidden layer 1: ``h^(1)(x) = sigma(W^(1) x + b^(1))``, ``W^(1)`` in ``R^{m x d}``;
- hidden layer j: ``h^(j)(o) = sigma(W^(j) o + b^(j))``, ``W^(j)`` in ``R^{m x m}``, j = 2..L;
- last layer, affine: ``a(o) = W^(L+1) o + b^(L+1)``, ``W^(L+1)`` in ``R^{k x m}``;
- the network: ``f = a o h^(L) o ... o h^(1)`` (equation 8), whose ``k`` outputs are scores;
- ``Softmax(s)_i = exp(s_i) / sum_j exp(s_j)`` turns scores into class probabilities, and
  training maximises the log-likelihood ``sum_i log Softmax(f(x_i))_{y_i}``.

With no hidden layer (``L = 0``, ``MLP([d, k])``) the scores are linear, ``<w_c, x> + b_c``:
that is multinomial logistic regression. All training is :meth:`lecturelib.mlp.MLP.fit` with
``loss="cross_entropy"`` (minus the log-likelihood divided by ``n``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from lecturelib.mlp import ACTIVATIONS, MLP

__all__ = [
    "EXPLORER_ACTIVATIONS",
    "EXPLORER_DEPTHS",
    "EXPLORER_WIDTHS",
    "ClassifierFit",
    "ExplorerState",
    "accuracy",
    "class_grid",
    "compose_by_hand",
    "explorer_state",
    "fit_classifier",
    "formal_definition",
    "scores_along",
    "softmax",
    "spirals",
]

#: The explorer's choices (notebook 07).
EXPLORER_WIDTHS = (1, 2, 4, 8, 16, 32)
EXPLORER_DEPTHS = (0, 1, 2, 3)
EXPLORER_ACTIVATIONS = ("tanh", "relu", "logistic")
#: The square the figures show, and the decision-region grid's resolution.
LIMIT = 1.15
RESOLUTION = 121


# ------------------------------------------------------------------------------------
# Data
# ------------------------------------------------------------------------------------
def spirals(
    n_per_class: int = 60,
    classes: int = 3,
    *,
    noise: float = 0.2,
    turn: float = 5.0,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A 2-D data set of ``classes`` interleaved spiral arms: not linearly separable.

    Point ``i`` of arm ``c`` sits at radius ``r`` (``sqrt`` of a uniform draw on [0.02, 1],
    so points are even over the disc) and angle ``2 pi c / classes + turn * r`` plus
    Gaussian noise of ``noise`` radians. Returns ``X`` of shape ``(n, 2)`` and labels
    ``y`` in ``0..classes-1``, shape ``(n,)``, with ``n = n_per_class * classes``.
    """
    for name, v, low in (("n_per_class", n_per_class, 1), ("classes", classes, 2)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {v!r}")
    if not (isinstance(noise, (int, float)) and noise >= 0):
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        r = np.sqrt(rng.uniform(0.02, 1.0, n_per_class))
        t = 2 * np.pi * c / classes + turn * r + rng.normal(0.0, noise, n_per_class)
        X.append(np.column_stack([r * np.cos(t), r * np.sin(t)]))
        y.append(np.full(n_per_class, c))
    return np.concatenate(X), np.concatenate(y)


# ------------------------------------------------------------------------------------
# Softmax and the formal definition
# ------------------------------------------------------------------------------------
def softmax(scores: Any) -> np.ndarray:
    """``Softmax(s)_i = exp(s_i) / sum_j exp(s_j)`` along the last axis (slide "softmax").

    Stable for any finite scores: the largest score is subtracted first, which changes
    nothing (softmax ignores a constant added to every score) and keeps ``exp`` <= 1.
    """
    s = np.asarray(scores, dtype=float)
    if s.ndim == 0:
        raise ValueError("softmax needs a vector of scores (one per class), got a single number")
    if not np.all(np.isfinite(s)):
        raise ValueError("softmax needs finite scores")
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def formal_definition(net: MLP) -> list[list[str]]:
    """The slides' symbols next to ``net.params``: one row per parameter, with its shape.

    Rows are ``[slide symbol, MLP name, shape, slide's shape, role]``; the last layer is the
    affine map ``a``.
    """
    k = net.sizes[-1]
    L = net.n_layers - 1
    rows = []
    for j in range(1, net.n_layers + 1):
        W, b = net.params[f"W{j}"], net.params[f"b{j}"]
        shape = " x ".join(str(n) for n in W.shape)
        if j == net.n_layers:
            role = "a(o) = W o + b: affine scores, no activation"
            slide_W = f"{k} x {'m' if L else 'd'}"
            slide_b = f"{k}"
        elif j == 1:
            role = "h(1)(x) = sigma(W x + b)"
            slide_W, slide_b = "m x d", "m"
        else:
            role = f"h({j})(o) = sigma(W o + b)"
            slide_W, slide_b = "m x m", "m"
        rows.append([f"W({j})", f"W{j}", shape, slide_W, role])
        rows.append([f"b({j})", f"b{j}", str(b.shape[0]), slide_b, ""])
    return rows


def _sigma(name: str, z: np.ndarray) -> np.ndarray:
    """The activation ``name`` in plain numpy (to check the MLP against the formula)."""
    if name == "tanh":
        return np.tanh(z)
    if name in ("sigmoid", "logistic"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if name == "relu":
        return np.maximum(z, 0.0)
    return z


def compose_by_hand(net: MLP, X: Any) -> list[np.ndarray]:
    """Equation (8) written out in numpy from ``net.params``: ``[h1, ..., hL, f]``.

    ``h^(1) = sigma(W1 x + b1)``, ``h^(j) = sigma(Wj h^(j-1) + bj)``, ``f = W_{L+1} h^(L) +
    b_{L+1}``, one row per example. The last entry equals ``net.predict(X)``.
    """
    o = np.asarray(X, dtype=float)
    if o.ndim != 2 or o.shape[1] != net.sizes[0]:
        raise ValueError(f"X must have shape (n, {net.sizes[0]}), got shape {o.shape}")
    outputs = []
    for j in range(1, net.n_layers + 1):
        z = o @ net.params[f"W{j}"].T + net.params[f"b{j}"]
        o = z if j == net.n_layers else _sigma(net.activation, z)
        outputs.append(o)
    return outputs


# ------------------------------------------------------------------------------------
# Fitting and measuring
# ------------------------------------------------------------------------------------
def accuracy(net: MLP, X: Any, y: Any) -> float:
    """The fraction of rows whose most probable class is the label."""
    return float(np.mean(net.classify(X) == np.asarray(y)))


@dataclass
class ClassifierFit:
    """A trained classifier and what happened while it trained."""

    net: MLP
    log_likelihood: np.ndarray  # sum_i log Softmax(f(x_i))_{y_i}, per L-BFGS iteration
    train_accuracy: float
    test_accuracy: float

    @property
    def final_log_likelihood(self) -> float:
        return float(self.log_likelihood[-1])


def _check_choice(value: Any, name: str, choices: tuple) -> None:
    if isinstance(value, bool) or value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def fit_classifier(
    sizes: list[int],
    X: np.ndarray,
    y: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    *,
    activation: str = "tanh",
    steps: int = 300,
    seed: int = 0,
) -> ClassifierFit:
    """Train ``MLP(sizes)`` by maximising the log-likelihood (L-BFGS on the cross-entropy).

    ``sizes = [2, 3]`` is multinomial logistic regression (linear scores); with hidden layers
    the scores are non-linear. The log-likelihood is ``-n`` times the mean cross-entropy.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    net = MLP(sizes, activation=activation, seed=seed)
    history = net.fit(X, y, loss="cross_entropy", steps=steps, progress=False)
    ll = -len(y) * np.asarray(history.losses)
    return ClassifierFit(net, ll, accuracy(net, X, y), accuracy(net, X_test, y_test))


def class_grid(
    net: MLP, limit: float = LIMIT, resolution: int = RESOLUTION
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The decision regions: ``(axis, classes, confidence)`` on a square grid.

    ``classes[i, j]`` is the predicted class at ``(x1, x2) = (axis[j], axis[i])`` and
    ``confidence`` its probability (the largest softmax output).
    """
    axis = np.linspace(-limit, limit, resolution)
    x1, x2 = np.meshgrid(axis, axis)
    P = net.predict_proba(np.column_stack([x1.ravel(), x2.ravel()]))
    shape = (resolution, resolution)
    return axis, P.argmax(axis=1).reshape(shape), P.max(axis=1).reshape(shape)


def scores_along(net: MLP, x1: np.ndarray, x2: float = 0.0) -> np.ndarray:
    """The ``k`` scores ``f_c(x)`` along the horizontal line ``(x1, x2)``: shape ``(n, k)``."""
    x1 = np.asarray(x1, dtype=float)
    return net.predict(np.column_stack([x1, np.full_like(x1, x2)]))


# ------------------------------------------------------------------------------------
# The explorer: width, depth and activation
# ------------------------------------------------------------------------------------
@dataclass
class ExplorerState:
    """What the classification explorer shows for one setting."""

    width: int
    depth: int
    activation: str
    sizes: list[int]
    n_params: int
    axis: np.ndarray
    classes: np.ndarray
    confidence: np.ndarray
    X: np.ndarray
    y: np.ndarray
    log_likelihood: np.ndarray
    train_accuracy: float
    test_accuracy: float


@lru_cache(maxsize=1)
def _explorer_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = spirals(seed=0)
    X_test, y_test = spirals(seed=1)
    return X, y, X_test, y_test


@lru_cache(maxsize=128)
def _explorer_fit(width: int, depth: int, activation: str) -> ExplorerState:
    X, y, X_test, y_test = _explorer_data()
    sizes = [2, *([width] * depth), 3]
    fit = fit_classifier(sizes, X, y, X_test, y_test, activation=activation)
    axis, classes, confidence = class_grid(fit.net)
    for array in (axis, classes, confidence, fit.log_likelihood):
        array.flags.writeable = False  # shared by the cache: nobody may change it
    return ExplorerState(
        width,
        depth,
        activation,
        sizes,
        fit.net.n_params,
        axis,
        classes,
        confidence,
        X,
        y,
        fit.log_likelihood,
        fit.train_accuracy,
        fit.test_accuracy,
    )


def explorer_state(width: int = 8, depth: int = 1, activation: str = "tanh") -> ExplorerState:
    """The pure update of notebook 07's explorer: train ``[2, width x depth, 3]``, evaluate.

    Depth 0 is multinomial logistic regression (the width is then ignored). Results are
    cached per setting, so moving back to a setting is instant; a new one trains in well
    under a second (L-BFGS, 300 iterations at most, 180 points).
    """
    _check_choice(width, "width", EXPLORER_WIDTHS)
    _check_choice(depth, "depth", EXPLORER_DEPTHS)
    _check_choice(activation, "activation", EXPLORER_ACTIVATIONS)
    return _explorer_fit(int(width) if depth else EXPLORER_WIDTHS[0], int(depth), activation)
