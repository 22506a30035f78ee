"""The multilayer perceptron of the slides, built on the computation-graph engine.

Slide "Multilayer Perceptron (MLP): formal definition":

- hidden layer 1: ``h1(x) = sigma(W1 x + b1)`` with ``W1`` of shape ``(m, d)``;
- hidden layer j: ``hj(o) = sigma(Wj o + bj)`` for ``j = 2..L``;
- output layer: the affine map ``a(o) = W_{L+1} o + b_{L+1}`` (no activation);
- the network is the composition ``f = a o hL o ... o h1`` (equation 8).

For classification the ``k`` outputs are scores, turned into probabilities by softmax and
trained by maximising the log-likelihood (slide "Nonlinear Generalization of Multinomial
Logistic Regression"), i.e. minimising the cross-entropy.

All gradients come from :mod:`lecturelib.autodiff`: there is no hand-written backprop here.
Even the Jacobian (one gradient per example, for Levenberg-Marquardt) is read off one
backward pass: the partials at each affine node ``a_j`` are the backprop algorithm's
per-example deltas, and ``df(x_i)/dW_j`` is the outer product of ``delta_j(x_i)`` with
the layer's input (slide "The backpropagation algorithm").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Node, Param
from lecturelib.optim import OPTIMIZERS, AffineJacobian, History, fit_least_squares, train

__all__ = ["ACTIVATIONS", "MLP", "Standardization"]

#: The activation functions an MLP can use, by name (``"logistic"`` is ``"sigmoid"``).
ACTIVATIONS: dict[str, Callable[..., Node] | None] = {
    "tanh": ad.tanh,
    "sigmoid": ad.sigmoid,
    "logistic": ad.sigmoid,
    "relu": ad.relu,
    "linear": None,
}

LOSSES = ("mse", "cross_entropy")

#: The default optimiser uses Levenberg-Marquardt for the MSE up to this many parameters
#: (it solves a linear system of this size each step); L-BFGS above it.
LM_MAX_PARAMS = 500


def _check_seed(seed: Any, what: str) -> int | None:
    """``seed`` as a whole number >= 0 or ``None``, or an error that names ``what``."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(
            f"{what} must be a whole number >= 0 (the same number gives the same random "
            f"weights) or None (fresh random weights each time), got {seed!r}"
        )
    return int(seed)


def _spread(centred: np.ndarray, axis: int) -> np.ndarray:
    """The root mean square of ``centred`` along ``axis``, without overflow (data near
    1e154 squares to inf): scaled by the largest entry first."""
    top = np.max(np.abs(centred), axis=axis)
    safe = np.where(top > 0, top, 1.0)
    return top * np.sqrt(np.mean((centred / safe) ** 2, axis=axis))


def _with_floor(tol: float | None, y: np.ndarray, loss: str, rtol: float) -> float | None:
    """``tol`` raised to ``rtol * var(y)`` for the MSE: stop once ``R^2 >= 1 - rtol``."""
    if loss != "mse" or rtol == 0:
        return tol
    floor = rtol * float(_spread((y - y.mean(axis=0)).ravel(), axis=0)) ** 2
    return floor if tol is None else max(tol, floor)


@dataclass(frozen=True)
class Standardization:
    """The change of units ``fit`` trains in: ``x' = (x - x_mean) / x_scale`` per input
    column and ``y' = (y - y_mean) / y_scale`` (one scale for all outputs, so that the
    mean squared error in standard units is the MSE in the user's units over
    ``y_scale**2``: the same minimisers).

    The network's first affine layer absorbs the input change and its last one the output
    change exactly (slide equation 8: only ``a_1`` sees ``x`` and only ``a_{L+1}`` makes
    ``f``), so a network fitted in standard units maps back to the same function in the
    user's units (:meth:`to_user`). Scikit-learn's documentation asks users to do this by
    hand; ``MLP.fit`` does it for them.
    """

    x_mean: np.ndarray
    x_scale: np.ndarray
    y_mean: np.ndarray
    y_scale: float

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray | None) -> Standardization:
        """The standardisation of inputs ``X`` (n, d) and, for the MSE, targets ``y`` (n, k).

        A constant column keeps scale 1 (nothing to spread); so do constant targets.
        """
        x_mean = X.mean(axis=0)
        x_scale = _spread(X - x_mean, axis=0)
        x_scale = np.where(x_scale > 0, x_scale, 1.0)
        if y is None:  # class labels are not numbers to rescale
            return cls(x_mean, x_scale, np.zeros(0), 1.0)
        y_mean = y.mean(axis=0)
        y_scale = float(_spread((y - y_mean).ravel(), axis=0))
        return cls(x_mean, x_scale, y_mean, y_scale if y_scale > 0 else 1.0)

    def data(self, X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``X`` and ``y`` in standard units (``y`` unchanged for class labels)."""
        X = (X - self.x_mean) / self.x_scale
        return X, (y if self.y_mean.size == 0 else (y - self.y_mean) / self.y_scale)

    def to_standard(self, params: dict[str, np.ndarray], last: int) -> dict[str, np.ndarray]:
        """The weights, in standard units, of the network ``params`` (user's units).

        ``a_1 = W_1 x + b_1 = (W_1 diag(x_scale)) x' + (b_1 + W_1 x_mean)``; then
        ``f' = (f - y_mean) / y_scale`` divides the last layer by ``y_scale``.
        """
        out = {name: value.copy() for name, value in params.items()}
        out["b1"] = out["b1"] + out["W1"] @ self.x_mean
        out["W1"] = out["W1"] * self.x_scale
        if self.y_mean.size:
            out[f"W{last}"] = out[f"W{last}"] / self.y_scale
            out[f"b{last}"] = (out[f"b{last}"] - self.y_mean) / self.y_scale
        return out

    def to_user(self, params: dict[str, np.ndarray], last: int) -> dict[str, np.ndarray]:
        """The inverse of :meth:`to_standard`: standard-unit weights in the user's units."""
        out = {name: value.copy() for name, value in params.items()}
        if self.y_mean.size:
            out[f"W{last}"] = out[f"W{last}"] * self.y_scale
            out[f"b{last}"] = out[f"b{last}"] * self.y_scale + self.y_mean
        out["W1"] = out["W1"] / self.x_scale
        out["b1"] = out["b1"] - out["W1"] @ self.x_mean
        return out


class MLP:
    """A multilayer perceptron with ``L = len(sizes) - 2`` hidden layers and an affine output.

    Parameters
    ----------
    sizes:
        Layer widths ``[d, m1, ..., mL, k]``: input dimension, hidden widths, outputs.
        ``MLP([1, 3, 1])`` is the slides' 10-parameter network ``f(x) = w0 + sum_k w_k
        sigma(v_k x + b_k)``.
    activation:
        ``"tanh"``, ``"sigmoid"`` (alias ``"logistic"``), ``"relu"`` or ``"linear"``.
    seed:
        Seeds the random initial weights (``W ~ N(0, 1/fan_in)``, ``b ~ N(0, 0.1)``... see
        :meth:`initialize`).

    Attributes
    ----------
    params:
        Dict ``"W1", "b1", "W2", ...`` -> numpy array (the live values: changing an entry
        in place changes the network).
    """

    def __init__(
        self, sizes: Sequence[int], activation: str = "tanh", seed: int | None = 0
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of layer widths like [1, 3, 1], got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(f"sizes needs at least an input and an output width, got {sizes!r}")
        for s in sizes:
            if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1:
                raise ValueError(f"every layer width must be a whole number >= 1, got {sizes!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}"
            )
        self.sizes = [int(s) for s in sizes]
        self.activation = activation
        self.seed = _check_seed(seed, "MLP: seed")
        self._params: dict[str, Param] = {}
        for j, (fan_in, fan_out) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True), 1):
            self._params[f"W{j}"] = Param(f"W{j}", np.zeros((fan_out, fan_in)))
            self._params[f"b{j}"] = Param(f"b{j}", np.zeros(fan_out))
        self.initialize(seed)
        # The graph of the network itself: X -> a1 -> h1 -> ... -> f (slide equation 8).
        self._X = Input("X")
        sigma = ACTIVATIONS[activation]
        layer: Node = self._X
        self._hidden: list[Node] = []
        self._affines: list[Node] = []
        for j in range(1, self.n_layers + 1):
            a = ad.affine(layer, self._params[f"W{j}"], self._params[f"b{j}"], name=f"a{j}")
            self._affines.append(a)
            if j == self.n_layers:
                layer = a
            else:
                layer = a if sigma is None else sigma(a, name=f"h{j}")
                self._hidden.append(layer)
        self._output = layer
        self._output.name = "f"
        # Predictions, and (seeded) the per-example deltas the Jacobian is built from.
        self._predict_graph = Graph(self._output, data_grads=False, param_grads=False)
        self._loss_graphs: dict[str, Graph] = {}
        self._jacobian = AffineJacobian(self._predict_graph, self._affines)

    # --------------------------------------------------------------------------------
    # Parameters
    # --------------------------------------------------------------------------------
    @property
    def n_layers(self) -> int:
        """Number of affine layers (``L + 1``: the hidden ones and the output)."""
        return len(self.sizes) - 1

    @property
    def params(self) -> dict[str, np.ndarray]:
        """The parameters by name (``W1, b1, W2, b2, ...``): the live arrays."""
        return {name: p.value for name, p in self._params.items()}

    @property
    def n_params(self) -> int:
        """The number of scalar parameters (10 for ``MLP([1, 3, 1])``)."""
        return int(sum(p.value.size for p in self._params.values()))

    @property
    def theta(self) -> np.ndarray:
        """All parameters as one flat vector, in the order of :attr:`params` (a copy)."""
        return np.concatenate([p.value.ravel() for p in self._params.values()])

    @theta.setter
    def theta(self, vector: Any) -> None:
        vector = np.asarray(vector, dtype=float)
        if vector.shape != (self.n_params,):
            raise ValueError(
                f"theta must be a vector of {self.n_params} numbers, got shape {vector.shape}"
            )
        start = 0
        for p in self._params.values():
            p.value = vector[start : start + p.value.size].reshape(p.value.shape)
            start += p.value.size

    def set_params(self, params: Mapping[str, Any]) -> None:
        """Set some or all parameters by name, e.g. ``set_params({"W1": ..., "b1": ...})``."""
        for name, value in params.items():
            if name not in self._params:
                raise ValueError(
                    f"unknown parameter {name!r}; this MLP has {', '.join(self._params)}"
                )
            self._params[name].value = value

    def initialize(self, seed: int | None = 0) -> None:
        """Draw new random weights: ``W ~ N(0, 1/fan_in)`` and biases ``b ~ N(0, 1/fan_in)``.

        Random biases spread the hidden units' "kinks" over the input range, so that even
        a 3-unit network starts with units that differ. The draw suits inputs and targets of
        mean 0 and spread 1: when :meth:`fit` standardises the data, it reads an untouched
        draw as weights for the standardised data, so that the fit is the same in any units.
        """
        rng = np.random.default_rng(_check_seed(seed, "initialize: seed"))
        for j in range(1, len(self.sizes)):
            fan_in = self.sizes[j - 1]
            W = self._params[f"W{j}"]
            b = self._params[f"b{j}"]
            # Drawn here, so finite and of the right shape: set without the checks.
            W.assign(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=W.value.shape))
            b.assign(rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=b.value.shape))
        # What was drawn: fit() reads an untouched draw as a start for standardised data.
        self._drawn = self.theta

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r}, {self.n_params} parameters)"

    # --------------------------------------------------------------------------------
    # Forward computations
    # --------------------------------------------------------------------------------
    def _check_X(self, X: Any) -> np.ndarray:
        X = ad.as_array(X, "X")
        d = self.sizes[0]
        if X.ndim == 1 and d == 1:
            X = X[:, None]
        if X.ndim != 2 or X.shape[1] != d:
            raise ValueError(
                f"X must have shape (n, {d}) for this MLP (input size {d})"
                + (" or (n,)" if d == 1 else "")
                + f", got shape {X.shape}"
            )
        return X

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs ``f(x)`` for each row of ``X``: shape ``(n,)`` if ``k = 1``."""
        X = self._check_X(X)
        out = self._predict_graph.forward(X=X)
        return out[:, 0].copy() if self.sizes[-1] == 1 else out.copy()

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``Softmax(f_1(x), ..., f_k(x))`` for each row, shape ``(n, k)``."""
        scores = self.predict(X)
        scores = scores[:, None] if scores.ndim == 1 else scores
        return ad.softmax_of(scores, axis=1)

    def classify(self, X: Any) -> np.ndarray:
        """The most probable class of each row (the largest score)."""
        scores = self.predict(X)
        return np.argmax(scores[:, None] if scores.ndim == 1 else scores, axis=1)

    def hidden(self, X: Any) -> list[np.ndarray]:
        """Each hidden layer's outputs ``h^(j)(x)``, shapes ``(n, m_j)``: the learned features."""
        self._predict_graph.forward(X=self._check_X(X))
        return [h.value.copy() for h in self._hidden]

    def jacobian(self, X: Any) -> np.ndarray:
        """``d f(x_i) / d theta`` for every example: shape ``(n, n_params)`` (``(n, k,
        n_params)`` for ``k`` outputs), columns in the order of :attr:`theta`.

        One backward pass of ``sum_i f(x_i)`` per output: since examples do not interact,
        the partial at each affine node ``a_j`` is, row by row, the per-example delta of the
        backprop algorithm, and ``df(x_i)/dW_j = delta_j(x_i) z_{j-1}(x_i)^T`` where
        ``z_{j-1}`` is the layer's input (``df(x_i)/db_j = delta_j(x_i)``); see
        :class:`lecturelib.optim.AffineJacobian`.
        """
        X = self._check_X(X)
        self._predict_graph.forward(X=X)
        return self._jacobian.at_last_forward(X.shape[0]).copy()

    # --------------------------------------------------------------------------------
    # Loss and training
    # --------------------------------------------------------------------------------
    def loss_graph(self, loss: str = "mse") -> Graph:
        """The graph of the training objective: inputs ``X`` and ``y``, objective ``J``.

        ``"mse"``: ``J = mean((y - f(X))^2)``, one :func:`~lecturelib.autodiff.mse` node
        (the slides' ``r``, ``l`` and average in one, for speed); ``"cross_entropy"``:
        ``J = -(1/n) sum_i log Softmax(f(x_i))_{y_i}``. Built with ``data_grads=False``:
        backward computes the partials of every parameter and hidden node, not of the data.
        """
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        if loss not in self._loss_graphs:
            y = Input("y")
            if loss == "mse":
                J = ad.mse(y, self._output, name="J")
            else:
                J = ad.cross_entropy(self._output, y, name="J")
            self._loss_graphs[loss] = Graph(J, data_grads=False)
        return self._loss_graphs[loss]

    def _check_y(self, y: Any, n: int, loss: str) -> np.ndarray:
        y = ad.as_array(y, "y")
        k = self.sizes[-1]
        if loss == "mse":
            given = y.shape
            if y.ndim == 1 and k == 1:
                y = y[:, None]
            if y.shape != (n, k):
                raise ValueError(
                    f"y must have shape ({n},{' ' + str(k) if k > 1 else ''}) to match X's {n} "
                    f"rows and the MLP's {k} output(s), got shape {given}"
                )
        else:
            if y.shape != (n,):
                raise ValueError(f"class labels y must have shape ({n},), got shape {y.shape}")
            if not np.all((y == np.round(y)) & (y >= 0) & (y < k)):
                raise ValueError(
                    f"class labels y must be whole numbers 0..{k - 1} for an MLP with {k} "
                    f"outputs, got values {np.unique(y)[:10]}"
                )
        return y

    def _feeds(self, X: Any, y: Any, loss: str) -> dict[str, np.ndarray]:
        X = self._check_X(X)
        if X.shape[0] == 0:
            raise ValueError(
                "no data: X has 0 rows; the objective is a mean over the examples, so it "
                "needs at least one (x, y) pair"
            )
        return {"X": X, "y": self._check_y(y, X.shape[0], loss)}

    def loss(self, X: Any, y: Any, loss: str = "mse") -> float:
        """The training objective on ``(X, y)``."""
        return self.loss_graph(loss).forward(**self._feeds(X, y, loss))

    def loss_and_grad(
        self, X: Any, y: Any, loss: str = "mse"
    ) -> tuple[float, dict[str, np.ndarray]]:
        """The objective and its gradient with respect to every parameter (by backprop)."""
        graph = self.loss_graph(loss)
        value = graph.forward(**self._feeds(X, y, loss))
        grads = graph.backward()
        return value, {name: g.copy() for name, g in grads.items()}

    def fit(
        self,
        X: Any,
        y: Any,
        *,
        loss: str = "mse",
        optimizer: str | None = None,
        lr: float | None = None,
        steps: int | None = None,
        batch_size: int | None = None,
        clip: float | None = None,
        restarts: int = 1,
        tol: float | None = None,
        rtol: float = 1e-6,
        seed: int | None = None,
        progress: bool | None = None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
        standardize: bool | None = None,
    ) -> History:
        """Fit the parameters to ``(X, y)`` by minimising the objective; return the history.

        ``optimizer=None`` picks the best full-batch method for the job: Levenberg-Marquardt
        (``"lm"``) for the mean squared error, which fits the slides' small networks to high
        accuracy in a few milliseconds; L-BFGS (``"lbfgs"``) for the cross-entropy, for ReLU
        units (their kinks break the smooth local model that Levenberg-Marquardt relies on:
        it stalls where L-BFGS goes on), with ``bounds``, or above :data:`LM_MAX_PARAMS`
        parameters. ``"gd"``, ``"sgd"``, ``"momentum"`` and ``"adam"`` take ``lr`` and
        ``clip``. ``steps`` defaults to 200 for ``"lm"``, 500 for ``"lbfgs"`` and 3000 for
        the others.

        With ``restarts=k`` the network is trained from ``k`` random initialisations (seeds
        ``seed, seed+1, ...``) and keeps the best ("rerun with a different
        initialization"); the first run starts from the current parameters.
        ``bounds={"W1": (-10, 10), ...}`` keeps parameters in a box (L-BFGS only).

        Training stops when the optimiser has converged, after ``steps``, or once the
        objective is at most ``tol``. For the MSE it also stops once the fit explains all
        but a fraction ``rtol`` of the targets' variance (``MSE <= rtol * var(y)``, i.e.
        ``R^2 >= 1 - rtol``): some targets, such as ``x^2`` with tanh units, are fitted
        ever better by ever larger weights, and an optimiser would creep on for ever.
        ``rtol=0`` fits as far as the optimiser gets.

        ``standardize`` (default: on for ``"lm"`` and ``"lbfgs"`` without ``bounds``) trains
        in standard units: each input column and the targets shifted to mean 0 and scaled to
        spread 1 (:class:`Standardization`), then the weights are mapped back, so
        :meth:`predict` and :attr:`params` stay in your units. The fit is then the same
        whatever the data's units (metres or millimetres), and the random start suits the
        data. A start untouched since :meth:`initialize` is read as weights for the
        standardised data; any other start is first mapped into standard units. The
        first-order optimisers (``"gd"``, ``"sgd"``, ``"momentum"``, ``"adam"``) run in
        your units by default, because their ``lr`` is in the units of your objective (the
        slides' gradient descent). ``bounds`` are in your units, so they need
        ``standardize=False``. The history's losses are in your units; its gradient norms
        are those of the problem the optimiser solved.
        """
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        feeds = self._feeds(X, y, loss)
        if (
            isinstance(restarts, bool)
            or not isinstance(restarts, (int, np.integer))
            or restarts < 1
        ):
            raise ValueError(f"restarts must be a whole number >= 1, got {restarts!r}")
        if optimizer is None:
            lm = loss == "mse" and bounds is None and batch_size is None
            smooth = self.activation != "relu"  # LM's local model needs smooth residuals
            optimizer = "lm" if lm and smooth and self.n_params <= LM_MAX_PARAMS else "lbfgs"
        if not isinstance(optimizer, str) or optimizer not in ("lm", "lbfgs", *OPTIMIZERS):
            raise ValueError(
                f"unknown optimizer {optimizer!r}; choose one of lm, lbfgs, "
                f"{', '.join(OPTIMIZERS)} (or None for the default)"
            )
        if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not rtol >= 0:
            raise ValueError(f"rtol must be a number >= 0, got {rtol!r}")
        if optimizer == "lm":
            if loss != "mse":
                raise ValueError("optimizer='lm' (Levenberg-Marquardt) needs loss='mse'")
            for name, given in (
                ("batch_size", batch_size),
                ("bounds", bounds),
                ("lr", lr),
                ("clip", clip),
            ):
                if given is not None:
                    raise ValueError(f"optimizer='lm' works on the full batch and takes no {name}")
        if steps is None:
            steps = {"lm": 200, "lbfgs": 500}.get(optimizer, 3000)
        if standardize is None:
            standardize = optimizer in ("lm", "lbfgs") and bounds is None
        if not isinstance(standardize, (bool, np.bool_)):
            raise TypeError(f"standardize must be True, False or None, got {standardize!r}")
        if standardize and bounds is not None:
            raise ValueError(
                "bounds are in your units, but standardize=True trains in standard units; "
                "pass standardize=False with bounds"
            )
        base = self.seed if seed is None else _check_seed(seed, "fit: seed")
        if base is None:
            base = int(np.random.default_rng().integers(2**31))
        run = dict(
            loss=loss,
            optimizer=optimizer,
            lr=lr,
            steps=steps,
            batch_size=batch_size,
            clip=clip,
            restarts=restarts,
            seed=base,
            progress=progress,
            bounds=bounds,
        )
        if not standardize:
            return self._fit_starts(feeds, tol=_with_floor(tol, feeds["y"], loss, rtol), **run)
        units = Standardization.of(feeds["X"], feeds["y"] if loss == "mse" else None)
        X, y = units.data(feeds["X"], feeds["y"])
        factor = units.y_scale**2  # MSE in your units = factor * MSE in standard units
        if loss == "mse" and tol is not None:
            tol = tol / factor
        if not np.array_equal(self.theta, self._drawn):  # a start in your units
            self.set_params(units.to_standard(self.params, self.n_layers))
        try:
            history = self._fit_starts({"X": X, "y": y}, tol=_with_floor(tol, y, loss, rtol), **run)
        finally:  # even when interrupted: params never stay in standard units
            self.set_params(units.to_user(self.params, self.n_layers))
        if loss == "mse":
            history.losses = [factor * value for value in history.losses]
        return history

    def _fit_starts(
        self,
        feeds: dict[str, np.ndarray],
        *,
        loss: str,
        optimizer: str,
        lr: float | None,
        steps: int,
        batch_size: int | None,
        clip: float | None,
        restarts: int,
        tol: float | None,
        seed: int,
        progress: bool | None,
        bounds: Mapping[str, tuple[float, float]] | None,
    ) -> History:
        """Train from the current parameters, then from ``restarts - 1`` new random starts
        (seeds ``seed + 1, ...``); keep the best. ``feeds`` are checked already."""
        best: tuple[float, np.ndarray, History] | None = None
        for i in range(restarts):
            if i > 0:
                self.initialize(seed + i)
            if optimizer == "lm":
                history = self._fit_lm(feeds, steps, tol, progress)
            else:
                history = train(
                    self.loss_graph(loss),
                    feeds,
                    optimizer=optimizer,
                    lr=lr,
                    steps=steps,
                    batch_size=batch_size,
                    clip=clip,
                    tol=tol,
                    seed=seed + i,
                    progress=progress,
                    bounds=bounds,
                )
            history.seed = seed + i
            if restarts == 1:
                return history
            score = history.final
            if best is None or score < best[0]:
                best = (score, self.theta, history)
        assert best is not None
        self.theta = best[1]
        return best[2]

    def _fit_lm(
        self, feeds: dict[str, np.ndarray], steps: int, tol: float | None, progress: bool | None
    ) -> History:
        """Levenberg-Marquardt on the residuals ``f(x_i) - y_i``, Jacobian by backprop."""
        return fit_least_squares(
            self._jacobian, feeds["X"], feeds["y"], steps=steps, tol=tol, progress=progress
        )
