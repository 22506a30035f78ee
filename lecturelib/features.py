"""Feature maps and learned features: ``f(x) = w^T phi(x)`` and the restaurant example.

Slides "Many problems are non-linear" and "Decomposing the problem into predefined
subproblems" / "Learned intermediate features":

- a non-linear model can be linear in a **feature map**: ``f(x) = w^T phi(x)`` (equation 1),
  e.g. polynomials ``phi(x) = (1, x, x^2, ..., x^p)``; the weights are still found by linear
  least squares, and the degree ``p`` decides between under- and over-fitting;
- restaurant popularity from the raw features (#dishes, price, wine option, zip code,
  #seats, size), decomposed into sub-problems ``h1`` = food quality (from #dishes, price,
  wine), ``h2`` = walkable (from the zip code) and ``h3`` = noisy (from #seats, size), then a
  *linear* predictor ``w1 h1 + w2 h2 + w3 h3``;
- a neural network learns its intermediate features itself (equations 3-4):
  ``f(x) = w^T h(x)`` with ``h_k(x) = sigma(v_k^T x)``.

The restaurant data are synthetic (made here, documented below), so that the true
sub-problems are known and we can ask what a network's hidden units actually learned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lecturelib.mlp import MLP
from lecturelib.optim import levenberg_marquardt

__all__ = [
    "RAW_FEATURES",
    "SUBPROBLEMS",
    "ZIP_CODES",
    "ModelResult",
    "NetworkFit",
    "PolynomialDemo",
    "PolynomialState",
    "Restaurants",
    "UnitCorrelations",
    "compare_restaurant_models",
    "fit_linear",
    "fit_network",
    "legendre_features",
    "make_restaurants",
    "polynomial_demo",
    "polynomial_features",
    "raw_design",
    "subproblem_features",
    "true_function",
    "unit_correlations",
]


# ------------------------------------------------------------------------------------
# Part 1: a polynomial feature map on a non-linear 1-d data set
# ------------------------------------------------------------------------------------
def true_function(x: Any) -> np.ndarray:
    """The curve behind the 1-d data set: ``cos(pi x)`` on ``[-1, 1]``.

    It is even (a valley in the middle, high at both ends), so the best straight line is
    nearly flat: a linear model on the raw input ``x`` explains almost nothing.
    """
    return np.cos(np.pi * np.asarray(x, dtype=float))


def polynomial_features(x: Any, degree: int) -> np.ndarray:
    """The feature map ``phi(x) = (1, x, x^2, ..., x^degree)``, shape ``(n, degree + 1)``.

    ``x`` must be a 1-d array of numbers; ``degree`` a whole number >= 0.
    """
    x = _check_inputs(x, degree)
    return x[:, None] ** np.arange(degree + 1)


def _check_inputs(x: Any, degree: Any) -> np.ndarray:
    if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 0:
        raise ValueError(f"degree must be a whole number >= 0, got {degree!r}")
    x = np.asarray(x, dtype=float)
    if x.ndim != 1:
        raise ValueError(f"x must be a 1-d array of inputs, got shape {x.shape}")
    return x


def legendre_features(x: Any, degree: int) -> np.ndarray:
    """The Legendre polynomials ``P_0(x), ..., P_degree(x)``, shape ``(n, degree + 1)``.

    They span the same functions as ``(1, x, ..., x^degree)``, so a least-squares fit on
    them is the *same* polynomial; but on ``[-1, 1]`` they are far from collinear (``x^10``
    and ``x^12`` are nearly the same column), so the fit is computed without amplifying
    rounding errors: the same numbers on every machine.
    """
    return np.polynomial.legendre.legvander(_check_inputs(x, degree), degree)


def fit_linear(Phi: Any, y: Any) -> np.ndarray:
    """Least-squares weights ``w`` minimising ``||Phi w - y||^2`` (linear in ``Phi``'s columns).

    ``Phi`` is ``(n, p)``, one feature vector ``phi(x_i)`` per row; ``y`` is ``(n,)``.
    Uses ``numpy.linalg.lstsq`` (SVD), which also copes with nearly collinear features.
    """
    Phi = np.asarray(Phi, dtype=float)
    y = np.asarray(y, dtype=float)
    if Phi.ndim != 2:
        raise ValueError(f"Phi must have shape (n, p), got shape {Phi.shape}")
    if y.shape != (Phi.shape[0],):
        raise ValueError(f"y must have shape ({Phi.shape[0]},) to match Phi, got {y.shape}")
    w, *_ = np.linalg.lstsq(Phi, y, rcond=None)
    return w


@dataclass
class PolynomialState:
    """What the degree explorer shows for one degree."""

    degree: int
    w: np.ndarray  # the fitted weights, w_0 .. w_degree
    x_train: np.ndarray
    y_train: np.ndarray
    x_grid: np.ndarray
    f_grid: np.ndarray  # the fit on the grid (clipped to the plot range for drawing)
    truth_grid: np.ndarray
    degrees: np.ndarray  # every degree offered
    train_errors: np.ndarray  # training MSE for every degree
    test_errors: np.ndarray  # held-out MSE for every degree
    train_error: float
    test_error: float
    noise_variance: float  # the best held-out MSE any model can hope for


@dataclass
class PolynomialDemo:
    """A small noisy sample of ``cos(pi x)`` and polynomial fits of every degree.

    All fits are computed once (:func:`polynomial_demo`); :meth:`state` only looks one up,
    so the explorer's slider is instant.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    noise: float
    weights: list[np.ndarray] = field(default_factory=list)  # w_0..w_p of (1, x, ..., x^p)
    legendre: list[np.ndarray] = field(default_factory=list)  # the same fits, Legendre basis
    train_errors: np.ndarray = field(default_factory=lambda: np.zeros(0))
    test_errors: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def max_degree(self) -> int:
        return len(self.weights) - 1

    def state(self, degree: int = 3) -> PolynomialState:
        """The fit of one degree with the error curves of all degrees (the pure update)."""
        if isinstance(degree, bool) or not float(degree).is_integer():
            raise ValueError(f"degree must be a whole number, got {degree!r}")
        degree = int(degree)
        if not 0 <= degree <= self.max_degree:
            raise ValueError(f"degree must be between 0 and {self.max_degree}, got {degree}")
        grid = np.linspace(-1, 1, 201)
        f = legendre_features(grid, degree) @ self.legendre[degree]
        return PolynomialState(
            degree,
            self.weights[degree],
            self.x_train,
            self.y_train,
            grid,
            np.clip(f, -3.0, 3.0),
            true_function(grid),
            np.arange(self.max_degree + 1),
            self.train_errors,
            self.test_errors,
            float(self.train_errors[degree]),
            float(self.test_errors[degree]),
            self.noise**2,
        )


def polynomial_demo(
    n_train: int = 15, n_test: int = 500, noise: float = 0.2, max_degree: int = 12, seed: int = 0
) -> PolynomialDemo:
    """Noisy samples ``y = cos(pi x) + N(0, noise^2)``, ``x`` uniform on ``[-1, 1]``, and the
    least-squares polynomial fit of every degree ``0..max_degree`` on the training points.

    The held-out points come from the same distribution and are never used for fitting.
    Each fit is computed on Legendre features (:func:`legendre_features`), the same
    least-squares polynomial as on ``(1, x, ..., x^p)`` but well conditioned; its weights
    on ``(1, x, ..., x^p)`` are in ``weights``.
    """
    if not 1 <= max_degree < n_train:
        raise ValueError(
            f"max_degree must be between 1 and n_train - 1 = {n_train - 1}, got {max_degree}"
        )
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(-1, 1, n_train))
    y_train = true_function(x_train) + rng.normal(0, noise, n_train)
    x_test = rng.uniform(-1, 1, n_test)
    y_test = true_function(x_test) + rng.normal(0, noise, n_test)
    demo = PolynomialDemo(x_train, y_train, x_test, y_test, noise)
    train, test = [], []
    for p in range(max_degree + 1):
        c = fit_linear(legendre_features(x_train, p), y_train)
        w = np.zeros(p + 1)
        monomial = np.polynomial.legendre.leg2poly(c)  # drops trailing zeros
        w[: monomial.size] = monomial
        demo.legendre.append(c)
        demo.weights.append(w)
        train.append(np.mean((legendre_features(x_train, p) @ c - y_train) ** 2))
        test.append(np.mean((legendre_features(x_test, p) @ c - y_test) ** 2))
    demo.train_errors = np.array(train)
    demo.test_errors = np.array(test)
    return demo


# ------------------------------------------------------------------------------------
# Part 2: the restaurant example
# ------------------------------------------------------------------------------------
#: The slide's raw features, in column order.
RAW_FEATURES = ("#dishes", "price", "wine option", "zip code", "#seats", "size")
#: The slide's sub-problems h1, h2, h3.
SUBPROBLEMS = ("food quality", "walkable", "noisy")
#: Zip codes of the synthetic city and how walkable each neighbourhood is (hidden truth).
ZIP_CODES = (10001, 10002, 10003, 10011, 10012, 10014, 10027, 10453)
_WALKABILITY = np.array([0.9, 0.8, 1.0, 0.7, 0.85, 0.95, 0.45, 0.2])
#: popularity = 2 * food quality + 1.5 * walkable - 2 * noisy + N(0, 0.1^2)
POPULARITY_WEIGHTS = np.array([2.0, 1.5, -2.0])
POPULARITY_NOISE = 0.1


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def subproblem_features(raw: Any) -> np.ndarray:
    """The slide's predefined sub-problems computed from the raw features, shape ``(n, 3)``.

    - ``h1([#dishes, price, wine]) = food quality``: best around 25 dishes (a huge menu is
      a bad sign), better with price, and a wine list helps only above about $40;
    - ``h2([zip code]) = walkable``: a per-neighbourhood score between 0 and 1;
    - ``h3([#seats, size]) = noisy``: seats per square metre.

    These are exactly the functions the synthetic data are made from: feature engineering
    with *perfect* domain knowledge, the best case for the hand-made approach.
    """
    raw = _raw(raw)
    dishes, price, wine, zipc, seats, size = raw.T
    quality = (
        np.exp(-(((dishes - 25.0) / 20.0) ** 2))
        + 0.5 * np.tanh((price - 35.0) / 15.0)
        + 0.3 * wine * _sigmoid((price - 40.0) / 5.0)
    )
    index = np.searchsorted(ZIP_CODES, zipc)
    walkable = _WALKABILITY[index]
    noisy = seats / size
    return np.column_stack([quality, walkable, noisy])


def _raw(raw: Any) -> np.ndarray:
    raw = np.asarray(raw, dtype=float)
    if raw.ndim != 2 or raw.shape[1] != len(RAW_FEATURES):
        raise ValueError(
            f"raw features must have shape (n, {len(RAW_FEATURES)}) with columns "
            f"{', '.join(RAW_FEATURES)}; got shape {raw.shape}"
        )
    if not np.all(np.isin(raw[:, 3], ZIP_CODES)):
        raise ValueError(f"zip codes must be among {ZIP_CODES}")
    return raw


@dataclass
class Restaurants:
    """A synthetic restaurant data set: raw features, the true sub-problems, popularity."""

    raw: np.ndarray  # (n, 6): #dishes, price, wine option, zip code, #seats, size
    h: np.ndarray  # (n, 3): food quality, walkable, noisy (the truth, not observed)
    popularity: np.ndarray  # (n,)

    def __len__(self) -> int:
        return len(self.popularity)


def make_restaurants(n: int = 300, seed: int = 0) -> Restaurants:
    """``n`` synthetic restaurants whose popularity is made from the three sub-problems:

    ``popularity = 2 * food quality + 1.5 * walkable - 2 * noisy + N(0, 0.1^2)``.

    #dishes uniform on 5..80, price uniform on $10..80, wine option with probability 1/2,
    zip code uniform among :data:`ZIP_CODES`, #seats uniform on 20..200 and size (m^2)
    between 1 and 3.5 m^2 per seat.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    rng = np.random.default_rng(seed)
    dishes = rng.integers(5, 81, n).astype(float)
    price = np.round(rng.uniform(10, 80, n), 2)
    wine = rng.integers(0, 2, n).astype(float)
    zipc = rng.choice(np.array(ZIP_CODES, dtype=float), n)
    seats = rng.integers(20, 201, n).astype(float)
    size = np.round(seats * rng.uniform(1.0, 3.5, n), 1)
    raw = np.column_stack([dishes, price, wine, zipc, seats, size])
    h = subproblem_features(raw)
    y = h @ POPULARITY_WEIGHTS + rng.normal(0, POPULARITY_NOISE, n)
    return Restaurants(raw, h, y)


def raw_design(raw: Any, reference: Any = None) -> np.ndarray:
    """The raw features as model inputs: numbers standardised, the zip code one-hot.

    A zip code is a name, not a quantity (10453 is not "more" than 10001), so it becomes
    one 0/1 column per zip code; the five numeric features are standardised with the mean
    and standard deviation of ``reference`` (the training set; default ``raw`` itself).
    Returns shape ``(n, 5 + len(ZIP_CODES))``.
    """
    raw = _raw(raw)
    ref = raw if reference is None else _raw(reference)
    numeric = [0, 1, 2, 4, 5]
    mu = ref[:, numeric].mean(axis=0)
    sd = ref[:, numeric].std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    onehot = (raw[:, 3:4] == np.array(ZIP_CODES, dtype=float)).astype(float)
    return np.hstack([(raw[:, numeric] - mu) / sd, onehot])


def _with_intercept(A: np.ndarray) -> np.ndarray:
    return np.hstack([np.ones((A.shape[0], 1)), A])


#: The weight penalty ``lambda`` of :func:`fit_network` in the restaurant comparison.
PENALTY = 0.1
#: Random starts per network in the restaurant comparison.
RESTARTS = 10


@dataclass
class NetworkFit:
    """A network trained from several random starts, and what each start reached."""

    net: MLP  # the network of the kept start
    objectives: np.ndarray  # the objective each start converged to
    steps: np.ndarray  # Levenberg-Marquardt iterations each start took
    converged: np.ndarray  # whether each start converged (rather than hit the step limit)
    best: int  # the index of the kept start (seed ``seed + best``)

    @property
    def n_best(self) -> int:
        """How many starts reached the kept minimum (within a relative ``1e-9``)."""
        return int(np.sum(self.objectives <= self.objectives[self.best] * (1 + 1e-9)))


def fit_network(
    X: Any,
    y: Any,
    hidden: int,
    *,
    penalty: float = PENALTY,
    restarts: int = RESTARTS,
    seed: int = 0,
    steps: int = 3000,
) -> NetworkFit:
    """Train ``MLP([d, hidden, 1])`` (tanh) from ``restarts`` random starts; keep the best.

    Each start (seeds ``seed, seed + 1, ...``) minimises the least-squares objective with a
    small penalty on the size of the weights (as in ridge regression),

        ``(1/n) sum_i (f(x_i) - y_i)^2 + (penalty/n) ||theta||^2``

    (the sum of squared errors plus ``penalty ||theta||^2``, divided by ``n``),
    by Levenberg-Marquardt until the steps become negligible. The penalty matters: without
    it a tanh unit can always fit a little better by growing its weights towards a step,
    the weights creep on for ever, and where training ends depends on when it is stopped
    (and on the machine's rounding). With it every start converges to an isolated
    minimum within a few hundred iterations. The start with the lowest objective is kept;
    when several starts reach the same minimum (equal within a relative ``1e-9``) the first
    of them is kept, so the choice never hangs on rounding.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).ravel()
    if X.ndim != 2 or X.shape[0] != y.size:
        raise ValueError(f"X must have shape (n, d) with n = len(y) = {y.size}, got {X.shape}")
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden < 1:
        raise ValueError(f"hidden must be a whole number >= 1, got {hidden!r}")
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"restarts must be a whole number >= 1, got {restarts!r}")
    if not penalty > 0:
        raise ValueError(f"penalty must be a number > 0, got {penalty!r}")
    n = y.size
    root = float(np.sqrt(penalty))
    thetas, objectives, taken, converged = [], [], [], []
    for i in range(restarts):
        net = MLP([X.shape[1], int(hidden), 1], activation="tanh", seed=seed + i)
        shrink = root * np.eye(net.n_params)

        def residuals(theta: np.ndarray, net: MLP = net) -> np.ndarray:
            # f(x_i) - y_i, then sqrt(penalty) theta: their squares sum to the objective.
            net.theta = theta
            return np.concatenate([net.predict(X).ravel() - y, root * theta])

        def jacobian(net: MLP = net, shrink: np.ndarray = shrink) -> np.ndarray:
            return np.vstack([net.jacobian(X), shrink])

        theta, history = levenberg_marquardt(
            residuals, jacobian, net.theta, steps=steps, ftol=0.0, progress=False
        )
        thetas.append(theta)
        objectives.append(history.final * (n + net.n_params) / n)
        taken.append(history.steps)
        converged.append(history.steps < steps)
    objectives = np.array(objectives)
    best = int(np.flatnonzero(objectives <= objectives.min() * (1 + 1e-9))[0])
    net = MLP([X.shape[1], int(hidden), 1], activation="tanh", seed=seed + best)
    net.theta = thetas[best]
    return NetworkFit(net, objectives, np.array(taken), np.array(converged), best)


@dataclass
class ModelResult:
    """One model of the restaurant comparison: its errors and (for the MLP) the network."""

    name: str
    train_mse: float
    test_mse: float
    n_params: int
    net: MLP | None = None
    fit: NetworkFit | None = None


def compare_restaurant_models(
    train: Restaurants,
    test: Restaurants,
    hidden: tuple[int, ...] = (3, 8),
    seed: int = 0,
    restarts: int = RESTARTS,
    penalty: float = PENALTY,
) -> list[ModelResult]:
    """The slides' three approaches, each scored by mean squared error on held-out data:

    (a) a linear model on the raw features (:func:`raw_design`);
    (b) the predefined sub-problems ``h1, h2, h3`` (:func:`subproblem_features`), then a
        linear predictor ``w0 + w1 h1 + w2 h2 + w3 h3``;
    (c) an MLP ``[13, K, 1]`` with tanh hidden units on the same raw inputs as (a), for each
        ``K`` in ``hidden``, learning its own intermediate features: least squares with a
        small weight penalty, best of ``restarts`` random starts (:func:`fit_network`),
        targets standardised for the fit.
    """
    Xtr, Xte = raw_design(train.raw), raw_design(test.raw, reference=train.raw)
    ytr, yte = train.popularity, test.popularity
    results = []
    w = fit_linear(_with_intercept(Xtr), ytr)
    results.append(
        ModelResult(
            "(a) linear on raw features",
            float(np.mean((_with_intercept(Xtr) @ w - ytr) ** 2)),
            float(np.mean((_with_intercept(Xte) @ w - yte) ** 2)),
            w.size,
        )
    )
    Htr = _with_intercept(subproblem_features(train.raw))
    Hte = _with_intercept(subproblem_features(test.raw))
    w = fit_linear(Htr, ytr)
    results.append(
        ModelResult(
            "(b) predefined h1, h2, h3 + linear",
            float(np.mean((Htr @ w - ytr) ** 2)),
            float(np.mean((Hte @ w - yte) ** 2)),
            w.size,
        )
    )
    mu, sd = float(ytr.mean()), float(ytr.std())
    for k in hidden:
        fit = fit_network(Xtr, (ytr - mu) / sd, k, penalty=penalty, restarts=restarts, seed=seed)
        net = fit.net
        results.append(
            ModelResult(
                f"(c) MLP, {k} learned features",
                float(np.mean((net.predict(Xtr) * sd + mu - ytr) ** 2)),
                float(np.mean((net.predict(Xte) * sd + mu - yte) ** 2)),
                net.n_params,
                net,
                fit,
            )
        )
    return results


@dataclass
class UnitCorrelations:
    """What the learned hidden units correlate with, on a data set."""

    corr_sub: np.ndarray  # (K, 3): correlation of unit k with food quality, walkable, noisy
    corr_raw: np.ndarray  # (K, 5): with #dishes, price, wine option, #seats, size
    r2_from_units: np.ndarray  # (3,): R^2 of each sub-problem regressed on all K units
    r2_from_raw: np.ndarray  # (3,): the same from the raw inputs (a linear baseline)

    @property
    def raw_names(self) -> tuple[str, ...]:
        return ("#dishes", "price", "wine option", "#seats", "size")


def _corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pearson correlations between the columns of ``a`` (n, p) and ``b`` (n, q)."""
    a = (a - a.mean(0)) / np.where(a.std(0) > 0, a.std(0), np.inf)
    b = (b - b.mean(0)) / np.where(b.std(0) > 0, b.std(0), np.inf)
    return a.T @ b / a.shape[0]


def _r2(A: np.ndarray, targets: np.ndarray) -> np.ndarray:
    A1 = _with_intercept(A)
    out = []
    for t in targets.T:
        w = fit_linear(A1, t)
        out.append(1.0 - np.mean((A1 @ w - t) ** 2) / np.var(t))
    return np.array(out)


def unit_correlations(net: MLP, data: Restaurants, reference: Restaurants) -> UnitCorrelations:
    """Correlate each learned hidden unit with the true sub-problems and the raw features.

    Also: how much of each sub-problem (R^2) a linear read-out of *all* hidden units
    recovers, next to a linear read-out of the raw inputs. ``reference`` is the training
    set (for standardising the inputs as in training).
    """
    X = raw_design(data.raw, reference=reference.raw)
    H = net.hidden(X)[0]
    numeric = data.raw[:, [0, 1, 2, 4, 5]]
    return UnitCorrelations(_corr(H, data.h), _corr(H, numeric), _r2(H, data.h), _r2(X, data.h))
