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
- :func:`wider_vs_deeper`: one wide hidden layer against a deep, narrow network with the
  same number of parameters, trained on a sawtooth that the wide one provably cannot fit
  (:func:`pieces_too_few`) and the deep one can represent exactly.

Equation (7) has no output constant ``w_0``: a unit with ``v_i = 0`` outputs the constant
``sigma(b_i)``, so the MLP's output bias ``b2`` adds nothing the theorem lacks.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from lecturelib.mlp import ACTIVATIONS, MLP
from lecturelib.progress import progress_bar

__all__ = [
    "DEPTH_ARCHITECTURES",
    "DepthResult",
    "DimensionResult",
    "WidthResult",
    "bump",
    "count_params",
    "dead_units",
    "error_vs_width",
    "grid",
    "one_layer_pieces",
    "pieces_too_few",
    "sawtooth",
    "sawtooth_deep_network",
    "sawtooth_shallow_network",
    "sup_error",
    "theorem_network",
    "unit_terms",
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
#: Equal-budget architectures for 1-D inputs, 31 parameters each: one hidden layer of 10
#: units, and the shape of :func:`sawtooth_deep_network` for 5 compositions.
DEPTH_ARCHITECTURES = ((1, 10, 1), (1, 2, 2, 2, 2, 2, 1))


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


def _bar(items: Sequence, desc: str) -> Iterable:
    """``items`` with a progress bar that appears after 2 s of work (none when stored)."""
    return progress_bar(items, desc=desc, delay=2.0, leave=False)


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
#: Where the units' terms are drawn and measured (notebook 06's explorer).
_TERM_GRID = np.linspace(-1.0, 1.0, 301)


@dataclass
class WidthResult:
    """Error against width for one 1-D target (what the log-log figure shows).

    Every width is fitted once from each seed. ``run_sup[i, j]`` is the max error of width
    ``widths[i]`` fitted from ``seeds[j]``; the network kept for width ``i`` (``nets``,
    ``fitted_sup``, ``fitted_rms``) is the run with the lowest training loss, as "best of
    ``len(seeds)`` random starts".
    """

    widths: np.ndarray
    fitted_sup: np.ndarray  # max |F_hat - F| of the kept networks, on a fine grid
    fitted_rms: np.ndarray  # root-mean-square error of the kept networks, same grid
    theorem_sup: np.ndarray  # max error of the theorem's hand-built networks
    activation: str
    x_train: np.ndarray
    x_test: np.ndarray
    target: Target = field(repr=False)
    seeds: list[int] = field(default_factory=list)
    run_sup: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    run_loss: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    run_dead: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), int), repr=False)
    nets: dict[int, MLP] = field(default_factory=dict, repr=False)
    theorem_nets: dict[int, MLP] = field(default_factory=dict, repr=False)

    def slope(self, which: str = "theorem") -> float:
        """Least-squares slope of log(error) against log(N): ``-1`` means error ~ ``1/N``."""
        errors = {"theorem": self.theorem_sup, "fitted": self.fitted_sup}[which]
        return float(np.polyfit(np.log(self.widths), np.log(errors), 1)[0])

    def index(self, N: int) -> int:
        """The row of width ``N``."""
        if isinstance(N, bool) or int(N) not in self.nets:
            raise ValueError(
                f"N must be one of the measured widths {self.widths.tolist()}, got {N!r}"
            )
        return int(np.flatnonzero(self.widths == int(N))[0])

    def largest_term(self, N: int) -> float:
        """The largest ``|w_i sigma(v_i x + b_i)|`` of the kept width-``N`` fit on [-1, 1]."""
        self.index(N)
        return float(np.max(np.abs(unit_terms(self.nets[int(N)], _TERM_GRID))))


def unit_terms(net: MLP, x: np.ndarray) -> np.ndarray:
    """The terms ``w_i sigma(v_i x + b_i)`` of a one-hidden-layer net, shape ``(N, len(x))``.

    Equation (7): the network's output is their sum plus the output bias ``b2``.
    """
    if len(net.sizes) != 3 or net.sizes[-1] != 1:
        raise ValueError(f"unit_terms needs a network like [d, N, 1], got {net.sizes}")
    return (net.hidden(x)[0] * net.params["W2"][0]).T


def dead_units(net: MLP, interval: tuple[float, float] = (-1.0, 1.0)) -> int:
    """How many ReLU units of a ``[1, N, 1]`` net output 0 everywhere on ``interval``.

    Unit ``i`` computes ``relu(v_i x + b_i)``; it is "dead" on ``[a, b]`` when
    ``v_i x + b_i <= 0`` at both ends (a straight line is then <= 0 in between). A dead unit
    contributes nothing and gets no gradient: training cannot bring it back.
    """
    if net.activation != "relu" or len(net.sizes) != 3 or net.sizes[0] != 1:
        raise ValueError(f"dead_units needs a ReLU network like [1, N, 1], got {net!r}")
    v, b = net.params["W1"][:, 0], net.params["b1"]
    a, c = (float(t) for t in interval)
    return int(np.count_nonzero((v * a + b <= 0) & (v * c + b <= 0)))


def error_vs_width(
    F: Target = wiggle,
    widths: Sequence[int] = WIDTHS,
    *,
    activation: str = "tanh",
    n_train: int = 100,
    seeds: Sequence[int] = (0, 1),
    steps: int = 400,
) -> WidthResult:
    """Fit ``MLP([1, N, 1])`` to ``F`` on ``n_train`` points of [-1, 1], from each seed, per ``N``.

    Each fit is ``MLP.fit``'s default (Levenberg-Marquardt for tanh and logistic units,
    L-BFGS for ReLU) with ``rtol=0``: it fits as far as ``steps`` iterations get, so a plateau
    is the optimiser's. Errors are measured on 1001 points, so they include what happens
    between the training points. The theorem's staircase network of the same ``N`` is
    measured alongside.
    """
    widths = np.array([_whole(N, "every width") for N in widths])
    if widths.size == 0:
        raise ValueError("widths must list at least one width")
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
        )
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must list at least one seed")
    x = np.linspace(-1.0, 1.0, _whole(n_train, "n_train", 2))
    xt = np.linspace(-1.0, 1.0, 1001)
    y = F(x)
    shape = (widths.size, len(seeds))
    result = WidthResult(
        widths,
        np.zeros(widths.size),
        np.zeros(widths.size),
        np.zeros(widths.size),
        activation,
        x,
        xt,
        F,
        seeds,
        np.zeros(shape),
        np.zeros(shape),
        np.zeros(shape, dtype=int),
    )
    runs = list(itertools.product(range(widths.size), range(len(seeds))))
    for i, j in _bar(runs, "fits"):
        N = int(widths[i])
        net = MLP([1, N, 1], activation=activation, seed=seeds[j])
        history = net.fit(x, y, steps=steps, rtol=0, progress=False)
        result.run_sup[i, j] = sup_error(net.predict, F, xt)
        result.run_loss[i, j] = history.final
        result.run_dead[i, j] = dead_units(net) if activation == "relu" else 0
        if j == 0 or history.final < result.run_loss[i, :j].min():
            result.nets[N] = net
            result.fitted_sup[i] = result.run_sup[i, j]
            result.fitted_rms[i] = _rms(net, F, xt)
    for i, N in enumerate(widths):
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

    @property
    def largest_term(self) -> float:
        """The largest ``|w_i sigma(v_i x + b_i)|`` drawn."""
        return float(np.max(np.abs(self.terms)))

    @property
    def target_max(self) -> float:
        """The largest ``|F(x)|`` drawn: what the terms add up to."""
        return float(np.max(np.abs(self.target)))


def width_state(result: WidthResult, N: int) -> WidthState:
    """The pure update behind notebook 06's width explorer (no training: all precomputed)."""
    i = result.index(N)
    N = int(N)
    net = result.nets[N]
    x = _TERM_GRID.copy()
    return WidthState(
        N,
        x,
        result.target(x),
        net.predict(x),
        result.theorem_nets[N].predict(x),
        unit_terms(net, x),
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
    for d in _bar(dims, "dimensions"):
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


def one_layer_pieces(units: int) -> int:
    """The most straight pieces a ``[1, N, 1]`` ReLU network can make: ``N + 1``.

    Each unit ``relu(v x + b)`` bends the output at one point at most (``x = -b/v``), so
    ``N`` units cut the line into at most ``N + 1`` straight pieces.
    """
    return _whole(units, "units") + 1


def pieces_too_few(pieces: int, compositions: int) -> bool:
    """True if *every* function of ``pieces`` straight pieces is at least 1 away from the sawtooth.

    :func:`sawtooth` with ``k`` compositions has ``2^k + 1`` peaks and troughs (the ends
    included), alternately -1 and +1. A straight line that passes three consecutive ones
    (-1, +1, -1, or the reverse) is at least 1 away from one of them. Pieces that each
    cover at most two of the ``2^k + 1`` points need ``2 * pieces >= 2^k + 1``; with fewer
    pieces some piece covers three, and the max error is at least 1: no better than the
    constant 0.
    """
    return 2 * _whole(pieces, "pieces") < 2 ** _whole(compositions, "compositions") + 1


@dataclass
class DepthResult:
    """Equal-budget architectures, each trained from several seeds on the sawtooth."""

    architectures: list[tuple[int, ...]]
    n_params: list[int]
    compositions: int
    seeds: list[int]
    sup: np.ndarray  # (architecture, seed): max |F_hat - F| on a grid through every kink
    flat: np.ndarray  # (architecture, seed): the trained network outputs a constant
    dead_layer: np.ndarray  # (architecture, seed): some hidden layer outputs 0 on all of [-1, 1]
    success: float  # a max error below this counts as a fit
    x_test: np.ndarray = field(repr=False)
    runs: dict[tuple[tuple[int, ...], int], MLP] = field(default_factory=dict, repr=False)

    @property
    def successes(self) -> np.ndarray:
        """How many runs of each architecture fit: max error below ``success``."""
        return (self.sup < self.success).sum(axis=1)

    @property
    def n_flat(self) -> np.ndarray:
        """How many runs of each architecture ended as a constant function."""
        return self.flat.sum(axis=1)

    def best(self, architecture: Sequence[int]) -> MLP:
        """The run of ``architecture`` with the smallest max error."""
        i = self.architectures.index(tuple(architecture))
        return self.runs[(self.architectures[i], self.seeds[int(np.argmin(self.sup[i]))])]

    def first_flat(self, architecture: Sequence[int]) -> MLP | None:
        """The first run (by seed) of ``architecture`` that ended as a constant, if any."""
        i = self.architectures.index(tuple(architecture))
        hits = np.flatnonzero(self.flat[i])
        if hits.size == 0:
            return None
        return self.runs[(self.architectures[i], self.seeds[int(hits[0])])]


def wider_vs_deeper(
    compositions: int = 5,
    architectures: Sequence[Sequence[int]] = DEPTH_ARCHITECTURES,
    *,
    seeds: Sequence[int] = tuple(range(30)),
    steps: int = 300,
    success: float = 0.5,
) -> DepthResult:
    """Train each ReLU architecture once from each seed on the sawtooth ``g`` composed k times.

    The training points are ``4 * 2^k + 1`` evenly spaced points of [-1, 1] and the max error
    is measured on ``64 * 2^k + 1`` points: both grids go through every peak and trough of
    the target. Each fit is L-BFGS (``MLP.fit``'s default for ReLU) for at most ``steps``
    iterations. Every run is recorded: its max error, whether it ended as a constant, and
    whether some hidden layer ended dead (all its units 0 on all of [-1, 1], so nothing after
    it depends on ``x`` and no gradient reaches the layers before it).
    """
    k = _whole(compositions, "compositions")
    archs = [tuple(int(s) for s in a) for a in architectures]
    for a in archs:
        if len(a) < 3 or a[0] != 1 or a[-1] != 1:
            raise ValueError(f"architectures must be 1-D networks like (1, 8, 8, 1), got {a!r}")
    seeds = [int(s) for s in seeds]
    if not seeds:
        raise ValueError("seeds must list at least one seed")
    x = np.linspace(-1.0, 1.0, 4 * 2**k + 1)
    xt = np.linspace(-1.0, 1.0, 64 * 2**k + 1)
    y, yt = sawtooth(x, k), sawtooth(xt, k)
    shape = (len(archs), len(seeds))
    result = DepthResult(
        archs,
        [count_params(a) for a in archs],
        k,
        seeds,
        np.zeros(shape),
        np.zeros(shape, dtype=bool),
        np.zeros(shape, dtype=bool),
        float(success),
        xt,
    )
    runs = list(itertools.product(range(len(archs)), range(len(seeds))))
    for i, j in _bar(runs, "fits"):
        net = MLP(list(archs[i]), activation="relu", seed=seeds[j])
        net.fit(x, y, steps=steps, progress=False)
        prediction = net.predict(xt)
        result.sup[i, j] = float(np.max(np.abs(prediction - yt)))
        result.flat[i, j] = bool(np.ptp(prediction) == 0.0)
        result.dead_layer[i, j] = any(not np.any(h) for h in net.hidden(xt))
        result.runs[(archs[i], seeds[j])] = net
    return result
