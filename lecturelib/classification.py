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

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.mlp import ACTIVATIONS, MLP
from lecturelib.optim import blown_up, make_optimizer, train

__all__ = [
    "DATASETS",
    "MAX_STEPS",
    "PLAYGROUND_OPTIMIZERS",
    "STEPS_PER_FRAME",
    "WEIGHT_DECAY",
    "ClassifierFit",
    "PlaygroundState",
    "accuracy",
    "class_grid",
    "compose_by_hand",
    "dead_units",
    "fit_classifier",
    "fit_setting",
    "formal_definition",
    "playground_advance",
    "playground_data",
    "playground_run",
    "playground_start",
    "relu_network_with_linear_scores",
    "scores_along",
    "softmax",
    "spirals",
]

#: The weight penalty ``lam`` of every fit (per training point), and L-BFGS's iteration limit.
WEIGHT_DECAY = 1e-3
MAX_STEPS = 2000
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
# Fits of one setting (width, depth, activation) on the spirals, cached
# ------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _spirals_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X, y = spirals(seed=0)
    X_test, y_test = spirals(seed=1)
    for array in (X, y, X_test, y_test):
        array.flags.writeable = False  # shared by the cache: nobody may change it
    return X, y, X_test, y_test


@lru_cache(maxsize=128)
def _fit_setting(width: int, depth: int, activation: str, seed: int) -> ClassifierFit:
    X, y, X_test, y_test = _spirals_data()
    sizes = [2, *([width] * depth), 3]
    return fit_classifier(sizes, X, y, X_test, y_test, activation=activation, seed=seed)


def fit_setting(
    width: int = 8, depth: int = 1, activation: str = "tanh", seed: int = 0
) -> ClassifierFit:
    """``MLP([2, width x depth, 3])`` fitted to the three spirals (seeds 0 and 1) by L-BFGS.

    Depth 0 is multinomial logistic regression (the width is then ignored). Training is
    :func:`fit_classifier` from ``seed``; results are cached per setting (do not change
    the returned network).
    """
    for name, v, low in (("width", width, 1), ("depth", depth, 0)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {v!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    return _fit_setting(int(width) if depth else 1, int(depth), activation, int(seed))


# ------------------------------------------------------------------------------------
# The playground: watch a network learn a 2-D data set (TensorFlow Playground)
# ------------------------------------------------------------------------------------
#: The playground's data sets: two classes in the square [-1, 1]^2.
DATASETS = ("xor", "circles", "spirals", "two gaussians")
#: The playground's optimisers and batch sizes ("full": every training point each step).
PLAYGROUND_OPTIMIZERS = ("adam", "gd")
#: Training points per data set (and as many test points, from another seed), gradient
#: steps per frame, and the resolution of the coarse grid the pictures are computed on.
PLAYGROUND_N = 200
STEPS_PER_FRAME = 10
PLAYGROUND_RESOLUTION = 31
PLAYGROUND_LIMIT = 1.3
#: A run stops when a parameter grows beyond this (the step size is too large): the
#: series' divergence rule (:func:`lecturelib.optim.blown_up`) with a smaller limit, as the
#: pictures of a network with weights of 1e6 are saturated and show nothing more.
PLAYGROUND_DIVERGED = 1e6


def playground_data(
    data: str, noise: float = 0.1, n: int = PLAYGROUND_N, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points of two classes (labels 0 and 1), each moved by Gaussian noise of sd ``noise``.

    - ``"xor"``: uniform on the square; class 1 where ``x1 x2 > 0`` (the XNOR of the signs);
    - ``"circles"``: class 0 in a disc of radius 0.45, class 1 on a ring from 0.65 to 1;
    - ``"spirals"``: two interleaved spiral arms (:func:`spirals`, two classes, 7 radians);
    - ``"two gaussians"``: clouds of sd 0.25 around ``(-0.45, -0.45)`` and ``(0.45, 0.45)``.

    Returns ``X`` of shape ``(n, 2)`` and ``y`` of shape ``(n,)``.
    """
    if data not in DATASETS:
        raise ValueError(f"data must be one of {', '.join(map(repr, DATASETS))}, got {data!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2 or n % 2:
        raise ValueError(f"n must be an even whole number >= 2, got {n!r}")
    rng = np.random.default_rng(seed)
    half = n // 2
    if data == "xor":
        X = rng.uniform(-1.0, 1.0, (n, 2))
        y = (X[:, 0] * X[:, 1] > 0).astype(int)
    elif data == "circles":
        r = np.concatenate([0.45 * np.sqrt(rng.uniform(0, 1, half)), rng.uniform(0.65, 1.0, half)])
        t = rng.uniform(0, 2 * np.pi, n)
        X = np.column_stack([r * np.cos(t), r * np.sin(t)])
        y = np.repeat([0, 1], half)
    elif data == "spirals":
        X, y = spirals(half, 2, noise=0.0, turn=7.0, seed=int(rng.integers(2**31)))
    else:
        centres = np.repeat([[-0.45, -0.45], [0.45, 0.45]], half, axis=0)
        X = centres + rng.normal(0.0, 0.25, (n, 2))
        y = np.repeat([0, 1], half)
    return X + rng.normal(0.0, 1.0, X.shape) * noise, y


@dataclass(frozen=True)
class PlaygroundState:
    """One frame of the playground: the network's parameters, its optimiser, what it shows.

    ``steps``, ``train_loss`` and ``test_loss`` hold one entry per frame so far (the mean
    cross-entropy ``ell`` without the penalty); ``proba`` is ``P(class 1)`` on the grid
    ``axis x axis``; ``units[i]`` are the outputs of hidden layer ``unit_layers[i]`` on the
    grid, shape ``(m, res, res)``: the first hidden layer, and the last one if deeper.
    """

    data: str
    noise: float
    activation: str
    width: int
    depth: int
    lr: float
    lam: float
    optimizer: str
    batch: int | str
    sizes: tuple[int, ...]
    n_params: int
    step: int
    theta: np.ndarray
    moments: tuple[np.ndarray, ...]  # Adam's running averages m then v, one per parameter
    steps: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray
    train_accuracy: float
    test_accuracy: float
    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    axis: np.ndarray
    proba: np.ndarray
    unit_layers: tuple[int, ...]
    units: tuple[np.ndarray, ...]
    diverged: bool


@lru_cache(maxsize=16)
def _playground_data(data: str, noise: float) -> tuple[np.ndarray, ...]:
    X, y = playground_data(data, noise, seed=0)
    X_test, y_test = playground_data(data, noise, seed=1)
    for array in (X, y, X_test, y_test):
        array.flags.writeable = False
    return X, y, X_test, y_test


@lru_cache(maxsize=16)
def _playground_net(sizes: tuple[int, ...], activation: str, lam: float) -> tuple[MLP, Any]:
    """A network of these sizes and its training graph: cross-entropy + (lam/2) sum ||W||^2.

    Shared by every state of these settings; :func:`playground_advance` loads a state's
    parameters into it before each use, so no state depends on what it holds.
    """
    net = MLP(list(sizes), activation=activation, seed=0)
    objective = net.loss_graph("cross_entropy").objective
    for name, param in net.loss_graph("cross_entropy").params.items():
        if name.startswith("W") and lam > 0:
            objective = objective + ad.l2_penalty(param, lam / 2)
    return net, ad.Graph(objective, data_grads=False)


@lru_cache(maxsize=1)
def _grid() -> tuple[np.ndarray, np.ndarray]:
    axis = np.linspace(-PLAYGROUND_LIMIT, PLAYGROUND_LIMIT, PLAYGROUND_RESOLUTION)
    x1, x2 = np.meshgrid(axis, axis)
    points = np.column_stack([x1.ravel(), x2.ravel()])
    axis.flags.writeable = points.flags.writeable = False
    return axis, points


def _check_playground(
    data: str, noise: float, activation: str, width: int, depth: int, lr: float, lam: float,
    optimizer: str, batch: int | str,
) -> None:  # fmt: skip
    if data not in DATASETS:
        raise ValueError(f"data must be one of {', '.join(map(repr, DATASETS))}, got {data!r}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {activation!r}")
    for name, v, low in (("width", width, 1), ("depth", depth, 0)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {v!r}")
    for name, v in (("noise", noise), ("lr", lr), ("lam", lam)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v < np.inf:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if optimizer not in PLAYGROUND_OPTIMIZERS:
        raise ValueError(
            f"optimizer must be one of {', '.join(PLAYGROUND_OPTIMIZERS)}, got {optimizer!r}"
        )
    if batch != "full" and (
        isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 1
    ):
        raise ValueError(f"batch must be 'full' or a whole number >= 1, got {batch!r}")


def _pictures(
    state: PlaygroundState | None, step: int, net: MLP, X: np.ndarray, y: np.ndarray,
    X_test: np.ndarray, y_test: np.ndarray,
) -> dict[str, Any]:  # fmt: skip
    """What frame ``step`` shows, from the parameters loaded in ``net``: losses, pictures.

    The loss curves are those of ``state`` (the frame before, or None) with one more entry.
    """
    axis, points = _grid()
    res = len(axis)
    proba = net.predict_proba(points)[:, 1].reshape(res, res)
    hidden = net.hidden(points)  # the graph's last forward pass: the grid
    layers = tuple(sorted({1, len(hidden)})) if hidden else ()
    units = tuple(hidden[j - 1].T.reshape(-1, res, res).copy() for j in layers)
    train = net.loss(X, y, "cross_entropy")
    test = net.loss(X_test, y_test, "cross_entropy")
    old = (np.zeros(0), np.zeros(0), np.zeros(0)) if state is None else (
        state.steps, state.train_loss, state.test_loss)  # fmt: skip
    return {
        "steps": np.append(old[0], step),
        "train_loss": np.append(old[1], train),
        "test_loss": np.append(old[2], test),
        "train_accuracy": accuracy(net, X, y),
        "test_accuracy": accuracy(net, X_test, y_test),
        "axis": axis,
        "proba": proba,
        "unit_layers": layers,
        "units": units,
    }


def playground_start(
    data: str = "spirals",
    noise: float = 0.1,
    activation: str = "tanh",
    width: int = 8,
    depth: int = 2,
    lr: float = 0.03,
    lam: float = 0.001,
    optimizer: str = "adam",
    batch: int | str = "full",
) -> PlaygroundState:
    """The playground before training: the data, the network's random start (seed 0), step 0.

    The network is ``MLP([2, width x depth, 2])`` with the given activation; its two scores
    go through softmax, and training (:func:`playground_advance`) minimises the mean
    cross-entropy plus ``(lam/2) sum_j ||W^(j)||^2`` by ``optimizer`` ("adam" or "gd",
    plain gradient descent) with step size ``lr``, on all training points at each step
    (``batch="full"``) or on ``batch`` of them drawn at random (minibatch SGD).
    """
    _check_playground(data, noise, activation, width, depth, lr, lam, optimizer, batch)
    X, y, X_test, y_test = _playground_data(data, float(noise))
    sizes = (2, *([int(width)] * int(depth)), 2)
    net, graph = _playground_net(sizes, activation, float(lam))
    net.initialize(0)
    moments = tuple(np.zeros_like(p.value) for p in graph.params.values()) * (
        2 if optimizer == "adam" else 0
    )
    return PlaygroundState(
        data, float(noise), activation, int(width), int(depth), float(lr), float(lam),
        optimizer, batch, sizes, net.n_params, 0, net.theta, moments,
        diverged=False, X=X, y=y, X_test=X_test, y_test=y_test,
        **_pictures(None, 0, net, X, y, X_test, y_test),
    )  # fmt: skip


def playground_advance(state: PlaygroundState, **values: Any) -> PlaygroundState:
    """One frame later: :data:`STEPS_PER_FRAME` gradient steps from ``state`` (a new state).

    The settings are the state's own (a change of a control starts over from
    :func:`playground_start`); ``values`` are accepted for the Player and ignored. Minibatch
    ``t`` is drawn by a generator seeded with ``t``, so a run is the same however it is cut
    into frames. A run whose parameters grow beyond :data:`PLAYGROUND_DIVERGED` or stop
    being finite ends: the state is marked ``diverged`` and stays where it was.
    """
    if not isinstance(state, PlaygroundState):
        raise TypeError(f"state must be a PlaygroundState, got {type(state).__name__}")
    if state.diverged:
        return state
    net, graph = _playground_net(state.sizes, state.activation, state.lam)
    net.theta = state.theta
    params = list(graph.params.values())
    opt = make_optimizer(state.optimizer, params, state.lr)
    if state.optimizer == "adam":
        k = len(params)
        opt.m = [m.copy() for m in state.moments[:k]]
        opt.v = [v.copy() for v in state.moments[k:]]
        opt.t = state.step
    X, y = state.X, state.y
    feeds = graph.checked_feeds(X=X, y=y)
    step, diverged = state.step, False
    with np.errstate(all="ignore"):
        for _ in range(STEPS_PER_FRAME):
            if state.batch != "full":
                rows = np.random.default_rng(step).choice(len(y), int(state.batch), replace=False)
                loss = graph.forward(X=X[rows], y=y[rows])
            else:
                loss = graph.forward(**feeds)
            graph.backward()
            opt.step()
            step += 1
            theta = net.theta
            if blown_up(loss, [theta], limit=PLAYGROUND_DIVERGED):
                diverged = True
                break
    if diverged:
        return replace(state, diverged=True)
    moments = (*opt.m, *opt.v) if state.optimizer == "adam" else ()
    return replace(
        state,
        step=step,
        theta=theta,
        moments=tuple(m.copy() for m in moments),
        **_pictures(state, step, net, X, y, state.X_test, state.y_test),
    )


def playground_run(frames: int, **settings: Any) -> PlaygroundState:
    """:func:`playground_start` with ``settings``, then ``frames`` frames of
    :func:`playground_advance`: what pressing Play shows after that many frames."""
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 0:
        raise ValueError(f"frames must be a whole number >= 0, got {frames!r}")
    state = playground_start(**settings)
    for _ in range(int(frames)):
        state = playground_advance(state)
    return state
