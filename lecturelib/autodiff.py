"""The engine's fast path for training, on top of the teaching core :mod:`lecturelib.engine`.

:mod:`lecturelib.engine` is the algorithm as the slides draw it; open it first. This module
is what the notebooks and :mod:`lecturelib.mlp` import (``from lecturelib.autodiff import
Input, Param, Graph, tanh, ...``): every name of the core, and what training adds to it:

- **fused nodes**: :func:`affine` (``X M^T + c``, the slides' affine node for a batch),
  :func:`mse` (residual, square and mean in one node), :func:`cross_entropy` (softmax and
  the log-likelihood in one, stable) and :func:`l2_penalty` (``lam w^T w``);
- a :class:`Graph` that **skips partials nobody needs**: ``data_grads=False`` computes no
  partial with respect to the training data, ``param_grads=False`` none with respect to
  the parameters; a backward pass visits only the nodes that lead to a wanted partial;
- a **seeded backward pass**, ``backward(seed)``, from a non-scalar objective (one backward
  pass of an MLP's outputs gives the per-example deltas the Jacobian is built from);
- **data checked once per fit**: :meth:`Graph.checked_feeds` checks the training data once
  and returns read-only copies that :meth:`Graph.forward` then trusts without scanning
  them again on every step (nothing can write a NaN into a read-only array).

The numbers are the same as the core's: the fast path computes each partial with the same
arithmetic, it only computes fewer of them, and with less bookkeeping.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np

from lecturelib.engine import (
    Add,
    Constant,
    Div,
    Exp,
    Input,
    Log,
    MatMul,
    Mul,
    Neg,
    Node,
    Param,
    Pow,
    ReLU,
    Sigmoid,
    Step,
    Sub,
    Tanh,
    as_array,
    kind,
    logistic,
    sum_to,
    topological_order,
)
from lecturelib.engine import Graph as CoreGraph

__all__ = [
    "Add",
    "Affine",
    "Constant",
    "CrossEntropy",
    "Div",
    "Exp",
    "Graph",
    "Input",
    "L2Penalty",
    "Log",
    "MatMul",
    "Mean",
    "MeanSquaredError",
    "Mul",
    "Neg",
    "Node",
    "Param",
    "Pow",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Square",
    "Step",
    "Sub",
    "Sum",
    "Tanh",
    "affine",
    "as_array",
    "cross_entropy",
    "exp",
    "kind",
    "l2_penalty",
    "log",
    "logistic",
    "mean",
    "mse",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_of",
    "square",
    "step",
    "tanh",
    "topological_order",
]  # and ``sum`` (ad.sum), left out of ``__all__`` so a star import keeps the builtin


# --------------------------------------------------------------------------------------
# Fused nodes. Each skips the partial of an input whose ``grad`` is None: the fast Graph
# leaves it None where nobody needs that partial (the training data, for instance).
# --------------------------------------------------------------------------------------
def _give(node: Node, partial: np.ndarray, fresh: bool = True) -> None:
    """``node.grad += partial``, summed over broadcasting; nothing if ``node.grad`` is None.

    The fast Graph starts every wanted ``grad`` at the float 0.0 and leaves the others
    None (see :meth:`Graph.backward`). The first partial to arrive is kept as the grad
    itself when it is ``fresh`` (an array no one else holds), and copied otherwise; later
    ones are added in place.
    """
    grad = node.grad
    if grad is None:
        return
    if partial.shape != node.value.shape:
        partial, fresh = sum_to(partial, node.value.shape), True
    if type(grad) is float:
        node.grad = partial if fresh else partial.copy()
    elif type(grad) is np.ndarray:
        grad += partial
    else:  # a numpy scalar: a 0-d partial arrived first
        node.grad = grad + partial


class Affine(Node):
    """The slides' affine node ``g(x) = M x + c``, applied to each row of a batch.

    For a batch ``X`` of shape ``(n, p)``, ``M`` of shape ``(m, p)`` and ``c`` of shape
    ``(m,)``, the output is ``X M^T + c`` of shape ``(n, m)``; a single example ``x`` of shape
    ``(p,)`` gives ``M x + c`` of shape ``(m,)``. Local derivatives (slide "If a_j <- a_j +
    delta, b_i <- b_i + M_ij delta"): ``dJ/dx = dJ/db M``, ``dJ/dM = (dJ/db)^T x``,
    ``dJ/dc = sum over the batch of dJ/db``.
    """

    _ones: np.ndarray | None = None  # (1, ..., 1) for the bias's partial, kept per batch size

    def forward(self) -> None:
        x, M, c = self.inputs
        xv, Mv = x.value, M.value
        if xv.shape[-1:] != Mv.shape[1:] or Mv.ndim != 2 or xv.ndim > 2:
            raise ValueError(
                f"node {self.name!r}: affine needs x of shape (n, p) or (p,) and M of shape "
                f"(m, p), but {x.name!r} has shape {xv.shape} and {M.name!r} has shape "
                f"{Mv.shape}"
            )
        # np.dot: the same BLAS product as @ with less per-call overhead, most of the cost
        # for the slides' small networks.
        self.value = np.dot(xv, Mv.T) + c.value

    def backward(self) -> None:
        x, M, c = self.inputs
        g = self.grad
        if x.grad is not None:
            _give(x, np.dot(g, M.value))
        if M.grad is not None:
            _give(M, np.outer(g, x.value) if g.ndim == 1 else np.dot(g.T, x.value))
        if c.grad is not None:
            if g.ndim == 2 and c.value.ndim == 1:
                # The column sums, as the product (1, ..., 1) g: faster than g.sum(axis=0).
                ones = self._ones
                if ones is None or ones.shape[0] != g.shape[0]:
                    ones = self._ones = np.ones(g.shape[0])
                _give(c, np.dot(ones, g))
            else:
                _give(c, g, fresh=False)


class MeanSquaredError(Node):
    """``J = (1/n) sum_i (y_i - f_i)^2`` over all entries (slide "Finding the best hypothesis").

    One node for the residual, its square and the mean (the slides' ``r``, ``l`` and the
    average over the training set). Local derivatives: ``dJ/df = -2 (y - f) / n`` and
    ``dJ/dy = 2 (y - f) / n``.
    """

    op = "mse"

    def forward(self) -> None:
        y, f = self.inputs
        if y.value.shape != f.value.shape:
            raise ValueError(
                f"node {self.name!r} (mse): the targets {y.name!r} have shape {y.value.shape} "
                f"but the predictions {f.name!r} have shape {f.value.shape}; they must be equal. "
                f"Reshape the targets, e.g. y.reshape({', '.join(map(str, f.value.shape))})"
                + (", or y[:, None] for a column" if f.value.ndim == 2 else "")
            )
        r = y.value - f.value
        if r.size == 0:
            raise ValueError(f"node {self.name!r}: the mean of an empty array is undefined")
        self._r = r
        self.value = np.asarray(np.vdot(r, r) / r.size)

    def backward(self) -> None:
        y, f = self.inputs
        scale = 2.0 * float(self.grad) / self._r.size
        if f.grad is not None:
            _give(f, self._r * -scale)
        if y.grad is not None:
            _give(y, self._r * scale)


class CrossEntropy(Node):
    """Mean negative log-likelihood of integer labels under ``softmax(logits)``.

    ``logits`` has shape ``(n, k)`` (or ``(k,)`` for one example) and ``labels`` holds class
    indices ``0..k-1``. This is minus the slides' log-likelihood
    ``sum_i log Softmax(f(x_i))_{y_i}``, divided by ``n``. Computed with log-sum-exp, so
    large scores never overflow. Local derivative: ``(softmax(logits) - onehot(y)) / n``;
    the labels get none (they are data).
    """

    op = "cross_entropy"

    def forward(self) -> None:
        logits, labels = self.inputs
        s, y = logits.value, labels.value
        s2 = s[None, :] if s.ndim == 1 else s
        y1 = np.atleast_1d(y)
        if s2.ndim != 2 or y1.ndim != 1 or y1.shape[0] != s2.shape[0]:
            raise ValueError(
                f"node {self.name!r}: cross_entropy needs logits of shape (n, k) and n labels, "
                f"but {logits.name!r} has shape {s.shape} and {labels.name!r} has shape {y.shape}"
            )
        k = s2.shape[1]
        if not np.all((y1 == np.round(y1)) & (y1 >= 0) & (y1 < k)):
            raise ValueError(
                f"node {self.name!r}: labels in {labels.name!r} must be integers 0..{k - 1} "
                f"(one per row of {logits.name!r}), got {np.unique(y1)[:10]}"
            )
        self._labels = y1.astype(np.intp)
        self._rows = np.arange(s2.shape[0])
        shifted = s2 - s2.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self._probs = np.exp(log_p)
        self.value = np.asarray(-log_p[self._rows, self._labels].mean())

    def backward(self) -> None:
        logits = self.inputs[0]
        if logits.grad is not None:
            local = self._probs.copy()
            local[self._rows, self._labels] -= 1.0
            local *= self.grad / self._rows.shape[0]
            _give(logits, local.reshape(logits.value.shape))
        # the labels' partial is 0


class L2Penalty(Node):
    """The regularisation node ``R = lambda w^T w`` (slide "Example: Ridge Regression").

    Local derivative: ``dR/dw = 2 lambda w``.
    """

    op = "l2_penalty"

    def __init__(self, w: Any, lam: float, name: str | None = None) -> None:
        if isinstance(lam, bool) or not isinstance(lam, Real) or not np.isfinite(lam) or lam < 0:
            raise ValueError(f"l2_penalty: lam must be a finite number >= 0, got {lam!r}")
        self.lam = float(lam)
        super().__init__(w, name=name)

    def forward(self) -> None:
        w = self.inputs[0].value
        self.value = np.asarray(self.lam * np.sum(w * w))

    def backward(self) -> None:
        w = self.inputs[0]
        if w.grad is not None:
            _give(w, (2.0 * self.lam * self.grad) * w.value)


# --------------------------------------------------------------------------------------
# Reductions, softmax, and the square (``x ** 2`` as one multiplication)
# --------------------------------------------------------------------------------------
def softmax_of(s: np.ndarray, axis: int = -1) -> np.ndarray:
    """``exp(s_i) / sum_j exp(s_j)`` along ``axis``; stable: the largest score is subtracted."""
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


class Square(Node):
    """``a ** 2`` elementwise (slide: the loss ``l = r^2``). Local derivative: ``2a``."""

    def forward(self) -> None:
        a = self.inputs[0].value
        self.value = a * a

    def backward(self) -> None:
        a = self.inputs[0]
        a.grad += (2.0 * a.value) * self.grad


class Sum(Node):
    """``sum(a)`` over ``axis`` (all by default). Local derivative: 1 for every entry."""

    def __init__(self, a: Any, axis: int | None = None, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        self.value = np.sum(self.inputs[0].value, axis=self.axis)

    def backward(self) -> None:
        a = self.inputs[0]
        g = self.grad if self.axis is None else np.expand_dims(self.grad, self.axis)
        a.grad += np.broadcast_to(g, a.value.shape)


class Mean(Node):
    """``mean(a)`` over ``axis`` (all by default). Local derivative: ``1/count``."""

    def __init__(self, a: Any, axis: int | None = None, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        a = self.inputs[0].value
        if a.size == 0:
            raise ValueError(f"node {self.name!r}: the mean of an empty array is undefined")
        self.value = a.sum() / a.size if self.axis is None else np.mean(a, axis=self.axis)

    def backward(self) -> None:
        a, shape = self.inputs[0], self.inputs[0].value.shape
        if self.axis is None:
            a.grad += np.full(shape, float(self.grad) / a.value.size)
        else:
            a.grad += np.broadcast_to(
                np.expand_dims(self.grad, self.axis) / shape[self.axis], shape
            )


class Softmax(Node):
    """``softmax(s)_i = exp(s_i) / sum_j exp(s_j)`` along ``axis`` (slide "softmax function").

    Local derivative (a Jacobian-vector product): ``dJ/ds = p * (dJ/dp - sum(dJ/dp * p))``.
    """

    def __init__(self, a: Any, axis: int = -1, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        s = self.inputs[0].value
        if s.ndim == 0:
            raise ValueError(f"node {self.name!r}: softmax needs a vector of scores, got a scalar")
        self.value = softmax_of(s, self.axis)

    def backward(self) -> None:
        p, g = self.value, self.grad
        self.inputs[0].grad += p * (g - (g * p).sum(axis=self.axis, keepdims=True))


# --------------------------------------------------------------------------------------
# The core ops' local derivatives, written to skip unwanted partials and to keep the first
# partial instead of adding it to zeros. The arithmetic is the core's, so the numbers are
# bit for bit the same (tests/test_engine_contracts.py checks it).
# --------------------------------------------------------------------------------------
def _add_backward(n: Node) -> None:
    _give(n.inputs[0], n.grad, fresh=False)
    _give(n.inputs[1], n.grad, fresh=False)


def _sub_backward(n: Node) -> None:
    a, b = n.inputs
    _give(a, n.grad, fresh=False)
    if b.grad is not None:
        _give(b, -n.grad)


def _mul_backward(n: Node) -> None:
    a, b = n.inputs
    if a.grad is not None:
        _give(a, n.grad * b.value)
    if b.grad is not None:
        _give(b, n.grad * a.value)


def _matmul_backward(n: Node) -> None:
    a, b = n.inputs
    av, bv = a.value, b.value
    if av.ndim != 2 or bv.ndim != 2:
        n.backward()  # vectors and stacks: the core's general rule
        return
    if a.grad is not None:
        _give(a, n.grad @ bv.T)
    if b.grad is not None:
        _give(b, av.T @ n.grad)


def _pow_backward(n: Node) -> None:
    a, k = n.inputs[0], n.exponent
    if k != 0 and a.grad is not None:  # k a**(k-1); for k = 2, 2 a is the same number
        _give(a, n.grad * (k * a.value if k == 2 else k * a.value ** float(k - 1)))


def _mean_backward(n: Node) -> None:
    a = n.inputs[0]
    if a.grad is not None and n.axis is None:
        _give(a, np.full(a.value.shape, float(n.grad) / a.value.size))
    elif a.grad is not None:
        g = np.expand_dims(n.grad, n.axis) / a.value.shape[n.axis]
        _give(a, np.broadcast_to(g, a.value.shape), fresh=False)


def _sum_backward(n: Node) -> None:
    a = n.inputs[0]
    g = n.grad if n.axis is None else np.expand_dims(n.grad, n.axis)
    _give(a, np.broadcast_to(g, a.value.shape), fresh=False)


def _tanh_backward(n: Node) -> None:
    t = n.value
    _give(n.inputs[0], n.grad * (1.0 - t * t))


def _sigmoid_backward(n: Node) -> None:
    s = n.value
    _give(n.inputs[0], n.grad * s * (1.0 - s))


#: The fast path's backward of each core op (others run their own ``backward``).
FAST_BACKWARD = {
    Add: _add_backward,
    Sub: _sub_backward,
    Mul: _mul_backward,
    MatMul: _matmul_backward,
    Pow: _pow_backward,
    Mean: _mean_backward,
    Sum: _sum_backward,
    Tanh: _tanh_backward,
    Sigmoid: _sigmoid_backward,
}

#: Nodes whose backward skips an input whose ``grad`` is None (MatMul falls back to the
#: core's rule for vectors, which adds into both inputs).
PRUNING = (
    Affine,
    MeanSquaredError,
    CrossEntropy,
    L2Penalty,
    *(t for t in FAST_BACKWARD if t is not MatMul),
)


# --------------------------------------------------------------------------------------
# Functional spelling of the ops (what notebooks and the MLP use)
# --------------------------------------------------------------------------------------
def affine(x: Any, M: Any, c: Any, name: str | None = None) -> Node:
    """The affine node ``M x + c`` for each row ``x`` of a batch (see :class:`Affine`)."""
    return Affine(x, M, c, name=name)


def sum(a: Any, axis: int | None = None, name: str | None = None) -> Node:
    """Sum of the entries of ``a`` (along ``axis`` if given)."""
    return Sum(a, axis=axis, name=name)


def mean(a: Any, axis: int | None = None, name: str | None = None) -> Node:
    """Mean of the entries of ``a`` (along ``axis`` if given)."""
    return Mean(a, axis=axis, name=name)


def square(a: Any, name: str | None = None) -> Node:
    """Elementwise square (slide: the loss ``l = r^2``)."""
    return Square(a, name=name)


def exp(a: Any, name: str | None = None) -> Node:
    """Elementwise exponential."""
    return Exp(a, name=name)


def log(a: Any, name: str | None = None) -> Node:
    """Elementwise natural logarithm (inputs must be positive)."""
    return Log(a, name=name)


def tanh(a: Any, name: str | None = None) -> Node:
    """Hyperbolic tangent activation."""
    return Tanh(a, name=name)


def sigmoid(a: Any, name: str | None = None) -> Node:
    """Logistic activation ``1/(1+exp(-a))``, numerically stable for large ``|a|``."""
    return Sigmoid(a, name=name)


def relu(a: Any, name: str | None = None) -> Node:
    """Rectified linear activation ``max(0, a)``."""
    return ReLU(a, name=name)


def step(a: Any, name: str | None = None) -> Node:
    """Threshold ``[a >= 0]`` (forward only: its gradient is zero)."""
    return Step(a, name=name)


def softmax(a: Any, axis: int = -1, name: str | None = None) -> Node:
    """Softmax of scores along ``axis`` (stable)."""
    return Softmax(a, axis=axis, name=name)


def cross_entropy(logits: Any, labels: Any, name: str | None = None) -> Node:
    """Mean cross-entropy of integer ``labels`` under ``softmax(logits)`` (stable)."""
    return CrossEntropy(logits, labels, name=name)


def mse(y: Any, f: Any, name: str | None = None) -> Node:
    """Mean squared error ``mean((y - f)^2)`` as one node."""
    return MeanSquaredError(y, f, name=name)


def l2_penalty(w: Any, lam: float, name: str | None = None) -> Node:
    """The ridge penalty ``lam * w^T w``."""
    return L2Penalty(w, lam, name=name)


# --------------------------------------------------------------------------------------
# The graph of the fast path
# --------------------------------------------------------------------------------------
class Graph(CoreGraph):
    """The core :class:`lecturelib.engine.Graph`, with pruned and seeded backward passes.

    Parameters
    ----------
    objective:
        The node whose value is minimised (``J`` on the slides).
    data_grads:
        Also compute partials with respect to training data and constants (default). A
        training loop that needs only the parameters' gradients passes ``False``: the
        data's ``grad`` then stays ``None`` and no work is spent on it.
    param_grads:
        Also compute partials with respect to the parameters (default). ``False`` keeps
        only the partials of the computed nodes, e.g. the per-example deltas at an MLP's
        affine nodes, from which :func:`lecturelib.optim.affine_jacobian` builds the
        Jacobian; the parameters' ``grad`` stays ``None`` and :meth:`backward` returns ``{}``.

    The values and gradients are those of the core graph; ``backward`` visits only the
    nodes on a path from a wanted partial to the objective.
    """

    def __init__(self, objective: Node, data_grads: bool = True, param_grads: bool = True) -> None:
        super().__init__(objective)
        self.data_grads = bool(data_grads)
        self.param_grads = bool(param_grads)
        # A partial is wanted for the parameters (param_grads) and for the data (data_grads);
        # a computed node needs its own if a parameter or wanted data lies below it.
        leads: dict[int, bool] = {}
        for node in self.nodes:
            if node.inputs:
                leads[id(node)] = any(leads[id(i)] for i in node.inputs)
            else:
                leads[id(node)] = isinstance(node, Param) or self.data_grads
        self._reverse = [n for n in reversed(self._computing) if leads[id(n)]]
        self._steps = [(FAST_BACKWARD.get(type(n), type(n).backward), n) for n in self._reverse]
        keep = {id(n) for n in self._reverse}
        keep |= {id(n) for n in self.params.values() if self.param_grads}
        keep |= {id(n) for n in self.nodes if self.data_grads and not n.inputs}
        keep -= {id(n) for n in self.params.values() if not self.param_grads}
        receive = set(keep)
        for node in self._reverse:  # a core op adds into all its inputs, wanted or not
            if not isinstance(node, PRUNING):
                receive |= {id(i) for i in node.inputs}
        self._fill = [n for n in self.nodes if id(n) in receive]
        self._rest = [n for n in self.nodes if id(n) not in receive]
        self._unwanted = [n for n in self._fill if id(n) not in keep]
        self._trusted: dict[str, np.ndarray] = {}
        self._ones_seed: np.ndarray | None = None

    def checked_feeds(self, **feeds: Any) -> dict[str, np.ndarray]:
        """The feeds checked once (real, finite), as read-only copies :meth:`forward` trusts.

        A training loop calls this once per fit and then ``forward(**checked)`` at every
        step: :meth:`forward` recognises these arrays and does not scan them for NaN and
        inf again. Nothing can write into them (they are read-only), so the check made here
        holds for every step. Any other array fed to :meth:`forward` is checked as usual.
        """
        if feeds.keys() != self.inputs.keys():
            self._explain_feeds(feeds)
        checked = {}
        for name, value in feeds.items():
            array = as_array(value, f"the value fed to Input {name!r}").copy()
            array.flags.writeable = False
            checked[name] = array
        self._trusted = dict(checked)
        return checked

    def forward(self, **feeds: Any) -> float | np.ndarray:
        """Forward pass, as the core's (every feed checked, unless from :meth:`checked_feeds`)."""
        if feeds.keys() != self.inputs.keys():
            self._explain_feeds(feeds)
        trusted = self._trusted
        for name, node in self.inputs.items():
            value = feeds[name]
            if value is not trusted.get(name, trusted):  # (trusted itself: no array)
                value = as_array(value, f"the value fed to Input {name!r}")
            node.value = value
        self._start_pass()
        for node in self._computing:
            try:
                node.forward()
            except (ValueError, TypeError):
                self._compute(node)  # computes it again, and raises the error with the shapes
            if type(node.value) is not np.ndarray:  # numpy turns 0-d results into scalars
                node.value = np.asarray(node.value, dtype=np.float64)
        value = self.objective.value
        return float(value) if value.ndim == 0 else value

    def backward(self, seed: Any = None) -> dict[str, np.ndarray]:
        """Backward pass over the nodes that lead to a wanted partial; the params' grads.

        ``seed`` starts the pass at a non-scalar objective: it is ``dS/d(objective)`` for
        some scalar ``S`` of the objective, and every ``grad`` becomes ``dS/d(node)``. With
        ``seed`` all ones, the grads are those of the sum of the objective's entries: for
        an MLP's outputs over a batch, the per-example deltas of the backprop algorithm.
        Nodes not needed keep ``grad`` None.
        """
        self._check_backward()
        objective = self.objective
        if seed is None:
            if objective.value.size != 1:
                raise ValueError(
                    f"backward() needs a scalar objective, but {objective.name!r} has shape "
                    f"{objective.value.shape}; reduce it first (e.g. with mean or sum) or "
                    "pass seed=dS/d(objective) of that shape"
                )
            start = self._ones_seed
            if start is None or start.shape != objective.value.shape:
                start = self._ones_seed = np.ones(objective.value.shape)
                start.flags.writeable = False  # dJ/dJ = 1, shared by every pass
        else:
            start = as_array(seed, "backward()'s seed")
            if start.shape != objective.value.shape:
                raise ValueError(
                    f"backward(seed=...) needs a seed of the objective {objective.name!r}'s "
                    f"shape {objective.value.shape}, got shape {start.shape}"
                )
        for node in self._rest:
            node.grad = None
        for node in self._fill:
            node.grad = 0.0  # the first partial to arrive is kept (no zeros to fill)
        objective.grad = start
        for step, node in self._steps:
            step(node)
        for node in self._fill:
            if type(node.grad) is not np.ndarray:  # nothing, or a 0-d partial, arrived
                node.grad = np.full(node.value.shape, node.grad)
        for node in self._unwanted:
            node.grad = None
        return {name: p.grad for name, p in self.params.items()} if self.param_grads else {}
