"""Activation functions, their derivatives, and the two-layer network of equation (6).

Slides "Neural networks: key idea" and the activation-function slides: the hidden units are
``h_k(x) = sigma(v_k^T x)`` (equation 5) for a *nonlinear* activation ``sigma``, and the
two-layer network with ``K`` hidden units is

    f(x) = sum_k w_k h_k(x) = sum_k w_k sigma(v_k^T x)        (equation 6).

The candidates the slides list:

- the **sign** function of the classic perceptron: "non-differentiable" (its derivative is 0
  wherever it exists, so no gradient ever flows through it);
- its differentiable approximations, the **sigmoid** functions: the **logistic** function
  ``1 / (1 + e^-z)`` and the **hyperbolic tangent** ``tanh z``; both *saturate*: far from 0
  they are flat and their derivatives are tiny;
- the **rectified linear** function ``max(0, z)`` (ReLU): "faster to calculate this function
  and its derivatives", and its derivative is 1 for every positive input, however large.

Every function here is numerically safe for any finite input (``z = +-1e300`` included): no
overflow in ``exp``, no warning, and derivatives accurate even deep in the flat regions.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lecturelib import engine

__all__ = [
    "ACTIVATIONS",
    "EXPONENTIALS",
    "UNDEFINED",
    "Activation",
    "ThresholdFit",
    "UnitState",
    "array_passes",
    "derivative_cells",
    "derivative_table",
    "fit_threshold",
    "flat_mask",
    "get_activation",
    "logistic",
    "logistic_grad",
    "relu",
    "relu_grad",
    "saturated_fraction",
    "sign",
    "sign_grad",
    "tanh",
    "tanh_grad",
    "threshold_loss",
    "time_activations",
    "two_layer",
    "unit_state",
]


def _as_float_array(z: Any, what: str = "z") -> np.ndarray:
    """``z`` as a float array; a clear error for anything that is not numbers.

    A :class:`_Traced` array passes through unchanged, so :func:`array_passes` can log the
    operations applied to it.
    """
    if isinstance(z, _Traced) and z.dtype == float:
        return z
    try:
        array = np.asarray(z, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be a number or an array of numbers, got {z!r}") from error
    return array


# ------------------------------------------------------------------------------------------
# The four activations and their derivatives
# ------------------------------------------------------------------------------------------
def sign(z: Any) -> np.ndarray:
    """The classic perceptron's activation: ``+1`` for ``z >= 0``, ``-1`` otherwise.

    (We send ``z = 0`` to ``+1``, as a threshold unit that fires at its threshold does.)
    """
    z = _as_float_array(z)
    return np.where(z >= 0, 1.0, -1.0)


def sign_grad(z: Any) -> np.ndarray:
    """The derivative of :func:`sign`: 0 for every ``z != 0`` (it jumps at 0).

    At ``z = 0`` the derivative does not exist; we return 0 there too, which is what an
    autodiff engine would pass back. Either way no gradient signal ever reaches the weights:
    "sign function? Non-differentiable."
    """
    z = _as_float_array(z)
    return np.zeros_like(z)


def logistic(z: Any) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, computed without overflow.

    Written through ``e = exp(-|z|)``, which lies in ``(0, 1]`` for every finite ``z``:
    ``1 / (1 + e)`` for ``z >= 0`` and ``e / (1 + e)`` for ``z < 0``.
    """
    return engine.logistic(_as_float_array(z))


def logistic_grad(z: Any) -> np.ndarray:
    """``logistic'(z) = s (1 - s) = e / (1 + e)^2`` with ``e = exp(-|z|)``; at most 1/4.

    The second form keeps full relative accuracy far out in the flat tails (``s (1 - s)``
    rounds to exactly 0 once ``s`` rounds to 1, near ``z = 37``).
    """
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))
    return e / (1.0 + e) ** 2


def tanh(z: Any) -> np.ndarray:
    """The hyperbolic tangent ``(e^z - e^-z) / (e^z + e^-z) = 2 logistic(2z) - 1``."""
    return np.tanh(_as_float_array(z))


def tanh_grad(z: Any) -> np.ndarray:
    """``tanh'(z) = 1 - tanh(z)^2 = 1 / cosh(z)^2 = 4 e / (1 + e)^2`` with ``e = exp(-2|z|)``.

    The last form never overflows (``cosh`` does beyond ``|z| = 710``) and stays accurate in
    the tails, where ``1 - tanh^2`` rounds to 0. Its maximum is 1, at ``z = 0``.
    """
    z = _as_float_array(z)
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2


def relu(z: Any) -> np.ndarray:
    """The rectified linear function ``max(0, z)``."""
    return np.maximum(_as_float_array(z), 0.0)


def relu_grad(z: Any) -> np.ndarray:
    """The derivative of ReLU: 1 for ``z > 0`` and 0 for ``z < 0`` (we use 0 at ``z = 0``)."""
    z = _as_float_array(z)
    return (z > 0).astype(float)


@dataclass(frozen=True)
class Activation:
    """An activation function with its derivative, formula and the facts the slides state."""

    name: str
    f: Callable[[Any], np.ndarray]
    grad: Callable[[Any], np.ndarray]
    formula: str
    derivative: str
    differentiable: bool
    saturates: bool
    #: Inputs where the derivative does not exist (a jump or a kink). The code returns 0
    #: there, as an autodiff engine passes back; tables say "undefined".
    undefined_at: tuple[float, ...] = ()

    def __call__(self, z: Any) -> np.ndarray:
        return self.f(z)


#: The slides' activation functions, in the order the slides introduce them.
ACTIVATIONS: dict[str, Activation] = {
    "sign": Activation("sign", sign, sign_grad, "sign(z)", "0 for z ≠ 0", False, True, (0.0,)),
    "logistic": Activation("logistic", logistic, logistic_grad, "1/(1+e^-z)", "s(1-s)", True, True),
    "tanh": Activation("tanh", tanh, tanh_grad, "tanh(z)", "1-tanh(z)^2", True, True),
    "relu": Activation("relu", relu, relu_grad, "max(0,z)", "0 or 1", True, False, (0.0,)),
}

#: What tables print where a derivative does not exist.
UNDEFINED = "undefined"


def get_activation(name: str | Activation) -> Activation:
    """An :class:`Activation` by name (``"sign"``, ``"logistic"`` or ``"sigmoid"``, ...)."""
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name like 'tanh', got {type(name).__name__}")
    key = "logistic" if name == "sigmoid" else name
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[key]


# ------------------------------------------------------------------------------------------
# Saturation: where the derivative is tiny
# ------------------------------------------------------------------------------------------
def derivative_cells(name: str, zs: Sequence[float]) -> list[float | str]:
    """The derivative of ``name`` at each of ``zs``, for a table: a number, or
    ``"undefined"`` where the derivative does not exist (sign and ReLU at 0)."""
    act = get_activation(name)
    zs = np.asarray(zs, dtype=float).reshape(-1)
    return [
        UNDEFINED if z in act.undefined_at else float(g)
        for z, g in zip(zs, act.grad(zs), strict=True)
    ]


def derivative_table(
    zs: Sequence[float] = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0),
    names: Sequence[str] = ("sign", "logistic", "tanh", "relu"),
) -> tuple[list[str], list[list[Any]]]:
    """Each activation's derivative at the inputs ``zs``: columns and rows for a Table.

    Sigmoids' derivatives fall off like ``e^-|z|`` (logistic) and ``4 e^-2|z|`` (tanh);
    ReLU's stays 1 for every positive ``z``. Where a derivative does not exist (sign and
    ReLU at ``z = 0``) the cell says ``"undefined"``.
    """
    zs = np.asarray(zs, dtype=float)
    columns = ["activation", *[f"z = {z:g}" for z in zs]]
    rows = [[name, *derivative_cells(name, zs)] for name in names]
    return columns, rows


#: The largest value each derivative takes (at z = 0, or for any z > 0 for ReLU).
GRAD_PEAK = {"sign": 1.0, "logistic": 0.25, "tanh": 1.0, "relu": 1.0}


def flat_mask(name: str, z: Any, threshold: float = 0.01) -> np.ndarray:
    """Where the derivative is below ``threshold`` times its peak (a *flat region*).

    The peak is 1/4 for the logistic function and 1 for tanh and ReLU. A gradient passing
    through a unit in a flat region is shrunk at least a hundredfold (default threshold).
    """
    act = get_activation(name)
    z = _as_float_array(z)
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not (0 < threshold < 1)
    ):
        raise ValueError(f"threshold must be a number between 0 and 1, got {threshold!r}")
    return act.grad(z) < threshold * GRAD_PEAK[act.name]


def saturated_fraction(name: str, z: Any, threshold: float = 0.01) -> float:
    """The fraction of the inputs ``z`` that fall in a flat region (see :func:`flat_mask`)."""
    z = _as_float_array(z)
    if z.size == 0:
        raise ValueError("z must contain at least one input")
    return float(np.mean(flat_mask(name, z, threshold)))


@dataclass
class UnitState:
    """One hidden unit ``h(x) = sigma(v x + b)`` on ``x`` in [-1, 1], for each activation."""

    x: np.ndarray
    v: float
    b: float
    outputs: dict[str, np.ndarray]  # activation -> sigma(v x + b)
    grads: dict[str, np.ndarray]  # activation -> sigma'(v x + b)
    saturated: dict[str, float]  # activation -> fraction of x in a flat region


def unit_state(
    v: float,
    b: float,
    names: Sequence[str] = ("logistic", "tanh", "relu"),
    n: int = 201,
) -> UnitState:
    """The pure update of notebook 04's saturation explorer.

    A unit's pre-activation is ``z = v x + b``. Large ``|v|`` or ``|b|`` push most inputs
    ``x`` in [-1, 1] into the flat tails of a sigmoid, where ``sigma'(z)`` (the factor every
    gradient through the unit is multiplied by) is almost 0. ReLU has no flat tail on its
    positive side.
    """
    x = np.linspace(-1.0, 1.0, n)
    z = float(v) * x + float(b)
    outputs = {name: get_activation(name).f(z) for name in names}
    grads = {name: get_activation(name).grad(z) for name in names}
    saturated = {name: saturated_fraction(name, z) for name in names}
    return UnitState(x, float(v), float(b), outputs, grads, saturated)


# ------------------------------------------------------------------------------------------
# Why the sign function cannot be trained by gradients
# ------------------------------------------------------------------------------------------
#: A one-parameter toy problem: place the threshold b of ``sigma(slope (x - b))`` so that it
#: matches labels ``sign(x - 0.3)`` on 20 points.
THRESHOLD_X = np.linspace(-1.0, 1.0, 20)
THRESHOLD_Y = np.where(THRESHOLD_X >= 0.3, 1.0, -1.0)


def threshold_loss(name: str, b: Any, slope: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """Mean squared error of ``sigma(slope (x - b))`` on the toy problem, and its ``dJ/db``.

    For the sign function the loss is a staircase in ``b``: flat between data points and
    jumping at them, so ``dJ/db = 0`` wherever it exists and gradient descent never moves.
    For tanh the loss is smooth and its slope points to the best threshold.
    """
    act = get_activation(name)
    b = _as_float_array(b, "b")
    z = slope * (THRESHOLD_X - b[..., None])
    r = THRESHOLD_Y - act.f(z)
    loss = np.mean(r**2, axis=-1)
    # dJ/db = mean(-2 r * sigma'(z) * dz/db) with dz/db = -slope
    grad = np.mean(-2.0 * r * act.grad(z) * (-slope), axis=-1)
    return loss, grad


@dataclass
class ThresholdFit:
    """Gradient descent on the threshold ``b`` of the toy problem."""

    name: str
    b_path: np.ndarray
    losses: np.ndarray

    @property
    def b(self) -> float:
        """The final threshold."""
        return float(self.b_path[-1])

    @property
    def moved(self) -> float:
        """How far gradient descent moved ``b`` from its start."""
        return float(abs(self.b_path[-1] - self.b_path[0]))


def fit_threshold(
    name: str, b0: float = -0.5, lr: float = 0.1, steps: int = 100, slope: float = 5.0
) -> ThresholdFit:
    """Run ``steps`` steps of gradient descent ``b <- b - lr dJ/db`` from ``b0``."""
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    if not lr > 0:
        raise ValueError(f"lr must be a positive number, got {lr!r}")
    b = float(b0)
    path, losses = [b], []
    for _ in range(steps):
        loss, grad = threshold_loss(name, b, slope)
        losses.append(float(loss))
        b = b - lr * float(grad)
        path.append(b)
    losses.append(float(threshold_loss(name, b, slope)[0]))
    return ThresholdFit(get_activation(name).name, np.array(path), np.array(losses))


# ------------------------------------------------------------------------------------------
# The cost of computing each activation: counted passes, and measured time
# ------------------------------------------------------------------------------------------
#: Operations that compute an exponential (``np.tanh`` does so inside its one pass).
EXPONENTIALS = frozenset({"exp", "expm1", "exp2", "tanh"})


class _Traced(np.ndarray):
    """A float array that logs each numpy operation applied to it and to its results."""

    log: list[str] | None

    def __array_finalize__(self, obj: Any) -> None:
        self.log = getattr(obj, "log", None)

    def _wrap(self, result: Any) -> Any:
        if isinstance(result, np.ndarray) and result.ndim > 0:
            result = result.view(_Traced)
            result.log = self.log
        return result

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        self.log.append(ufunc.__name__ if method == "__call__" else f"{ufunc.__name__}.{method}")
        plain = [np.asarray(a) if isinstance(a, _Traced) else a for a in inputs]
        return self._wrap(getattr(ufunc, method)(*plain, **kwargs))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        self.log.append(func.__name__)
        plain = [np.asarray(a) if isinstance(a, _Traced) else a for a in args]
        return self._wrap(func(*plain, **kwargs))

    def astype(self, *args: Any, **kwargs: Any) -> Any:  # a conversion is a pass too
        self.log.append("astype")
        return self._wrap(np.asarray(self).astype(*args, **kwargs))


def array_passes(
    names: Sequence[str] = ("sign", "logistic", "tanh", "relu"), n: int = 8
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The numpy operations one call of each activation and of its derivative makes.

    Returns ``{name: {"f": ops, "grad": ops}}`` with the operations' names in order, e.g.
    ``("maximum",)`` for ReLU. Each operation reads and writes the whole array once (a
    *pass*); the count, and whether a pass computes an exponential (:data:`EXPONENTIALS`),
    is what the time of a call on a large array mostly depends on. Unlike a timing, the
    count is the same on every machine.
    """
    results: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in names:
        act = get_activation(name)
        parts = {}
        for part, fn in (("f", act.f), ("grad", act.grad)):
            z = np.linspace(-2.0, 2.0, n).view(_Traced)
            z.log = []
            fn(z)
            parts[part] = tuple(z.log)
        results[act.name] = parts
    return results


# ------------------------------------------------------------------------------------------
# The cost of computing each activation (measured)
# ------------------------------------------------------------------------------------------
def time_activations(
    n: int = 100_000,
    repeat: int = 5,
    number: int = 20,
    names: Sequence[str] = ("sign", "logistic", "tanh", "relu"),
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Measure, with :mod:`timeit`, the time to apply each activation and its derivative.

    Returns ``{name: {"f": seconds, "grad": seconds}}``: the best of ``repeat`` runs of
    ``number`` calls on ``n`` random inputs, per call. The slides: ReLU is "faster to
    calculate" (a comparison, no ``exp``). Timings vary from run to run and machine to
    machine, so notebooks print them only in cells nbval does not compare.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a whole number >= 1, got {n!r}")
    z = np.random.default_rng(seed).normal(0.0, 3.0, size=n)
    results: dict[str, dict[str, float]] = {}
    for name in names:
        act = get_activation(name)
        results[act.name] = {
            part: min(timeit.repeat(lambda fn=fn: fn(z), repeat=repeat, number=number)) / number
            for part, fn in (("f", act.f), ("grad", act.grad))
        }
    return results


# ------------------------------------------------------------------------------------------
# The two-layer network of equation (6)
# ------------------------------------------------------------------------------------------
def two_layer(
    X: Any, V: Any, w: Any, activation: str = "tanh", *, return_hidden: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """``f(x) = sum_k w_k sigma(v_k^T x)`` (equation 6) for each row ``x`` of ``X``.

    Parameters
    ----------
    X:
        Inputs, shape ``(n, d)`` (or ``(n,)`` for ``d = 1``).
    V:
        The hidden units' weight vectors ``v_k`` as rows, shape ``(K, d)``.
    w:
        The output weights ``w_k``, shape ``(K,)``.
    activation:
        ``"sign"``, ``"logistic"``, ``"tanh"`` or ``"relu"``.

    return_hidden:
        Also return the hidden features ``H[i, k] = h_k(x_i) = sigma(v_k^T x_i)``.

    Biases are not part of equation (6); append a constant feature 1 to ``x`` (and a column
    to ``V``) to get them, which is what ``lecturelib.mlp.MLP`` does with ``b1`` and ``b2``.
    """
    act = get_activation(activation)
    X = _as_float_array(X, "X")
    V = _as_float_array(V, "V")
    w = _as_float_array(w, "w")
    if X.ndim == 1:
        X = X[:, None]
    if V.ndim == 1:
        V = V[:, None]
    if X.ndim != 2 or V.ndim != 2 or V.shape[1] != X.shape[1]:
        raise ValueError(
            f"X must have shape (n, d) and V shape (K, d) with the same d; got X {X.shape} "
            f"and V {V.shape}"
        )
    if w.shape != (V.shape[0],):
        raise ValueError(
            f"w must have one weight per hidden unit, shape ({V.shape[0]},); got {w.shape}"
        )
    H = act.f(X @ V.T)  # h_k(x) = sigma(v_k^T x), shape (n, K): the learned features
    return (H @ w, H) if return_hidden else H @ w
