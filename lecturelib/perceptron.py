"""Threshold units as logic gates, exact linear separability, and XNOR with a hidden layer.

Slides "Perceptrons as logical gates", "Limitations of a perceptrons as logical gates" and
"Multilayer perceptron":

- a **threshold unit** fires (outputs 1) when ``w1*i1 + w2*i2 >= theta``, else outputs 0;
- AND is ``w1 = w2 = 1, theta = 2``: the net inputs on (0,0), (0,1), (1,0), (1,1) are
  0, 1, 1, 2 and only the last one reaches the threshold;
- "fire when both pixels have the same value" (XNOR) would need ``w1 + w2 >= theta``,
  ``0 >= theta``, ``w1 < theta`` and ``w2 < theta`` at once, which is impossible;
- two layers do it: ``h1 = [i1 + i2 >= 2]``, ``h2 = [-i1 - i2 >= 0]``, ``o = [h1 + h2 >= 1]``.

:func:`is_linearly_separable` decides exactly, for any finite labelled point set in any
dimension, whether some threshold unit computes the labels (a linear-programming
feasibility problem), so "14 of the 16 two-input functions" is a computation, not a claim.
:func:`learn_xnor` and :func:`count_solved` then *learn* the hidden layer with
:class:`lecturelib.mlp.MLP` instead of setting it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lecturelib.mlp import MLP
from lecturelib.progress import progress_bar

__all__ = [
    "BOOLEAN_FUNCTIONS",
    "INPUTS",
    "POINT_NAMES",
    "SOLVED_PROBABILITY",
    "XNOR",
    "BooleanFunction",
    "GateState",
    "TwoLayerState",
    "XnorFit",
    "best_single_unit_match",
    "boolean_function",
    "count_solved",
    "function_name",
    "gate_state",
    "hidden_layer_state",
    "is_linearly_separable",
    "learn_xnor",
    "line_in_box",
    "separating_unit",
    "slide_xnor_network",
    "small_integer_unit",
    "threshold_unit",
    "two_layer_state",
]

#: The four inputs ``(i1, i2)`` in the slides' order: (0,0), (0,1), (1,0), (1,1).
INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

#: The slide's names of the four inputs for XNOR: x's should fire, o's should not.
POINT_NAMES = ("x1", "o1", "o2", "x2")

#: XNOR ("fire when both pixels have the same value") on :data:`INPUTS`.
XNOR = (1, 0, 0, 1)

# Decimal places to which net inputs are rounded before comparing with theta in the
# explorers, so that slider values like 0.3 + 0.6 compare as 0.9 (not 0.8999999999999999).
_NET_DECIMALS = 9


# ------------------------------------------------------------------------------------
# Input checking
# ------------------------------------------------------------------------------------
def _points(X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a finite float array of shape ``(n, d)`` with ``n, d >= 1``."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of numbers, shape (n, d): {error}") from None
    if X.ndim != 2 or X.shape[0] < 1 or X.shape[1] < 1:
        raise ValueError(f"{name} must have shape (n, d) with n, d >= 1, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError(f"{name} must contain only finite numbers")
    return X


def _binary_labels(y: Any, n: int, name: str = "y") -> np.ndarray:
    """``y`` as an int array of shape ``(n,)`` holding only 0 and 1 (booleans allowed)."""
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of 0/1 labels: {error}") from None
    if y.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},) to match X's {n} rows, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        bad = np.unique(y[(y != 0) & (y != 1)])[:5]
        raise ValueError(f"{name} must contain only 0 and 1 (binary labels), got {bad.tolist()}")
    return y.astype(int)


# ------------------------------------------------------------------------------------
# The threshold unit and the 16 boolean functions
# ------------------------------------------------------------------------------------
def threshold_unit(X: Any, w: Any, theta: float) -> np.ndarray:
    """The outputs of a threshold unit: 1 where ``w . x >= theta``, else 0 (slide's rule).

    ``X`` has shape ``(n, d)`` (one input per row), ``w`` shape ``(d,)``; returns ints ``(n,)``.
    """
    X = _points(X)
    w = np.asarray(w, dtype=float)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got shape {w.shape}")
    if not np.isfinite(theta):
        raise ValueError(f"theta must be a finite number, got {theta!r}")
    return (X @ w >= theta).astype(int)


@dataclass(frozen=True)
class BooleanFunction:
    """A function of two bits, given by its outputs on (0,0), (0,1), (1,0), (1,1)."""

    name: str
    outputs: tuple[int, int, int, int]

    @property
    def index(self) -> int:
        """The outputs read as a binary number (0 = FALSE, 1 = AND, ..., 15 = TRUE)."""
        return int("".join(map(str, self.outputs)), 2)


_NAMES = {
    (0, 0, 0, 0): "FALSE",
    (0, 0, 0, 1): "AND",
    (0, 0, 1, 0): "i1 AND NOT i2",
    (0, 0, 1, 1): "i1",
    (0, 1, 0, 0): "NOT i1 AND i2",
    (0, 1, 0, 1): "i2",
    (0, 1, 1, 0): "XOR",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (1, 0, 0, 1): "XNOR",
    (1, 0, 1, 0): "NOT i2",
    (1, 0, 1, 1): "i1 OR NOT i2",
    (1, 1, 0, 0): "NOT i1",
    (1, 1, 0, 1): "NOT i1 OR i2",
    (1, 1, 1, 0): "NAND",
    (1, 1, 1, 1): "TRUE",
}

#: All 16 two-input boolean functions, in the order of their binary index.
BOOLEAN_FUNCTIONS: tuple[BooleanFunction, ...] = tuple(
    BooleanFunction(name, outputs) for outputs, name in sorted(_NAMES.items())
)


def _four_bits(outputs: Any) -> tuple[int, int, int, int]:
    bits = np.asarray(outputs)
    if bits.shape != (4,):
        raise ValueError(
            f"outputs must be 4 bits, for inputs (0,0), (0,1), (1,0), (1,1); got shape {bits.shape}"
        )
    if not np.all((bits == 0) | (bits == 1)):
        raise ValueError(f"outputs must contain only 0 and 1, got {bits.tolist()}")
    return tuple(int(b) for b in bits)  # type: ignore[return-value]


def function_name(outputs: Any) -> str:
    """The name of the two-input function with these 4 outputs (e.g. ``(0,0,0,1)`` -> AND)."""
    return _NAMES[_four_bits(outputs)]


def boolean_function(name: str) -> BooleanFunction:
    """One of the 16 functions by name (case-insensitive), e.g. ``boolean_function("xnor")``."""
    for f in BOOLEAN_FUNCTIONS:
        if f.name.lower() == str(name).lower():
            return f
    raise ValueError(
        f"unknown boolean function {name!r}; choose one of "
        + ", ".join(f.name for f in BOOLEAN_FUNCTIONS)
    )


# ------------------------------------------------------------------------------------
# Exact linear separability
# ------------------------------------------------------------------------------------
def separating_unit(X: Any, y: Any) -> tuple[np.ndarray, float] | None:
    """Weights ``(w, theta)`` of a threshold unit computing the labels ``y``, or ``None``.

    For finite point sets, "some unit fires exactly on the 1s" (``w.x >= theta`` on every
    1, ``w.x < theta`` on every 0) is equivalent, after lowering ``theta`` a little and
    rescaling, to the linear-programming feasibility problem

        ``w.x_i - theta >= 1``  where ``y_i = 1``,   ``w.x_i - theta <= -1``  where ``y_i = 0``,

    in the ``d + 1`` unknowns ``(w, theta)``. It is solved with SciPy's HiGHS
    (``scipy.optimize.linprog``); a solution found is verified on the points with the
    threshold rule itself before it is returned. Works in any dimension ``d``.
    """
    from scipy.optimize import linprog

    X = _points(X)
    y = _binary_labels(y, X.shape[0])
    n, d = X.shape
    s = np.where(y == 1, 1.0, -1.0)
    # Constraint  -s_i * (w . x_i - theta) <= -1  in the unknowns z = (w, theta).
    A_ub = -s[:, None] * np.hstack([X, -np.ones((n, 1))])
    b_ub = -np.ones(n)
    result = linprog(
        np.zeros(d + 1), A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * (d + 1), method="highs"
    )
    if result.status == 2:  # infeasible: no threshold unit computes y
        return None
    if result.status != 0:  # pragma: no cover - the LP is always feasible or infeasible
        raise RuntimeError(f"linear program failed: {result.message}")
    w, theta = result.x[:d], float(result.x[d])
    margins = s * (X @ w - theta)
    if not np.all(margins > 0):  # pragma: no cover - a numerical failure we would report
        raise RuntimeError("the LP's solution does not separate the points (numerical trouble)")
    return w, theta


def is_linearly_separable(X: Any, y: Any) -> bool:
    """Whether one threshold unit (``w . x >= theta``) outputs exactly the labels ``y``.

    Exact for finite point sets in any dimension: it solves a linear-programming
    feasibility problem (see :func:`separating_unit`) rather than running the perceptron
    rule for some epochs and giving up.

    Parameters
    ----------
    X:
        Points, shape ``(n, d)``.
    y:
        Labels, shape ``(n,)``, only 0 and 1 (or booleans).

    Raises
    ------
    ValueError
        If ``X`` is not ``(n, d)``, ``y`` does not have one label per row, or ``y`` holds
        anything but 0 and 1.
    """
    return separating_unit(X, y) is not None


def small_integer_unit(outputs: Any, limit: int = 2) -> tuple[int, int, int] | None:
    """A threshold unit ``(w1, w2, theta)`` with small whole numbers computing ``outputs``.

    Searches ``w1, w2`` in ``-limit..limit`` and ``theta`` in ``-limit..limit + 1`` (in that
    order, smallest absolute values first) and returns the first unit whose outputs on
    :data:`INPUTS` are ``outputs``; ``None`` if there is none. A readable example of a
    separating unit (the LP's answer is a valid but less memorable one).
    """
    target = np.array(_four_bits(outputs))
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 0:
        raise ValueError(f"limit must be a whole number >= 0, got {limit!r}")
    values = sorted(range(-limit, limit + 1), key=lambda v: (abs(v), v < 0))
    thetas = sorted(range(-limit, limit + 2), key=lambda v: (abs(v), v < 0))
    for w1 in values:
        for w2 in values:
            for theta in thetas:
                if np.array_equal((INPUTS @ np.array([w1, w2]) >= theta).astype(int), target):
                    return w1, w2, theta
    return None


def best_single_unit_match(
    target: Any, values: Sequence[float] | np.ndarray, thetas: Sequence[float] | np.ndarray
) -> tuple[int, int]:
    """Most rows of ``target`` any slider setting gets right, and how many settings do so.

    Tries every combination of ``w1, w2`` in ``values`` and ``theta`` in ``thetas`` (for
    instance every position of the explorer's sliders) on the four inputs.
    """
    target = np.asarray(_four_bits(target))
    w = np.asarray(values, dtype=float)
    t = np.asarray(thetas, dtype=float)
    W1, W2, T = np.meshgrid(w, w, t, indexing="ij")
    net = W1[..., None] * INPUTS[:, 0] + W2[..., None] * INPUTS[:, 1]
    fires = np.round(net, _NET_DECIMALS) >= np.round(T[..., None], _NET_DECIMALS)
    right = (fires == target.astype(bool)).sum(axis=-1)
    best = int(right.max())
    return best, int((right == best).sum())


# ------------------------------------------------------------------------------------
# Geometry: a decision line clipped to a box
# ------------------------------------------------------------------------------------
def line_in_box(
    w1: float, w2: float, theta: float, low: float = -0.25, high: float = 1.25
) -> tuple[np.ndarray, np.ndarray]:
    """The segment of the line ``w1*x + w2*y = theta`` inside the square ``[low, high]^2``.

    Returns two arrays (the x and y coordinates of the end points); both are empty when the
    line misses the square or there is no line (``w1 = w2 = 0``).
    """
    points: list[tuple[float, float]] = []
    if abs(w2) > 1e-12:
        for x in (low, high):
            yv = (theta - w1 * x) / w2
            if low - 1e-12 <= yv <= high + 1e-12:
                points.append((x, yv))
    if abs(w1) > 1e-12:
        for yv in (low, high):
            x = (theta - w2 * yv) / w1
            if low - 1e-12 <= x <= high + 1e-12:
                points.append((x, yv))
    unique: list[tuple[float, float]] = []
    for p in points:
        if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return np.array([]), np.array([])
    a, b = unique[0], unique[-1]
    return np.array([a[0], b[0]]), np.array([a[1], b[1]])


# ------------------------------------------------------------------------------------
# The explorer of notebook 02: one unit on the four inputs
# ------------------------------------------------------------------------------------
@dataclass
class GateState:
    """What one threshold unit does on the four inputs (the 02 explorer's state)."""

    w1: float
    w2: float
    theta: float
    net: np.ndarray  # w1*i1 + w2*i2 for the four inputs
    outputs: tuple[int, int, int, int]
    name: str  # which of the 16 functions the unit computes
    xnor_rows_right: int  # how many of the four XNOR rows it gets right (never 4)
    line: tuple[np.ndarray, np.ndarray]  # the decision line inside the plotted square

    @property
    def rows(self) -> list[list[Any]]:
        """The truth table: i1, i2, net input, output."""
        return [
            [int(i1), int(i2), n, o]
            for (i1, i2), n, o in zip(INPUTS, self.net, self.outputs, strict=True)
        ]


def gate_state(w1: float = 1.0, w2: float = 1.0, theta: float = 2.0) -> GateState:
    """The pure update of notebook 02's explorer: truth table, function name, decision line.

    Net inputs are rounded to 9 decimals before the comparison with ``theta`` so that slider
    values such as ``0.3 + 0.6 >= 0.9`` behave as arithmetic says, not as floating point does.
    """
    for value, what in ((w1, "w1"), (w2, "w2"), (theta, "theta")):
        if not np.isfinite(value):
            raise ValueError(f"{what} must be a finite number, got {value!r}")
    net = np.round(INPUTS @ np.array([w1, w2], dtype=float), _NET_DECIMALS)
    outputs = tuple(int(v) for v in (net >= round(float(theta), _NET_DECIMALS)))
    right = int(np.sum(np.array(outputs) == np.array(XNOR)))
    return GateState(
        float(w1),
        float(w2),
        float(theta),
        net + 0.0,  # no -0.0
        outputs,  # type: ignore[arg-type]
        function_name(outputs),
        right,
        line_in_box(w1, w2, theta),
    )


# ------------------------------------------------------------------------------------
# The slide's two-layer network for XNOR (notebook 03)
# ------------------------------------------------------------------------------------
def slide_xnor_network() -> dict[str, Any]:
    """The slide's hand-set network: ``h1 = [i1 + i2 >= 2]``, ``h2 = [-i1 - i2 >= 0]``,
    ``o = [h1 + h2 >= 1]``, as keyword arguments of :func:`two_layer_state`."""
    return {
        "W": np.array([[1.0, 1.0], [-1.0, -1.0]]),
        "theta": np.array([2.0, 0.0]),
        "v": np.array([1.0, 1.0]),
        "theta_out": 1.0,
    }


@dataclass
class TwoLayerState:
    """A two-layer network of threshold units on the four inputs (the slide's table)."""

    W: np.ndarray  # hidden weights, row k = unit k
    theta: np.ndarray  # hidden thresholds
    v: np.ndarray  # output weights
    theta_out: float
    hidden_input: np.ndarray  # (4, 2): w_k . x, the "hidden layer input"
    hidden_output: np.ndarray  # (4, 2): [w_k . x >= theta_k]
    output: np.ndarray  # (4,): o
    computes: str  # name of the function the network computes
    hidden_separable: bool  # is XNOR linearly separable in hidden space?
    hidden_lines: list[tuple[np.ndarray, np.ndarray]]  # each hidden unit's line, input space
    output_line: tuple[np.ndarray, np.ndarray]  # the output unit's line, hidden space

    @property
    def rows(self) -> list[list[Any]]:
        """The slide's table: name, i1, i2, hidden inputs h1 h2, hidden outputs h1 h2, o."""
        return [
            [name, int(x[0]), int(x[1]), *hin, *hout, o]
            for name, x, hin, hout, o in zip(
                POINT_NAMES,
                INPUTS,
                self.hidden_input,
                self.hidden_output,
                self.output,
                strict=True,
            )
        ]

    @property
    def correct(self) -> int:
        """How many of the four rows match XNOR."""
        return int(np.sum(self.output == np.array(XNOR)))


def two_layer_state(
    W: Any, theta: Any, v: Any = (1.0, 1.0), theta_out: float = 1.0
) -> TwoLayerState:
    """Forward pass of two hidden threshold units and one output unit on the four inputs.

    ``W`` is ``(2, 2)`` (row ``k`` holds unit ``k``'s two weights), ``theta`` the two hidden
    thresholds, ``v`` and ``theta_out`` the output unit. Also reports whether the XNOR
    labels are linearly separable in the hidden representation (exactly, by LP).
    """
    W = np.asarray(W, dtype=float)
    theta = np.asarray(theta, dtype=float)
    v = np.asarray(v, dtype=float)
    if W.shape != (2, 2):
        raise ValueError(f"W must have shape (2, 2) (two hidden units, two inputs), got {W.shape}")
    if theta.shape != (2,):
        raise ValueError(f"theta must hold the 2 hidden thresholds, got shape {theta.shape}")
    if v.shape != (2,):
        raise ValueError(f"v must hold the output unit's 2 weights, got shape {v.shape}")
    if not (np.all(np.isfinite(W)) and np.all(np.isfinite(theta)) and np.all(np.isfinite(v))):
        raise ValueError("W, theta and v must be finite numbers")
    hidden_input = np.round(INPUTS @ W.T, _NET_DECIMALS) + 0.0
    hidden_output = (hidden_input >= np.round(theta, _NET_DECIMALS)).astype(int)
    out_net = np.round(hidden_output @ v, _NET_DECIMALS)
    output = (out_net >= round(float(theta_out), _NET_DECIMALS)).astype(int)
    lines = [line_in_box(W[k, 0], W[k, 1], theta[k]) for k in range(2)]
    return TwoLayerState(
        W,
        theta,
        v,
        float(theta_out),
        hidden_input,
        hidden_output,
        output,
        function_name(output),
        is_linearly_separable(hidden_output, XNOR),
        lines,
        line_in_box(v[0], v[1], theta_out),
    )


def hidden_layer_state(
    w11: float, w12: float, theta1: float, w21: float, w22: float, theta2: float
) -> TwoLayerState:
    """The pure update of notebook 03's explorer: the two hidden units' weights and
    thresholds -> the two-layer state, with the slide's output unit ``o = [h1 + h2 >= 1]``."""
    return two_layer_state([[w11, w12], [w21, w22]], [theta1, theta2], (1.0, 1.0), 1.0)


# ------------------------------------------------------------------------------------
# Learning XNOR with an MLP (sigmoid hidden units, softmax output, cross-entropy)
# ------------------------------------------------------------------------------------
#: A run "solves" XNOR when each of the four inputs gets at least this probability for its
#: correct class (after training stops at mean cross-entropy <= 1e-3 or 150 L-BFGS steps).
SOLVED_PROBABILITY = 0.9


@dataclass
class XnorFit:
    """One training run of an MLP ``[2, hidden, 2]`` on the four XNOR examples."""

    net: MLP
    seed: int
    loss: float  # final mean cross-entropy
    steps: int
    p_correct: np.ndarray  # probability of the correct class for x1, o1, o2, x2
    hidden: np.ndarray  # (4, hidden): the learned hidden representation
    grad_norm: float  # gradient norm where training stopped

    @property
    def solved(self) -> bool:
        """Every input gets probability >= :data:`SOLVED_PROBABILITY` for its class."""
        return bool(np.all(self.p_correct >= SOLVED_PROBABILITY))

    def output_boundary(self) -> tuple[np.ndarray, float]:
        """The output's decision boundary in hidden space: ``a . h + c = 0``.

        Softmax gives class 1 ("fire") probability 0.5 exactly where the two scores are
        equal: ``(W2[1] - W2[0]) . h + (b2[1] - b2[0]) = 0``. Returns ``(a, c)``.
        """
        W2, b2 = self.net.params["W2"], self.net.params["b2"]
        return W2[1] - W2[0], float(b2[1] - b2[0])

    def boundary_distance(self) -> np.ndarray:
        """How far each input's hidden point (x1, o1, o2, x2) lies from the p(fire) = 0.5
        boundary, in the units of hidden space."""
        a, c = self.output_boundary()
        return np.abs(self.hidden @ a + c) / float(np.linalg.norm(a))


def learn_xnor(hidden: int = 2, seed: int = 0, activation: str = "sigmoid") -> XnorFit:
    """Train ``MLP([2, hidden, 2])`` on XNOR from the random initialisation ``seed``.

    Hidden units ``h_k = sigma(v_k . x + b_k)`` (slide equation 5), two output scores turned
    into probabilities by softmax, trained by minimising the cross-entropy with L-BFGS (the
    MLP's default) for at most 150 iterations, stopping once the mean cross-entropy is at
    most 1e-3. (Successful runs need at most about 60 iterations; the failures stop at
    points where the gradient vanishes, so a longer budget changes no count.)
    """
    if isinstance(hidden, bool) or not isinstance(hidden, (int, np.integer)) or hidden < 1:
        raise ValueError(f"hidden must be a whole number of hidden units >= 1, got {hidden!r}")
    y = np.array(XNOR)
    net = MLP([2, int(hidden), 2], activation=activation, seed=seed)
    history = net.fit(INPUTS, y, loss="cross_entropy", steps=150, tol=1e-3, progress=False)
    p = net.predict_proba(INPUTS)[np.arange(4), y]
    _, grads = net.loss_and_grad(INPUTS, y, loss="cross_entropy")
    grad_norm = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads.values())))
    return XnorFit(net, seed, history.final, history.steps, p, net.hidden(INPUTS)[0], grad_norm)


def count_solved(
    hidden_sizes: Iterable[int] = (2, 3, 4),
    seeds: Iterable[int] = range(100),
    activation: str = "sigmoid",
    progress: bool | None = None,
) -> dict[int, list[XnorFit]]:
    """Train one network per seed for each hidden-layer size; return all the runs.

    ``sum(f.solved for f in runs[2])`` is how many seeds solved XNOR with 2 hidden units.
    ``progress``: ``None`` shows a progress bar if the whole thing takes longer than 2 s,
    ``True`` shows it at once, ``False`` never (so a notebook's output does not depend on
    the machine's speed).
    """
    sizes = list(hidden_sizes)
    seed_list = list(seeds)
    runs: dict[int, list[XnorFit]] = {h: [] for h in sizes}
    with progress_bar(
        total=len(sizes) * len(seed_list),
        desc="training",
        delay=0 if progress else 2,
        leave=False,
        disable=progress is False,
    ) as bar:
        for h in sizes:
            for s in seed_list:
                runs[h].append(learn_xnor(h, s, activation))
                bar.update(1)
    return runs
