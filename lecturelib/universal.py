"""Universal approximation and depth, measured (notebook 06).

Slide "Theorem (Universal approximation theorem)": a network with one, possibly huge,
hidden layer

    F_hat(x) = sum_{i=1..N} w_i sigma(v_i^T x + b_i)                                 (7)

approximates any continuous ``F`` on a closed and bounded subset of ``R^d`` to any
``epsilon`` in the sup norm, if ``N`` is large enough. The slides add three warnings: ``N``
may have to grow exponentially with ``d``; the theorem does not say how to find the
parameters; and it does not explain why deep networks work ("Deep neural networks: wider
or deeper?"). This module measures all of that with :class:`lecturelib.mlp.MLP`:

- :func:`theorem_network`: the constructive proof's network in 1-D (a staircase of steep
  logistic units), whose sup error falls like ``1/N``;
- :func:`error_vs_width`: the error of fitted networks against ``N`` (and the construction's);
- :func:`units_needed`: how many units a fixed error needs as the input dimension grows;
- :func:`wider_vs_deeper`: one wide hidden layer against several narrow ones with the same
  number of parameters.

Equation (7) has no output constant ``w_0``: a unit with ``v_i = 0`` outputs the constant
``sigma(b_i)``, so the MLP's output bias ``b2`` adds nothing the theorem lacks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from lecturelib.mlp import ACTIVATIONS, MLP

__all__ = [
    "DEPTH_ARCHITECTURES",
    "DepthResult",
    "DimensionResult",
    "WidthResult",
    "bump",
    "count_params",
    "error_vs_width",
    "grid",
    "sawtooth",
    "sawtooth_deep_network",
    "sawtooth_shallow_network",
    "sup_error",
    "theorem_network",
    "units_needed",
    "wider_vs_deeper",
    "width_state",
    "wiggle",
]

Target = Callable[[np.ndarray], np.ndarray]

#: The widths of the width experiment (notebook 06): 1 to 64 hidden units.
WIDTHS = (1, 2, 4, 8, 16, 32, 64)
#: The candidate widths searched by :func:`units_needed`.
CANDIDATES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
#: Equal-budget architectures for 1-D inputs: 97, 97 and 103 parameters.
DEPTH_ARCHITECTURES = ((1, 32, 1), (1, 8, 8, 1), (1, 6, 6, 6, 1))


# ------------------------------------------------------------------------------------
# Targets and data
# ------------------------------------------------------------------------------------
def wiggle(x: np.ndarray) -> np.ndarray:
    """The 1-D target ``F(x) = sin(4x) + cos(9x)/2``: smooth, with a few wiggles on [-1, 1]."""
    x = np.asarray(x, dtype=float)
    return np.sin(4.0 * x) + 0.5 * np.cos(9.0 * x)


def bump(X: np.ndarray) -> np.ndarray:
    """The d-dimensional target ``F(x) = exp(-2 |x|^2)``: one smooth bump, for any ``d``.

    ``X`` has shape ``(n, d)`` (or ``(n,)`` for ``d = 1``); returns shape ``(n,)``.
    """
    X = np.asarray(X, dtype=float)
    X = X[:, None] if X.ndim == 1 else X
    return np.exp(-2.0 * np.sum(X * X, axis=1))


def sawtooth(x: np.ndarray, compositions: int = 3) -> np.ndarray:
    """The tent map ``g(x) = 1 - 2|x|`` composed with itself: ``g(g(g(x)))`` by default.

    A composition of simple functions: ``2^compositions`` straight pieces on [-1, 1]. A deep
    ReLU network can copy the composition layer by layer (``g`` is two ReLU units); one
    hidden layer needs a unit for every kink.
    """
    if isinstance(compositions, bool) or not isinstance(compositions, (int, np.integer)):
        raise TypeError(f"compositions must be a whole number, got {compositions!r}")
    if compositions < 1:
        raise ValueError(f"compositions must be >= 1, got {compositions}")
    y = np.asarray(x, dtype=float)
    y = y[:, 0] if y.ndim == 2 else y
    for _ in range(compositions):
        y = 1.0 - 2.0 * np.abs(y)
    return y


def grid(d: int, k: int) -> np.ndarray:
    """The ``k^d`` points of a regular grid on ``[-1, 1]^d``, shape ``(k^d, d)``."""
    for name, v, low in (("d", d, 1), ("k", k, 2)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
            raise ValueError(f"{name} must be a whole number >= {low}, got {v!r}")
    axis = np.linspace(-1.0, 1.0, k)
    return np.array(list(itertools.product(axis, repeat=d)), dtype=float)


def count_params(sizes: Sequence[int]) -> int:
    """The number of parameters of ``MLP(sizes)``: ``sum_j (n_{j-1} + 1) n_j``."""
    sizes = list(sizes)
    if len(sizes) < 2 or any(int(s) != s or s < 1 for s in sizes):
        raise ValueError(f"sizes must be layer widths like [1, 3, 1], got {sizes!r}")
    return int(sum((a + 1) * b for a, b in itertools.pairwise(sizes)))


def sup_error(model: Callable[[np.ndarray], np.ndarray], F: Target, X: np.ndarray) -> float:
    """``max |F_hat(x) - F(x)|`` over the points ``X``: the theorem's measure of error."""
    return float(np.max(np.abs(np.asarray(model(X)) - F(X))))


def _rms(model: MLP, F: Target, X: np.ndarray) -> float:
    return float(np.sqrt(np.mean((model.predict(X) - F(X)) ** 2)))


def _whole(value: object, name: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{name} must be a whole number >= {low}, got {value!r}")
    return int(value)


# ------------------------------------------------------------------------------------
# The theorem's network, built by hand
# ------------------------------------------------------------------------------------
def theorem_network(
    F: Target,
    N: int,
    interval: tuple[float, float] = (-1.0, 1.0),
    steepness: float = 12.0,
) -> MLP:
    """Equation (7) built by the textbook proof: a staircase of ``N`` steep logistic units.

    Cut ``[a, b]`` into ``N`` cells of width ``h = (b - a)/N`` with end points ``x_0..x_N``.
    Unit ``i`` is a smooth step at the cell border ``c_i = a + (i - 1/2) h`` that climbs by
    ``w_i = F(x_i) - F(x_{i-1})``::

        F_hat(x) = F(a) + sum_i w_i sigma(s (x - c_i)),   s = steepness / h,

    so ``v_i = s`` and ``b_i = -s c_i``. Between borders ``F_hat`` is flat at a sample of
    ``F``; for a Lipschitz ``F`` the sup error is about ``L h / 2``: it falls like ``1/N``.
    Returned as a trained-looking ``MLP([1, N, 1], "logistic")`` (output bias ``F(a)``).
    """
    N = _whole(N, "N")
    a, b = (float(v) for v in interval)
    if not b > a:
        raise ValueError(f"interval must be (a, b) with a < b, got {interval!r}")
    if not np.isfinite(steepness) or steepness <= 0:
        raise ValueError(f"steepness must be a positive number, got {steepness!r}")
    h = (b - a) / N
    knots = a + h * np.arange(N + 1)
    values = np.asarray(F(knots), dtype=float)
    centres = a + h * (np.arange(1, N + 1) - 0.5)
    s = steepness / h
    net = MLP([1, N, 1], activation="logistic")
    net.set_params(
        {
            "W1": np.full((N, 1), s),
            "b1": -s * centres,
            "W2": np.diff(values)[None, :],
            "b2": np.array([values[0]]),
        }
    )
    return net


# ------------------------------------------------------------------------------------
# Error against the number of hidden units
# ------------------------------------------------------------------------------------
@dataclass
class WidthResult:
    """Error against width for one 1-D target (what the log-log figure shows)."""

    widths: np.ndarray
    fitted_sup: np.ndarray  # max |F_hat - F| of the fitted networks, on a fine grid
    fitted_rms: np.ndarray  # root-mean-square error of the fitted networks, same grid
    theorem_sup: np.ndarray  # max error of the theorem's hand-built networks
    activation: str
    x_train: np.ndarray
    x_test: np.ndarray
    target: Target = field(repr=False)
    nets: dict[int, MLP] = field(default_factory=dict, repr=False)
    theorem_nets: dict[int, MLP] = field(default_factory=dict, repr=False)

    def slope(self, which: str = "theorem") -> float:
        """Least-squares slope of log(error) against log(N): ``-1`` means error ~ ``1/N``."""
        errors = {"theorem": self.theorem_sup, "fitted": self.fitted_sup}[which]
        return float(np.polyfit(np.log(self.widths), np.log(errors), 1)[0])


def error_vs_width(
    F: Target = wiggle,
    widths: Sequence[int] = WIDTHS,
    *,
    activation: str = "tanh",
    n_train: int = 100,
    restarts: int = 2,
    steps: int = 400,
    seed: int = 0,
) -> WidthResult:
    """Fit ``MLP([1, N, 1])`` to ``F`` on ``n_train`` points of [-1, 1] for each ``N``.

    Each fit is ``MLP.fit``'s default (Levenberg-Marquardt for tanh and logistic units,
    L-BFGS for ReLU) with ``restarts`` random starts (best kept) and ``rtol=0``: it fits as
    far as ``steps`` iterations get, so a plateau is the optimiser's. Errors are measured
    on 1001 points, so they include what happens between the training points. The
    theorem's staircase network of the same ``N`` is measured alongside.
    """
    widths = np.array([_whole(N, "every width") for N in widths])
    if widths.size == 0:
        raise ValueError("widths must list at least one width")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    x = np.linspace(-1.0, 1.0, _whole(n_train, "n_train", 2))
    xt = np.linspace(-1.0, 1.0, 1001)
    y = F(x)
    result = WidthResult(
        widths,
        np.zeros(widths.size),
        np.zeros(widths.size),
        np.zeros(widths.size),
        activation,
        x,
        xt,
        F,
    )
    for i, N in enumerate(tqdm(widths, desc="widths", delay=2.0, leave=False)):
        net = MLP([1, int(N), 1], activation=activation, seed=seed)
        net.fit(x, y, restarts=restarts, steps=steps, seed=seed, rtol=0, progress=False)
        result.nets[int(N)] = net
        result.fitted_sup[i] = sup_error(net.predict, F, xt)
        result.fitted_rms[i] = _rms(net, F, xt)
        built = theorem_network(F, int(N))
        result.theorem_nets[int(N)] = built
        result.theorem_sup[i] = sup_error(built.predict, F, xt)
    return result


@dataclass
class WidthState:
    """One width of a :class:`WidthResult`, ready to draw: curves and each unit's term."""

    N: int
    x: np.ndarray
    target: np.ndarray
    fitted: np.ndarray
    theorem: np.ndarray
    terms: np.ndarray  # (N, len(x)): w_i sigma(v_i x + b_i) of the fitted network
    x_train: np.ndarray
    y_train: np.ndarray
    fitted_sup: float
    theorem_sup: float


def width_state(result: WidthResult, N: int) -> WidthState:
    """The pure update behind notebook 06's width explorer (no training: all precomputed)."""
    if isinstance(N, bool) or int(N) not in result.nets:
        raise ValueError(
            f"N must be one of the measured widths {result.widths.tolist()}, got {N!r}"
        )
    N = int(N)
    net = result.nets[N]
    x = np.linspace(-1.0, 1.0, 301)
    terms = net.hidden(x)[0] * net.params["W2"][0]
    i = int(np.flatnonzero(result.widths == N)[0])
    return WidthState(
        N,
        x,
        result.target(x),
        net.predict(x),
        result.theorem_nets[N].predict(x),
        terms.T,
        result.x_train,
        result.target(result.x_train),
        float(result.fitted_sup[i]),
        float(result.theorem_sup[i]),
    )


# ------------------------------------------------------------------------------------
# How many units a fixed error needs, as d grows
# ------------------------------------------------------------------------------------
@dataclass
class DimensionResult:
    """For each input dimension ``d``: the widths tried, their test errors, the first success."""

    eps: float
    dims: list[int]
    tried: dict[int, list[tuple[int, float]]]  # d -> [(N, rms test error), ...]
    needed: dict[int, int | None]  # d -> smallest N with error <= eps (None: not within 64)
    n_train: dict[int, int]


def units_needed(
    F: Target = bump,
    dims: Sequence[int] = (1, 2, 3),
    eps: float = 0.02,
    *,
    candidates: Sequence[int] = CANDIDATES,
    points_per_axis: dict[int, int] | None = None,
    n_test: int = 2000,
    restarts: int = 1,
    steps: int = 400,
    seed: int = 0,
) -> DimensionResult:
    """The smallest width ``N`` (from ``candidates``) whose fitted net reaches ``eps``, per ``d``.

    For each ``d`` the training data is a regular grid on ``[-1, 1]^d`` (41, 15 and 9 points
    per axis for d = 1, 2, 3 by default) and the error is the root-mean-square error on
    ``n_test`` random points of the cube. Widths are tried in increasing order until one
    reaches ``eps``.
    """
    if not (isinstance(eps, (int, float)) and eps > 0):
        raise ValueError(f"eps must be a positive number, got {eps!r}")
    per_axis = {1: 41, 2: 15, 3: 9, 4: 6} | (points_per_axis or {})
    dims = [_whole(d, "every dimension") for d in dims]
    for d in dims:
        if d not in per_axis:
            raise ValueError(f"give points_per_axis for dimension {d}")
    rng = np.random.default_rng(seed)
    result = DimensionResult(float(eps), dims, {}, {}, {})
    for d in tqdm(dims, desc="dimensions", delay=2.0, leave=False):
        X = grid(d, per_axis[d])
        Xt = rng.uniform(-1.0, 1.0, size=(n_test, d))
        y = F(X)
        result.n_train[d] = len(X)
        result.tried[d] = []
        result.needed[d] = None
        for N in candidates:
            net = MLP([d, int(N), 1], seed=seed)
            net.fit(X, y, restarts=restarts, steps=steps, seed=seed, progress=False)
            error = _rms(net, F, Xt)
            result.tried[d].append((int(N), error))
            if error <= eps:
                result.needed[d] = int(N)
                break
    return result


# ------------------------------------------------------------------------------------
# Wider against deeper
# ------------------------------------------------------------------------------------
def sawtooth_deep_network(compositions: int) -> MLP:
    """A ReLU MLP with ``compositions`` hidden layers of 2 units that *is* :func:`sawtooth`.

    The tent map is ``g(y) = 1 - 2 relu(y) - 2 relu(-y)``: layer 1 computes ``relu(x)`` and
    ``relu(-x)``; every further layer first forms ``g`` of the previous layer's output (an
    affine map of its two units) and passes ``relu(+-g)`` on; the affine last layer forms
    the final ``g``. ``2k`` hidden units and ``6k + 1`` parameters for ``k`` compositions.
    """
    k = _whole(compositions, "compositions")
    net = MLP([1, *([2] * k), 1], activation="relu")
    params = {"W1": np.array([[1.0], [-1.0]]), "b1": np.zeros(2)}
    for j in range(2, k + 1):
        params[f"W{j}"] = np.array([[-2.0, -2.0], [2.0, 2.0]])  # +-(1 - 2h+ - 2h-)
        params[f"b{j}"] = np.array([1.0, -1.0])
    params[f"W{k + 1}"] = np.array([[-2.0, -2.0]])
    params[f"b{k + 1}"] = np.array([1.0])
    net.set_params(params)
    return net


def sawtooth_shallow_network(compositions: int) -> MLP:
    """One hidden ReLU layer that *is* :func:`sawtooth`: one unit per straight piece.

    A piecewise-linear function with kinks ``t_1 < ... < t_{P-1}`` on ``[-1, 1]`` is
    ``F(-1) + s_0 relu(x + 1) + sum_i (s_i - s_{i-1}) relu(x - t_i)`` with ``s_i`` the slope
    of piece ``i``. ``g`` composed ``k`` times has ``P = 2^k`` pieces: ``2^k`` units and
    ``3 * 2^k + 1`` parameters, against ``6k + 1`` for :func:`sawtooth_deep_network`.
    """
    k = _whole(compositions, "compositions")
    pieces = 2**k
    knots = np.linspace(-1.0, 1.0, pieces + 1)
    values = sawtooth(knots, k)
    slopes = np.diff(values) / np.diff(knots)
    net = MLP([1, pieces, 1], activation="relu")
    net.set_params(
        {
            "W1": np.ones((pieces, 1)),
            "b1": -knots[:-1],
            "W2": np.concatenate([[slopes[0]], np.diff(slopes)])[None, :],
            "b2": np.array([values[0]]),
        }
    )
    return net


@dataclass
class DepthResult:
    """Equal-budget architectures, each trained from several seeds."""

    architectures: list[tuple[int, ...]]
    n_params: list[int]
    errors: np.ndarray  # (architecture, seed): rms error on a fine grid
    seeds: list[int]
    activation: str
    success: float  # an error below this counts as a success
    nets: dict[tuple[int, ...], MLP] = field(default_factory=dict, repr=False)  # best per arch
    runs: dict[tuple[tuple[int, ...], int], MLP] = field(default_factory=dict, repr=False)

    @property
    def best(self) -> np.ndarray:
        return self.errors.min(axis=1)

    @property
    def median(self) -> np.ndarray:
        return np.median(self.errors, axis=1)

    @property
    def successes(self) -> np.ndarray:
        return (self.errors < self.success).sum(axis=1)

    def typical(self, architecture: Sequence[int]) -> MLP:
        """The run of ``architecture`` whose error is the median one (the lower middle)."""
        i = self.architectures.index(tuple(architecture))
        j = int(np.argsort(self.errors[i])[(len(self.seeds) - 1) // 2])
        return self.runs[(self.architectures[i], self.seeds[j])]


def wider_vs_deeper(
    F: Target = sawtooth,
    architectures: Sequence[Sequence[int]] = DEPTH_ARCHITECTURES,
    *,
    activation: str = "relu",
    seeds: Sequence[int] = tuple(range(6)),
    n_train: int = 200,
    steps: int = 400,
    success: float = 0.01,
) -> DepthResult:
    """Train each architecture (``[1, m, ..., m, 1]``) once from each seed on ``F``.

    Reports every run's root-mean-square error on 2001 points of [-1, 1], so the notebook
    can show both what depth can do (the best run) and how reliably it is found (median,
    number of runs below ``success``).
    """
    archs = [tuple(int(s) for s in a) for a in architectures]
    for a in archs:
        if len(a) < 3 or a[0] != 1 or a[-1] != 1:
            raise ValueError(f"architectures must be 1-D networks like (1, 8, 8, 1), got {a!r}")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must list at least one seed")
    x = np.linspace(-1.0, 1.0, _whole(n_train, "n_train", 2))
    xt = np.linspace(-1.0, 1.0, 2001)
    y = F(x)
    errors = np.zeros((len(archs), len(seeds)))
    result = DepthResult(
        archs, [count_params(a) for a in archs], errors, seeds, activation, float(success)
    )
    runs = list(itertools.product(range(len(archs)), range(len(seeds))))
    for i, j in tqdm(runs, desc="architectures", delay=2.0, leave=False):
        net = MLP(list(archs[i]), activation=activation, seed=seeds[j])
        net.fit(x, y, steps=steps, progress=False)
        errors[i, j] = _rms(net, F, xt)
        result.runs[(archs[i], seeds[j])] = net
        if errors[i, j] == errors[i, : j + 1].min():
            result.nets[archs[i]] = net
    return result
