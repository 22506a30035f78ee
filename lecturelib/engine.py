"""The computation-graph engine as the slides draw it: nodes, a forward pass, a backward pass.

Open this file first. It is the whole algorithm of the slides "Functions as nodes in a
graph" to "The backpropagation algorithm", and nothing else:

- every component is a **node**: a function with some ``inputs`` (other nodes) and one
  output ``value`` (a numpy array; a scalar is a 0-d array);
- :func:`topological_order` lists the nodes so that every node comes after its inputs;
- the **forward pass** (:meth:`Graph.forward`) computes every ``value`` in that order;
- the **backward pass** (:meth:`Graph.backward`) sets every ``grad`` to 0 and the
  objective's to 1, then visits the nodes in *reverse* order. When a node is visited, each
  of its children has already added its partial derivative into the node's ``grad``
  (``grad +=``: the sum over all children of slide "Multiple children"), so the node
  multiplies by its **local derivative** and adds the result into its inputs' ``grad``.

Each op is a small class whose ``forward`` and ``backward`` stand side by side::

    class Tanh(Node):
        def forward(self):
            self.value = np.tanh(self.inputs[0].value)

        def backward(self):                      # d tanh(a) / da = 1 - tanh(a)^2
            self.inputs[0].grad += self.grad * (1.0 - self.value * self.value)

A node class of your own needs only these two methods. Build graphs with ordinary Python
operators (``+ - * / @ **``)::

    x, y = Input("x"), Input("y")
    w, b = Param("w", np.zeros(3)), Param("b", 0.0)
    J = (y - (x @ w + b)) ** 2
    g = Graph(J)
    g.forward(x=np.array([1.0, 2.0, 3.0]), y=2.0)   # the objective's value
    g.backward()                                    # {"w": ..., "b": ...}

The engine refuses to compute a wrong number silently: fed data is checked for NaN, inf
and complex numbers on every forward pass, a length-n vector never meets a column of shape
(n, 1), and a backward pass after another graph's forward pass on shared nodes raises.
:mod:`lecturelib.autodiff` adds the fast path used for training (fused nodes, skipped
partials, seeded backward passes) on top of this module.
"""

from __future__ import annotations

import itertools
from numbers import Integral
from typing import Any

import numpy as np

_ids = itertools.count()
_passes = itertools.count()  # numbers each forward pass (see Graph.backward's check)


# --------------------------------------------------------------------------------------
# Helpers: checked arrays, the gradient of broadcasting, and two stable functions
# --------------------------------------------------------------------------------------
def as_array(value: Any, what: str) -> np.ndarray:
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


def sum_to(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the gradient of numpy broadcasting.

    A bias of shape ``(m,)`` added to a batch of shape ``(n, m)`` was copied to all ``n``
    rows; each copy contributes to the loss, so its gradient is the sum over the rows.
    """
    if grad.shape == shape:
        return grad
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))  # the leading axes numpy added
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=stretched, keepdims=True) if stretched else grad


def logistic(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, without overflow for any finite z."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0, e) / (1.0 + e)  # 1/(1+e) for z >= 0, e/(1+e) below


def _check_elementwise(node: Node) -> None:
    """Refuse to combine a length-n vector with a column of shape (m, 1).

    numpy would broadcast ``(n,)`` against ``(m, 1)`` into an ``(m, n)`` matrix: a residual
    ``y - f`` with ``y`` a vector and ``f`` a column silently becomes every ``y_i - f_j``, and
    the mean of its square is a wrong number with no error. A vector against a row
    ``(1, n)`` is allowed (a batch of one example plus a bias). An outer product stays
    possible by writing both shapes out: ``(n, 1)`` with ``(1, m)``.
    """
    a, b = node.inputs
    va, vb = a.value, b.value
    if va.ndim + vb.ndim != 3 or va.ndim == 0 or vb.ndim == 0:
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


# --------------------------------------------------------------------------------------
# Nodes
# --------------------------------------------------------------------------------------
class Node:
    """A function in the computation graph: some input nodes, one output ``value``.

    A subclass defines two methods:

    - ``forward()``: compute ``self.value`` from the inputs' ``value``;
    - ``backward()``: ``self.grad`` holds dJ/d(this node's output), already summed over
      all children; add ``self.grad`` times the local derivative into each input's
      ``grad`` (``inp.grad += ...``).

    Attributes: ``name`` (the label in tables and drawings), ``inputs`` (the input nodes,
    in a fixed order), ``value`` (set by the forward pass) and ``grad`` (dJ/d(value), set
    by the backward pass, the shape of ``value``). ``op`` names the kind of node.
    """

    value: np.ndarray | None = None  # until a forward pass sets it
    grad: np.ndarray | None = None  # until a backward pass sets it

    @property
    def op(self) -> str:
        """The kind of operation: the class name in lower case (``add``, ``tanh``, ...)."""
        return type(self).__name__.lower()

    def __init__(self, *inputs: Any, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a string, got {name!r}")
        self.inputs: tuple[Node, ...] = tuple(
            i if isinstance(i, Node) else Constant(i) for i in inputs
        )
        self.name = name if name is not None else f"{self.op}{next(_ids)}"
        self._stamp = -1  # which forward pass computed the value (see Graph.backward)

    def forward(self) -> None:  # pragma: no cover - every op overrides it
        raise NotImplementedError(f"{type(self).__name__} needs a forward() method")

    def backward(self) -> None:  # pragma: no cover - every op overrides it
        raise NotImplementedError(f"{type(self).__name__} needs a backward() method")

    def __repr__(self) -> str:
        shape = None if self.value is None else self.value.shape
        return f"<{type(self).__name__} {self.name!r} shape={shape}>"

    __array_ufunc__ = None  # so ``array + node`` builds a node instead of an object array


class Leaf(Node):
    """A node without inputs: nothing to compute, nothing to pass back."""

    def forward(self) -> None:
        pass

    def backward(self) -> None:
        pass


class Input(Leaf):
    """Training data (``x``, ``y``): a leaf whose value :meth:`Graph.forward` sets by name."""

    def __init__(self, name: str) -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"an Input needs a name usable as a keyword argument, got {name!r}")
        super().__init__(name=name)


class Constant(Leaf):
    """A fixed number or array that appears in an expression (``2 * x``, ``lam``)."""

    def __init__(self, value: Any, name: str | None = None) -> None:
        array = as_array(value, "a constant")
        if name is None:
            name = f"{float(array):g}" if array.ndim == 0 else f"const{array.shape}"
        super().__init__(name=name)
        self.value = array


class Param(Leaf):
    """A parameter (``w``, ``b``, ``theta``): a leaf whose ``value`` an optimiser changes.

    Assigning ``value`` checks it (finite, real, the same shape) and keeps a copy of the
    caller's array. After :meth:`Graph.backward`, ``grad`` holds dJ/d(value).
    """

    def __init__(self, name: str, value: Any) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a Param needs a non-empty name, got {name!r}")
        super().__init__(name=name)
        self.value = value

    @property
    def value(self) -> np.ndarray:
        return self._value

    @value.setter
    def value(self, new: Any) -> None:
        array = as_array(new, f"the value of Param {self.name!r}")
        old = getattr(self, "_value", None)
        if old is not None and array.shape != old.shape:
            raise ValueError(
                f"Param {self.name!r} has shape {old.shape}; cannot assign a value of shape "
                f"{array.shape}"
            )
        # Keep our own copy, so later changes to the caller's array do not leak in.
        self._value = array.copy() if (array is new and array is not old) else array

    def assign(self, array: np.ndarray) -> None:
        """Set the value to ``array`` itself, unchecked and uncopied (for optimisers).

        The caller promises a float64 array of this Param's shape; it may be a view into a
        larger buffer, so that one copy sets all parameters. Finite values are the
        caller's to check (the training loops stop on a non-finite objective).
        """
        self._value = array


# --------------------------------------------------------------------------------------
# Operations: forward and local derivative side by side
# --------------------------------------------------------------------------------------
class Add(Node):
    """``a + b`` (numpy broadcasting). Local derivatives: 1 and 1."""

    def forward(self) -> None:
        _check_elementwise(self)
        self.value = self.inputs[0].value + self.inputs[1].value

    def backward(self) -> None:
        a, b = self.inputs
        a.grad += sum_to(self.grad, a.value.shape)
        b.grad += sum_to(self.grad, b.value.shape)


class Sub(Node):
    """``a - b``. Local derivatives: 1 and -1 (slide: ``r = y - y_hat``, dr/dy_hat = -1)."""

    def forward(self) -> None:
        _check_elementwise(self)
        self.value = self.inputs[0].value - self.inputs[1].value

    def backward(self) -> None:
        a, b = self.inputs
        a.grad += sum_to(self.grad, a.value.shape)
        b.grad += sum_to(-self.grad, b.value.shape)


class Mul(Node):
    """``a * b`` elementwise. Local derivatives: ``b`` and ``a``."""

    def forward(self) -> None:
        _check_elementwise(self)
        self.value = self.inputs[0].value * self.inputs[1].value

    def backward(self) -> None:
        a, b = self.inputs
        a.grad += sum_to(self.grad * b.value, a.value.shape)
        b.grad += sum_to(self.grad * a.value, b.value.shape)


class Div(Node):
    """``a / b`` elementwise. Local derivatives: ``1/b`` and ``-a/b**2``."""

    def forward(self) -> None:
        _check_elementwise(self)
        a, b = self.inputs
        if not np.all(b.value):
            raise ValueError(f"node {self.name!r}: division by zero ({b.name!r} has a zero)")
        self.value = a.value / b.value

    def backward(self) -> None:
        a, b = self.inputs
        a.grad += sum_to(self.grad / b.value, a.value.shape)
        b.grad += sum_to(-self.grad * self.value / b.value, b.value.shape)


class Neg(Node):
    """``-a``. Local derivative: -1."""

    def forward(self) -> None:
        self.value = -self.inputs[0].value

    def backward(self) -> None:
        self.inputs[0].grad += -self.grad


class Pow(Node):
    """``a ** k`` for an integer constant ``k``. Local derivative: ``k a**(k-1)``."""

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
        self.value = a ** float(self.exponent)

    def backward(self) -> None:
        a, k = self.inputs[0], self.exponent
        if k != 0:  # a ** 0 = 1 is constant: its derivative is 0, also at a = 0
            a.grad += self.grad * (k * a.value ** float(k - 1))


class Exp(Node):
    """``exp(a)``. Local derivative: ``exp(a)`` (the output itself)."""

    def forward(self) -> None:
        a = self.inputs[0].value
        if a.size and a.max() > 709.0:
            raise ValueError(
                f"node {self.name!r}: exp overflows for inputs above 709 (largest is "
                f"{a.max():.4g}); use softmax or cross_entropy, which are stable"
            )
        self.value = np.exp(a)

    def backward(self) -> None:
        self.inputs[0].grad += self.grad * self.value


class Log(Node):
    """``log(a)`` for positive ``a``. Local derivative: ``1/a``."""

    def forward(self) -> None:
        a = self.inputs[0]
        if not np.all(a.value > 0):
            raise ValueError(
                f"node {self.name!r}: log needs positive inputs, but {a.name!r} "
                f"has minimum {a.value.min():.4g}"
            )
        self.value = np.log(a.value)

    def backward(self) -> None:
        a = self.inputs[0]
        a.grad += self.grad / a.value


class Tanh(Node):
    """``tanh(a)`` (slide: "The hyperbolic tangent"). Local derivative: ``1 - tanh(a)^2``."""

    def forward(self) -> None:
        self.value = np.tanh(self.inputs[0].value)

    def backward(self) -> None:
        t = self.value
        self.inputs[0].grad += self.grad * (1.0 - t * t)


class Sigmoid(Node):
    """The logistic function ``1/(1+exp(-a))``. Local derivative: ``s (1 - s)``.

    Computed through ``exp(-|a|)`` (:func:`logistic`): ``a = +-1000`` gives 1 and 0.
    """

    def forward(self) -> None:
        self.value = logistic(self.inputs[0].value)

    def backward(self) -> None:
        s = self.value
        self.inputs[0].grad += self.grad * s * (1.0 - s)


class ReLU(Node):
    """``max(0, a)`` (slide: "rectified linear"). Local derivative: 1 where ``a > 0``, else 0."""

    def forward(self) -> None:
        self.value = np.maximum(self.inputs[0].value, 0.0)

    def backward(self) -> None:
        a = self.inputs[0]
        a.grad += self.grad * (a.value > 0)


class Step(Node):
    """The threshold unit's step: 1 where ``a >= 0``, else 0 (slides "Perceptrons").

    Its derivative is 0 wherever it exists: no gradient flows through a step, which is why
    the slides replace it by a sigmoid for training ("sign function? Non-differentiable").
    """

    def forward(self) -> None:
        self.value = (self.inputs[0].value >= 0).astype(np.float64)

    def backward(self) -> None:
        pass  # adds 0 to the input's grad


class MatMul(Node):
    """``a @ b`` (numpy ``matmul``: vectors, matrices and stacks of matrices).

    Local derivatives: ``dJ/da = dJ/dout @ b^T`` and ``dJ/db = a^T @ dJ/dout``. A vector
    on the left is a row ``(1, k)``, on the right a column ``(k, 1)``: the products are
    computed with those shapes and summed back to the operands' own.
    """

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
        A = a.value if a.value.ndim > 1 else a.value[None, :]  # a row
        B = b.value if b.value.ndim > 1 else b.value[:, None]  # a column
        g = self.grad if b.value.ndim > 1 else self.grad[..., None]  # as the product A @ B
        g = g if a.value.ndim > 1 else np.expand_dims(g, -2)
        a.grad += sum_to(g @ np.swapaxes(B, -1, -2), A.shape).reshape(a.value.shape)
        b.grad += sum_to(np.swapaxes(A, -1, -2) @ g, B.shape).reshape(b.value.shape)


# Operator overloading: graphs built with ordinary Python expressions (x @ w + b, r ** 2)
for _name, _op in {"add": Add, "sub": Sub, "mul": Mul, "truediv": Div, "matmul": MatMul}.items():
    setattr(Node, f"__{_name}__", lambda self, other, op=_op: op(self, other))
    setattr(Node, f"__r{_name}__", lambda self, other, op=_op: op(other, self))  # 2 - x
Node.__neg__ = lambda self: Neg(self)
Node.__pow__ = lambda self, exponent: Pow(self, exponent)


# --------------------------------------------------------------------------------------
# The graph: topological order, forward pass, backward pass
# --------------------------------------------------------------------------------------
def topological_order(objective: Node) -> list[Node]:
    """Every ancestor of ``objective`` (itself included), each after all its inputs.

    Depth-first search with an explicit stack (no recursion limit: a 10,000-node chain is
    fine). Inputs are visited in their fixed order, so the order is deterministic.
    """
    if not isinstance(objective, Node):
        raise TypeError(f"the objective must be a Node, got {type(objective).__name__}")
    order: list[Node] = []
    seen = {id(objective)}
    stack = [(objective, iter(objective.inputs))]
    while stack:
        node, pending = stack[-1]
        for child in pending:
            if id(child) not in seen:  # nodes are immutable, so the graph has no cycle
                seen.add(id(child))
                stack.append((child, iter(child.inputs)))
                break
        else:  # every input is placed: place the node
            stack.pop()
            order.append(node)
    return order


class Graph:
    """A computation graph ending in one ``objective`` node (``J`` on the slides).

    Attributes: ``nodes`` (every node in topological order, the objective last), and
    ``inputs``, ``params`` (dicts name -> node of the :class:`Input` and :class:`Param`
    leaves).

    Values live on the nodes. Two graphs that share nodes overwrite each other's values, so
    call :meth:`backward` right after the :meth:`forward` of the same graph: if another
    graph's forward pass came in between, :meth:`backward` raises instead of returning a
    wrong gradient.
    """

    def __init__(self, objective: Node) -> None:
        self.objective = objective
        self.nodes: list[Node] = topological_order(objective)
        self.inputs = {n.name: n for n in self.nodes if isinstance(n, Input)}
        self.params = {n.name: n for n in self.nodes if isinstance(n, Param)}
        names = [n.name for n in self.nodes if isinstance(n, (Input, Param))]
        if len(set(names)) < len(names):
            twice = next(name for name in names if names.count(name) > 1)
            raise ValueError(
                f"two leaves of the graph are both named {twice!r}; "
                "give every Input and Param its own name"
            )
        self._computing = [n for n in self.nodes if n.inputs]
        self._stamped = [*self.inputs.values(), *self._computing]  # what forward() sets
        self._stamp = -1  # no forward pass yet

    def __repr__(self) -> str:
        return (
            f"Graph(objective={self.objective.name!r}, {len(self.nodes)} nodes, "
            f"inputs={list(self.inputs)}, params={list(self.params)})"
        )

    def forward(self, **feeds: Any) -> float | np.ndarray:
        """Forward pass: set each Input from ``feeds``, compute every node in topological order.

        Returns the objective's value (a float when it is a scalar). Every fed array is
        checked (real, finite), every time: a NaN written into an array fed before is caught.
        """
        if feeds.keys() != self.inputs.keys():
            self._explain_feeds(feeds)
        for name, node in self.inputs.items():
            node.value = as_array(feeds[name], f"the value fed to Input {name!r}")
        self._start_pass()
        for node in self._computing:
            self._compute(node)
        value = self.objective.value
        return float(value) if value.ndim == 0 else value

    def backward(self) -> dict[str, np.ndarray]:
        """Backward pass: fill every node's ``grad`` with dJ/d(node); return the params' grads.

        Every ``grad`` starts at 0 and the objective's at dJ/dJ = 1. Visiting the nodes in
        reverse topological order, each node's ``grad`` already holds the sum of the
        partials its children added (``+=``); its ``backward()`` then multiplies by the
        local derivative and adds the result into its inputs' ``grad``.
        """
        self._check_backward()
        if self.objective.value.size != 1:
            raise ValueError(
                f"backward() needs a scalar objective, but {self.objective.name!r} has shape "
                f"{self.objective.value.shape}; reduce it first (e.g. with mean or sum)"
            )
        for node in self.nodes:
            node.grad = np.zeros_like(node.value)
        self.objective.grad = np.ones_like(self.objective.value)  # dJ/dJ = 1
        for node in reversed(self.nodes):
            node.backward()  # node.grad is complete: pass it on to the inputs
        return {name: p.grad for name, p in self.params.items()}

    def table(self) -> list[dict[str, Any]]:
        """One row per node in topological order: order, name, kind, value, grad.

        The rows of the slides' tables of forward values and backward partials.
        """
        rows = [
            {"name": n.name, "kind": kind(n), "value": n.value, "grad": n.grad} for n in self.nodes
        ]
        return [{"order": i, **row} for i, row in enumerate(rows)]

    # The checks behind forward and backward ------------------------------------------
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

    def _start_pass(self) -> None:
        """Number this forward pass and stamp the nodes it sets; clear the old gradients."""
        stamp = self._stamp = next(_passes)
        for node in self.nodes:
            node.grad = None
        for node in self._stamped:
            node._stamp = stamp

    @staticmethod
    def _compute(node: Node) -> None:
        """``node.forward()``, with an error that names the node and its inputs' shapes."""
        try:
            node.forward()
            if type(node.value) is not np.ndarray:  # numpy turns 0-d results into scalars
                node.value = np.asarray(node.value, dtype=np.float64)
        except (ValueError, TypeError) as error:
            if f"node {node.name!r}" in str(error):
                raise
            shapes = ", ".join(f"{i.name!r} {i.value.shape}" for i in node.inputs)
            raise ValueError(
                f"node {node.name!r} ({node.op}) cannot combine its inputs {shapes}: {error}"
            ) from None

    def _check_backward(self) -> None:
        """Refuse a backward pass without a forward pass, or after another graph's one."""
        if self._stamp < 0:
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


def kind(node: Node) -> str:
    """What a node is, in the slides' words: training data, parameter, constant, or its op."""
    names = {Input: "training data", Param: "parameter", Constant: "constant"}
    return names.get(type(node), node.op)
