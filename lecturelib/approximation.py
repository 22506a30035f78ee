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

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from lecturelib.activations import get_activation
from lecturelib.mlp import MLP
from lecturelib.progress import progress_bar

__all__ = [
    "FIT_ACTIVATIONS",
    "FLAT_SPAN",
    "HAND_START",
    "N_POINTS",
    "SIN_FREQUENCY",
    "SLIDER_NAMES",
    "SLIDER_RANGES",
    "TARGETS",
    "THETA_NAMES",
    "ApproxState",
    "Fit",
    "Params",
    "Target",
    "TrainResult",
    "approx_state",
    "bishop_data",
    "explorer_update",
    "fit_all",
    "fit_target",
    "linear_fit_mse",
    "max_error",
    "mse",
    "mse_rows",
    "mse_text",
    "network",
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
#: Slider ranges (also the box "train from here" stays in, so sliders can show the result).
SLIDER_RANGES: dict[str, tuple[float, float]] = {
    "v": (-10.0, 10.0),
    "b": (-10.0, 10.0),
    "w": (-10.0, 10.0),
    "w0": (-10.0, 10.0),
}


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

    def clipped(self) -> Params:
        """The parameters clipped into :data:`SLIDER_RANGES`."""
        return Params(
            v=np.clip(self.v, *SLIDER_RANGES["v"]),
            b=np.clip(self.b, *SLIDER_RANGES["b"]),
            w=np.clip(self.w, *SLIDER_RANGES["w"]),
            w0=float(np.clip(self.w0, *SLIDER_RANGES["w0"])),
        )


#: A hand-made start for x^2 (tanh): units 1 and 2 mirror each other, unit 3 is off (w3 = 0).
HAND_START = Params(v=[2.0, -2.0, 1.0], b=[-1.0, -1.0, 0.0], w=[0.75, 0.75, 0.0], w0=1.15)


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


def explorer_update(
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


def _bounds() -> dict[str, tuple[float, float]]:
    """The sliders' ranges as ``MLP.fit`` bounds: W1 (v), b1 (b), W2 (w), b2 (w0)."""
    return {
        "W1": SLIDER_RANGES["v"],
        "b1": SLIDER_RANGES["b"],
        "W2": SLIDER_RANGES["w"],
        "b2": SLIDER_RANGES["w0"],
    }


def train_from(
    params: Params, target: str = "square", activation: str = "tanh", steps: int = 500
) -> TrainResult:
    """Train the network from ``params`` (the sliders' values) and return the result.

    ``MLP.fit``'s L-BFGS with the gradient from backprop, kept inside the sliders' ranges
    (``bounds``) so the sliders can show the result exactly. Starting points outside the
    ranges are clipped first. Deterministic.
    """
    if not isinstance(params, Params):
        raise TypeError(f"params must be a Params, got {type(params).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    target = _check_target(target)
    activation = _check_activation(activation)
    start = params.clipped()
    x, y = bishop_data(target)
    net = start.to_mlp(activation)
    history = net.fit(x, y, optimizer="lbfgs", steps=steps, bounds=_bounds(), progress=False)
    trained = Params.from_mlp(net).clipped()
    return TrainResult(
        start=start,
        params=trained,
        mse_before=mse(start, target, activation),
        mse_after=mse(trained, target, activation),
        steps=history.steps,
    )
