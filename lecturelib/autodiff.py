"""A computation-graph engine: nodes, a forward pass and a backward pass (backpropagation).

This is the engine the lecture describes (slides "Functions as nodes in a graph" to
"Multiple children"):

- every component is a **node**: a function with some *inputs* (other nodes) and one output;
  node values are numpy arrays (a scalar is a 0-d array), so one node computes a whole
  vector or matrix at once;
- a :class:`Graph` orders the nodes by **topological sort** (every node after its inputs);
- the **forward pass** computes every node's ``value`` in that order and caches it;
- the **backward pass** visits the nodes in *reverse* topological order. By the time a node
  is visited, each of its children has already added its partial derivative into the
  node's ``grad`` (``grad += ...``): the sum over all children of slide "Multiple
  children". The node then multiplies by its **local derivative** and hands the result to
  its own inputs.

Each operation is a small class whose ``forward`` and ``backward`` stand side by side, so the
local derivative of every op can be read next to the function it differentiates::

    x, y = Input("x"), Input("y")
    w, b = Param("w", np.zeros(3)), Param("b", 0.0)
    y_hat = x @ w + b
    r = y - y_hat
    loss = r ** 2
    g = Graph(loss)
    g.forward(x=np.array([1.0, 2.0, 3.0]), y=2.0)   # the objective's value
    grads = g.backward()                            # {"w": ..., "b": ...}
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from numbers import Integral, Real
from typing import Any

import numpy as np

__all__ = [
    "Constant",
    "Graph",
    "Input",
    "Node",
    "Param",
    "affine",
    "cross_entropy",
    "exp",
    "l2_penalty",
    "log",
    "mean",
    "mse",
    "relu",
    "sigmoid",
    "softmax",
    "square",
    "step",
    "sum",
    "tanh",
]

_ids = itertools.count()
_passes = itertools.count()  # numbers each forward pass, to detect values overwritten since
_ONE = np.ones(())  # dJ/dJ, the seed of every backward pass
_ONE.flags.writeable = False


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def _as_array(value: Any, what: str) -> np.ndarray:
    """``value`` as a finite float64 array, or a ``TypeError``/``ValueError`` naming ``what``."""
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        array = value
    else:
        if np.iscomplexobj(value):
            raise TypeError(
                f"{what} is complex; this engine computes with real numbers only. Pass the "
                "real part (.real) if the imaginary part is meant to be zero"
            )
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"{what} must be a number or an array of numbers, got {value!r}")
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise TypeError(
                f"{what} must be a number or an array of numbers, got {type(value).__name__}"
                f" ({error})"
            ) from None
    if not np.isfinite(array).all():
        raise ValueError(f"{what} contains NaN or inf; clean the data before feeding it")
    return array


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the gradient of numpy broadcasting.

    A bias of shape ``(m,)`` added to a batch of shape ``(n, m)`` was copied to all ``n``
    rows; each copy contributes to the loss, so its gradient is the sum over the rows.
    """
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad


def _check_elementwise(node: Node) -> None:
    """Refuse to combine a length-n vector with a column of shape (m, 1).

    numpy would broadcast ``(n,)`` against ``(m, 1)`` into an ``(m, n)`` matrix: a residual
    ``y - f`` with ``y`` a vector and ``f`` a column silently becomes every ``y_i - f_j``, and
    the mean of its square is a wrong number with no error. A vector against a row
    ``(1, n)`` is allowed: the result is that row (a batch of one example plus a bias). An
    outer product stays possible by writing both shapes out: ``(n, 1)`` with ``(1, m)``.
    """
    a, b = node.inputs
    va, vb = a.value, b.value
    if {va.ndim, vb.ndim} != {1, 2}:
        return
    (vec, v), (col, m) = ((a, va), (b, vb)) if va.ndim == 1 else ((b, vb), (a, va))
    if v.shape[0] > 1 and m.shape[1] == 1 and m.shape[0] > 1:
        raise ValueError(
            f"node {node.name!r} ({node.op}): {vec.name!r} is a vector of shape {v.shape} and "
            f"{col.name!r} is a column of shape {m.shape}; numpy would broadcast them to shape "
            f"{(m.shape[0], v.shape[0])}, which is almost never meant. Give both the same "
            f"shape: {col.name!r}.reshape(-1) (a vector), or {vec.name!r}[:, None] (a column). "
            "For an outer product, write both shapes out: (n, 1) with (1, m)"
        )


def _wrap(value: Any) -> Node:
    """Turn a Python number or array used in an expression into a :class:`Constant` node."""
    if isinstance(value, Node):
        return value
    return Constant(value)


# --------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------
class Node:
    """A function in the computation graph: some input nodes, one output ``value``.

    Subclasses define

    - ``forward()``: compute ``self.value`` from the inputs' values;
    - ``backward()``: given ``self.grad`` (the partial derivative of the objective with
      respect to this node's output, already summed over all children), add this node's
      contribution to each input's ``grad`` via :meth:`_pass_back`.

    Attributes
    ----------
    name:
        The label used in tables and drawings (``"y_hat"``, ``"r"``, ``"J"``, ...).
    inputs:
        The input nodes, in a fixed order (results are bit-for-bit deterministic).
    value:
        The output cached by the last forward pass (``None`` before it).
    grad:
        ``dJ/d(value)`` from the last backward pass (``None`` before it), same shape as value.
    """

    op: str = "node"
    __slots__ = ("_id", "_stamp", "grad", "inputs", "name", "needs_grad", "value")

    def __init__(self, *inputs: Any, name: str | None = None) -> None:
        self._setup(inputs, name)
        self.value: np.ndarray | None = None

    def _setup(self, inputs: tuple[Any, ...], name: str | None) -> None:
        self._id = next(_ids)
        self.inputs: tuple[Node, ...] = tuple(_wrap(i) for i in inputs)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {name!r}")
        self.name = name if name is not None else f"{self.op}{self._id}"
        self.grad: np.ndarray | None = None
        self.needs_grad = True  # set by Graph: False where no gradient is wanted
        self._stamp = -1  # which forward pass computed the value (see Graph.backward)

    # The two halves of every node --------------------------------------------------
    def forward(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def backward(self) -> None:  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    @staticmethod
    def _pass_back(node: Node, partial: np.ndarray) -> None:
        """``node.grad += partial``, summed over broadcasting (slide "Multiple children").

        Ignored for a node that needs no gradient (training data, when the graph was built
        with ``data_grads=False``); ops skip computing such partials when they are costly.
        """
        if not node.needs_grad:
            return
        shape = node.value.shape
        if partial.shape != shape:
            partial = _unbroadcast(partial, shape)
        if type(partial) is not np.ndarray:  # numpy turns 0-d results into scalars
            partial = np.asarray(partial, dtype=np.float64)
        node.grad = partial if node.grad is None else node.grad + partial

    # Display --------------------------------------------------------------------------
    def __repr__(self) -> str:
        shape = None if self.value is None else self.value.shape
        return f"<{type(self).__name__} {self.name!r} shape={shape}>"

    # Operator overloading: building graphs with ordinary Python expressions ------------
    def __add__(self, other: Any) -> Node:
        return Add(self, other)

    def __radd__(self, other: Any) -> Node:
        return Add(other, self)

    def __sub__(self, other: Any) -> Node:
        return Sub(self, other)

    def __rsub__(self, other: Any) -> Node:
        return Sub(other, self)

    def __mul__(self, other: Any) -> Node:
        return Mul(self, other)

    def __rmul__(self, other: Any) -> Node:
        return Mul(other, self)

    def __truediv__(self, other: Any) -> Node:
        return Div(self, other)

    def __rtruediv__(self, other: Any) -> Node:
        return Div(other, self)

    def __matmul__(self, other: Any) -> Node:
        return MatMul(self, other)

    def __rmatmul__(self, other: Any) -> Node:
        return MatMul(other, self)

    def __neg__(self) -> Node:
        return Neg(self)

    def __pow__(self, exponent: Any) -> Node:
        return Pow(self, exponent)

    __array_ufunc__ = None  # so ``array + node`` builds a node instead of an object array


class Input(Node):
    """Training data: a leaf whose value is *fed* to :meth:`Graph.forward` by its name.

    The slides draw these as "Training example" (``x``, ``y``).
    """

    op = "input"
    __slots__ = ()

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"an Input needs a name usable as a keyword argument, got {name!r}")
        super().__init__(name=name)

    def forward(self) -> None:
        pass  # the value was set by Graph.forward from the feeds

    def backward(self) -> None:
        pass


class Constant(Node):
    """A fixed number or array that appears in an expression (``2 * x``, ``lam``)."""

    op = "const"
    __slots__ = ()

    def __init__(self, value: Any, name: str | None = None) -> None:
        array = _as_array(value, "a constant")
        if name is None:
            name = f"{float(array):g}" if array.ndim == 0 else f"const{array.shape}"
        super().__init__(name=name)
        self.value = array

    def forward(self) -> None:
        pass

    def backward(self) -> None:
        pass


class Param(Node):
    """A parameter: a leaf whose ``value`` the optimiser (or a student) changes.

    The slides mark these as "Parameters" (``w``, ``b``, ``theta``). After
    :meth:`Graph.backward`, ``grad`` holds the partial derivative of the objective.
    """

    op = "param"
    __slots__ = ("_value",)

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a Param needs a non-empty name, got {name!r}")
        self._setup((), name)
        self._value: np.ndarray | None = None
        self.value = value

    @property
    def value(self) -> np.ndarray:
        return self._value

    @value.setter
    def value(self, new: Any) -> None:
        array = _as_array(new, f"the value of Param {self.name!r}")
        old = self._value
        if old is not None and array.shape != old.shape:
            raise ValueError(
                f"Param {self.name!r} has shape {old.shape}; cannot assign a value of shape "
                f"{array.shape}"
            )
        # Keep our own copy, so later changes to the caller's array do not leak in.
        self._value = array.copy() if (array is new and array is not old) else array

    def forward(self) -> None:
        pass

    def backward(self) -> None:
        pass


# --------------------------------------------------------------------------------------
# Operations: forward and local derivative side by side
# --------------------------------------------------------------------------------------
class Add(Node):
    """``a + b`` (numpy broadcasting). Local derivatives: 1 and 1."""

    op = "add"
    __slots__ = ()

    def forward(self) -> None:
        a, b = self.inputs
        _check_elementwise(self)
        self.value = a.value + b.value

    def backward(self) -> None:
        a, b = self.inputs
        self._pass_back(a, self.grad)
        self._pass_back(b, self.grad)


class Sub(Node):
    """``a - b``. Local derivatives: 1 and -1 (slide: ``r = y - y_hat``, dr/dy_hat = -1)."""

    op = "sub"
    __slots__ = ()

    def forward(self) -> None:
        a, b = self.inputs
        _check_elementwise(self)
        self.value = a.value - b.value

    def backward(self) -> None:
        a, b = self.inputs
        self._pass_back(a, self.grad)
        if b.needs_grad:
            self._pass_back(b, -self.grad)


class Mul(Node):
    """``a * b`` elementwise. Local derivatives: ``b`` and ``a``."""

    op = "mul"
    __slots__ = ()

    def forward(self) -> None:
        a, b = self.inputs
        _check_elementwise(self)
        self.value = a.value * b.value

    def backward(self) -> None:
        a, b = self.inputs
        if a.needs_grad:
            self._pass_back(a, self.grad * b.value)
        if b.needs_grad:
            self._pass_back(b, self.grad * a.value)


class Div(Node):
    """``a / b`` elementwise. Local derivatives: ``1/b`` and ``-a/b**2``."""

    op = "div"
    __slots__ = ()

    def forward(self) -> None:
        a, b = self.inputs
        _check_elementwise(self)
        if not np.all(b.value):
            raise ValueError(f"node {self.name!r}: division by zero ({b.name!r} has a zero)")
        self.value = a.value / b.value

    def backward(self) -> None:
        a, b = self.inputs
        if a.needs_grad:
            self._pass_back(a, self.grad / b.value)
        if b.needs_grad:
            self._pass_back(b, -self.grad * self.value / b.value)


class Neg(Node):
    """``-a``. Local derivative: -1."""

    op = "neg"
    __slots__ = ()

    def forward(self) -> None:
        self.value = -self.inputs[0].value

    def backward(self) -> None:
        self._pass_back(self.inputs[0], -self.grad)


class Pow(Node):
    """``a ** k`` for an integer constant ``k``. Local derivative: ``k a**(k-1)``."""

    op = "pow"
    __slots__ = ("exponent",)

    def __init__(self, a: Any, exponent: Any, name: str | None = None) -> None:
        if isinstance(exponent, bool) or not isinstance(exponent, Integral):
            raise TypeError(
                f"** takes an integer constant exponent (like r ** 2), got {exponent!r}; "
                "use exp/log or a product of nodes for anything else"
            )
        self.exponent = int(exponent)
        super().__init__(a, name=name)

    def forward(self) -> None:
        a = self.inputs[0].value
        if self.exponent < 0 and not np.all(a):
            raise ValueError(f"node {self.name!r}: 0 raised to a negative power")
        self.value = a**2 if self.exponent == 2 else a ** float(self.exponent)

    def backward(self) -> None:
        a = self.inputs[0].value
        k = self.exponent
        if k == 0:  # a ** 0 = 1 is constant: its derivative is 0, also at a = 0
            local = np.zeros_like(a)
        else:
            local = 2.0 * a if k == 2 else k * a ** float(k - 1)
        self._pass_back(self.inputs[0], self.grad * local)


class MatMul(Node):
    """``a @ b`` (numpy ``matmul``: vectors, matrices and stacks of matrices).

    Local derivatives: ``dJ/da = dJ/dout @ b^T`` and ``dJ/db = a^T @ dJ/dout``; a 1-d
    operand is treated as a row (left) or column (right) vector and squeezed back.
    """

    op = "matmul"
    __slots__ = ()

    def forward(self) -> None:
        a, b = self.inputs
        if a.value.ndim == 0 or b.value.ndim == 0:
            raise ValueError(
                f"node {self.name!r}: @ needs arrays, but {a.name!r} has shape "
                f"{a.value.shape} and {b.name!r} has shape {b.value.shape}; use * for scalars"
            )
        self.value = a.value @ b.value

    def backward(self) -> None:
        a, b = self.inputs
        av, bv, g = a.value, b.value, self.grad
        if av.ndim == 2 and bv.ndim == 2:  # the common case, kept fast
            if a.needs_grad:
                self._pass_back(a, g @ bv.T)
            if b.needs_grad:
                self._pass_back(b, av.T @ g)
            return
        if av.ndim == 1 and bv.ndim == 1:  # inner product
            self._pass_back(a, g * bv)
            self._pass_back(b, g * av)
            return
        if av.ndim == 2 and bv.ndim == 1:  # matrix times vector: (n, k) @ (k,) -> (n,)
            self._pass_back(a, np.outer(g, bv))
            self._pass_back(b, av.T @ g)
            return
        # General case: promote 1-d operands, use batched matmul, then squeeze back.
        a2 = av[None, :] if av.ndim == 1 else av
        b2 = bv[:, None] if bv.ndim == 1 else bv
        g2 = g
        if av.ndim == 1:
            g2 = g2[..., None, :]
        if bv.ndim == 1:
            g2 = g2[..., None]
        ga = g2 @ np.swapaxes(b2, -1, -2)
        gb = np.swapaxes(a2, -1, -2) @ g2
        if av.ndim == 1:
            ga = _unbroadcast(ga, a2.shape)[0]
        if bv.ndim == 1:
            gb = _unbroadcast(gb, b2.shape)[:, 0]
        self._pass_back(a, ga)
        self._pass_back(b, gb)


class Affine(Node):
    """The slides' affine node ``g(x) = M x + c``, applied to each row of a batch.

    For a batch ``X`` of shape ``(n, p)``, ``M`` of shape ``(m, p)`` and ``c`` of shape
    ``(m,)``, the output is ``X M^T + c`` of shape ``(n, m)``; a single example ``x`` of shape
    ``(p,)`` gives ``M x + c`` of shape ``(m,)``. Local derivatives (slide "If a_j <- a_j +
    delta, b_i <- b_i + M_ij delta"): ``dJ/dx = dJ/db M``, ``dJ/dM = (dJ/db)^T x``,
    ``dJ/dc = sum over the batch of dJ/db``.
    """

    op = "affine"
    __slots__ = ("_ones",)

    def forward(self) -> None:
        x, M, c = self.inputs
        xv, Mv = x.value, M.value
        if Mv.ndim != 2 or not 1 <= xv.ndim <= 2 or xv.shape[-1] != Mv.shape[1]:
            raise ValueError(
                f"node {self.name!r}: affine needs x of shape (n, p) or (p,) and M of shape "
                f"(m, p), but {x.name!r} has shape {xv.shape} and {M.name!r} has shape "
                f"{Mv.shape}"
            )
        # np.dot rather than @: the same BLAS product with less per-call overhead, which
        # is most of the cost for the slides' small networks.
        self.value = np.dot(xv, Mv.T) + c.value

    def backward(self) -> None:
        x, M, c = self.inputs
        g = self.grad
        if x.needs_grad:
            self._pass_back(x, np.dot(g, M.value))
        if M.needs_grad:
            self._pass_back(M, np.outer(g, x.value) if g.ndim == 1 else np.dot(g.T, x.value))
        if c.needs_grad:
            # A bias of shape (m,) was added to every row: its partial is the column sum,
            # computed as (1, ..., 1) g (a BLAS product: faster than g.sum(axis=0)).
            if g.ndim == 2 and c.value.ndim == 1:
                ones = getattr(self, "_ones", None)
                if ones is None or ones.shape[0] != g.shape[0]:
                    ones = self._ones = np.ones(g.shape[0])
                self._pass_back(c, np.dot(ones, g))
            else:
                self._pass_back(c, g)


class Sum(Node):
    """``sum(a)`` over ``axis`` (all by default). Local derivative: 1 for every entry."""

    op = "sum"
    __slots__ = ("axis",)

    def __init__(self, a: Any, axis: int | None = None, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        self.value = np.sum(self.inputs[0].value, axis=self.axis)

    def backward(self) -> None:
        a = self.inputs[0]
        g = self.grad if self.axis is None else np.expand_dims(self.grad, self.axis)
        self._pass_back(a, np.broadcast_to(g, a.value.shape))


class Mean(Node):
    """``mean(a)`` over ``axis`` (all by default). Local derivative: ``1/count``."""

    op = "mean"
    __slots__ = ("axis",)

    def __init__(self, a: Any, axis: int | None = None, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        a = self.inputs[0].value
        if a.size == 0:
            raise ValueError(f"node {self.name!r}: the mean of an empty array is undefined")
        self.value = a.sum() / a.size if self.axis is None else np.mean(a, axis=self.axis)

    def backward(self) -> None:
        a = self.inputs[0]
        shape = a.value.shape
        if self.axis is None:
            self._pass_back(a, np.full(shape, float(self.grad) / a.value.size))
        else:
            g = np.expand_dims(self.grad, self.axis) / shape[self.axis]
            self._pass_back(a, np.broadcast_to(g, shape))


class Square(Node):
    """``a ** 2`` elementwise (slide: ``l = r^2``). Local derivative: ``2a``."""

    op = "square"
    __slots__ = ()

    def forward(self) -> None:
        a = self.inputs[0].value
        self.value = a * a

    def backward(self) -> None:
        a = self.inputs[0]
        self._pass_back(a, (2.0 * a.value) * self.grad)


class Exp(Node):
    """``exp(a)``. Local derivative: ``exp(a)`` (the output itself)."""

    op = "exp"
    __slots__ = ()

    def forward(self) -> None:
        a = self.inputs[0].value
        if a.size and a.max() > 709.0:
            raise ValueError(
                f"node {self.name!r}: exp overflows for inputs above 709 (largest is "
                f"{a.max():.4g}); use softmax or cross_entropy, which are stable"
            )
        self.value = np.exp(a)

    def backward(self) -> None:
        self._pass_back(self.inputs[0], self.grad * self.value)


class Log(Node):
    """``log(a)`` for positive ``a``. Local derivative: ``1/a``."""

    op = "log"
    __slots__ = ()

    def forward(self) -> None:
        a = self.inputs[0].value
        if not np.all(a > 0):
            raise ValueError(
                f"node {self.name!r}: log needs positive inputs, but {self.inputs[0].name!r} "
                f"has minimum {a.min():.4g}"
            )
        self.value = np.log(a)

    def backward(self) -> None:
        self._pass_back(self.inputs[0], self.grad / self.inputs[0].value)


class Tanh(Node):
    """``tanh(a)`` (slide: "The hyperbolic tangent"). Local derivative: ``1 - tanh(a)^2``."""

    op = "tanh"
    __slots__ = ()

    def forward(self) -> None:
        self.value = np.tanh(self.inputs[0].value)

    def backward(self) -> None:
        t = self.value
        self._pass_back(self.inputs[0], self.grad * (1.0 - t * t))


def _logistic(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, without overflow for any finite z."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


class Sigmoid(Node):
    """The logistic function ``1/(1+exp(-a))``. Local derivative: ``s (1 - s)``.

    Computed through ``exp(-|a|)``, so ``a = +-1000`` gives 1 and 0 without overflow.
    """

    op = "sigmoid"
    __slots__ = ()

    def forward(self) -> None:
        self.value = _logistic(self.inputs[0].value)

    def backward(self) -> None:
        s = self.value
        self._pass_back(self.inputs[0], self.grad * s * (1.0 - s))


class ReLU(Node):
    """``max(0, a)`` (slide: "rectified linear"). Local derivative: 1 where ``a > 0``, else 0."""

    op = "relu"
    __slots__ = ()

    def forward(self) -> None:
        self.value = np.maximum(self.inputs[0].value, 0.0)

    def backward(self) -> None:
        self._pass_back(self.inputs[0], self.grad * (self.inputs[0].value > 0))


class Step(Node):
    """The threshold unit's step: 1 where ``a >= 0``, else 0 (slides "Perceptrons").

    Its derivative is 0 wherever it exists: no gradient flows through a step, which is why
    the slides replace it by a sigmoid for training ("sign function? Non-differentiable").
    """

    op = "step"
    __slots__ = ()

    def forward(self) -> None:
        self.value = (self.inputs[0].value >= 0).astype(np.float64)

    def backward(self) -> None:
        self._pass_back(self.inputs[0], np.zeros_like(self.inputs[0].value))


class Softmax(Node):
    """``softmax(s)_i = exp(s_i) / sum_j exp(s_j)`` along ``axis`` (slide "softmax function").

    Stable: the largest score is subtracted first. Local derivative (a Jacobian-vector
    product): ``dJ/ds = p * (dJ/dp - sum(dJ/dp * p))``.
    """

    op = "softmax"
    __slots__ = ("axis",)

    def __init__(self, a: Any, axis: int = -1, name: str | None = None) -> None:
        self.axis = axis
        super().__init__(a, name=name)

    def forward(self) -> None:
        s = self.inputs[0].value
        if s.ndim == 0:
            raise ValueError(f"node {self.name!r}: softmax needs a vector of scores, got a scalar")
        e = np.exp(s - s.max(axis=self.axis, keepdims=True))
        self.value = e / e.sum(axis=self.axis, keepdims=True)

    def backward(self) -> None:
        p, g = self.value, self.grad
        self._pass_back(self.inputs[0], p * (g - (g * p).sum(axis=self.axis, keepdims=True)))


class CrossEntropy(Node):
    """Mean negative log-likelihood of integer labels under ``softmax(logits)``.

    ``logits`` has shape ``(n, k)`` (or ``(k,)`` for one example) and ``labels`` holds class
    indices ``0..k-1``. This is minus the slides' log-likelihood
    ``sum_i log Softmax(f(x_i))_{y_i}``, divided by ``n``. Computed with log-sum-exp, so
    large scores never overflow. Local derivative: ``(softmax(logits) - onehot(y)) / n``;
    the labels get none (they are data).
    """

    op = "cross_entropy"
    __slots__ = ("_labels", "_probs", "_rows")

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
        log_z = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        log_p = shifted - log_z
        self._probs = np.exp(log_p)
        self.value = np.asarray(-log_p[self._rows, self._labels].mean())

    def backward(self) -> None:
        logits, labels = self.inputs
        n = self._rows.shape[0]
        local = self._probs.copy()
        local[self._rows, self._labels] -= 1.0
        local *= self.grad / n
        self._pass_back(logits, local.reshape(logits.value.shape))
        self._pass_back(labels, np.zeros_like(labels.value))


class MeanSquaredError(Node):
    """``J = (1/n) sum_i (y_i - f_i)^2`` over all entries (slide "Finding the best hypothesis").

    One node for the residual, its square and the mean (the slides' ``r``, ``l`` and the
    average over the training set), so a training loop pays for one node, not three.
    Local derivatives: ``dJ/df = -2 (y - f) / n`` and ``dJ/dy = 2 (y - f) / n``.
    """

    op = "mse"
    __slots__ = ("_r",)

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
        if f.needs_grad:
            self._pass_back(f, self._r * -scale)
        if y.needs_grad:
            self._pass_back(y, self._r * scale)


class L2Penalty(Node):
    """The regularisation node ``R = lambda w^T w`` (slide "Example: Ridge Regression").

    Local derivative: ``dR/dw = 2 lambda w``.
    """

    op = "l2_penalty"
    __slots__ = ("lam",)

    def __init__(self, w: Any, lam: float, name: str | None = None) -> None:
        if isinstance(lam, bool) or not isinstance(lam, Real) or not np.isfinite(lam) or lam < 0:
            raise ValueError(f"l2_penalty: lam must be a finite number >= 0, got {lam!r}")
        self.lam = float(lam)
        super().__init__(w, name=name)

    def forward(self) -> None:
        w = self.inputs[0].value
        self.value = np.asarray(self.lam * np.sum(w * w))

    def backward(self) -> None:
        w = self.inputs[0].value
        self._pass_back(self.inputs[0], (2.0 * self.lam * self.grad) * w)


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
# The graph: topological order, forward pass, backward pass
# --------------------------------------------------------------------------------------
def topological_order(objective: Node) -> list[Node]:
    """Every ancestor of ``objective`` (itself included), each after all its inputs.

    Iterative depth-first search (no recursion limit: a 10,000-node chain is fine). Inputs
    are visited in their fixed order, so the order is deterministic.
    """
    if not isinstance(objective, Node):
        raise TypeError(f"the objective must be a Node, got {type(objective).__name__}")
    order: list[Node] = []
    done: set[int] = set()
    on_path: set[int] = set()
    stack: list[tuple[Node, Iterable[Node]]] = [(objective, iter(objective.inputs))]
    on_path.add(id(objective))
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) in done:
                continue
            if id(child) in on_path:  # pragma: no cover - nodes are immutable, so no cycles
                raise ValueError(f"the graph has a cycle through {child.name!r}")
            on_path.add(id(child))
            stack.append((child, iter(child.inputs)))
            break
        else:
            stack.pop()
            on_path.discard(id(node))
            done.add(id(node))
            order.append(node)
    return order


class Graph:
    """A computation graph ending in one ``objective`` node.

    The topological order is computed once, here. :meth:`forward` evaluates every node in
    that order and caches its value; :meth:`backward` fills every node's ``grad`` with the
    partial derivative of the objective, visiting nodes in reverse order.

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
        affine nodes, from which :meth:`lecturelib.mlp.MLP.jacobian` builds the Jacobian;
        the parameters' ``grad`` stays ``None`` and :meth:`backward` returns ``{}``.

    Attributes
    ----------
    nodes:
        All nodes in topological order (the objective last).
    inputs, params:
        Dicts name -> node of the :class:`Input` and :class:`Param` leaves.

    Values live on the nodes. Two graphs that share nodes (an MLP's prediction and loss
    graphs do) overwrite each other's values, so call :meth:`backward` right after the
    :meth:`forward` of the same graph: if another graph's forward pass came in between,
    :meth:`backward` raises an error that says so instead of returning a wrong gradient.
    """

    _configured: Graph | None = None  # the graph whose needs_grad flags the nodes carry

    def __init__(self, objective: Node, data_grads: bool = True, param_grads: bool = True) -> None:
        self.objective = objective
        self.data_grads = bool(data_grads)
        self.param_grads = bool(param_grads)
        self.nodes: list[Node] = topological_order(objective)
        self.inputs: dict[str, Input] = {}
        self.params: dict[str, Param] = {}
        for node in self.nodes:
            if isinstance(node, (Input, Param)):
                if node.name in self.inputs or node.name in self.params:
                    raise ValueError(
                        f"two leaves of the graph are both named {node.name!r}; "
                        "give every Input and Param its own name"
                    )
                table = self.inputs if isinstance(node, Input) else self.params
                table[node.name] = node
        self._input_names = set(self.inputs)
        self._param_items = list(self.params.items())
        self._computing = [n for n in self.nodes if not isinstance(n, (Input, Param, Constant))]
        # The nodes whose values a forward pass sets (and another graph's may overwrite).
        self._stamped = [*self.inputs.values(), *self._computing]
        # Which nodes need a gradient: (optionally) parameters and data, and every node
        # that depends on a parameter or on wanted data.
        depends: dict[int, bool] = {}
        for node in self.nodes:
            if isinstance(node, Param):
                depends[id(node)] = True
            elif isinstance(node, (Input, Constant)):
                depends[id(node)] = self.data_grads
            else:
                depends[id(node)] = any(depends[id(i)] for i in node.inputs)
        self._needs: dict[int, bool] = {
            id(n): depends[id(n)] and (self.param_grads or not isinstance(n, Param))
            for n in self.nodes
        }
        self._reverse = [n for n in reversed(self._computing) if self._needs[id(n)]]
        self._leaves = [n for n in self.nodes if not n.inputs and self._needs[id(n)]]
        self._forward_done = False
        self._grads: dict[str, np.ndarray] | None = None
        self._stamp = -1
        self._configure()

    def _configure(self) -> None:
        """Set every node's ``needs_grad`` flag for this graph (nodes may be shared)."""
        for node in self.nodes:
            node.needs_grad = self._needs[id(node)]
        Graph._configured = self

    def __repr__(self) -> str:
        return (
            f"Graph(objective={self.objective.name!r}, {len(self.nodes)} nodes, "
            f"inputs={list(self.inputs)}, params={list(self.params)})"
        )

    def _explain_feeds(self, feeds: dict[str, Any]) -> None:
        missing = [name for name in self.inputs if name not in feeds]
        if missing:
            raise ValueError(
                f"forward() needs a value for every Input; missing: {', '.join(missing)} "
                f"(call it as forward({', '.join(f'{m}=...' for m in missing)}))"
            )
        unknown = [name for name in feeds if name not in self.inputs]
        raise ValueError(
            f"forward() got values for {', '.join(unknown)}, which are not Inputs of this "
            f"graph; its Inputs are: {', '.join(self.inputs) or 'none'}"
        )

    def forward(self, **feeds: Any) -> float | np.ndarray:
        """Forward pass: set the inputs from ``feeds``, compute every node in topological order.

        Returns the objective's value (a float when it is a scalar). Every node's ``value``
        is cached and every ``grad`` is reset.
        """
        if feeds.keys() != self._input_names:
            self._explain_feeds(feeds)
        # Every feed is checked, every time: a NaN written into an array fed before is caught.
        for name, node in self.inputs.items():
            node.value = _as_array(feeds[name], f"the value fed to Input {name!r}")
        if Graph._configured is not self:
            self._configure()
        stamp = self._stamp = next(_passes)
        for node in self.nodes:
            node.grad = None
        for node in self._stamped:
            node._stamp = stamp
        for node in self._computing:
            try:
                node.forward()
                if type(node.value) is not np.ndarray:  # keep scalars as 0-d arrays
                    node.value = np.asarray(node.value, dtype=np.float64)
            except (ValueError, TypeError) as error:
                if f"node {node.name!r}" in str(error):
                    raise
                shapes = ", ".join(f"{i.name!r} {i.value.shape}" for i in node.inputs)
                raise ValueError(
                    f"node {node.name!r} ({node.op}) cannot combine its inputs {shapes}: {error}"
                ) from None
        self._forward_done = True
        self._grads = None
        value = self.objective.value
        return float(value) if value.ndim == 0 else value

    def backward(self, seed: Any = None) -> dict[str, np.ndarray]:
        """Backward pass: fill every node's ``grad`` with dJ/d(node); return the params' grads.

        Nodes are visited in reverse topological order; each node's ``grad`` already holds
        the sum of the partials from all its children when it is visited. Calling it again
        without a new forward pass returns the same gradients (never doubled).

        ``seed`` starts the pass at a non-scalar objective: it is ``dS/d(objective)`` for
        some scalar ``S`` of the objective, and every ``grad`` becomes ``dS/d(node)``. With
        ``seed`` all ones, the grads are those of the sum of the objective's entries: for
        an MLP's outputs over a batch, the per-example deltas of the backprop algorithm.
        """
        if not self._forward_done:
            raise RuntimeError("backward() needs a forward pass first: call forward(...) before")
        stale = [n.name for n in self._stamped if n._stamp != self._stamp]
        if stale:
            raise RuntimeError(
                f"backward(): the values of {', '.join(map(repr, stale[:5]))}"
                f"{' and more' if len(stale) > 5 else ''} were overwritten by another graph's "
                "forward pass since this graph's forward() (the graphs share these nodes, e.g. "
                "an MLP's predict() between its loss graph's forward and backward). Call this "
                "graph's forward(...) again right before backward()"
            )
        objective = self.objective
        if seed is None:
            if self._grads is not None:
                return self._grads
            if objective.value.size != 1:
                raise ValueError(
                    f"backward() needs a scalar objective, but {objective.name!r} has shape "
                    f"{objective.value.shape}; reduce it first (e.g. with mean or sum) or "
                    "pass seed=dS/d(objective) of that shape"
                )
            start = np.ones(objective.value.shape) if objective.value.ndim else _ONE
        else:
            start = _as_array(seed, "backward()'s seed")
            if start.shape != objective.value.shape:
                raise ValueError(
                    f"backward(seed=...) needs a seed of the objective {objective.name!r}'s "
                    f"shape {objective.value.shape}, got shape {start.shape}"
                )
        # Start afresh: a node shared with another graph (a Param used by a data graph and by
        # a penalty graph) may still hold that graph's partials; this graph returns its own.
        for node in self.nodes:
            node.grad = None
        if Graph._configured is not self:
            self._configure()
        objective.grad = start
        for node in self._reverse:
            if node.grad is None:  # no path from the objective carries a gradient here
                node.grad = np.zeros_like(node.value)
            node.backward()
        for node in self._leaves:
            if node.grad is None:
                node.grad = np.zeros_like(node.value)
        self._grads = {name: p.grad for name, p in self._param_items if self.param_grads}
        return self._grads

    def values(self) -> dict[str, np.ndarray]:
        """The cached value of every node, by name, in topological order."""
        return {node.name: node.value for node in self.nodes}

    def table(self) -> list[dict[str, Any]]:
        """One row per node in topological order: name, kind, value and partial derivative.

        The rows of the slides' tables of forward values and backward partials.
        """
        rows = []
        for i, node in enumerate(self.nodes):
            kind = (
                "training data"
                if isinstance(node, Input)
                else "parameter"
                if isinstance(node, Param)
                else "constant"
                if isinstance(node, Constant)
                else node.op
            )
            rows.append(
                {
                    "order": i,
                    "name": node.name,
                    "kind": kind,
                    "value": node.value,
                    "grad": node.grad,
                }
            )
        return rows
