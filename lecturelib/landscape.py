"""Non-convex optimisation: loss landscapes and what gradient descent does on them (notebook 13).

Slides "How do we learn these parameters?" ("Is the loss convex in theta? ... We might
converge to a local minimum"), "Non-convex optimization" and "Non-convex optimization:
challenges":

- **non-convex**: a 2-D slice of the slides' 10-parameter loss surface, through a minimum and
  two copies of it made by the network's symmetries (swap two hidden units; flip the signs
  of one unit's ``v, b, w``, as ``tanh`` is odd), against the convex bowl of a linear fit;
- **bad local minimum**: the final losses of many random initialisations, and the fix
  "rerun with a different initialization" (restarts);
- **saddle point**: ``f = x^2 - y^2 + y^4 / 4``; gradient descent started on the saddle's
  stable manifold (``y = 0``) stalls, while SGD's noise leaves it ("doesn't often happen
  with SGD");
- **flat region**: saturated sigmoids give tiny gradients; ReLU does not saturate;
- **high curvature**: in a steep valley a step diverges; gradient clipping and adaptive step
  sizes (Adam) tame it.
- **watching it move**: the descent player's pure functions (:func:`descent_start`,
  :func:`descent_advance`) show an optimiser's path a few steps per frame.

The 2-D trajectories use :mod:`lecturelib.optim`'s optimisers on a 2-D :class:`Param`
through a small autodiff graph, so there is one implementation of each optimiser. SGD is
modelled as the slides do it, one random "example" per step: example ``i`` has the loss
``f(p) + n_i . p`` with noise vectors ``n_i`` that average to zero, so the full batch is
exactly ``f`` and each example's gradient is ``grad f + n_i``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.autodiff import Constant, Graph, Input, Node, Param
from lecturelib.backprop import slide_gradient, slide_theta, to_mlp_order
from lecturelib.mlp import MLP
from lecturelib.optim import make_optimizer, train

__all__ = [
    "DESCENT_STEPS",
    "FAR",
    "LANDSCAPES",
    "OPTIMIZER_CHOICES",
    "SGD_NOISE",
    "STEPS_PER_FRAME",
    "DescentState",
    "Landscape",
    "LandscapeState",
    "LossSlice",
    "SeedStudy",
    "Trajectory",
    "activation_derivative",
    "along_the_floor",
    "descent_advance",
    "descent_start",
    "flip_unit",
    "hessian_eigenvalues",
    "landscape_graph",
    "landscape_grid",
    "landscape_state",
    "linear_slice",
    "lowest_value",
    "mlp_losses",
    "probe_losses",
    "restart_failure_rate",
    "run_optimizer",
    "saturation_gradients",
    "seed_study",
    "swap_units",
    "symmetry_slice",
]


# --------------------------------------------------------------------------------------
# The 10-parameter loss surface
# --------------------------------------------------------------------------------------
def mlp_losses(thetas: Any, x: Any, y: Any) -> np.ndarray:
    """Mean squared error of ``f(x) = w0 + sum_k w_k tanh(v_k x + b_k)`` for many ``theta``.

    ``thetas`` has shape ``(..., 10)`` in the slides' order ``(b1..b3, v1..v3, w0..w3)``; the
    result has shape ``(...)``. Vectorised, for drawing whole grids of the loss surface.
    """
    thetas = np.asarray(thetas, dtype=float)
    if thetas.shape[-1:] != (10,):
        raise ValueError(f"thetas needs 10 numbers on its last axis, got shape {thetas.shape}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be vectors of the same length, got {x.shape}, {y.shape}")
    b, v, w0, w = thetas[..., 0:3], thetas[..., 3:6], thetas[..., 6], thetas[..., 7:10]
    z = v[..., None, :] * x[:, None] + b[..., None, :]  # (..., n, 3)
    f = w0[..., None] + np.sum(w[..., None, :] * np.tanh(z), axis=-1)
    return np.mean((f - y) ** 2, axis=-1)


def swap_units(theta: Any, i: int = 0, j: int = 1) -> np.ndarray:
    """``theta`` with hidden units ``i`` and ``j`` swapped: the same function, so the same loss."""
    theta = np.array(theta, dtype=float)
    for offset in (0, 3, 7):  # b, v, w (w0 at index 6 has no unit)
        theta[[offset + i, offset + j]] = theta[[offset + j, offset + i]]
    return theta


def flip_unit(theta: Any, k: int = 0) -> np.ndarray:
    """``theta`` with ``b_k, v_k, w_k`` negated: ``tanh`` is odd, so the function is the same."""
    theta = np.array(theta, dtype=float)
    theta[[k, 3 + k, 7 + k]] *= -1
    return theta


@dataclass
class LossSlice:
    """The loss on a plane ``theta(a, c) = origin + a d1 + c d2`` of parameter space."""

    a: np.ndarray
    c: np.ndarray
    losses: np.ndarray  # (len(c), len(a))
    marks: dict[str, tuple[float, float]]
    xlabel: str
    ylabel: str


def symmetry_slice(
    theta: Any, x: Any, y: Any, n: int = 81, span: tuple[float, float] = (-0.6, 1.6)
) -> LossSlice:
    """The 10-parameter loss on the plane through ``theta`` and two symmetric copies of it.

    ``theta(a, c) = theta + a (swap(theta) - theta) + c (flip(theta) - theta)``: at
    ``(0, 0)``, ``(1, 0)`` and ``(0, 1)`` the network computes the same function, so the loss
    has (at least) three equally deep minima on this plane. A convex function with two
    minima would be at least as low everywhere between them; this one is not.
    """
    theta = np.asarray(theta, dtype=float)
    d1 = swap_units(theta) - theta
    d2 = flip_unit(theta) - theta
    a = np.linspace(*span, n)
    c = np.linspace(*span, n)
    A, C = np.meshgrid(a, c)
    thetas = theta + A[..., None] * d1 + C[..., None] * d2
    marks = {"theta": (0.0, 0.0), "units 1, 2 swapped": (1.0, 0.0), "unit 1 flipped": (0.0, 1.0)}
    return LossSlice(
        a, c, mlp_losses(thetas, x, y), marks, "a: towards swapped units", "c: towards flipped unit"
    )


def linear_slice(x: Any, y: Any, n: int = 81, half: float = 1.5) -> LossSlice:
    """The loss of the linear model ``w0 + w1 x`` over ``(w1, w0)``: a convex bowl."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    X = np.column_stack([np.ones_like(x), x])
    w0, w1 = np.linalg.lstsq(X, y, rcond=None)[0]
    a = np.linspace(w1 - half, w1 + half, n)
    c = np.linspace(w0 - half, w0 + half, n)
    A, C = np.meshgrid(a, c)
    losses = np.mean((C[..., None] + A[..., None] * x - y) ** 2, axis=-1)
    return LossSlice(a, c, losses, {"least squares": (float(w1), float(w0))}, "w1", "w0")


def hessian_eigenvalues(theta: Any, x: Any, y: Any, eps: float = 1e-5) -> np.ndarray:
    """Eigenvalues of the MSE's Hessian at the slides' ``theta`` (the second-derivative test).

    Central differences of backprop's gradient, symmetrised. All ``> 0``: a local minimum;
    some ``< 0``: a saddle; zeros: the test cannot decide (a flat direction).
    """
    net = MLP([1, 3, 1])
    theta = np.asarray(theta, dtype=float)
    H = np.zeros((10, 10))
    for i in range(10):
        e = np.zeros(10)
        e[i] = eps
        net.theta = to_mlp_order(theta + e)
        up = slide_gradient(net, x, y)[1]
        net.theta = to_mlp_order(theta - e)
        down = slide_gradient(net, x, y)[1]
        H[i] = (up - down) / (2 * eps)
    return np.linalg.eigvalsh((H + H.T) / 2)


def probe_losses(
    theta: Any, x: Any, y: Any, radius: float, n: int = 2000, seed: int = 0
) -> np.ndarray:
    """The loss at ``n`` random points at distance ``radius`` from the slides' ``theta``.

    The directions are uniform on the sphere (seeded). Where the second-derivative test is
    inconclusive, this looks at the loss itself: if no point near ``theta`` is lower, it is
    a local minimum.
    """
    if not (isinstance(radius, (int, float)) and radius > 0):
        raise ValueError(f"radius must be a number > 0, got {radius!r}")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    theta = np.asarray(theta, dtype=float)
    directions = np.random.default_rng(seed).standard_normal((int(n), theta.size))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    return mlp_losses(theta + radius * directions, x, y)


def along_the_floor(theta: Any, unit: int = 0, shift: float = 0.5) -> np.ndarray:
    """Move a network with its hidden units switched off (``v = 0``) along its flat floor.

    With every ``v_k = 0`` the network ignores ``x`` and computes the constant
    ``c = w0 + sum_k w_k tanh(b_k)``. This shifts ``b_unit`` by ``shift`` and changes ``w0``
    so that ``c`` stays the same: the network computes the same constant, so the loss does
    not change at all, however large the shift.
    """
    theta = np.array(theta, dtype=float)
    if not 0 <= unit < 3:
        raise ValueError(f"unit must be 0, 1 or 2, got {unit!r}")
    w = theta[7 + unit]
    old = np.tanh(theta[unit])
    theta[unit] += shift
    theta[6] -= w * (np.tanh(theta[unit]) - old)
    return theta


# --------------------------------------------------------------------------------------
# Bad local minima: many seeds at once, and restarts
# --------------------------------------------------------------------------------------
@dataclass
class SeedStudy:
    """Final training losses of the slides' network from many random initialisations."""

    seeds: np.ndarray
    finals: np.ndarray
    thetas: np.ndarray  # final parameters, slide order, one row per seed
    threshold: float
    optimizer: str
    steps: int

    @property
    def bad(self) -> np.ndarray:
        """Which seeds ended above the threshold (a bad local minimum or stationary point)."""
        return self.finals > self.threshold

    @property
    def bad_fraction(self) -> float:
        """The fraction of seeds that ended badly."""
        return float(np.mean(self.bad))


def _batched_network(thetas: np.ndarray) -> tuple[Graph, dict[str, Param], Node]:
    """``S`` copies of the slides' network in one graph; the objective is the sum of their
    losses, so each copy's gradient is exactly its own loss's gradient."""
    S = thetas.shape[0]
    B = Param("B", thetas[:, 0:3].reshape(S, 1, 3))
    V = Param("V", thetas[:, 3:6].reshape(S, 1, 3))
    W0 = Param("W0", thetas[:, 6:7])
    W = Param("W", thetas[:, 7:10].reshape(S, 1, 3))
    X, Y = Input("X"), Input("Y")
    f = ad.sum(ad.tanh(X * V + B) * W, axis=2) + W0  # (S, n)
    per_seed = ad.mean(ad.square(Y - f), axis=1, name="losses")
    return Graph(ad.sum(per_seed, name="J")), {"B": B, "V": V, "W0": W0, "W": W}, per_seed


def seed_study(
    x: Any,
    y: Any,
    seeds: int = 100,
    *,
    optimizer: str = "adam",
    lr: float = 0.05,
    steps: int = 1500,
    threshold: float = 1e-2,
) -> SeedStudy:
    """Train the slides' network from ``seeds`` initialisations (``MLP([1, 3, 1], seed=s)``).

    All networks train together in one graph whose objective is the sum of their losses
    (:func:`_batched_network`). Gradient descent and Adam update each entry on its own, so
    every network takes exactly the steps it would take alone (the tests check this against
    :meth:`MLP.fit`); no clipping, which would couple them.
    """
    if optimizer not in ("gd", "adam", "momentum"):
        raise ValueError(
            f"seed_study: optimizer must be 'gd', 'momentum' or 'adam', got {optimizer!r}"
        )
    if isinstance(seeds, bool) or not isinstance(seeds, (int, np.integer)) or seeds < 1:
        raise ValueError(f"seed_study: seeds must be a whole number >= 1, got {seeds!r}")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    start = np.array([slide_theta(MLP([1, 3, 1], seed=s)) for s in range(seeds)])
    graph, params, per_seed = _batched_network(start)
    feeds = {"X": x.reshape(1, -1, 1), "Y": y.reshape(1, -1)}
    # No progress bar: the study takes about a second, and a bar that shows only on a slow
    # machine would make the cell's output depend on the machine.
    train(graph, feeds, optimizer=optimizer, lr=lr, steps=steps, progress=False)
    graph.forward(**feeds)
    finals = per_seed.value.copy()
    thetas = np.concatenate(
        [
            params["B"].value.reshape(seeds, 3),
            params["V"].value.reshape(seeds, 3),
            params["W0"].value.reshape(seeds, 1),
            params["W"].value.reshape(seeds, 3),
        ],
        axis=1,
    )
    return SeedStudy(np.arange(seeds), finals, thetas, float(threshold), optimizer, int(steps))


def restart_failure_rate(study: SeedStudy, restarts: int) -> tuple[float, int]:
    """The fraction of groups of ``restarts`` consecutive seeds whose *best* run is still bad.

    "Rerun with a different initialization": keep the best of ``k`` runs (as
    ``MLP.fit(restarts=k)`` does). Returns the fraction and the number of groups.
    """
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"restarts must be a whole number >= 1, got {restarts!r}")
    groups = len(study.finals) // restarts
    if groups == 0:
        raise ValueError(f"restarts={restarts} is more than the {len(study.finals)} seeds run")
    best = study.finals[: groups * restarts].reshape(groups, restarts).min(axis=1)
    return float(np.mean(best > study.threshold)), groups


# --------------------------------------------------------------------------------------
# Flat regions: saturated sigmoids against ReLU
# --------------------------------------------------------------------------------------
def saturation_gradients(
    shifts: Sequence[float], activation: str, x: Any, y: Any, seed: int = 0
) -> np.ndarray:
    """Gradient norm of the hidden layer's parameters when its biases are pushed to ``shift``.

    ``MLP([1, 3, 1], activation, seed)`` with every hidden bias ``b_k`` set to ``shift``: for a
    large shift every pre-activation ``v_k x + b_k`` on the data is large, sigmoids sit in their
    flat tails (derivative ``s(1 - s)``, about ``exp(-z)``) and the loss surface is flat there;
    ReLU's derivative stays 1 for positive inputs (slide "Flat region: use ReLU").
    """
    out = []
    for shift in shifts:
        net = MLP([1, 3, 1], activation=activation, seed=seed)
        net.set_params({"b1": np.full(3, float(shift))})
        _, grads = net.loss_and_grad(x, y)
        out.append(float(np.sqrt(np.sum(grads["W1"] ** 2) + np.sum(grads["b1"] ** 2))))
    return np.array(out)


def activation_derivative(z: Any, activation: str) -> np.ndarray:
    """``d sigma(z) / dz`` by backprop through the engine's own node, for each entry of ``z``."""
    ops = {"sigmoid": ad.sigmoid, "tanh": ad.tanh, "relu": ad.relu}
    if activation not in ops:
        raise ValueError(f"activation must be one of {', '.join(ops)}, got {activation!r}")
    p = Param("z", np.asarray(z, dtype=float))
    graph = Graph(ad.sum(ops[activation](p)))
    graph.forward()
    return graph.backward()["z"].copy()


# --------------------------------------------------------------------------------------
# 2-D landscapes and optimiser trajectories
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Landscape:
    """A 2-D loss ``f(p)``, ``p = (p1, p2)``: its formula, plot box and starting point."""

    name: str
    formula: str
    numpy_f: Callable[[np.ndarray, np.ndarray], np.ndarray]
    graph_f: Callable[[Node, Node], Node]
    box: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    start: tuple[float, float]
    stationary: tuple[tuple[float, float, str], ...]


def _two_minima_stationary() -> tuple[tuple[float, float, str], ...]:
    roots = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)  # d/dx [(x^2-1)^2 + 0.3x] = 0
    return (
        (float(roots[0]), 0.0, "global minimum"),
        (float(roots[1]), 0.0, "saddle point"),
        (float(roots[2]), 0.0, "local minimum"),
    )


LANDSCAPES: dict[str, Landscape] = {
    "saddle": Landscape(
        "saddle",
        "f = x² - y² + y⁴/4",
        lambda X, Y: X**2 - Y**2 + Y**4 / 4,
        lambda px, py: px * px - py * py + 0.25 * py**4,
        (-2.0, 2.0, -2.2, 2.2),
        (1.8, 0.0),
        ((0.0, 0.0, "saddle point"), (0.0, np.sqrt(2), "minimum"), (0.0, -np.sqrt(2), "minimum")),
    ),
    "valley": Landscape(
        "valley",
        "f = x²/2 + 10 y²",
        lambda X, Y: X**2 / 2 + 10 * Y**2,
        lambda px, py: 0.5 * px * px + 10.0 * py * py,
        (-2.0, 2.0, -1.5, 1.5),
        (-1.8, 1.2),
        ((0.0, 0.0, "minimum"),),
    ),
    "two minima": Landscape(
        "two minima",
        "f = (x² - 1)² + 0.3 x + y²",
        lambda X, Y: (X**2 - 1) ** 2 + 0.3 * X + Y**2,
        lambda px, py: (px * px - 1.0) ** 2 + 0.3 * px + py * py,
        (-2.0, 2.0, -2.0, 2.0),
        (1.7, 1.6),
        _two_minima_stationary(),
    ),
}

#: The standard deviation of each SGD "example"'s gradient noise.
SGD_NOISE = 1.0
#: The explorer's optimisers: the three of lecturelib.optim, and SGD = GD on one noisy example.
OPTIMIZER_CHOICES = ("gd", "sgd", "momentum", "adam")


def _landscape(name: str) -> Landscape:
    if name not in LANDSCAPES:
        raise ValueError(f"unknown landscape {name!r}; choose one of {', '.join(LANDSCAPES)}")
    return LANDSCAPES[name]


def landscape_graph(name: str, start: Any = None) -> tuple[Graph, Param]:
    """The landscape as a computation graph of the 2-D :class:`Param` ``p``.

    ``J = f(p) + sum(noise * p)``: the :class:`Input` ``noise`` is zero for the full batch
    and one random example's noise vector for SGD.
    """
    land = _landscape(name)
    p = Param("p", np.asarray(land.start if start is None else start, dtype=float))
    if p.value.shape != (2,):
        raise ValueError(f"start must be a point (x, y), got shape {p.value.shape}")
    px = ad.MatMul(p, Constant(np.array([1.0, 0.0]), name="e1"), name="x")
    py = ad.MatMul(p, Constant(np.array([0.0, 1.0]), name="e2"), name="y")
    noise = Input("noise")
    f = land.graph_f(px, py)
    J = ad.Add(f, ad.sum(noise * p, name="n·p"), name="J")
    return Graph(J), p


@lru_cache(maxsize=8)
def landscape_grid(name: str, n: int = 121) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, f(xs, ys))`` on an ``n x n`` grid over the landscape's box (computed once)."""
    land = _landscape(name)
    x0, x1, y0, y1 = land.box
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    Z = land.numpy_f(*np.meshgrid(xs, ys))
    for a in (xs, ys, Z):
        a.flags.writeable = False
    return xs, ys, Z


@dataclass
class Trajectory:
    """The points an optimiser visited on a landscape, and how the run ended.

    ``points`` holds every iterate, also those outside the plotted box (the run goes on
    there); :meth:`drawn` is the part worth drawing. ``values`` is ``f`` at each iterate.
    A run has **left the plot** when an iterate lies outside the box (Adam at a large step,
    or clipped steps that are too long, come back); it has **diverged** when it ran off for
    good: its objective overflowed, or it ended more than :data:`FAR` box sizes away.
    """

    landscape: str
    optimizer: str
    lr: float
    clip: float | None
    noise: float
    points: np.ndarray  # (steps + 1, 2), every iterate, all finite
    values: np.ndarray  # f at each iterate
    steps: int  # steps taken (fewer than asked only if f overflowed)
    outside: int  # iterates outside the plotted box
    left_at: int | None  # the first step that left the box (None: it never did)
    diverged: bool
    grad_norm: float  # |grad f| at the last iterate
    status: str

    @property
    def left_box(self) -> bool:
        """Whether any iterate lay outside the plotted box."""
        return self.outside > 0

    @property
    def ended_outside(self) -> bool:
        """Whether the last iterate lies outside the plotted box."""
        return not _inside(LANDSCAPES[self.landscape], self.points[-1])

    def drawn(self, reach: float = 10.0) -> np.ndarray:
        """The path to draw: cut where it first gets ``reach`` box sizes from the box.

        The last segment is shortened to end on that larger box, so whatever is drawn inside
        the plot is exactly the path; beyond it, a diverging run's segments would only add
        lines through the plot at ever larger scales.
        """
        lo, hi = _far_box(LANDSCAPES[self.landscape], reach)
        pts = self.points
        away = np.flatnonzero(np.any((pts < lo) | (pts > hi), axis=1))
        if len(away) == 0:
            return pts
        k = int(away[0])
        return np.vstack([pts[:k], _edge_point(pts[k - 1], pts[k], lo, hi)])


#: A run that ends this many box sizes away from the plotted box has diverged. Runs with
#: bounded steps (clipping, Adam) stay within a few box sizes over the explorer's whole range
#: (the tests check it); a step that multiplies the distance each time passes this quickly.
FAR = 1000.0


def _far_box(land: Landscape, reach: float) -> tuple[np.ndarray, np.ndarray]:
    x0, x1, y0, y1 = land.box
    size = max(x1 - x0, y1 - y0)
    return np.array([x0, y0]) - reach * size, np.array([x1, y1]) + reach * size


def _inside(land: Landscape, point: np.ndarray) -> bool:
    x0, x1, y0, y1 = land.box
    return bool(x0 <= point[0] <= x1 and y0 <= point[1] <= y1)


def run_optimizer(
    landscape: str,
    optimizer: str = "gd",
    lr: float = 0.05,
    *,
    steps: int = 100,
    clip: float | None = None,
    noise: float | None = None,
    start: Any = None,
    seed: int = 0,
) -> Trajectory:
    """Minimise a 2-D landscape with one of :mod:`lecturelib.optim`'s optimisers.

    ``optimizer``: ``"gd"``, ``"momentum"``, ``"adam"`` (full batch), or ``"sgd"``: gradient
    descent on one random example per step, whose gradient is ``grad f`` plus noise of
    standard deviation ``noise`` (default :data:`SGD_NOISE`). ``clip`` bounds the gradient
    norm. Never raises or warns for a large ``lr``: the run takes all its steps, wherever
    they lead, and stops early only if ``f`` overflows (see :class:`Trajectory`).
    """
    land = _landscape(landscape)
    if optimizer not in OPTIMIZER_CHOICES:
        raise ValueError(
            f"unknown optimizer {optimizer!r}; choose one of {', '.join(OPTIMIZER_CHOICES)}"
        )
    if noise is None:
        noise = SGD_NOISE if optimizer == "sgd" else 0.0
    if not (isinstance(noise, (int, float)) and noise >= 0 and np.isfinite(noise)):
        raise ValueError(f"noise must be a number >= 0, got {noise!r}")
    graph, p = landscape_graph(landscape, start)
    name = "gd" if optimizer == "sgd" else optimizer
    opt = make_optimizer(name, [p], lr, clip)
    points = [p.value.copy()]

    def record(step: int, loss: float) -> bool:
        """Keep each finite iterate; stop (return True) if one is not finite."""
        point = p.value.copy()
        if not np.all(np.isfinite(point)):
            return True
        points.append(point)
        return False

    if noise > 0:
        rng = np.random.default_rng(seed)
        table = rng.normal(0.0, noise, size=(512, 2))
        data = {"noise": table - table.mean(axis=0)}  # the full batch is exactly f
        batch = 1
    else:
        data, batch = {"noise": np.zeros(2)}, None
    with np.errstate(over="ignore", invalid="ignore"):
        history = train(
            graph, data, optimizer=opt, steps=steps, batch_size=batch, seed=seed,
            progress=False, callback=record,
        )  # fmt: skip
        pts = np.array(points)
        values = land.numpy_f(pts[:, 0], pts[:, 1])
        p.value = pts[-1].copy()
        graph.forward(noise=np.zeros(2))
        grad_norm = float(np.linalg.norm(graph.backward()["p"]))
    outside = [not _inside(land, q) for q in pts]
    left_at = outside.index(True) if any(outside) else None
    lo, hi = _far_box(land, FAR)
    far = bool(np.any(pts[-1] < lo) or np.any(pts[-1] > hi))
    overflowed = history.diverged or not np.isfinite(values[-1])
    diverged = overflowed or far
    steps_taken = len(pts) - 1
    status = _status(land, pts[-1], values, grad_norm, diverged, outside[-1], steps_taken)
    return Trajectory(
        landscape, optimizer, float(lr), clip, float(noise), pts, values, steps_taken,
        int(sum(outside)), left_at, diverged, grad_norm, status,
    )  # fmt: skip


def _edge_point(a: np.ndarray, b: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Where the segment from ``a`` (inside the box) towards ``b`` crosses the box's edge."""
    if not np.all(np.isfinite(b)):
        return a.copy()
    d = b - a
    t = 1.0
    for k in range(2):
        if b[k] > hi[k] and d[k] > 0:
            t = min(t, (hi[k] - a[k]) / d[k])
        if b[k] < lo[k] and d[k] < 0:
            t = min(t, (lo[k] - a[k]) / d[k])
    return np.clip(a + t * d, lo, hi)


def _status(
    land: Landscape,
    point: np.ndarray,
    values: np.ndarray,
    grad_norm: float,
    diverged: bool,
    outside: bool,
    steps: int,
) -> str:
    if diverged:
        f = values[-1]
        grown = "passed 1e100" if not f < 1e100 else f"grew to {f:.2g}"
        return f"diverged: f {grown} in {steps} steps"
    if outside:
        return f"ended outside the plot (f = {values[-1]:.2g}, |grad f| = {grad_norm:.2g})"
    for sx, sy, kind in land.stationary:
        distance = np.hypot(point[0] - sx, point[1] - sy)
        if distance < 0.05 and grad_norm < 0.05:
            return f"stopped at the {kind} ({sx:.3g}, {sy:.3g})"
        if distance < 0.3:
            return f"close to the {kind} ({sx:.3g}, {sy:.3g}), |grad f| = {grad_norm:.2g}"
    return f"still moving (|grad f| = {grad_norm:.2g})"


@dataclass
class LandscapeState:
    """What the landscape explorer shows for one position of its controls."""

    landscape: str
    trajectory: Trajectory
    grid: tuple[np.ndarray, np.ndarray, np.ndarray]


def landscape_state(
    landscape: str = "valley",
    optimizer: str = "gd",
    log10_lr: float = -1.3,
    clip: float = 0.0,
    steps: int = 100,
) -> LandscapeState:
    """The explorer's pure update: run the optimiser from the landscape's start.

    ``log10_lr`` is the step size's exponent (``lr = 10 ** log10_lr``); ``clip = 0`` means no
    clipping. The landscape grid is computed once per landscape and cached.
    """
    lr = float(10.0**log10_lr)
    trajectory = run_optimizer(
        landscape, optimizer, lr, steps=int(steps), clip=clip if clip > 0 else None
    )
    return LandscapeState(landscape, trajectory, landscape_grid(landscape))


# --------------------------------------------------------------------------------------
# The descent player: an optimiser's path, step by step
# --------------------------------------------------------------------------------------
#: Steps of one run of the descent player, and steps revealed per frame of Play.
DESCENT_STEPS = 160
STEPS_PER_FRAME = 2


def lowest_value(landscape: str) -> float:
    """The lowest value of ``f`` at the landscape's stationary points (its global minimum)."""
    land = _landscape(landscape)
    return float(min(land.numpy_f(np.float64(x), np.float64(y)) for x, y, _ in land.stationary))


@dataclass(frozen=True)
class DescentState:
    """The descent player at one frame: the whole run, and how many of its steps are shown.

    The run is computed once, when the player starts (:func:`descent_start`, a few
    milliseconds with :mod:`lecturelib.optim`'s optimisers, the same ones every figure of the
    notebook uses); each frame shows :data:`STEPS_PER_FRAME` more of its steps.
    """

    landscape: str
    trajectory: Trajectory
    shown: int  # steps shown so far (0: only the start)
    f_min: float  # the landscape's lowest value, the floor of the loss curve

    @property
    def done(self) -> bool:
        """Whether every step of the run is shown."""
        return self.shown >= self.trajectory.steps

    @property
    def points(self) -> np.ndarray:
        """The iterates shown so far, the start included."""
        return self.trajectory.points[: self.shown + 1]

    @property
    def values(self) -> np.ndarray:
        """``f`` at the iterates shown so far."""
        return self.trajectory.values[: self.shown + 1]


def descent_start(
    landscape: str = "two minima",
    optimizer: str = "momentum",
    log10_lr: float = -1.5,
    x0: float = 1.7,
    y0: float = 1.4,
    steps: int = DESCENT_STEPS,
) -> DescentState:
    """The descent player's start: run ``optimizer`` for ``steps`` steps from ``(x0, y0)``,
    with step size ``10 ** log10_lr``, and show none of them yet."""
    for name, value in (("log10_lr", log10_lr), ("x0", x0), ("y0", y0)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}")
    trajectory = run_optimizer(
        landscape, optimizer, float(10.0**log10_lr), steps=int(steps), start=(x0, y0)
    )
    return DescentState(landscape, trajectory, 0, lowest_value(landscape))


def descent_advance(state: DescentState, **values: Any) -> DescentState:
    """One frame later: :data:`STEPS_PER_FRAME` more steps shown (a new state).

    ``values`` are the player's controls; they do not change a run in progress (moving a
    control starts a new run from :func:`descent_start`).
    """
    if not isinstance(state, DescentState):
        raise TypeError(f"state must be a DescentState, got {type(state).__name__}")
    return replace(state, shown=min(state.shown + STEPS_PER_FRAME, state.trajectory.steps))
