"""Least squares and ridge regression on a data set: the objective, the closed forms and SGD.

Slides "Example: Linear least squares" and "Example: Ridge Regression". For a data set
``(x_1, y_1), ..., (x_n, y_n)`` and the loss of one example
``l_i(w, b) = [(w^T x_i + b) - y_i]^2``, **SGD** repeats: choose a random example ``i`` and
step ``w_j <- w_j - eta dl_i/dw_j``, ``b <- b - eta dl_i/db`` with the partials the slides
derive on the computation graph (``dl/dw_j = -2 r x_j``, ``dl/db = -2r``; ridge adds
``2 lambda w_j`` to ``dJ/dw_j``).

What SGD minimises is the *average* of the per-example objective,

    mean_i J_i = (1/n) sum_i r_i^2 + lambda w^T w,

whose minimiser has a closed form. With ``lambda = 0`` it is the least-squares solution
(:func:`least_squares`, by ``numpy.linalg.lstsq``). With ``lambda > 0`` it is the ridge
solution (:func:`ridge_closed_form`): the bias is **not penalised** (the slides' ``R =
lambda w^T w`` contains ``w`` only), which we handle by centring: with ``X_c``, ``y_c`` the
centred data,

    w = (X_c^T X_c + n lambda I)^-1 X_c^T y_c,     b = mean(y) - mean(x)^T w,

i.e. the textbook formula ``(X^T X + lambda' I)^-1 X^T y`` with ``lambda' = n lambda``
(multiplying the average objective by ``n`` turns ``lambda`` into ``n lambda``).
:func:`ridge_augmented` solves the same problem through an augmented system instead.

:func:`sgd` is :func:`lecturelib.optim.train`, the series' one training loop, on one random
example per step. Two engines supply each step's partials and give the same iterates:
``engine="backprop"`` runs a forward and a backward pass of the slides' graph
(:func:`lecturelib.regression.regression_graph`); ``engine="formula"`` evaluates one node whose
backward pass is the slides' formulas (:func:`lecturelib.regression.formula_graph`), somewhat
faster, which the explorers use. A run that diverges stops quietly (``diverged=True``), without
a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from numbers import Integral, Real
from typing import Any

import numpy as np

from lecturelib import optim
from lecturelib.progress import DelayedBar
from lecturelib.regression import formula_graph, regression_graph, slide_partials

__all__ = [
    "CurveData",
    "MinibatchStudy",
    "RegressionData",
    "RegularizationPath",
    "RidgeState",
    "SGDRun",
    "StepSizeState",
    "TwoChildren",
    "bump_features",
    "curve_data",
    "default_curve_data",
    "default_linear_data",
    "least_squares",
    "linear_data",
    "minibatch_study",
    "objective",
    "regularization_path",
    "ridge_augmented",
    "ridge_closed_form",
    "ridge_state",
    "sgd",
    "slide_comparison",
    "step_size_state",
    "two_children",
]

#: :data:`lecturelib.optim.PARAMETER_LIMIT`, 1e50: an SGD run has diverged once a parameter
#: reaches this in size (long before overflow), or the loss reaches 1e100.
PARAMETER_LIMIT = optim.PARAMETER_LIMIT

#: The step-size explorer calls a run "close" when every parameter is within this of
#: the least-squares solution.
CLOSE = 0.06


# --------------------------------------------------------------------------------------
# Checking arguments
# --------------------------------------------------------------------------------------
def _number(value: Any, what: str, low: float | None = None, strict: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    if low is not None and (value <= low if strict else value < low):
        raise ValueError(f"{what} must be {'>' if strict else '>='} {low:g}, got {value!r}")
    return float(value)


def _count(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
        raise ValueError(f"{what} must be a whole number >= {low}, got {value!r}")
    return int(value)


def _xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"X must be a matrix of shape (n, d), got shape {X.shape}")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have one value per row of X ({X.shape[0]}), got {y.shape}")
    if X.shape[0] == 0:
        raise ValueError("X must have at least one example")
    if not (np.isfinite(X).all() and np.isfinite(y).all()):
        raise ValueError("X and y must be finite (no NaN or inf)")
    return X, y


# --------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegressionData:
    """A seeded regression data set: ``X`` (n, d), ``y`` (n,) and how it was made."""

    X: np.ndarray
    y: np.ndarray
    w_true: np.ndarray
    b_true: float
    noise: float
    seed: int

    @property
    def n(self) -> int:
        """The number of examples."""
        return self.X.shape[0]

    @property
    def d(self) -> int:
        """The number of features."""
        return self.X.shape[1]


def linear_data(
    n: int = 100,
    w_true: Any = (2.0, -1.0),
    b_true: float = 0.5,
    noise: float = 0.1,
    seed: int = 0,
) -> RegressionData:
    """``y = w_true^T x + b_true + noise * N(0, 1)`` with ``x`` uniform on ``[-1, 1)^d``.

    Notebook 09's data: 100 examples of 2 features by default, so SGD's path can be drawn
    in the ``(w1, w2)`` plane.
    """
    n = _count(n, "n", 1)
    w_true = np.atleast_1d(np.asarray(w_true, dtype=float))
    if w_true.ndim != 1:
        raise ValueError(f"w_true must be a vector, got shape {w_true.shape}")
    b_true = _number(b_true, "b_true")
    noise = _number(noise, "noise", 0.0)
    rng = np.random.default_rng(_count(seed, "seed"))
    X = rng.uniform(-1.0, 1.0, size=(n, w_true.size))
    y = X @ w_true + b_true + noise * rng.standard_normal(n)
    return RegressionData(X, y, w_true, b_true, noise, seed)


def bump_features(x: Any, centres: Any, width: float) -> np.ndarray:
    """Gaussian bumps ``phi_k(x) = exp(-(x - c_k)^2 / (2 width^2))``: one column per centre.

    A feature map (notebook 01) that turns a 1-d input into ``len(centres)`` features, so a
    linear model in the features fits a curve.
    """
    x = np.asarray(x, dtype=float)
    centres = np.asarray(centres, dtype=float)
    width = _number(width, "width", 0.0, strict=True)
    return np.exp(-0.5 * ((x[..., None] - centres) / width) ** 2)


@dataclass(frozen=True)
class CurveData(RegressionData):
    """A 1-d regression data set and its bump features (``X = bump_features(x, ...)``)."""

    x: np.ndarray = field(default_factory=lambda: np.zeros(0))
    centres: np.ndarray = field(default_factory=lambda: np.zeros(0))
    width: float = 0.1

    def features(self, x: Any) -> np.ndarray:
        """The feature map applied to new inputs (for drawing the fitted curve)."""
        return bump_features(x, self.centres, self.width)


def curve_data(
    n: int = 30, n_features: int = 12, width: float = 0.06, noise: float = 0.25, seed: int = 1
) -> CurveData:
    """Notebook 10's data: ``y = sin(2 pi x) + noise``, ``x`` uniform on ``[0, 1)``, bump features.

    ``n_features`` bumps of the given ``width`` with centres evenly spaced on ``[0, 1]``. Few
    examples for the number of features (and a gap in the data near x = 0.65), so least
    squares bends to fit the noise with large weights, and ridge's penalty visibly changes
    the fit. There are no true weights (the target is not linear in the features): ``w_true``
    is NaN.
    """
    n = _count(n, "n", 2)
    n_features = _count(n_features, "n_features", 1)
    noise = _number(noise, "noise", 0.0)
    rng = np.random.default_rng(_count(seed, "seed"))
    x = np.sort(rng.uniform(0.0, 1.0, n))
    y = np.sin(2 * np.pi * x) + noise * rng.standard_normal(n)
    centres = np.linspace(0.0, 1.0, n_features)
    X = bump_features(x, centres, width)
    return CurveData(
        X, y, np.full(n_features, np.nan), float("nan"), noise, seed, x, centres, width
    )


# --------------------------------------------------------------------------------------
# The solutions SGD should reach
# --------------------------------------------------------------------------------------
def objective(X: Any, y: Any, w: Any, b: float, lam: float = 0.0) -> float:
    """The average per-example objective ``(1/n) sum_i r_i^2 + lambda w^T w``."""
    X, y = _xy(X, y)
    w = np.asarray(w, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        r = y - (X @ w + b)
        return float(np.mean(r * r) + lam * (w @ w))


def least_squares(X: Any, y: Any) -> tuple[np.ndarray, float]:
    """The least-squares ``(w, b)``, by ``numpy.linalg.lstsq`` on ``[X, 1]``."""
    X, y = _xy(X, y)
    A = np.column_stack([X, np.ones(X.shape[0])])
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    return theta[:-1], float(theta[-1])


def ridge_closed_form(X: Any, y: Any, lam: float) -> tuple[np.ndarray, float]:
    """Minimise ``(1/n) sum_i (y_i - w^T x_i - b)^2 + lambda w^T w``, bias unpenalised.

    Centring handles the unpenalised bias: ``w = (X_c^T X_c + n lambda I)^-1 X_c^T y_c`` and
    ``b = mean(y) - mean(x)^T w`` (the textbook ``(X^T X + lambda' I)^-1 X^T y`` with
    ``lambda' = n lambda``, on centred data). ``lam = 0`` gives least squares when ``X_c``
    has full column rank.
    """
    X, y = _xy(X, y)
    lam = _number(lam, "lam", 0.0)
    n, d = X.shape
    mean_x, mean_y = X.mean(axis=0), y.mean()
    Xc, yc = X - mean_x, y - mean_y
    w = np.linalg.solve(Xc.T @ Xc + n * lam * np.eye(d), Xc.T @ yc)
    return w, float(mean_y - mean_x @ w)


def ridge_augmented(X: Any, y: Any, lam: float) -> tuple[np.ndarray, float]:
    """The same ridge solution from the augmented system (a check on the centring).

    With ``A = [X, 1]`` and ``D = diag(1, ..., 1, 0)`` (no penalty on the bias), solve
    ``(A^T A + n lambda D) theta = A^T y``.
    """
    X, y = _xy(X, y)
    lam = _number(lam, "lam", 0.0)
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])
    D = np.diag([1.0] * d + [0.0])
    theta = np.linalg.solve(A.T @ A + n * lam * D, A.T @ y)
    return theta[:-1], float(theta[-1])


@dataclass
class RegularizationPath:
    """Ridge solutions over a grid of ``lambda``: one row of weights per value."""

    lams: np.ndarray
    W: np.ndarray  # (len(lams), d)
    b: np.ndarray  # (len(lams),)
    norms: np.ndarray  # ||w(lambda)||
    train_mse: np.ndarray  # (1/n) sum r_i^2 at each lambda


def regularization_path(X: Any, y: Any, lams: Any) -> RegularizationPath:
    """The regularization path: ``w(lambda)`` for each ``lambda`` in ``lams`` (closed form)."""
    X, y = _xy(X, y)
    lams = np.asarray(lams, dtype=float)
    if lams.ndim != 1 or lams.size == 0 or not np.all(np.isfinite(lams)) or np.any(lams < 0):
        raise ValueError("lams must be a non-empty vector of finite numbers >= 0")
    sols = [ridge_closed_form(X, y, float(lam)) for lam in lams]
    W = np.array([w for w, _ in sols])
    b = np.array([b for _, b in sols])
    mse = np.array([objective(X, y, w, b) for w, b in sols])
    return RegularizationPath(lams, W, b, np.linalg.norm(W, axis=1), mse)


# --------------------------------------------------------------------------------------
# SGD, one random example per step
# --------------------------------------------------------------------------------------
@dataclass
class SGDRun:
    """One SGD run: the average objective and ``(w, b)`` at the recorded steps.

    ``steps_recorded[k]`` is the step after which ``losses[k]``, ``W[k]`` and ``b[k]`` were
    recorded (0 is the start). A diverged run stops at ``diverged_at``.
    """

    lr: float
    decay: float | None
    lam: float
    seed: int
    engine: str
    steps_recorded: np.ndarray
    losses: np.ndarray
    W: np.ndarray
    b: np.ndarray
    diverged: bool = False
    diverged_at: int | None = None

    @property
    def w_final(self) -> np.ndarray:
        """The last recorded weights."""
        return self.W[-1]

    @property
    def b_final(self) -> float:
        """The last recorded bias."""
        return float(self.b[-1])

    def distance(self, w: Any, b: float) -> float:
        """The largest ``|difference|`` between the final ``(w, b)`` and a given solution."""
        return float(max(np.max(np.abs(self.w_final - np.asarray(w))), abs(self.b_final - b)))


def sgd(
    X: Any,
    y: Any,
    *,
    lr: float,
    steps: int,
    lam: float = 0.0,
    decay: float | None = None,
    seed: int = 0,
    record_every: int = 1,
    w0: Any = None,
    b0: float = 0.0,
    engine: str = "formula",
    progress: bool | None = None,
) -> SGDRun:
    """SGD as on the slide: each step picks a random example ``i`` and steps along ``-dJ_i``.

    The loop is :func:`lecturelib.optim.train` with ``optimizer="sgd"`` and ``batch_size=1``;
    the engine decides only where each step's partials come from.

    Parameters
    ----------
    lr, decay:
        The step size ``eta``; with ``decay`` it shrinks as ``eta_t = lr / (1 + t / decay)``
        (a constant step size leaves SGD jittering around the solution; a decaying one lets it
        settle).
    lam:
        The ridge penalty ``lambda`` of the slides' ``R = lambda w^T w`` (0: least squares).
    seed:
        Seeds the choice of examples: ``numpy.random.default_rng(seed).integers(n)`` once per
        step, the sampling of ``lecturelib.optim.train(..., batch_size=1)``.
    record_every:
        Record the average objective and ``(w, b)`` every so many steps (and at the end).
    engine:
        ``"backprop"``: a forward and backward pass of the slides' graph per step
        (:func:`lecturelib.regression.regression_graph`); ``"formula"``: one node whose
        backward pass is the slides' partials ``-2 r x_j + 2 lambda w_j`` and ``-2 r``
        (:func:`lecturelib.regression.formula_graph`). Both give the same iterates.

    A run diverges by :func:`lecturelib.optim.blown_up`'s rule: it stops as soon as a
    parameter reaches :data:`PARAMETER_LIMIT` (1e50) in size or the loss of the step's
    example reaches :data:`lecturelib.optim.DIVERGED` (1e100), quietly, with ``diverged_at``
    the step that blew up; the recorded steps end before it.
    """
    X, y = _xy(X, y)
    lr = _number(lr, "lr", 0.0, strict=True)
    steps = _count(steps, "steps")
    lam = _number(lam, "lam", 0.0)
    if decay is not None:
        decay = _number(decay, "decay", 0.0, strict=True)
    record_every = _count(record_every, "record_every", 1)
    if engine not in ("formula", "backprop"):
        raise ValueError(f"engine must be 'formula' or 'backprop', got {engine!r}")
    d = X.shape[1]
    w = np.zeros(d) if w0 is None else np.array(w0, dtype=float)
    if w.shape != (d,):
        raise ValueError(f"w0 must have {d} entries (one per feature), got shape {w.shape}")
    b = _number(b0, "b0")
    seed = _count(seed, "seed")
    penalty = lam if lam > 0 else None
    if engine == "backprop":
        graph = regression_graph(w, b, lam=penalty).graph
    else:
        graph = formula_graph(w, b, lam=penalty)
    history = optim.train(
        graph,
        {"x": X, "y": y},
        optimizer="sgd",
        lr=lr,
        decay=decay,
        steps=steps,
        batch_size=1,
        seed=seed,
        progress=progress,
        record_every=record_every,
    )
    recorded = [(p["w"], float(p["b"])) for p in history.recorded_params]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        losses = [_average_objective(X, y, w, b, lam) for w, b in recorded]
    return SGDRun(
        lr=lr,
        decay=decay,
        lam=lam,
        seed=seed,
        engine=engine,
        steps_recorded=np.array(history.recorded_steps),
        losses=np.array(losses),
        W=np.array([w for w, _ in recorded]).reshape(-1, d),
        b=np.array([b for _, b in recorded], dtype=float),
        diverged=history.diverged,
        diverged_at=history.diverged_at,
    )


def _average_objective(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lam: float) -> float:
    """:func:`objective` for checked data, without the checks."""
    r = y - (X @ w + b)
    return float(r @ r / X.shape[0] + lam * (w @ w))


# --------------------------------------------------------------------------------------
# Minibatch SGD: the cost of a step against its noise
# --------------------------------------------------------------------------------------
@dataclass
class MinibatchStudy:
    """Minibatch SGD on one data set, for several batch sizes, over many seeds.

    The cost of a step is counted in **example-gradients**: a step on a batch of ``B``
    examples computes ``B`` of them (full-batch gradient descent: ``n``). ``spent[k]`` holds
    the example-gradients spent at each recorded step of batch size ``batch_sizes[k]``
    (0 is the start) and ``excess[k]`` the average objective minus its minimum there, one row
    per seed.
    """

    n: int
    lr: float
    budget: int  # example-gradients every batch size may spend
    batch_sizes: tuple[int, ...]
    seeds: int
    loss_ls: float  # the least-squares minimum of the average objective
    spent: list[np.ndarray]  # per batch size: example-gradients at the recorded steps
    excess: list[np.ndarray]  # per batch size: (seeds, len(spent)) objective - minimum
    excess_mean: np.ndarray  # per batch size: the excess averaged over seeds and the last epoch

    def at(self, k: int, examples: int) -> np.ndarray:
        """The excess of batch size ``batch_sizes[k]`` over seeds once ``examples`` are spent.

        Taken at the last step whose cost does not exceed ``examples`` (gradient descent on
        ``n`` examples has taken no step before ``n`` example-gradients).
        """
        i = int(np.searchsorted(self.spent[k], examples, side="right")) - 1
        return self.excess[k][:, i]


@lru_cache(maxsize=4)
def minibatch_study(
    batch_sizes: tuple[int, ...] = (1, 10, 100, 10_000),
    *,
    n: int = 10_000,
    lr: float = 0.1,
    epochs: int = 3,
    seeds: int = 100,
) -> MinibatchStudy:
    """Minibatch SGD for least squares on ``linear_data(n, seed=1)``: every batch size gets the
    same budget of ``epochs * n`` example-gradients and the same step size ``lr``.

    A step draws ``B`` examples at random (with replacement, independently for each seed)
    and steps along the average of their gradients, ``-2 r_i x_i`` and ``-2 r_i`` (slide
    "Example: Linear least squares"); ``B = n`` is full-batch gradient descent on every
    example. All seeds run side by side (one array row each), from ``w = 0, b = 0``.

    The objective is quadratic, so its excess over the minimum is exactly
    ``(theta - theta_ls)^T (A^T A / n) (theta - theta_ls)`` with ``A = [X, 1]``: three
    numbers per seed, cheap enough to record after every step. ``excess_mean`` averages it
    over the seeds and the steps of the last epoch, where SGD with a constant step jitters
    around the minimum.
    """
    n = _count(n, "n", 1)
    lr = _number(lr, "lr", 0.0, strict=True)
    epochs = _count(epochs, "epochs", 1)
    seeds = _count(seeds, "seeds", 1)
    sizes = tuple(_count(b, "a batch size", 1) for b in batch_sizes)
    if any(b > n for b in sizes):
        raise ValueError(f"batch sizes must be at most n = {n}, got {sizes}")
    data = linear_data(n=n, seed=1)
    A = np.column_stack([data.X, np.ones(n)])
    w_ls, b_ls = least_squares(data.X, data.y)
    theta_ls = np.append(w_ls, b_ls)
    H = A.T @ A / n
    loss_ls = objective(data.X, data.y, w_ls, b_ls)
    budget = epochs * n
    grid = np.unique(np.round(np.geomspace(1, budget, 80)).astype(int))
    total = sum(budget // b for b in sizes)
    spent_all, excess_all, means = [], [], []
    with DelayedBar(total, "minibatch SGD") as bar:
        for size in sizes:
            spent, excess, mean = _minibatch_run(
                A, data.y, theta_ls, H, size, lr, budget, grid, seeds, bar
            )
            spent_all.append(spent)
            excess_all.append(excess)
            means.append(mean)
    return MinibatchStudy(
        n, lr, budget, sizes, seeds, loss_ls, spent_all, excess_all, np.array(means)
    )


def _minibatch_run(
    A: np.ndarray,
    y: np.ndarray,
    theta_ls: np.ndarray,
    H: np.ndarray,
    size: int,
    lr: float,
    budget: int,
    grid: np.ndarray,
    seeds: int,
    bar: DelayedBar,
) -> tuple[np.ndarray, np.ndarray, float]:
    """One batch size of :func:`minibatch_study`: (spent, excess, mean excess, last epoch)."""
    n = A.shape[0]
    steps = budget // size
    record = np.zeros(steps + 1, dtype=bool)
    record[0] = record[-1] = True
    record[np.unique(np.minimum(np.ceil(grid / size).astype(int), steps))] = True
    last_epoch = steps - n // size  # the steps after this one make up the last epoch
    rng = np.random.default_rng(1000 + size)
    theta = np.zeros((seeds, A.shape[1]))
    rows, tail, tail_steps = [], np.zeros(seeds), 0
    for t in range(steps + 1):
        if t > 0:
            if size == n:
                r = y - theta @ A.T  # (seeds, n): every example
                grad = -2.0 * (r @ A) / n
            else:
                idx = rng.integers(n, size=(seeds, size))
                Ab = A[idx]  # (seeds, B, 3)
                r = y[idx] - np.einsum("sbk,sk->sb", Ab, theta)
                grad = -2.0 * np.einsum("sb,sbk->sk", r, Ab) / size
            theta = theta - lr * grad
            bar.update(1)
        if record[t] or t > last_epoch:
            diff = theta - theta_ls
            excess = np.einsum("sk,kl,sl->s", diff, H, diff)
            if record[t]:
                rows.append(excess)
            if t > last_epoch:
                tail += excess
                tail_steps += 1
    return np.flatnonzero(record) * size, np.array(rows).T, float(np.mean(tail / tail_steps))


# --------------------------------------------------------------------------------------
# Backprop on one example beside the slides' formulas
# --------------------------------------------------------------------------------------
def slide_comparison(x: Any, y: float, w: Any, b: float) -> tuple[list[list[Any]], float]:
    """Backprop's partials on the least-squares graph beside the slides' hand formulas.

    Returns rows ``[node, value, backprop dl/d(node), slide formula, its value, |difference|]``
    for ``r, y_hat, b, w`` and the largest difference (0 or a few ulps: machine precision).
    """
    model = regression_graph(w, b)
    x = np.asarray(x, dtype=float)
    model.run(x, y)
    f = slide_partials(x, y, model.w.value, float(model.b.value))
    rows = []
    for name, node, key, formula in (
        ("r", model.r, "dl/dr", "2r"),
        ("y_hat", model.y_hat, "dl/dy_hat", "-2r"),
        ("b", model.b, "dl/db", "-2r"),
        ("w", model.w, "dl/dw", "-2r x_j"),
    ):
        gap = float(np.max(np.abs(node.grad - f[key])))
        rows.append([name, node.value, node.grad, formula, f[key], gap])
    return rows, max(r[-1] for r in rows)


@dataclass
class TwoChildren:
    """``w`` feeds two nodes in the ridge graph: the two partials and their sum."""

    via_prediction: np.ndarray  # dJ/d(w.x) * x = -2 r x
    via_penalty: np.ndarray  # dJ/dR * 2 lambda w = 2 lambda w
    total: np.ndarray  # w.grad, what backprop accumulated
    formula: np.ndarray  # -2 r x + 2 lambda w (slide)
    children: tuple[str, str]  # the names of w's two children
    gap: float  # largest |total - formula|


def two_children(x: Any, y: float, w: Any, b: float, lam: float) -> TwoChildren:
    """Backprop on the ridge graph of one example, with ``w``'s two incoming partials apart.

    ``w`` has two children: the product ``w·x`` inside the prediction ``y_hat`` and the
    penalty ``R = lambda w^T w``. Each hands back its partial (the child's ``grad`` times its
    local derivative); the engine adds them into ``w.grad`` (slide "Multiple children").
    """
    lam = _number(lam, "lam", 0.0)
    model = regression_graph(w, b, lam=lam)
    x = np.asarray(x, dtype=float)
    model.run(x, y)
    wx = model.y_hat.inputs[0]  # the node w·x (the engine splits y_hat = w·x + b in two)
    via_prediction = wx.grad * x
    via_penalty = model.R.grad * 2.0 * lam * model.w.value
    formula = slide_partials(x, y, model.w.value, float(model.b.value), lam)["dJ/dw"]
    children = tuple(n.name for n in model.graph.nodes if model.w in n.inputs)
    return TwoChildren(
        via_prediction=via_prediction,
        via_penalty=via_penalty,
        total=model.w.grad.copy(),
        formula=formula,
        children=children,
        gap=float(np.max(np.abs(model.w.grad - formula))),
    )


# --------------------------------------------------------------------------------------
# Explorers' pure update functions
# --------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def default_linear_data() -> RegressionData:
    """Notebook 09's data set, :func:`linear_data` with its defaults (made once, cached)."""
    return linear_data()


@lru_cache(maxsize=1)
def default_curve_data() -> CurveData:
    """Notebook 10's data set, :func:`curve_data` with its defaults (made once, cached)."""
    return curve_data()


@dataclass
class StepSizeState:
    """What the step-size explorer shows for one step size."""

    lr: float
    run: SGDRun
    w_ls: np.ndarray
    b_ls: float
    loss_ls: float  # the least-squares objective, the floor of the loss curve
    distance: float  # largest |(w, b) - least squares| at the end (inf if it stopped)
    tail_loss: float  # the mean objective over the run's second half (inf if it stopped)
    verdict: str  # "too slow", "close to least squares", "jitters", "diverges"

    @property
    def tail_ratio(self) -> float:
        """How many times the minimum the loss averages over the run's second half.

        A jitter measure that does not hang on where the last step happens to land: about
        1 once SGD has settled, more the more its steps kick it about (inf if it stopped).
        """
        return self.tail_loss / self.loss_ls


def step_size_state(
    log10_lr: float = -1.5, steps: int = 1000, seed: int = 0, data: RegressionData | None = None
) -> StepSizeState:
    """The pure update behind notebook 09's step-size explorer: constant-``eta`` SGD.

    Runs ``steps`` steps of SGD (slides' formulas) from ``w = 0, b = 0`` at
    ``eta = 10 ** log10_lr`` and classifies the outcome:

    - diverges: the run blew up and stopped (a parameter passed :data:`PARAMETER_LIMIT`, or
      the loss 1e100: :func:`lecturelib.optim.blown_up`), or the loss over the run's second
      half averages more than where it started (it grows without bound, only more slowly;
      from about ``eta = 0.57`` on notebook 09's data);
    - close to least squares: every parameter ends within :data:`CLOSE` of the solution;
    - too slow: still far from it, with a step below 0.05;
    - jitters: far from it with a large step: SGD's noisy steps keep it away.
    """
    log10_lr = _number(log10_lr, "log10_lr")
    data = data or default_linear_data()
    w_ls, b_ls = least_squares(data.X, data.y)
    run = sgd(data.X, data.y, lr=10.0**log10_lr, steps=steps, seed=seed, progress=False)
    loss_ls = objective(data.X, data.y, w_ls, b_ls)
    if run.diverged:
        distance = tail_loss = float("inf")
    else:
        distance = run.distance(w_ls, b_ls)
        tail_loss = float(np.mean(run.losses[run.steps_recorded >= steps / 2]))
    if run.diverged or tail_loss > run.losses[0]:
        verdict = "diverges"
    elif distance <= CLOSE:
        verdict = "close to least squares"
    elif 10.0**log10_lr < 0.05:
        verdict = "too slow: still on its way"
    else:
        verdict = "jitters: the noisy steps keep it away"
    return StepSizeState(10.0**log10_lr, run, w_ls, b_ls, loss_ls, distance, tail_loss, verdict)


@dataclass
class RidgeState:
    """What the lambda explorer shows for one ``lambda``."""

    lam: float
    w: np.ndarray
    b: float
    norm: float  # ||w||
    train_mse: float  # (1/n) sum r_i^2
    x_grid: np.ndarray
    fit: np.ndarray  # the fitted curve on x_grid at this lambda
    fit_ls: np.ndarray  # the least-squares (lambda = 0) curve
    path: RegularizationPath  # precomputed once


@lru_cache(maxsize=1)
def _default_path() -> RegularizationPath:
    data = default_curve_data()
    return regularization_path(data.X, data.y, np.logspace(-6, 1, 71))


def ridge_state(log10_lam: float = -3.0, data: CurveData | None = None) -> RidgeState:
    """The pure update behind notebook 10's lambda explorer: the closed form at one lambda.

    A ``d x d`` solve per slider move (microseconds); the regularization path over
    ``lambda`` in ``[1e-6, 10]`` is computed once and reused.
    """
    log10_lam = _number(log10_lam, "log10_lam")
    lam = 10.0**log10_lam
    if data is None:
        data, path = default_curve_data(), _default_path()
    else:
        path = regularization_path(data.X, data.y, np.logspace(-6, 1, 71))
    w, b = ridge_closed_form(data.X, data.y, lam)
    w_ls, b_ls = ridge_closed_form(data.X, data.y, 0.0)
    x_grid = np.linspace(0.0, 1.0, 201)
    F = data.features(x_grid)
    return RidgeState(
        lam=lam,
        w=w,
        b=b,
        norm=float(np.linalg.norm(w)),
        train_mse=objective(data.X, data.y, w, b),
        x_grid=x_grid,
        fit=F @ w + b,
        fit_ls=F @ w_ls + b_ls,
        path=path,
    )
