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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Node, Param
from lecturelib.optim import History, train

__all__ = ["ACTIVATIONS", "MLP"]

#: The activation functions an MLP can use, by name (``"logistic"`` is ``"sigmoid"``).
ACTIVATIONS: dict[str, Callable[..., Node] | None] = {
    "tanh": ad.tanh,
    "sigmoid": ad.sigmoid,
    "logistic": ad.sigmoid,
    "relu": ad.relu,
    "linear": None,
}

LOSSES = ("mse", "cross_entropy")


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

    def __init__(self, sizes: Sequence[int], activation: str = "tanh", seed: int = 0) -> None:
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
        self.seed = seed
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
        for j in range(1, self.n_layers + 1):
            a = ad.affine(layer, self._params[f"W{j}"], self._params[f"b{j}"], name=f"a{j}")
            if j == self.n_layers:
                layer = a
            else:
                layer = a if sigma is None else sigma(a, name=f"h{j}")
                self._hidden.append(layer)
        self._output = layer
        self._output.name = "f"
        self._predict_graph = Graph(self._output, data_grads=False)
        self._loss_graphs: dict[str, Graph] = {}

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
        a 3-unit network starts with units that differ.
        """
        rng = np.random.default_rng(seed)
        for j in range(1, len(self.sizes)):
            fan_in = self.sizes[j - 1]
            W = self._params[f"W{j}"]
            b = self._params[f"b{j}"]
            W.value = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=W.value.shape)
            b.value = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=b.value.shape)

    def __repr__(self) -> str:
        return f"MLP({self.sizes}, activation={self.activation!r}, {self.n_params} parameters)"

    # --------------------------------------------------------------------------------
    # Forward computations
    # --------------------------------------------------------------------------------
    def _check_X(self, X: Any) -> np.ndarray:
        X = ad._as_array(X, "X")
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
        e = np.exp(scores - scores.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def classify(self, X: Any) -> np.ndarray:
        """The most probable class of each row (the largest score)."""
        scores = self.predict(X)
        return np.argmax(scores[:, None] if scores.ndim == 1 else scores, axis=1)

    def hidden(self, X: Any) -> list[np.ndarray]:
        """Each hidden layer's outputs ``h^(j)(x)``, shapes ``(n, m_j)``: the learned features."""
        self._predict_graph.forward(X=self._check_X(X))
        return [h.value.copy() for h in self._hidden]

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
        y = ad._as_array(y, "y")
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
        optimizer: str = "lbfgs",
        lr: float | None = None,
        steps: int | None = None,
        batch_size: int | None = None,
        clip: float | None = None,
        restarts: int = 1,
        tol: float | None = None,
        seed: int | None = None,
        progress: bool | None = None,
        bounds: Mapping[str, tuple[float, float]] | None = None,
    ) -> History:
        """Fit the parameters to ``(X, y)`` by minimising the objective; return the history.

        The default, full-batch L-BFGS, fits the slides' small networks to high accuracy in
        milliseconds; ``"gd"``, ``"sgd"``, ``"momentum"`` and ``"adam"`` take ``lr`` and
        ``clip``. With ``restarts=k`` the network is trained from ``k`` random
        initialisations (seeds ``seed, seed+1, ...``) and keeps the best ("rerun with a
        different initialization"); the first run starts from the current parameters.
        ``bounds={"W1": (-10, 10), ...}`` keeps parameters in a box (L-BFGS only).
        """
        graph = self.loss_graph(loss)
        feeds = self._feeds(X, y, loss)
        if (
            isinstance(restarts, bool)
            or not isinstance(restarts, (int, np.integer))
            or restarts < 1
        ):
            raise ValueError(f"restarts must be a whole number >= 1, got {restarts!r}")
        if steps is None:
            steps = 500 if optimizer == "lbfgs" else 3000
        base = self.seed if seed is None else seed
        best: tuple[float, np.ndarray, History] | None = None
        for i in range(restarts):
            if i > 0:
                self.initialize(base + i)
            history = train(
                graph,
                feeds,
                optimizer=optimizer,
                lr=lr,
                steps=steps,
                batch_size=batch_size,
                clip=clip,
                tol=tol,
                seed=base + i,
                progress=progress,
                bounds=bounds,
            )
            history.seed = base + i
            score = history.final
            if best is None or score < best[0]:
                best = (score, self.theta, history)
        assert best is not None
        self.theta = best[1]
        return best[2]
