"""Three hidden units approximating x^2, sin, |x| and a step (Bishop, PRML, Fig. 5.3).

Slides "Approximation ability" and "How do we learn these parameters?": a network with one
input, three hidden units and a linear output,

    f(x) = w0 + sum_{k=1..3} w_k sigma(v_k x + b_k),

has the ten parameters ``theta = (b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)`` and is fitted by
minimising the training mean squared error ``(1/n) sum_i (f(x_i; theta) - y_i)^2``.

It is exactly ``lecturelib.mlp.MLP([1, 3, 1])``: ``W1 = v`` (as a column), ``b1 = b``,
``W2 = w`` (as a row), ``b2 = w0``. :class:`Params` converts between the two.

The data (Bishop's): ``n = 50`` points ``linspace(-1, 1, 50)`` (no point at exactly 0) and
four targets. For the sine we use ``sin(pi x)``, one full period on [-1, 1]: plain
``sin(x)`` is almost a straight line there (the best straight line already has a training
MSE of about 6e-4, so it shows nothing a hidden layer adds), Bishop's figure looks like
about ``sin(2.5 x)``, and ``sin(pi x)`` is a little more curved still.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from lecturelib.activations import get_activation
from lecturelib.mlp import MLP
from lecturelib.optim import blown_up
from lecturelib.progress import progress_bar

__all__ = [
    "FIT_ACTIVATIONS",
    "FLAT_SPAN",
    "GD_FRAMES",
    "GD_LR",
    "GD_STEPS_PER_FRAME",
    "N_POINTS",
    "PARAMETER_KINDS",
    "RACERS",
    "SIN_FREQUENCY",
    "SLIDER_NAMES",
    "TARGETS",
    "THETA_NAMES",
    "WINDOW",
    "ApproxState",
    "Fit",
    "GDState",
    "LearningRateRun",
    "Params",
    "RaceResult",
    "Target",
    "TrainResult",
    "approx_state",
    "bishop_data",
    "fit_all",
    "fit_target",
    "gd_advance",
    "gd_run",
    "gd_start",
    "gd_steps",
    "learning_rate_runs",
    "linear_fit_mse",
    "loss_and_gradient",
    "max_error",
    "mse",
    "mse_rows",
    "mse_text",
    "network",
    "on_segment",
    "race",
    "random_start",
    "round_count",
    "segment_mse",
    "sliders_state",
    "swap_units",
    "target_values",
    "train_from",
    "unit_rows",
    "unit_spans",
]

#: Bishop's 50 training points, evenly spaced on [-1, 1].
N_POINTS = 50
#: The sine target is ``sin(SIN_FREQUENCY * x)``: one full period on [-1, 1].
SIN_FREQUENCY = np.pi
#: The activations offered: the book's tanh, and the logistic function of the slides' captions.
FIT_ACTIVATIONS = ("tanh", "logistic")


@dataclass(frozen=True)
class Target:
    """A target function of Bishop's figure."""

    name: str
    label: str  # for titles and tables
    formula: str


#: The four targets of Fig. 5.3, by short name.
TARGETS: dict[str, Target] = {
    "square": Target("square", "x²", "x^2"),
    "sin": Target("sin", "sin(πx)", "sin(pi x)"),
    "abs": Target("abs", "|x|", "|x|"),
    "step": Target("step", "H(x)", "H(x) = 1 if x >= 0 else 0 (Heaviside step)"),
}


def _check_target(target: str) -> str:
    if not isinstance(target, str):
        raise TypeError(f"target must be a name like 'square', got {type(target).__name__}")
    if target not in TARGETS:
        raise ValueError(f"unknown target {target!r}; choose one of {', '.join(TARGETS)}")
    return target


def _check_activation(activation: str) -> str:
    name = get_activation(activation).name
    if name not in FIT_ACTIVATIONS:
        raise ValueError(
            f"activation must be one of {', '.join(FIT_ACTIVATIONS)} here, got {activation!r}"
        )
    return name


def target_values(target: str, x: Any) -> np.ndarray:
    """The target function evaluated at ``x``."""
    x = np.asarray(x, dtype=float)
    return {
        "square": lambda: x**2,
        "sin": lambda: np.sin(SIN_FREQUENCY * x),
        "abs": lambda: np.abs(x),
        "step": lambda: (x >= 0).astype(float),
    }[_check_target(target)]()


def bishop_data(target: str, n: int = N_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Bishop's training set for ``target``: ``x = linspace(-1, 1, n)`` and ``y = target(x)``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be a whole number >= 2, got {n!r}")
    x = np.linspace(-1.0, 1.0, n)
    return x, target_values(target, x)


def linear_fit_mse(target: str | Callable[[np.ndarray], Any], n: int = N_POINTS) -> float:
    """Training MSE of the best straight line ``a x + c`` (a network with no hidden unit).

    ``target`` is a target's name or any function of ``x`` (e.g. ``np.sin``, to see that
    plain ``sin(x)`` is nearly a line on [-1, 1]).
    """
    if callable(target):
        x = np.linspace(-1.0, 1.0, n)
        y = np.asarray(target(x), dtype=float)
    else:
        x, y = bishop_data(target, n)
    A = np.stack([x, np.ones_like(x)], axis=1)
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(np.mean((A @ coef - y) ** 2))


# ------------------------------------------------------------------------------------------
# The ten parameters
# ------------------------------------------------------------------------------------------
#: The explorer's slider names, in the order they are shown.
SLIDER_NAMES = ("v1", "b1", "w1", "v2", "b2", "w2", "v3", "b3", "w3", "w0")

#: The slides' order of the ten parameters in ``theta`` (the one home of that order).
THETA_NAMES = ("b1", "b2", "b3", "v1", "v2", "v3", "w0", "w1", "w2", "w3")
#: The four kinds of parameter, as the keys of a box of ranges (``train_from``'s ``bounds``).
PARAMETER_KINDS = ("v", "b", "w", "w0")


def _check_ranges(ranges: Mapping[str, tuple[float, float]], what: str) -> None:
    if not isinstance(ranges, Mapping) or set(ranges) != set(PARAMETER_KINDS):
        got = sorted(ranges) if isinstance(ranges, Mapping) else type(ranges).__name__
        raise ValueError(
            f"{what} must map each of {', '.join(PARAMETER_KINDS)} to (low, high), got {got}"
        )
    for kind, pair in ranges.items():
        low, high = pair
        if not low < high:
            raise ValueError(f"{what}[{kind!r}] must be (low, high) with low < high, got {pair}")


def _vector3(value: Any, what: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=float).reshape(-1)  # a copy: never a live MLP array
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be 3 numbers, got {value!r}") from error
    if array.shape != (3,):
        raise ValueError(f"{what} must be 3 numbers (one per hidden unit), got {array.size}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} must be finite, got {array}")
    return array


@dataclass(frozen=True, eq=False)
class Params:
    """The ten parameters of ``f(x) = w0 + sum_k w_k sigma(v_k x + b_k)`` (read-only)."""

    v: np.ndarray
    b: np.ndarray
    w: np.ndarray
    w0: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "v", _vector3(self.v, "v"))
        object.__setattr__(self, "b", _vector3(self.b, "b"))
        object.__setattr__(self, "w", _vector3(self.w, "w"))
        if isinstance(self.w0, bool) or not np.isscalar(self.w0) or not np.isfinite(self.w0):
            raise ValueError(f"w0 must be a finite number, got {self.w0!r}")
        object.__setattr__(self, "w0", float(self.w0))
        for array in (self.v, self.b, self.w):
            array.setflags(write=False)

    # --- the slides' theta ----------------------------------------------------------------
    @property
    def theta(self) -> np.ndarray:
        """The slides' order ``(b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)``."""
        return np.concatenate([self.b, self.v, [self.w0], self.w])

    @classmethod
    def from_theta(cls, theta: Any) -> Params:
        """From the slides' ``theta = (b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)``."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (10,):
            raise ValueError(f"theta must be 10 numbers, got shape {theta.shape}")
        return cls(v=theta[3:6], b=theta[0:3], w=theta[7:10], w0=theta[6])

    # --- lecturelib.mlp.MLP([1, 3, 1]) ----------------------------------------------------
    def mlp_params(self) -> dict[str, np.ndarray]:
        """As ``MLP([1, 3, 1])`` parameters: ``W1 = v`` (3x1), ``b1 = b``, ``W2 = w`` (1x3),
        ``b2 = [w0]``."""
        return {
            "W1": self.v.reshape(3, 1).copy(),
            "b1": self.b.copy(),
            "W2": self.w.reshape(1, 3).copy(),
            "b2": np.array([self.w0]),
        }

    def to_mlp(self, activation: str = "tanh") -> MLP:
        """A new ``MLP([1, 3, 1])`` holding these parameters."""
        net = MLP([1, 3, 1], activation=_check_activation(activation))
        net.set_params(self.mlp_params())
        return net

    @classmethod
    def from_mlp(cls, net: MLP) -> Params:
        """Read the parameters of an ``MLP([1, 3, 1])``."""
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an MLP, got {type(net).__name__}")
        if net.sizes != [1, 3, 1]:
            raise ValueError(f"net must be an MLP([1, 3, 1]), got sizes {net.sizes}")
        p = net.params
        return cls(v=p["W1"][:, 0], b=p["b1"], w=p["W2"][0], w0=float(p["b2"][0]))

    # --- the explorer's sliders -----------------------------------------------------------
    def sliders(self) -> dict[str, float]:
        """As slider values ``v1, b1, w1, ..., w0``."""
        out = {}
        for k in range(3):
            out[f"v{k + 1}"] = float(self.v[k])
            out[f"b{k + 1}"] = float(self.b[k])
            out[f"w{k + 1}"] = float(self.w[k])
        out["w0"] = self.w0
        return {name: out[name] for name in SLIDER_NAMES}

    @classmethod
    def from_sliders(cls, values: Mapping[str, float]) -> Params:
        """From slider values ``v1, b1, w1, ..., w0`` (extra keys are ignored)."""
        missing = [name for name in SLIDER_NAMES if name not in values]
        if missing:
            raise ValueError(f"missing slider value(s): {', '.join(missing)}")
        return cls(
            v=[values[f"v{k}"] for k in (1, 2, 3)],
            b=[values[f"b{k}"] for k in (1, 2, 3)],
            w=[values[f"w{k}"] for k in (1, 2, 3)],
            w0=float(values["w0"]),
        )

    def clipped(self, ranges: Mapping[str, tuple[float, float]]) -> Params:
        """The parameters clipped into ``ranges``: ``(low, high)`` for each of ``v``, ``b``,
        ``w`` and ``w0`` (for instance an explorer's slider ranges)."""
        _check_ranges(ranges, "ranges")
        return Params(
            v=np.clip(self.v, *ranges["v"]),
            b=np.clip(self.b, *ranges["b"]),
            w=np.clip(self.w, *ranges["w"]),
            w0=float(np.clip(self.w0, *ranges["w0"])),
        )


# ------------------------------------------------------------------------------------------
# The network and its error
# ------------------------------------------------------------------------------------------
def network(x: Any, params: Params, activation: str = "tanh") -> tuple[np.ndarray, np.ndarray]:
    """``f(x)`` and the three hidden units' outputs ``sigma(v_k x + b_k)`` (shape ``(3, n)``).

    Plain numpy (the same numbers as ``params.to_mlp(activation).predict(x)``), fast enough
    for a slider and safe for any finite parameters.
    """
    act = get_activation(_check_activation(activation))
    x = np.asarray(x, dtype=float).reshape(-1)
    hidden = act.f(params.v[:, None] * x[None, :] + params.b[:, None])
    return params.w0 + params.w @ hidden, hidden


def mse(params: Params, target: str, activation: str = "tanh") -> float:
    """The training mean squared error on Bishop's 50 points."""
    x, y = bishop_data(target)
    f, _ = network(x, params, activation)
    return float(np.mean((f - y) ** 2))


def max_error(params: Params, target: str, activation: str = "tanh") -> float:
    """The largest error ``|f(x_i) - y_i|`` over Bishop's 50 training points."""
    x, y = bishop_data(target)
    f, _ = network(x, params, activation)
    return float(np.max(np.abs(f - y)))


def mse_text(value: float, floor: float = 1e-6) -> str:
    """An MSE for printing, stable across runs and machines: 2 significant digits, or
    ``"< 1e-06"`` below ``floor`` (tiny errors depend on rounding in the last steps)."""
    if not np.isfinite(value):
        return "inf"
    if value < floor:
        return f"< {floor:.0e}"
    return f"{value:.1e}"


# ------------------------------------------------------------------------------------------
# Fitting with lecturelib.mlp.MLP.fit
# ------------------------------------------------------------------------------------------
@dataclass
class Fit:
    """A fitted network: its parameters, training MSE and how training went.

    ``start_mses`` holds the training MSE each random start ended at (the kept fit is the
    best of them), so a table can show how many starts find the best fit.
    """

    target: str
    activation: str
    params: Params
    mse: float
    steps: int
    seed: int | None
    start_mses: tuple[float, ...] = ()

    @property
    def starts_that_get_there(self) -> int:
        """How many starts end at the kept fit's training MSE, as :func:`mse_text` prints it."""
        best = mse_text(self.mse)
        return sum(mse_text(m) == best for m in self.start_mses)


def fit_target(
    target: str,
    activation: str = "tanh",
    *,
    restarts: int = 3,
    seed: int = 0,
    progress: bool | None = False,
) -> Fit:
    """Fit ``MLP([1, 3, 1])`` to ``target`` with the default ``MLP.fit`` (Levenberg-Marquardt).

    With ``restarts=k`` the best of ``k`` random initialisations (seeds ``seed, ...,
    seed + k - 1``) is kept: the slides' "rerun with a different initialization". This is
    what ``MLP.fit(restarts=k)`` does, run one start at a time so that every start's
    training MSE is kept (:attr:`Fit.start_mses`).
    """
    activation = _check_activation(activation)
    if isinstance(restarts, bool) or not isinstance(restarts, (int, np.integer)) or restarts < 1:
        raise ValueError(f"restarts must be a whole number >= 1, got {restarts!r}")
    x, y = bishop_data(target)
    best: tuple[float, Params, Any] | None = None
    start_mses = []
    for start in range(seed, seed + restarts):
        net = MLP([1, 3, 1], activation=activation, seed=start)
        history = net.fit(x, y, seed=start, progress=progress)
        params = Params.from_mlp(net)
        start_mses.append(mse(params, target, activation))
        if best is None or history.final < best[0]:  # as MLP.fit: the first of equals wins
            best = (history.final, params, history)
    assert best is not None
    _, params, history = best
    return Fit(
        target,
        activation,
        params,
        mse(params, target, activation),
        history.steps,
        history.seed,
        tuple(start_mses),
    )


def fit_all(
    targets: Iterable[str] = tuple(TARGETS),
    activations: Iterable[str] = FIT_ACTIVATIONS,
    *,
    restarts: int = 3,
    seed: int = 0,
    progress: bool | None = None,
) -> dict[tuple[str, str], Fit]:
    """:func:`fit_target` for every target and activation, keyed ``(target, activation)``.

    Shows a progress bar if the whole takes more than 2 s (``progress=None``).
    """
    jobs = [(t, a) for a in activations for t in targets]
    fits: dict[tuple[str, str], Fit] = {}
    bar = progress_bar(
        jobs,
        desc="fitting",
        disable=progress is False,
        delay=0 if progress else 2.0,
        leave=False,
    )
    for target, activation in bar:
        fits[(target, activation)] = fit_target(
            target, activation, restarts=restarts, seed=seed, progress=False
        )
    return fits


def mse_rows(fits: Mapping[tuple[str, str], Fit]) -> list[list[str]]:
    """Rows ``target, activation, training MSE, starts that get there`` for a Table."""
    return [
        [
            TARGETS[target].label,
            activation,
            mse_text(fit.mse),
            f"{fit.starts_that_get_there} of {len(fit.start_mses)}",
        ]
        for (target, activation), fit in fits.items()
    ]


#: A unit whose weighted output ``w_k sigma(v_k x + b_k)`` changes by less than this over
#: the training inputs is *flat*: it only adds a constant to ``f``.
FLAT_SPAN = 0.01


def unit_spans(params: Params, activation: str = "tanh") -> np.ndarray:
    """How much each weighted unit ``w_k sigma(v_k x + b_k)`` changes over ``x`` in [-1, 1].

    A unit is monotone in ``x``, so this is ``|w_k (sigma(v_k + b_k) - sigma(-v_k + b_k))|``.
    """
    act = get_activation(_check_activation(activation))
    ends = act.f(np.stack([params.v + params.b, -params.v + params.b]))
    return np.abs(params.w * (ends[0] - ends[1]))


def _fixed(value: float, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def unit_rows(params: Params, activation: str = "tanh") -> list[list[str]]:
    """One row per hidden unit: ``v_k``, where it bends (``x = -b_k / v_k``) and ``w_k``.

    Printed to one decimal, which every fit here determines on any machine. A flat unit
    (:data:`FLAT_SPAN`) has no bend worth the name and its weight only trades off against
    ``w0``, so its row says so instead of printing numbers that mean nothing.
    """
    spans = unit_spans(params, activation)
    rows = []
    for k in range(3):
        if spans[k] < FLAT_SPAN:
            rows.append([f"unit {k + 1}", _fixed(params.v[k]), "none: flat", "adds a constant"])
        else:
            bend = -params.b[k] / params.v[k]
            rows.append([f"unit {k + 1}", _fixed(params.v[k]), _fixed(bend), _fixed(params.w[k])])
    return rows


# ------------------------------------------------------------------------------------------
# The explorer: ten sliders
# ------------------------------------------------------------------------------------------
@dataclass
class ApproxState:
    """What the 10-slider explorer (and each panel of the figure) shows."""

    target: str
    activation: str
    params: Params
    x: np.ndarray  # the 50 training inputs
    y: np.ndarray  # their targets
    x_grid: np.ndarray  # a fine grid for the curves
    curve: np.ndarray  # f(x) on the grid
    hidden: np.ndarray  # (3, n_grid): sigma(v_k x + b_k)
    weighted: np.ndarray  # (3, n_grid): w_k sigma(v_k x + b_k); f = w0 + their sum
    mse: float  # training MSE on the 50 points


_GRID = np.linspace(-1.0, 1.0, 201)


def approx_state(
    params: Params, target: str = "square", activation: str = "tanh", x_grid: Any = None
) -> ApproxState:
    """The curve, the hidden units' (raw and weighted) outputs and the training MSE."""
    target = _check_target(target)
    activation = _check_activation(activation)
    x, y = bishop_data(target)
    grid = _GRID if x_grid is None else np.asarray(x_grid, dtype=float)
    curve, hidden = network(grid, params, activation)
    return ApproxState(
        target=target,
        activation=activation,
        params=params,
        x=x,
        y=y,
        x_grid=grid,
        curve=curve,
        hidden=hidden,
        weighted=params.w[:, None] * hidden,
        mse=mse(params, target, activation),
    )


def sliders_state(
    v1: float,
    b1: float,
    w1: float,
    v2: float,
    b2: float,
    w2: float,
    v3: float,
    b3: float,
    w3: float,
    w0: float,
    target: str = "square",
    activation: str = "tanh",
) -> ApproxState:
    """The pure update of the 10-slider explorer: slider values -> what it shows."""
    params = Params(v=[v1, v2, v3], b=[b1, b2, b3], w=[w1, w2, w3], w0=w0)
    return approx_state(params, target, activation)


# ------------------------------------------------------------------------------------------
# "Train from here"
# ------------------------------------------------------------------------------------------
@dataclass
class TrainResult:
    """The outcome of training from given parameters."""

    start: Params
    params: Params
    mse_before: float
    mse_after: float
    steps: int


def _mlp_bounds(bounds: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """A box of ranges as ``MLP.fit`` bounds: W1 (v), b1 (b), W2 (w), b2 (w0)."""
    return {"W1": bounds["v"], "b1": bounds["b"], "W2": bounds["w"], "b2": bounds["w0"]}


def train_from(
    params: Params,
    target: str = "square",
    activation: str = "tanh",
    steps: int = 500,
    *,
    bounds: Mapping[str, tuple[float, float]],
) -> TrainResult:
    """Train the network from ``params`` (the sliders' values) and return the result.

    ``MLP.fit``'s L-BFGS with the gradient from backprop, kept inside ``bounds`` (``(low,
    high)`` for each of ``v``, ``b``, ``w`` and ``w0``: an explorer passes its slider
    ranges, so its sliders can show the result exactly). A start outside ``bounds`` is
    clipped first. Deterministic.
    """
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    target = _check_target(target)
    activation = _check_activation(activation)
    _check_ranges(bounds, "bounds")
    start = params.clipped(bounds)
    x, y = bishop_data(target)
    net = start.to_mlp(activation)
    history = net.fit(
        x, y, optimizer="lbfgs", steps=steps, bounds=_mlp_bounds(bounds), progress=False
    )
    trained = Params.from_mlp(net).clipped(bounds)
    return TrainResult(
        start=start,
        params=trained,
        mse_before=mse(start, target, activation),
        mse_after=mse(trained, target, activation),
        steps=history.steps,
    )


# ------------------------------------------------------------------------------------------
# Gradient descent, step by step (slide "How do we learn these parameters?")
# ------------------------------------------------------------------------------------------
#: Gradient-descent steps per frame of the player, and the frames one press of Play runs:
#: 300 frames of 50 steps, 15000 steps in all.
GD_STEPS_PER_FRAME = 50
GD_FRAMES = 300
#: The player's learning rate to start with.
GD_LR = 0.1


def loss_and_gradient(
    theta: Any, x: Any, y: Any, activation: str = "tanh"
) -> tuple[float, np.ndarray]:
    """The training MSE ``J(theta) = (1/n) sum_i (f(x_i) - y_i)^2`` and its gradient.

    Slide "How do we learn these parameters?": ``f`` is differentiable in ``theta``, so
    gradient descent can use ``grad J``. Backprop written out for this network: the forward
    pass computes ``a_k = v_k x + b_k``, ``h_k = sigma(a_k)`` and ``f = w0 + sum_k w_k h_k``
    at every point; the backward pass starts from ``dJ/df_i`` and sends it back through
    ``w_k`` and ``sigma'(a_k)`` to ``v_k`` and ``b_k``. The gradient is in the slides' order
    ``(b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)``; the tests check it against the engine's
    backprop (``MLP.loss_and_grad``). Plain numpy: a few tens of microseconds for 50 points.
    """
    act = get_activation(_check_activation(activation))
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (10,):
        raise ValueError(f"theta must be 10 numbers, got shape {theta.shape}")
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    b, v, w0, w = theta[0:3], theta[3:6], theta[6], theta[7:10]
    a = v[:, None] * x[None, :] + b[:, None]  # (3, n)
    h = act.f(a)
    r = w0 + w @ h - y  # residuals f(x_i) - y_i
    dJ_df = (2.0 / x.size) * r
    dJ_da = (w[:, None] * act.grad(a)) * dJ_df[None, :]  # the partials at a_k(x_i)
    grad = np.concatenate([dJ_da.sum(axis=1), dJ_da @ x, [dJ_df.sum()], h @ dJ_df])
    return float(np.mean(r * r)), grad


def random_start(activation: str = "tanh", seed: int = 0) -> Params:
    """The random start of ``MLP([1, 3, 1], activation, seed=seed)`` (``W ~ N(0, 1/fan_in)``)."""
    return Params.from_mlp(MLP([1, 3, 1], activation=_check_activation(activation), seed=seed))


@dataclass(frozen=True, eq=False)
class GDState:
    """One frame of the gradient-descent player: where training is and what it shows.

    ``steps`` and ``losses`` hold one entry per frame so far (the step count and the
    training MSE there); ``picture`` is the figure's left panel. ``diverged_at`` is the
    step whose result blew up (the state then stays at the last sound frame). Read-only:
    :func:`gd_advance` returns a new state.
    """

    target: str
    activation: str
    lr: float
    seed: int
    step: int
    theta: np.ndarray
    steps: np.ndarray
    losses: np.ndarray
    picture: ApproxState
    diverged_at: int | None = None

    @property
    def params(self) -> Params:
        """The ten parameters now."""
        return Params.from_theta(self.theta)

    @property
    def mse(self) -> float:
        """The training MSE now."""
        return float(self.losses[-1])

    @property
    def diverged(self) -> bool:
        """Whether the run blew up (the learning rate is too large)."""
        return self.diverged_at is not None


def _read_only(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.setflags(write=False)
    return array


def _check_lr(lr: Any) -> float:
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or not lr > 0:
        raise ValueError(f"lr must be a number > 0, got {lr!r}")
    if not np.isfinite(lr):
        raise ValueError(f"lr must be finite, got {lr!r}")
    return float(lr)


def gd_start(
    target: str = "square", activation: str = "tanh", lr: float = GD_LR, seed: int = 0
) -> GDState:
    """The player before training: Bishop's data, the random start ``seed``, step 0."""
    target = _check_target(target)
    activation = _check_activation(activation)
    lr = _check_lr(lr)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    params = random_start(activation, int(seed))
    picture = approx_state(params, target, activation)
    return GDState(
        target=target,
        activation=activation,
        lr=lr,
        seed=int(seed),
        step=0,
        theta=_read_only(params.theta),
        steps=_read_only([0]),
        losses=_read_only([picture.mse]),
        picture=picture,
    )


def gd_steps(
    theta: Any, target: str, activation: str, lr: float, steps: int
) -> tuple[np.ndarray, int | None]:
    """``steps`` steps of full-batch gradient descent ``theta <- theta - lr grad J(theta)``.

    Returns the new theta (a new array) and ``None``, or, if a step's result blew up (the
    loss reached 1e100 or a parameter 1e50: :func:`lecturelib.optim.blown_up`), the last
    sound theta and the number of the step that blew up.
    """
    x, y = bishop_data(target)
    theta = sound = np.array(theta, dtype=float)
    with np.errstate(all="ignore"):
        for k in range(steps + 1):  # theta is the result of k steps
            loss, grad = loss_and_gradient(theta, x, y, activation)
            if blown_up(loss, [theta]):
                return sound, k
            if k == steps:
                break
            sound, theta = theta, theta - lr * grad
    return theta, None


def gd_advance(state: GDState, **values: Any) -> GDState:
    """One frame later: :data:`GD_STEPS_PER_FRAME` gradient-descent steps (a new state).

    The settings are the state's own (a control's change starts over from
    :func:`gd_start`); ``values`` are accepted for the Player and ignored. A run that blows
    up is reported, never drawn as NaN: the state keeps its last sound frame and says at
    which step it diverged. A diverged state does not move.
    """
    if not isinstance(state, GDState):
        raise TypeError(f"state must be a GDState, got {type(state).__name__}")
    if state.diverged:
        return state
    theta, blew = gd_steps(
        state.theta, state.target, state.activation, state.lr, GD_STEPS_PER_FRAME
    )
    if blew is not None:
        return replace(state, diverged_at=state.step + blew)
    params = Params.from_theta(theta)
    picture = approx_state(params, state.target, state.activation)
    step = state.step + GD_STEPS_PER_FRAME
    return replace(
        state,
        step=step,
        theta=_read_only(theta),
        steps=_read_only(np.append(state.steps, step)),
        losses=_read_only(np.append(state.losses, picture.mse)),
        picture=picture,
    )


def gd_run(frames: int = GD_FRAMES, **settings: Any) -> GDState:
    """:func:`gd_start` with ``settings``, then ``frames`` frames of :func:`gd_advance`:
    what pressing Play shows after that many frames."""
    if isinstance(frames, bool) or not isinstance(frames, (int, np.integer)) or frames < 0:
        raise ValueError(f"frames must be a whole number >= 0, got {frames!r}")
    state = gd_start(**settings)
    for _ in range(int(frames)):
        state = gd_advance(state)
    return state


#: The last steps of a run :func:`learning_rate_runs` looks at to say how the loss moves.
WINDOW = 1000


@dataclass(frozen=True)
class LearningRateRun:
    """How plain gradient descent did with one learning rate (:func:`learning_rate_runs`).

    ``mse`` is the training MSE after the run (``nan`` if it diverged); ``rising`` the share
    of the last :data:`WINDOW` steps on which the loss went up (0 for a loss that only
    falls; about one half for a step that overshoots the valley, back and forth).
    """

    lr: float
    steps: int
    mse: float
    rising: float
    diverged_at: int | None

    @property
    def verdict(self) -> str:
        """What the loss did, in words a table can show."""
        if self.diverged_at is not None:
            return "blew up (diverged)"
        if self.rising > 0.1:
            return "jumps up and down: the step overshoots"
        return "still falling at every step"


def learning_rate_runs(
    lrs: Iterable[float],
    target: str = "square",
    activation: str = "tanh",
    seed: int = 0,
    steps: int = GD_FRAMES * GD_STEPS_PER_FRAME,
    progress: bool | None = None,
) -> list[LearningRateRun]:
    """Plain gradient descent from the player's start (:func:`gd_start`) with each learning
    rate, ``steps`` steps each: the loss it reaches and how it moves at the end.

    Shows a progress bar if the whole takes more than 2 s (``progress=None``).
    """
    target = _check_target(target)
    activation = _check_activation(activation)
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < WINDOW:
        raise ValueError(f"steps must be a whole number >= {WINDOW}, got {steps!r}")
    lrs = [_check_lr(lr) for lr in lrs]
    x, y = bishop_data(target)
    start = gd_start(target, activation, seed=seed).theta
    bar = progress_bar(
        lrs, desc="learning rates", disable=progress is False, delay=0 if progress else 2.0,
        leave=False,
    )  # fmt: skip
    runs = []
    for lr in bar:
        theta, blew = gd_steps(start, target, activation, lr, steps - WINDOW)
        tail = []
        with np.errstate(all="ignore"):
            for k in range(WINDOW + 1):
                if blew is not None:
                    break
                loss, grad = loss_and_gradient(theta, x, y, activation)
                if blown_up(loss, [theta]):
                    blew = steps - WINDOW + k
                    break
                tail.append(loss)
                theta = theta - lr * grad
        if blew is not None:
            runs.append(LearningRateRun(lr, steps, float("nan"), float("nan"), blew))
            continue
        rising = float(np.mean(np.diff(tail[:-1]) > 0))
        runs.append(LearningRateRun(lr, steps, float(tail[-1]), rising, None))
    return runs


# ------------------------------------------------------------------------------------------
# Faster optimisers: a race from the same start to the same loss
# ------------------------------------------------------------------------------------------
#: The racers: a name for tables -> ``MLP.fit``'s optimizer.
RACERS: dict[str, str] = {
    "gradient descent": "gd",
    "momentum (β = 0.9)": "momentum",
    "L-BFGS": "lbfgs",
    "Levenberg-Marquardt": "lm",
}


@dataclass(frozen=True)
class RaceResult:
    """How one optimiser did: the steps it took, whether it reached the goal, its time."""

    name: str
    optimizer: str
    steps: int
    reached: bool
    mse: float
    seconds: float


def race(
    target: str = "square",
    activation: str = "tanh",
    seed: int = 0,
    lr: float = GD_LR,
    goal: float = 1e-4,
    max_steps: int = 30000,
    progress: bool | None = None,
) -> list[RaceResult]:
    """Every optimiser of :data:`RACERS` from the same start to the same training MSE.

    The start is :func:`random_start` (the player's, in ``x``'s own units: no
    standardisation); each run stops once the MSE is at most ``goal`` or after
    ``max_steps``. Gradient descent and momentum use the step size ``lr``. A step is not
    the same work for each: an L-BFGS iteration may evaluate the gradient more than once
    (its line search), a Levenberg-Marquardt step needs the 50 x 10 Jacobian and solves a
    10 x 10 system.
    """
    target = _check_target(target)
    activation = _check_activation(activation)
    x, y = bishop_data(target)
    start = random_start(activation, seed)
    results = []
    bar = progress_bar(
        list(RACERS.items()),
        desc="racing",
        disable=progress is False,
        delay=0 if progress else 2.0,
        leave=False,
    )
    for name, optimizer in bar:
        net = start.to_mlp(activation)
        options: dict[str, Any] = {"lr": _check_lr(lr)} if optimizer in ("gd", "momentum") else {}
        began = time.perf_counter()
        history = net.fit(
            x,
            y,
            optimizer=optimizer,
            steps=max_steps,
            tol=goal,
            rtol=0,
            standardize=False,
            progress=False,
            **options,
        )
        seconds = time.perf_counter() - began
        final = mse(Params.from_mlp(net), target, activation)
        reached = not history.diverged and final <= goal
        results.append(RaceResult(name, optimizer, history.steps, reached, final, seconds))
    return results


def round_count(n: int, digits: int = 2) -> str:
    """A step count for printing: exact below ``10 ** digits``, else to ``digits``
    significant digits (a long run's last digits depend on rounding in its steps, and on
    the machine): ``round_count(10126) == "10,000"``, ``round_count(67, 1) == "70"``."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"n must be a whole number >= 0, got {n!r}")
    if n < 10**digits:
        return str(n)
    return f"{round(int(n), digits - len(str(int(n)))):,}"


# ------------------------------------------------------------------------------------------
# Is the loss convex in theta? Swap two hidden units
# ------------------------------------------------------------------------------------------
def swap_units(params: Params, i: int, j: int) -> Params:
    """The same network with hidden units ``i`` and ``j`` (0, 1, 2) swapped: each unit's
    ``(v_k, b_k, w_k)`` moves together, so ``f`` is unchanged but ``theta`` is not."""
    for k in (i, j):
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < 3:
            raise ValueError(f"units are numbered 0, 1, 2 here, got {k!r}")
    order = [0, 1, 2]
    order[i], order[j] = order[j], order[i]
    return Params(v=params.v[order], b=params.b[order], w=params.w[order], w0=params.w0)


def on_segment(a: Params, b: Params, t: float) -> Params:
    """The point ``theta(t) = (1 - t) theta_A + t theta_B`` of the straight segment."""
    return Params.from_theta((1.0 - t) * a.theta + t * b.theta)


def segment_mse(
    a: Params, b: Params, target: str, activation: str = "tanh", ts: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """The training MSE along the segment from ``a`` to ``b``: ``(ts, losses)``.

    A convex loss could never rise above both ends' values there: for convex ``J``,
    ``J(theta(t)) <= (1 - t) J(theta_A) + t J(theta_B)``.
    """
    ts = np.linspace(0.0, 1.0, 101) if ts is None else np.asarray(ts, dtype=float)
    losses = np.array([mse(on_segment(a, b, t), target, activation) for t in ts])
    return ts, losses
