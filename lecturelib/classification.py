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
that is multinomial logistic regression.

All training (:func:`fit_classifier`) minimises the mean cross-entropy (minus the
log-likelihood divided by ``n``) plus a small weight penalty ``(lam/2) sum_j ||W^(j)||^2``,
by L-BFGS until it converges. Without the penalty there is often no best network: once every
training point is classified correctly, scaling up the last layer raises the log-likelihood
for ever, and where L-BFGS stops depends on the rounding of the arithmetic (so on the CPU
and BLAS library). With it the objective has minimisers, L-BFGS converges to one, and the
fit it reaches from a given start agrees across machines to about 5 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.mlp import ACTIVATIONS, MLP
from lecturelib.optim import train

__all__ = [
    "EXPLORER_ACTIVATIONS",
    "EXPLORER_DEPTHS",
    "EXPLORER_WIDTHS",
    "MAX_STEPS",
    "WEIGHT_DECAY",
    "ClassifierFit",
    "ClassifierState",
    "accuracy",
    "class_grid",
    "compose_by_hand",
    "dead_units",
    "explorer_state",
    "fit_classifier",
    "formal_definition",
    "relu_network_with_linear_scores",
    "scores_along",
    "softmax",
    "spirals",
]

#: The weight penalty ``lam`` of every fit (per training point), and L-BFGS's iteration limit.
WEIGHT_DECAY = 1e-3
MAX_STEPS = 2000
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
    return ad.softmax_of(s)


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
        return ad.logistic(z)
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
    converged: bool  # L-BFGS stopped because it could improve no further, not at its limit

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
    weight_decay: float = WEIGHT_DECAY,
    steps: int = MAX_STEPS,
    seed: int = 0,
) -> ClassifierFit:
    """Train ``MLP(sizes)`` by maximising the log-likelihood minus a small weight penalty.

    L-BFGS minimises ``J = -(1/n) sum_i log Softmax(f(x_i))_{y_i} + (lam/2) sum_j
    ||W^(j)||^2`` with ``lam = weight_decay`` (biases are not penalised) until it can
    improve ``J`` no further, or for at most ``steps`` iterations. ``sizes = [2, 3]`` is
    multinomial logistic regression (linear scores); with hidden layers the scores are
    non-linear. ``log_likelihood`` is the log-likelihood of the training data (without the
    penalty) at the start and after each iteration.
    """
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    if (
        isinstance(weight_decay, bool)
        or not isinstance(weight_decay, (int, float))
        or not weight_decay >= 0
    ):
        raise ValueError(f"weight_decay must be a number >= 0, got {weight_decay!r}")
    net = MLP(sizes, activation=activation, seed=seed)
    n = len(y)
    likelihood = net.loss_graph("cross_entropy")
    objective = likelihood.objective
    for name, param in likelihood.params.items():
        if name.startswith("W") and weight_decay > 0:
            objective = objective + ad.l2_penalty(param, weight_decay / 2)
    graph = ad.Graph(objective, data_grads=False)
    ll = [-n * net.loss(X, y, "cross_entropy")]

    def record(_step: int, value: float) -> None:
        # L-BFGS evaluated the graph last at the new iterate: read its cross-entropy node.
        if float(graph.objective.value) != value:
            raise RuntimeError("L-BFGS reported an iterate the graph was not last evaluated at")
        ll.append(-n * float(likelihood.objective.value))

    history = train(
        graph, {"X": X, "y": y}, optimizer="lbfgs", steps=steps, progress=False, callback=record
    )
    final = -n * net.loss(X, y, "cross_entropy")
    if ll[-1] != final:
        ll.append(final)
    return ClassifierFit(
        net,
        np.asarray(ll),
        accuracy(net, X, y),
        accuracy(net, X_test, y_test),
        history.steps < steps,
    )


def dead_units(net: MLP, X: Any) -> list[int]:
    """How many units of each hidden layer output 0 on every row of ``X``.

    For ReLU such a unit is "dead" on the data: its input is negative at every point, so its
    output and its partial derivatives are 0 there, and the gradient gives it no reason to
    move. The network then computes what a narrower one would.
    """
    return [int(np.sum(np.all(h == 0, axis=0))) for h in net.hidden(X)]


def relu_network_with_linear_scores(linear: MLP, width: int, shift: float = 2.0) -> MLP:
    """A ``[d, width, k]`` ReLU network that computes exactly the scores of ``linear``.

    Hidden unit ``i < d`` is ``relu(x_i + shift)``, which equals ``x_i + shift`` wherever
    ``x_i > -shift`` (on the spirals, inside the unit disc, with ``shift = 2``); the other
    units are switched off. The last layer undoes the shift. So a ReLU network of width
    ``>= d`` can do at least as well as multinomial logistic regression.
    """
    if linear.n_layers != 1:
        raise ValueError(f"linear must be an MLP without hidden layer, got sizes {linear.sizes}")
    d, k = linear.sizes
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < d:
        raise ValueError(f"width must be a whole number >= {d} (one unit per input), got {width!r}")
    W, b = linear.params["W1"], linear.params["b1"]
    net = MLP([d, int(width), k], activation="relu")
    W1 = np.zeros((width, d))
    W1[:d, :d] = np.eye(d)
    b1 = np.zeros(width)
    b1[:d] = shift
    W2 = np.zeros((k, width))
    W2[:, :d] = W
    net.set_params({"W1": W1, "b1": b1, "W2": W2, "b2": b - shift * W.sum(axis=1)})
    return net


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
class ClassifierState:
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
    converged: bool


@lru_cache(maxsize=1)
def _explorer_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = spirals(seed=0)
    X_test, y_test = spirals(seed=1)
    return X, y, X_test, y_test


@lru_cache(maxsize=128)
def _explorer_fit(width: int, depth: int, activation: str) -> ClassifierState:
    X, y, X_test, y_test = _explorer_data()
    sizes = [2, *([width] * depth), 3]
    fit = fit_classifier(sizes, X, y, X_test, y_test, activation=activation)
    axis, classes, confidence = class_grid(fit.net)
    for array in (axis, classes, confidence, fit.log_likelihood):
        array.flags.writeable = False  # shared by the cache: nobody may change it
    return ClassifierState(
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
        fit.converged,
    )


def explorer_state(width: int = 8, depth: int = 1, activation: str = "tanh") -> ClassifierState:
    """The pure update of notebook 07's explorer: train ``[2, width x depth, 3]``, evaluate.

    Depth 0 is multinomial logistic regression (the width is then ignored). Training is
    :func:`fit_classifier` from seed 0. Results are cached per setting, so moving back to a
    setting is instant; a new one trains in a fraction of a second, the largest networks
    (which may stop at the iteration limit) in a second or two.
    """
    _check_choice(width, "width", EXPLORER_WIDTHS)
    _check_choice(depth, "depth", EXPLORER_DEPTHS)
    _check_choice(activation, "activation", EXPLORER_ACTIVATIONS)
    return _explorer_fit(int(width) if depth else EXPLORER_WIDTHS[0], int(depth), activation)
