"""Optimisers and a training loop for any computation graph.

The slides' remedies for the troubles of non-convex optimisation live here:

- **gradient descent** ``theta <- theta - eta * dJ/dtheta`` on the whole data set, or
  **SGD** on one random example (or a minibatch) per step (slide "Example: Linear least
  squares"), with a constant step size or one that shrinks as ``eta_t = eta / (1 + t / decay)``;
- **momentum** and **Adam** ("adaptive step sizes");
- **gradient-norm clipping** ("high curvature: gradient clipping");
- **restarts**, best of several initialisations ("rerun with a different initialization"),
  in :meth:`lecturelib.mlp.MLP.fit`;
- **L-BFGS** from SciPy (a quasi-Newton method, the reference optimiser for small networks;
  scikit-learn's ``MLPRegressor(solver="lbfgs")`` uses the same routine);
- **Levenberg-Marquardt** (:func:`levenberg_marquardt`) for least-squares objectives: the
  Gauss-Newton step ``(J^T J + mu I) h = -J^T r`` from the Jacobian of the residuals, with a
  damping ``mu`` that shrinks while steps succeed. It is the classic trainer of small
  regression networks (MATLAB's ``trainlm``) and :meth:`lecturelib.mlp.MLP.fit`'s default
  for the mean squared error.

:func:`train` is the series' training loop: the MLP's fits by the step-wise optimisers and
by L-BFGS, the optimisers on notebook 13's landscapes and the slides' SGD
(:func:`lecturelib.linear_models.sgd`) all run through it. It never raises or warns when a
step size makes training diverge: it stops and reports ``diverged=True`` in the returned
:class:`History`, so an extreme slider position in a notebook shows a blown-up loss rather
than a traceback. One rule says when a run has diverged (:func:`blown_up`): the loss is not
finite or reaches :data:`DIVERGED`, or a parameter is not finite or reaches
:data:`PARAMETER_LIMIT` in size.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lecturelib.autodiff import Graph, Node, Param
from lecturelib.progress import DelayedBar

__all__ = [
    "OPTIMIZERS",
    "Adam",
    "AffineJacobian",
    "GradientDescent",
    "History",
    "Momentum",
    "Optimizer",
    "blown_up",
    "clip_by_norm",
    "fit_least_squares",
    "levenberg_marquardt",
    "make_optimizer",
    "train",
]

#: Losses above this count as divergence (well before float64 overflows).
DIVERGED = 1e100

#: Parameters this large count as divergence too: 1e50, the square root of
#: :data:`DIVERGED` (a squared loss grows as a parameter's square). A run can blow up in
#: its parameters while the loss of the minibatch it happens to draw still looks tame.
PARAMETER_LIMIT = math.sqrt(DIVERGED)


def blown_up(
    loss: float, params: Sequence[Param | np.ndarray], limit: float = PARAMETER_LIMIT
) -> bool:
    """The divergence rule of :func:`train` (and of every loop in the series that stops a
    run): the loss is not finite or at least :data:`DIVERGED`, or some parameter entry is
    not finite or at least ``limit`` (:data:`PARAMETER_LIMIT`) in size. ``params`` are the
    graph's :class:`Param` nodes, or plain arrays (a parameter vector ``theta``). A loop
    that draws its run as it goes may stop sooner with a smaller ``limit`` (the playground:
    a picture of weights of 1e6 and more is saturated and shows nothing more)."""
    if not -math.inf < loss < DIVERGED:  # also NaN
        return True
    for p in params:
        value = p.value if isinstance(p, Param) else np.asarray(p, dtype=float)
        biggest = abs(float(value)) if value.ndim == 0 else float(np.abs(value).max(initial=0.0))
        if not biggest < limit:  # NaN fails this test too
            return True
    return False


def clip_by_norm(grads: Sequence[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """Scale all gradients together so their joint Euclidean norm is at most ``max_norm``.

    Returns the (possibly scaled) gradients and the norm before clipping. The direction is
    kept; only the length of the step shrinks (slide "gradient clipping").
    """
    norm = float(np.sqrt(np.sum([np.sum(g * g) for g in grads])))
    if norm > max_norm:
        scale = max_norm / norm
        return [g * scale for g in grads], norm
    return list(grads), norm


class Optimizer:
    """Updates a list of :class:`Param` from their ``grad`` after each backward pass.

    Parameters
    ----------
    params:
        The parameters to update (a graph's ``params.values()``).
    lr:
        The step size ``eta``.
    clip:
        If given, clip the joint gradient norm to this value before each step.
    decay:
        If given, the step size shrinks as ``eta_t = lr / (1 + t / decay)`` at step ``t``
        (counted from 0): a constant step leaves SGD jittering around a minimum, a shrinking
        one lets it settle.
    """

    name = "optimizer"

    def __init__(
        self,
        params: Sequence[Param],
        lr: float,
        clip: float | None = None,
        decay: float | None = None,
    ) -> None:
        self.params = list(params)
        if not all(isinstance(p, Param) for p in self.params):
            raise TypeError("an optimiser updates Param nodes; pass graph.params.values()")
        self.lr = _positive(lr, "lr")
        self.clip = None if clip is None else _positive(clip, "clip")
        self.decay = None if decay is None else _positive(decay, "decay")
        self.t = 0
        #: The step size of the latest step (``lr`` until the schedule shrinks it).
        self.eta = self.lr

    def step_size(self, t: int) -> float:
        """``eta_t``, the step size of step ``t`` (counted from 0)."""
        return self.lr if self.decay is None else self.lr / (1.0 + t / self.decay)

    def step(self) -> float:
        """Take one step from the params' current ``grad``; return the gradient norm."""
        grads = [p.grad for p in self.params]
        if any(g is None for g in grads):
            raise RuntimeError("step() needs gradients: run graph.forward(...) and backward()")
        if self.clip is not None:
            grads, norm = clip_by_norm(grads, self.clip)
        else:
            norm = math.sqrt(sum([float(np.vdot(g, g)) for g in grads]))
        self.eta = self.step_size(self.t)
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            p.assign(p.value - self._direction(i, g))  # unchecked: train() stops on non-finite
        return norm

    def _direction(self, i: int, grad: np.ndarray) -> np.ndarray:  # pragma: no cover
        """The step ``theta_i`` takes against ``grad``, at the step size ``self.eta``."""
        raise NotImplementedError

    def __repr__(self) -> str:
        clip = "" if self.clip is None else f", clip={self.clip:g}"
        decay = "" if self.decay is None else f", decay={self.decay:g}"
        return f"{type(self).__name__}(lr={self.lr:g}{clip}{decay})"


class GradientDescent(Optimizer):
    """Plain (stochastic) gradient descent: ``theta <- theta - eta * g``."""

    name = "gd"

    def _direction(self, i: int, grad: np.ndarray) -> np.ndarray:
        return self.eta * grad


class Momentum(Optimizer):
    """Gradient descent with momentum: ``v <- beta v + g``, ``theta <- theta - eta v``."""

    name = "momentum"

    def __init__(
        self,
        params: Sequence[Param],
        lr: float,
        clip: float | None = None,
        beta: float = 0.9,
        decay: float | None = None,
    ) -> None:
        super().__init__(params, lr, clip, decay)
        if not 0 <= beta < 1:
            raise ValueError(f"momentum: beta must be in [0, 1), got {beta!r}")
        self.beta = beta
        self.velocity = [np.zeros_like(p.value) for p in self.params]

    def _direction(self, i: int, grad: np.ndarray) -> np.ndarray:
        self.velocity[i] = self.beta * self.velocity[i] + grad
        return self.eta * self.velocity[i]


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015): a step size adapted to each parameter.

    ``m`` and ``v`` are running averages of the gradient and its square; the step is
    ``eta * m_hat / (sqrt(v_hat) + eps)`` with the bias-corrected averages.
    """

    name = "adam"

    def __init__(
        self,
        params: Sequence[Param],
        lr: float,
        clip: float | None = None,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        decay: float | None = None,
    ) -> None:
        super().__init__(params, lr, clip, decay)
        self.beta1, self.beta2 = betas
        if not (0 <= self.beta1 < 1 and 0 <= self.beta2 < 1):
            raise ValueError(f"adam: betas must be in [0, 1), got {betas!r}")
        self.eps = eps
        self.m = [np.zeros_like(p.value) for p in self.params]
        self.v = [np.zeros_like(p.value) for p in self.params]

    def _direction(self, i: int, grad: np.ndarray) -> np.ndarray:
        self.m[i] = self.beta1 * self.m[i] + (1 - self.beta1) * grad
        self.v[i] = self.beta2 * self.v[i] + (1 - self.beta2) * (grad * grad)
        m_hat = self.m[i] / (1 - self.beta1**self.t)
        v_hat = self.v[i] / (1 - self.beta2**self.t)
        return self.eta * m_hat / (np.sqrt(v_hat) + self.eps)


#: Step-wise optimisers by name (``"lbfgs"`` is handled by :func:`train` itself).
OPTIMIZERS: dict[str, type[Optimizer]] = {
    "gd": GradientDescent,
    "sgd": GradientDescent,
    "momentum": Momentum,
    "adam": Adam,
}

#: Default step sizes, by optimiser.
DEFAULT_LR = {"gd": 0.1, "sgd": 0.01, "momentum": 0.05, "adam": 0.01}


def make_optimizer(
    name: str,
    params: Sequence[Param],
    lr: float | None = None,
    clip: float | None = None,
    decay: float | None = None,
) -> Optimizer:
    """An optimiser by name: ``"gd"``, ``"sgd"``, ``"momentum"`` or ``"adam"``."""
    if name not in OPTIMIZERS:
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of {', '.join([*OPTIMIZERS, 'lbfgs'])}"
        )
    return OPTIMIZERS[name](params, DEFAULT_LR[name] if lr is None else lr, clip, decay=decay)


@dataclass
class History:
    """What happened during training: the objective after each step, and how it ended.

    ``losses[0]`` is the objective before the first step; for minibatch training each entry
    is the loss of that step's minibatch. After a divergence the last entry is ``inf``.
    """

    losses: list[float] = field(default_factory=list)
    grad_norms: list[float] = field(default_factory=list)
    optimizer: str = ""
    diverged: bool = False
    seed: int | None = None
    #: After a divergence: the step whose parameters were put back (the best seen).
    restored_step: int | None = None
    #: With ``train(..., record_every=k)``: the steps at which the parameters were recorded
    #: (0, k, 2k, ... and the last step), and a copy of their values at each, by name.
    #: Only parameters that passed the divergence test are recorded.
    recorded_steps: list[int] = field(default_factory=list)
    recorded_params: list[dict[str, np.ndarray]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.losses)

    def __getitem__(self, i: Any) -> Any:
        return self.losses[i]

    def __iter__(self):
        return iter(self.losses)

    @property
    def final(self) -> float:
        """The last recorded objective value (``inf`` when training diverged)."""
        return float("inf") if self.diverged or not self.losses else self.losses[-1]

    @property
    def steps(self) -> int:
        """The number of optimisation steps taken."""
        return max(len(self.losses) - 1, 0)

    @property
    def diverged_at(self) -> int | None:
        """The step whose result blew up (0: the start already had), or None if none did."""
        return self.steps if self.diverged else None

    def __repr__(self) -> str:
        state = "diverged" if self.diverged else f"final loss {self.final:.3g}"
        if self.diverged and self.restored_step is not None:
            state += (
                f"; parameters put back to step {self.restored_step} "
                f"(loss {self.losses[self.restored_step]:.3g})"
            )
        return f"History({self.optimizer}, {self.steps} steps, {state})"


def _scalar(value: Any) -> float:
    """The objective as a float (a single example's loss may come as shape ``(1,)``)."""
    if type(value) is float:
        return value
    array = np.asarray(value)
    if array.size != 1:
        raise ValueError(
            f"train needs a scalar objective, got shape {array.shape}; reduce it with mean or sum"
        )
    return float(array.reshape(()))


def _positive(x: Any, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.floating)) or not x > 0:
        raise ValueError(f"{what} must be a positive number, got {x!r}")
    if not np.isfinite(x):
        raise ValueError(f"{what} must be finite, got {x!r}")
    return float(x)


def _progress(total: int, progress: bool | None, desc: str) -> DelayedBar:
    """A progress bar that appears only for work longer than 2 s (or always / never)."""
    return DelayedBar(total, desc, float("inf") if progress is False else 0 if progress else 2.0)


def train(
    graph: Graph,
    data: Mapping[str, Any],
    *,
    optimizer: str | Optimizer = "adam",
    lr: float | None = None,
    steps: int = 1000,
    batch_size: int | None = None,
    clip: float | None = None,
    tol: float | None = None,
    seed: int = 0,
    progress: bool | None = None,
    callback: Callable[[int, float], bool | None] | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    decay: float | None = None,
    record_every: int | None = None,
) -> History:
    """Minimise ``graph``'s objective over its :class:`Param` nodes.

    Parameters
    ----------
    graph:
        A graph whose objective is a scalar (for instance a mean loss over a batch).
    data:
        A value for each of the graph's :class:`Input` nodes. With ``batch_size``, every
        array's first axis runs over the examples, and each step feeds a random minibatch.
    optimizer:
        ``"gd"``, ``"sgd"``, ``"momentum"``, ``"adam"``, ``"lbfgs"`` (SciPy's L-BFGS-B,
        full batch), or an :class:`Optimizer` built on ``graph.params.values()``.
    lr, clip, decay:
        Step size, gradient-norm clipping and the step-size schedule
        ``eta_t = lr / (1 + t / decay)`` (``None``: a constant step) for the step-wise
        optimisers (see :class:`Optimizer`; an optimiser object brings its own).
    steps:
        Number of steps (iterations for L-BFGS).
    batch_size:
        ``None`` for the full data set each step; ``1`` for the slides' SGD (one random
        example per step).
    tol:
        Stop early once the full-batch objective is at or below ``tol`` (``None``: never).
    seed:
        Seeds the minibatch sampling.
    progress:
        ``None`` shows a progress bar only if training runs longer than 2 s.
    callback:
        Called as ``callback(step, loss)`` after each step, with the loss the step started
        from; returning ``True`` stops training.
    bounds:
        For ``"lbfgs"`` only: ``{param name: (low, high)}`` keeps those parameters' entries
        in the box (L-BFGS-B), e.g. inside the range a slider can show.
    record_every:
        For the step-wise optimisers: keep a copy of the parameters every so many steps,
        from step 0, and at the last step (in ``History.recorded_steps`` and
        ``recorded_params``).

    A run has diverged when the loss or a parameter blows up (:func:`blown_up`, checked
    before every step and at the end): training stops, ``History.diverged`` says so, the
    parameters are put back to the best seen, and nothing past the last sound step is
    recorded.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"train: graph must be a Graph, got {type(graph).__name__}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"train: steps must be a whole number >= 0, got {steps!r}")
    if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float))):
        raise ValueError(f"train: tol must be a number or None, got {tol!r}")
    # Full batch: the data are checked once here, not at every step (read-only copies).
    feeds = graph.checked_feeds(**data) if batch_size is None else dict(data)
    if optimizer == "lbfgs":
        if batch_size is not None:
            raise ValueError("train: L-BFGS works on the full batch; leave batch_size=None")
        if decay is not None or record_every is not None:
            raise ValueError("train: decay and record_every work with the step-wise optimisers")
        return _train_lbfgs(graph, feeds, steps, tol, progress, callback, bounds)
    if bounds is not None:
        raise ValueError("train: bounds work with optimizer='lbfgs' only")
    if record_every is not None and (
        isinstance(record_every, bool)
        or not isinstance(record_every, (int, np.integer))
        or record_every < 1
    ):
        raise ValueError(
            f"train: record_every must be a whole number >= 1 or None, got {record_every!r}"
        )
    params = list(graph.params.values())
    if isinstance(optimizer, Optimizer):
        if decay is not None:
            raise ValueError("train: give the Optimizer object its decay (Optimizer(decay=...))")
        opt = optimizer
    else:
        opt = make_optimizer(optimizer, params, lr, clip, decay)
    named = list(graph.params.items())
    sampler = _minibatches(feeds, batch_size, seed)
    history = History(optimizer=repr(opt))
    best_loss, best_step, best_values = float("inf"), 0, [p.value.copy() for p in params]
    stop = False
    with (
        np.errstate(over="ignore", invalid="ignore", under="ignore"),
        _progress(steps, progress, f"training ({opt.name})") as bar,
    ):
        batch = next(sampler)
        loss = _scalar(graph.forward(**batch))
        for t in range(steps + 1):
            if blown_up(loss, params):
                # Diverged: say so, and put back the best parameters seen (never leave the
                # model at blown-up weights that predict nonsense).
                history.diverged = True
                history.losses.append(float("inf"))
                for p, value in zip(params, best_values, strict=True):
                    p.value = value
                history.restored_step = best_step if np.isfinite(best_loss) else None
                break
            if loss < best_loss:
                best_loss, best_step = loss, t
                for kept, p in zip(best_values, params, strict=True):
                    kept[...] = p.value
            history.losses.append(loss)
            last = stop or t == steps or (batch_size is None and tol is not None and loss <= tol)
            if record_every is not None and (last or t % record_every == 0):
                history.recorded_steps.append(t)
                history.recorded_params.append({k: p.value.copy() for k, p in named})
            if last:
                break
            graph.backward()
            history.grad_norms.append(opt.step())
            stop = callback is not None and callback(t + 1, loss) is True
            if batch_size is not None and not stop:
                batch = next(sampler)
            loss = _scalar(graph.forward(**batch))  # after a stop: the last step's result
            bar.update(1)
    return history


def _minibatches(feeds: dict[str, Any], batch_size: int | None, seed: int):
    """Yield the full feeds forever, or random minibatches of ``batch_size`` examples."""
    if batch_size is None:
        while True:
            yield feeds
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise ValueError(f"train: batch_size must be a whole number or None, got {batch_size!r}")
    arrays = {k: np.asarray(v) for k, v in feeds.items()}
    sizes = {k: (a.shape[0] if a.ndim else None) for k, a in arrays.items()}
    counts = {n for n in sizes.values() if n is not None}
    if len(counts) != 1:
        raise ValueError(
            f"train: with batch_size, every fed array needs the same number of examples along "
            f"its first axis; got {sizes}"
        )
    (n,) = counts
    if not 1 <= batch_size <= n:
        raise ValueError(f"train: batch_size must be between 1 and {n}, got {batch_size}")
    rng = np.random.default_rng(seed)
    if batch_size == 1:  # rng.integers(n) once per step, drawn 256 at a time (the same numbers)
        rows = {k: _read_only(a) for k, a in arrays.items() if sizes[k] is not None}
        rest = {k: a for k, a in arrays.items() if sizes[k] is None}
        while True:
            for i in rng.integers(n, size=256).tolist():
                yield {**rest, **{k: a[i : i + 1] for k, a in rows.items()}}  # views, no copies
    while True:
        idx = rng.choice(n, size=batch_size, replace=False)
        yield {k: (a[idx] if sizes[k] is not None else a) for k, a in arrays.items()}


def _read_only(array: np.ndarray) -> np.ndarray:
    """A view of ``array`` that cannot be written through."""
    view = array.view()
    view.flags.writeable = False
    return view


def share_one_buffer(params: Sequence[Param]) -> np.ndarray:
    """All parameters as one flat vector ``theta`` whose slices *are* their values.

    Every Param's value becomes a view into the returned buffer, so a full-batch optimiser
    sets all parameters with one copy, ``buffer[:] = theta``. Undo with
    :func:`unshare_buffer` when done.
    """
    buffer = np.concatenate([p.value.ravel() for p in params])
    start = 0
    for p in params:
        p.assign(buffer[start : start + p.value.size].reshape(p.value.shape))
        start += p.value.size
    return buffer


def unshare_buffer(params: Sequence[Param]) -> None:
    """Give each parameter its own array again (after :func:`share_one_buffer`)."""
    for p in params:
        p.assign(p.value.copy())


def _train_lbfgs(
    graph: Graph,
    feeds: dict[str, Any],
    steps: int,
    tol: float | None,
    progress: bool | None,
    callback: Callable[[int, float], bool | None] | None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
) -> History:
    """Full-batch L-BFGS (``scipy.optimize.minimize(method="L-BFGS-B")``) on the graph."""
    from scipy.optimize import minimize

    params = list(graph.params.values())
    box = None
    if bounds is not None:
        unknown = set(bounds) - set(graph.params)
        if unknown:
            raise ValueError(
                f"train: bounds name unknown parameters {sorted(unknown)}; "
                f"the graph's are {list(graph.params)}"
            )
        box = [bounds.get(p.name, (None, None)) for p in params for _ in range(p.value.size)]
    buffer = share_one_buffer(params)

    def set_theta(theta: np.ndarray) -> None:
        buffer[:] = theta

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        buffer[:] = theta
        loss = graph.forward(**feeds)
        if not np.isfinite(loss):
            return float("inf"), np.zeros_like(theta)
        grads = graph.backward()
        return loss, np.concatenate([grads[p.name].ravel() for p in params])

    theta0 = buffer.copy()
    history = History(optimizer="L-BFGS (scipy)")
    with (
        np.errstate(over="ignore", invalid="ignore", under="ignore"),
        _progress(steps, progress, "training (lbfgs)") as bar,
    ):
        history.losses.append(float(graph.forward(**feeds)))
        best = [history.losses[0], 0, theta0.copy()]  # loss, step, theta of the best iterate

        def record(intermediate_result: Any) -> None:
            loss = float(intermediate_result.fun)
            history.losses.append(loss)
            if loss < best[0]:
                best[:] = [loss, len(history.losses) - 1, np.array(intermediate_result.x)]
            bar.update(1)
            stop = callback is not None and callback(len(history.losses) - 1, loss) is True
            if stop or (tol is not None and loss <= tol):
                raise StopIteration

        if steps > 0:
            result = minimize(
                objective,
                theta0,
                jac=True,
                method="L-BFGS-B",
                bounds=box,
                callback=record,
                options={"maxiter": steps, "ftol": 1e-15, "gtol": 1e-12, "maxcor": 20},
            )
            set_theta(result.x)
            final = graph.forward(**feeds)
            if blown_up(final, params):
                # SciPy may accept an iterate where the objective overflowed: say that the
                # run diverged and put back the best parameters seen, as train() does.
                history.diverged = True
                history.losses.append(float("inf"))
                set_theta(best[2])
                history.restored_step = best[1] if np.isfinite(best[0]) else None
            elif history.losses[-1] != final:
                history.losses.append(float(final))
    unshare_buffer(params)
    return history


@functools.cache
def _lapack_dposv() -> Callable[..., Any]:
    """LAPACK's Cholesky solver, imported on first use (SciPy's linalg is slow to import)."""
    from scipy.linalg.lapack import dposv

    return dposv


def levenberg_marquardt(
    residuals: Callable[[np.ndarray], np.ndarray],
    jacobian: Callable[[], np.ndarray],
    theta: Any,
    *,
    steps: int = 200,
    tol: float | None = None,
    ftol: float = 1e-6,
    progress: bool | None = None,
    callback: Callable[[int, float], bool | None] | None = None,
) -> tuple[np.ndarray, History]:
    """Minimise the mean of the squared residuals ``mean(r(theta)^2)`` by Levenberg-Marquardt.

    Each iteration solves ``(J^T J + mu I) h = -J^T r`` for the step ``h``, where ``J`` is
    the Jacobian of the residuals: a Gauss-Newton step (a second-order model of the
    objective built from first derivatives only) when ``mu`` is small, a short gradient
    step when ``mu`` is large. A step that lowers the objective is taken and ``mu``
    shrinks; one that does not is refused and ``mu`` grows. This is algorithm 3.16 of
    Madsen, Nielsen and Tingleff, *Methods for non-linear least squares problems* (2004).

    Parameters
    ----------
    residuals:
        ``residuals(theta)`` returns the residual vector ``r`` at ``theta``.
    jacobian:
        ``jacobian()`` returns ``dr/dtheta`` (shape ``(len(r), len(theta))``) at the
        ``theta`` of the latest ``residuals`` call (as a backward pass follows a forward).
    theta:
        The starting point (not modified).
    steps:
        The most iterations; each costs one evaluation of ``r``, and one of ``J`` if the
        step is taken.
    tol:
        Stop once the objective is at or below ``tol``.
    ftol:
        Converged when a step lowers the objective, and the model predicts it can lower
        it, by at most this fraction (MINPACK's ``ftol``).
    progress, callback:
        As for :func:`train`: a progress bar after 2 s, and ``callback(step, loss)`` after
        each iteration (returning ``True`` stops).

    Returns
    -------
    The best ``theta`` found and the :class:`History` of the objective, one entry per
    iteration (it never increases). Training stops when the gradient or the step becomes
    negligible, or after ``steps`` iterations.
    """
    dposv = _lapack_dposv()
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"levenberg_marquardt: steps must be a whole number >= 0, got {steps!r}")
    if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float))):
        raise ValueError(f"levenberg_marquardt: tol must be a number or None, got {tol!r}")
    theta = np.array(theta, dtype=np.float64).ravel()
    history = History(optimizer="Levenberg-Marquardt")
    with (
        np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"),
        _progress(steps, progress, "training (Levenberg-Marquardt)") as bar,
    ):
        r = np.asarray(residuals(theta), dtype=np.float64).ravel()
        m = r.size
        cost = float(np.dot(r, r))  # 2F in the book's notation; the objective is cost / m
        history.losses.append(cost / m)
        if not np.isfinite(cost):
            history.diverged = True
            return theta, history
        J = jacobian()
        A = np.dot(J.T, J)  # J^T J, the Gauss-Newton approximation of the Hessian
        g = np.dot(J.T, r)  # J^T r, half the gradient of cost
        eye = np.eye(theta.size)
        mu = 1e-3 * float(A.diagonal().max(initial=0.0)) or 1e-3
        nu = 2.0
        stop_cost = -1.0 if tol is None else tol * m
        converged = float(abs(g).max(initial=0.0)) <= 1e-15 * cost**0.5  # stationary point
        for t in range(1, steps + 1):
            if converged or cost <= stop_cost:
                break
            _, h, info = dposv(A + mu * eye, g)  # Cholesky solve of (J^T J + mu I) h = J^T r
            if info == 0:
                step2 = float(np.dot(h, h))
                if step2 < 1e-20 and step2 <= 1e-24 * (float(np.dot(theta, theta)) + 1e-24):
                    break  # a negligible step: converged (or mu has grown huge)
                trial = theta - h
                r_new = np.asarray(residuals(trial), dtype=np.float64).ravel()
                cost_new = float(np.dot(r_new, r_new))
            if info == 0 and cost_new < cost:  # lower (and finite): take the step
                # The gain ratio: actual decrease over the decrease the linear model predicts.
                predicted = mu * step2 + float(np.dot(h, g))
                rho = (cost - cost_new) / predicted
                # MINPACK's test: the actual and the predicted relative decrease both tiny.
                converged = cost - cost_new <= ftol * cost and predicted <= ftol * cost
                theta, r, cost = trial, r_new, cost_new
                J = jacobian()
                A = np.dot(J.T, J)
                g = np.dot(J.T, r)
                mu *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                nu = 2.0
            else:  # refused: damp harder, towards a short gradient step
                mu *= nu
                nu *= 2.0
                if not mu < 1e300:
                    break
            history.losses.append(cost / m)
            bar.update(1)
            if callback is not None and callback(t, cost / m) is True:
                break
    return theta, history


# --------------------------------------------------------------------------------------
# The Jacobian of a network of affine layers, and Levenberg-Marquardt on it
# --------------------------------------------------------------------------------------
class AffineJacobian:
    """``d f(x_i) / d theta`` of a prediction graph made of affine layers, by backprop.

    ``graph`` is built with ``param_grads=False`` (its objective is the outputs ``f``, shape
    ``(n, k)``); ``affines`` are its affine nodes ``a_j = affine(z_{j-1}, W_j, b_j)`` in the
    order of ``theta`` (``W1, b1, W2, ...``). One seeded backward pass per output leaves at
    each ``a_j`` the per-example deltas of the backprop algorithm, and row ``i`` of the
    Jacobian is ``df(x_i)/dW_j = delta_j(x_i) z_{j-1}(x_i)^T``, ``df(x_i)/db_j = delta_j(x_i)``
    (slide "The backpropagation algorithm").
    """

    def __init__(self, graph: Graph, affines: Sequence[Node]) -> None:
        self.graph = graph
        self.affines = list(affines)
        self.n_params = int(
            np.sum([a.inputs[1].value.size + a.inputs[2].value.size for a in affines])
        )
        self._seeds: list[np.ndarray] = []
        self._plan: tuple[np.ndarray, list[Any]] | None = None

    def seeds(self, n: int) -> list[np.ndarray]:
        """One backward seed per output ``c``: ones in column ``c``, zeros elsewhere."""
        k = self.graph.objective.value.shape[-1]
        if not self._seeds or self._seeds[0].shape != (n, k):
            self._seeds = [np.zeros((n, k)) for _ in range(k)]
            for c, seed in enumerate(self._seeds):
                seed[:, c] = 1.0
        return self._seeds

    def at_last_forward(self, n: int) -> np.ndarray:
        """The Jacobian at the graph's last forward pass (of ``n`` examples).

        Shape ``(n, n_params)`` for one output, ``(n, k, n_params)`` for ``k``. Written into a
        buffer that is reused while ``n`` stays the same (copy the result to keep it).
        """
        seeds = self.seeds(n)
        if len(seeds) == 1:
            self.graph.backward(seeds[0])
            return self._rows()
        out = np.empty((n, len(seeds), self.n_params))
        for c, seed in enumerate(seeds):
            self.graph.backward(seed)
            out[:, c, :] = self._rows()
        return out

    def _rows(self) -> np.ndarray:
        """Assemble ``df(x_i)/dtheta`` from the deltas left by the last backward pass."""
        n = self.affines[0].grad.shape[0]
        if self._plan is None or self._plan[0].shape[0] != n:
            J = np.empty((n, self.n_params))
            blocks, start = [], 0
            for a in self.affines:
                m, p = a.inputs[1].value.shape
                # A view into J; 2-D when one side is a single unit (faster products).
                W_block = J[:, start : start + m * p]
                if m > 1 and p > 1:
                    W_block = W_block.reshape(n, m, p)
                b_block = J[:, start + m * p : start + m * p + m]
                blocks.append((a, a.inputs[0], W_block, b_block, m > 1 and p > 1))
                start += m * p + m
            self._plan = (J, blocks)
        J, blocks = self._plan
        for a, z, W_block, b_block, outer in blocks:
            delta = a.grad  # (n, m): the per-example deltas
            if outer:  # row i: the outer product delta_i z_i^T, flattened row-major like W
                np.multiply(delta[:, :, None], z.value[:, None, :], out=W_block)
            else:  # one unit in or out: the outer product is a broadcast product
                np.multiply(delta, z.value, out=W_block)
            b_block[...] = delta
        return J


def fit_least_squares(
    jacobian: AffineJacobian,
    X: np.ndarray,
    y: np.ndarray,
    *,
    steps: int = 200,
    tol: float | None = None,
    progress: bool | None = None,
) -> History:
    """Levenberg-Marquardt on the residuals ``f(x_i) - y_i`` of a prediction graph.

    The graph's only Input is ``X``; ``y`` has the shape of its outputs. The data are
    checked once (:meth:`~lecturelib.autodiff.Graph.checked_feeds`), not at every step. The
    parameters end at the best ``theta`` found.
    """
    graph = jacobian.graph
    X = graph.checked_feeds(X=X)["X"]
    params = [p for a in jacobian.affines for p in a.inputs[1:]]
    buffer = share_one_buffer(params)  # in the order of theta
    n = X.shape[0]

    def residuals(theta: np.ndarray) -> np.ndarray:
        buffer[:] = theta
        return (graph.forward(X=X) - y).ravel()

    def jacobian_now() -> np.ndarray:
        return jacobian.at_last_forward(n).reshape(-1, buffer.size)

    theta, history = levenberg_marquardt(
        residuals, jacobian_now, buffer.copy(), steps=steps, tol=tol, progress=progress
    )
    buffer[:] = theta
    unshare_buffer(params)
    return history
