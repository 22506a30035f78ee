"""Partial derivatives as sensitivities, and the chain rule as a sum over paths.

Slides "Functions as nodes in a graph", "Partial derivatives of an affine function",
"Partial derivatives in general" and "Composing multiple functions":

- the **affine node** ``b = g(a) = M a + c`` has ``b_i = sum_k M_ik a_k + c_i``; if
  ``a_j <- a_j + delta`` then ``b_i <- b_i + M_ij delta`` *exactly* (:func:`perturb`);
- for a **non-linear** node such as ``b = tanh(M a + c)`` the change is only approximately
  ``(db_i/da_j) delta``, and the approximation breaks down as ``delta`` grows
  (:func:`linearization_breakdown`);
- for a **composition** ``c = f(g(a))`` the chain rule
  ``dc_i/da_j = sum_k (dc_i/db_k)(db_k/da_j)`` is the sum, over all paths from ``a_j`` to
  ``c_i`` in the graph of scalar variables, of the product of the edge derivatives along
  the path (:func:`enumerate_paths`, :func:`chain_rule_by_paths`); the whole table of them is
  the Jacobian product ``J_f(b) J_g(a)`` (:func:`jacobian_product`).

Three independent ways to get each partial are offered and compared: the slides' formula
(``M_ij``), backpropagation on the :mod:`lecturelib.autodiff` engine
(:func:`backprop_jacobian`) and central differences (:func:`numerical_jacobian`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import networkx as nx
import numpy as np

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Param

__all__ = [
    "KINDS",
    "Composition",
    "PathTerm",
    "PathsState",
    "PerturbationState",
    "backprop_jacobian",
    "chain_rule_by_paths",
    "composition_example",
    "enumerate_paths",
    "jacobian_product",
    "linearization_breakdown",
    "node_jacobian",
    "node_output",
    "numerical_jacobian",
    "paths_state",
    "perturb",
    "perturbation_state",
    "scalar_graph",
]

#: The two nodes compared in notebook 08: the slides' affine node and a non-linear one.
KINDS = {"affine": "b = M a + c", "tanh": "b = tanh(M a + c)"}

#: The example affine node of notebook 08 (n = 2 outputs, p = 3 inputs).
M_EXAMPLE = np.array([[1.0, -2.0, 0.5], [0.5, 1.5, -1.0]])
C_EXAMPLE = np.array([0.5, -0.5])
A_EXAMPLE = np.array([0.4, 0.1, -0.3])


# --------------------------------------------------------------------------------------
# Checking arguments
# --------------------------------------------------------------------------------------
def _kind(kind: Any) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, KINDS))}, got {kind!r}")
    return kind


def _index(value: Any, size: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{what} must be a whole number, got {value!r}")
    if not 0 <= value < size:
        raise ValueError(f"{what} must be between 0 and {size - 1}, got {value}")
    return int(value)


def _finite(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(value):
        raise ValueError(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _vector(value: Any, what: str) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 1 or not np.isfinite(array).all():
        raise ValueError(f"{what} must be a finite vector, got shape {array.shape}")
    return array


# --------------------------------------------------------------------------------------
# One node: the affine map and a non-linear one
# --------------------------------------------------------------------------------------
def node_output(kind: str, a: Any, M: Any = M_EXAMPLE, c: Any = C_EXAMPLE) -> np.ndarray:
    """``b = M a + c`` (``kind="affine"``) or ``b = tanh(M a + c)`` (``kind="tanh"``).

    Slide "Partial derivatives of an affine function": ``b_i = sum_k M_ik a_k + c_i``.
    """
    z = np.asarray(M, dtype=float) @ _vector(a, "a") + np.asarray(c, dtype=float)
    return z if _kind(kind) == "affine" else np.tanh(z)


def node_jacobian(kind: str, a: Any, M: Any = M_EXAMPLE, c: Any = C_EXAMPLE) -> np.ndarray:
    """The Jacobian ``db_i/da_j`` by hand: ``M`` for the affine node, ``diag(1 - b^2) M`` for tanh.

    For the affine node it does not depend on ``a``: the slides' ``db_i/da_j = M_ij``.
    """
    M = np.asarray(M, dtype=float)
    if _kind(kind) == "affine":
        return M.copy()
    b = node_output("tanh", a, M, c)
    return (1.0 - b * b)[:, None] * M


def backprop_jacobian(kind: str, a: Any, M: Any = M_EXAMPLE, c: Any = C_EXAMPLE) -> np.ndarray:
    """The Jacobian computed by the engine: one backward pass per output ``b_i``.

    The node is built with :func:`lecturelib.autodiff.affine` (and ``tanh``); ``a`` is a
    :class:`~lecturelib.autodiff.Param`, so after a backward pass from the objective
    ``b_i`` (picked out as ``sum(b * e_i)``) its ``grad`` is row ``i`` of the Jacobian.
    """
    a_param = Param("a", _vector(a, "a"))
    z = ad.affine(a_param, np.asarray(M, dtype=float), np.asarray(c, dtype=float), name="z")
    b = z if _kind(kind) == "affine" else ad.tanh(z, name="b")
    rows = []
    n = np.asarray(M).shape[0]
    for i in range(n):
        pick = np.zeros(n)
        pick[i] = 1.0
        graph = Graph(ad.sum(b * pick, name=f"b{i + 1}"))
        graph.forward()
        rows.append(graph.backward()["a"].copy())
    return np.array(rows)


def numerical_jacobian(f: Any, a: Any, eps: float = 1e-6) -> np.ndarray:
    """Central differences ``(f(a + eps e_j) - f(a - eps e_j)) / (2 eps)``, column by column."""
    a = _vector(a, "a")
    eps = _finite(eps, "eps")
    if eps <= 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    columns = []
    for j in range(a.size):
        step = np.zeros_like(a)
        step[j] = eps
        columns.append((np.asarray(f(a + step)) - np.asarray(f(a - step))) / (2 * eps))
    return np.array(columns).T


def perturb(kind: str, a: Any, j: int, delta: float, M: Any = M_EXAMPLE, c: Any = C_EXAMPLE):
    """``a_j <- a_j + delta``: the actual change of every ``b_i`` and the linear prediction.

    Returns ``(actual, predicted)``, two vectors of length ``n``: ``b(a + delta e_j) - b(a)``
    and ``(db/da_j) delta``. For the affine node they agree up to rounding: ``M_ij delta``.
    """
    a = _vector(a, "a")
    j = _index(j, a.size, "j")
    delta = _finite(delta, "delta")
    moved = a.copy()
    moved[j] += delta
    actual = node_output(kind, moved, M, c) - node_output(kind, a, M, c)
    predicted = node_jacobian(kind, a, M, c)[:, j] * delta
    return actual, predicted


@dataclass
class PerturbationState:
    """What the perturbation explorer shows for one setting of ``(kind, i, j, delta)``."""

    kind: str
    i: int
    j: int
    delta: float
    b: np.ndarray  # the outputs before the change
    b_new: np.ndarray  # the outputs after a_j <- a_j + delta
    actual: np.ndarray  # b_new - b
    predicted: np.ndarray  # (db/da_j) delta
    partial: float  # db_i/da_j by hand (M_ij for the affine node)
    partial_backprop: float  # the same by backprop
    partial_numeric: float  # the same by central differences
    deltas: np.ndarray  # a grid of perturbations for the curve
    curve: np.ndarray  # b_i(a_j + delta) over the grid
    error: float  # |actual_i - predicted_i|
    relative_error: float  # error / |actual_i| (0 when both are 0)


def perturbation_state(
    kind: str = "affine", i: int = 0, j: int = 1, delta: float = 0.5, a: Any = A_EXAMPLE
) -> PerturbationState:
    """The pure update behind notebook 08's perturbation explorer.

    Moves ``a_j`` by ``delta`` through the affine (or tanh) node of :data:`M_EXAMPLE` and
    compares the change of ``b_i`` with ``(db_i/da_j) delta`` (slide: ``b_i <- b_i + M_ij
    delta``), where the partial comes from the formula, backprop and central differences.
    """
    kind = _kind(kind)
    a = _vector(a, "a")
    i = _index(i, M_EXAMPLE.shape[0], "i")
    j = _index(j, a.size, "j")
    delta = _finite(delta, "delta")
    actual, predicted = perturb(kind, a, j, delta)
    b = node_output(kind, a)
    jac_bp = backprop_jacobian(kind, a)
    jac_num = numerical_jacobian(lambda v: node_output(kind, v), a)
    deltas = np.linspace(-3.0, 3.0, 121)
    moved = np.repeat(a[None, :], deltas.size, axis=0)
    moved[:, j] += deltas
    z = moved @ M_EXAMPLE.T + C_EXAMPLE
    curve = (z if kind == "affine" else np.tanh(z))[:, i]
    error = float(abs(actual[i] - predicted[i]))
    scale = max(abs(actual[i]), abs(predicted[i]))
    return PerturbationState(
        kind=kind,
        i=i,
        j=j,
        delta=delta,
        b=b,
        b_new=b + actual,
        actual=actual,
        predicted=predicted,
        partial=float(node_jacobian(kind, a)[i, j]),
        partial_backprop=float(jac_bp[i, j]),
        partial_numeric=float(jac_num[i, j]),
        deltas=deltas,
        curve=curve,
        error=error,
        relative_error=error / scale if scale > 0 else 0.0,
    )


def linearization_breakdown(
    kind: str,
    i: int = 0,
    j: int = 1,
    tol: float = 0.1,
    a: Any = A_EXAMPLE,
    deltas: Any = None,
    *,
    direction: int = 1,
) -> float:
    """The first ``delta`` at which ``b_i ~ b_i + (db_i/da_j) delta`` is off by more than ``tol``.

    "Off" is the relative error ``|actual - predicted| / max(|actual|, |predicted|)``.
    ``delta`` moves away from 0 in ``direction`` (``+1``: ``a_j`` up, ``-1``: down; the two
    sides of a non-linear node differ). The sizes ``|delta|`` in ``deltas`` (default: 600
    points in (0, 3]) are scanned in increasing order; the first one past the tolerance is
    then refined by bisection against the previous one, so the crossing is found to 1e-12.
    Returns the signed ``delta``, or ``direction * inf`` when the approximation holds on
    the whole grid (always, for the affine node: there the linear prediction is exact).
    """
    if not 0 < _finite(tol, "tol") < 1:
        raise ValueError(f"tol must be between 0 and 1, got {tol!r}")
    if isinstance(direction, bool) or direction not in (1, -1):
        raise ValueError(f"direction must be 1 or -1, got {direction!r}")
    kind = _kind(kind)
    a = _vector(a, "a")
    i = _index(i, M_EXAMPLE.shape[0], "i")
    j = _index(j, a.size, "j")

    def off(size: float) -> bool:
        actual, predicted = perturb(kind, a, j, direction * size)
        scale = max(abs(actual[i]), abs(predicted[i]))
        return bool(scale > 0 and abs(actual[i] - predicted[i]) / scale > tol)

    grid = np.linspace(0.005, 3.0, 600) if deltas is None else np.asarray(deltas, dtype=float)
    below = 0.0
    for size in sorted({float(abs(d)) for d in grid.ravel()}):
        if not off(size):
            below = size
            continue
        above = size
        while above - below > 1e-12:
            middle = 0.5 * (below + above)
            if off(middle):
                above = middle
            else:
                below = middle
        return direction * above
    return direction * float("inf")


# --------------------------------------------------------------------------------------
# Composition c = f(g(a)) and the chain rule as a sum over paths
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Composition:
    """``b = g(a) = M a + c0`` (affine, R^p -> R^n), then ``c = f(b) = tanh(N b + d)`` (R^n -> R^m).

    The slides' "Composing multiple functions" with ``p = 2``, ``n = 3``, ``m = 2`` in the
    example: small enough to enumerate every path, big enough that each ``c_i`` depends on
    each ``a_j`` through several paths (one per ``b_k``).
    """

    M: np.ndarray
    c0: np.ndarray
    N: np.ndarray
    d: np.ndarray
    a: np.ndarray

    def g(self, a: Any) -> np.ndarray:
        """The inner function ``b = M a + c0``."""
        return self.M @ np.asarray(a, dtype=float) + self.c0

    def f(self, b: Any) -> np.ndarray:
        """The outer function ``c = tanh(N b + d)``."""
        return np.tanh(self.N @ np.asarray(b, dtype=float) + self.d)

    def __call__(self, a: Any) -> np.ndarray:
        return self.f(self.g(a))

    @property
    def sizes(self) -> tuple[int, int, int]:
        """``(p, n, m)``: the sizes of ``a``, ``b`` and ``c``."""
        return self.M.shape[1], self.M.shape[0], self.N.shape[0]

    def jacobian_g(self) -> np.ndarray:
        """``db_k/da_j = M_kj``."""
        return self.M.copy()

    def jacobian_f(self) -> np.ndarray:
        """``dc_i/db_k = (1 - c_i^2) N_ik`` at ``b = g(a)``."""
        c = self(self.a)
        return (1.0 - c * c)[:, None] * self.N


def composition_example() -> Composition:
    """The small composition of notebook 08: a in R^2 -> b in R^3 -> c in R^2."""
    return Composition(
        M=np.array([[1.0, -0.5], [0.5, 1.0], [-0.5, 0.5]]),
        c0=np.array([0.0, 0.5, -0.5]),
        N=np.array([[0.8, -0.4, 0.6], [-0.3, 0.9, 0.5]]),
        d=np.array([0.1, -0.2]),
        a=np.array([0.5, -1.0]),
    )


def _var(layer: str, k: int) -> str:
    return f"{layer}{k + 1}"


def scalar_graph(comp: Composition) -> nx.DiGraph:
    """The graph of scalar variables ``a_j -> b_k -> c_i``; each edge carries its derivative.

    Node names are ``"a1", "a2", "b1", ...`` (1-based, as on the slides); node attribute
    ``layer`` is 0, 1, 2; edge attribute ``derivative`` is the local partial ``d head / d
    tail`` at the example's point: ``M_kj`` on ``a_j -> b_k``, ``(1 - c_i^2) N_ik`` on
    ``b_k -> c_i``.
    """
    p, n, m = comp.sizes
    G = nx.DiGraph()
    for layer, (name, size) in enumerate((("a", p), ("b", n), ("c", m))):
        for k in range(size):
            G.add_node(_var(name, k), layer=layer)
    Jg, Jf = comp.jacobian_g(), comp.jacobian_f()
    for k in range(n):
        for j in range(p):
            G.add_edge(_var("a", j), _var("b", k), derivative=float(Jg[k, j]))
    for i in range(m):
        for k in range(n):
            G.add_edge(_var("b", k), _var("c", i), derivative=float(Jf[i, k]))
    return G


@dataclass(frozen=True)
class PathTerm:
    """One path from a source to a target: its nodes, the edge derivatives and their product."""

    nodes: tuple[str, ...]
    factors: tuple[float, ...]
    product: float

    @property
    def label(self) -> str:
        """``"a1 -> b2 -> c1"``."""
        return " -> ".join(self.nodes)


def enumerate_paths(G: nx.DiGraph, source: str, target: str) -> list[PathTerm]:
    """Every path from ``source`` to ``target`` with the product of its edge derivatives.

    Slide "Composing multiple functions": "the change contributed by each path is the
    product of changes on each edge along the path". Works on any DAG whose edges carry a
    ``derivative`` attribute; the order is deterministic (networkx's, from insertion order).
    """
    for name, what in ((source, "source"), (target, "target")):
        if name not in G:
            raise ValueError(f"{what} {name!r} is not a node of the graph; nodes: {list(G)}")
    terms = []
    for path in nx.all_simple_paths(G, source, target):
        factors = tuple(G.edges[u, v]["derivative"] for u, v in itertools.pairwise(path))
        terms.append(PathTerm(tuple(path), factors, float(np.prod(factors))))
    return terms


def chain_rule_by_paths(G: nx.DiGraph, sources: list[str], targets: list[str]) -> np.ndarray:
    """The matrix ``d target_i / d source_j`` as sums over paths of products along each path."""
    return np.array(
        [[sum(t.product for t in enumerate_paths(G, s, tg)) for s in sources] for tg in targets]
    )


def jacobian_product(comp: Composition) -> np.ndarray:
    """``J_f(b) J_g(a)``: the slides' ``dc_i/da_j = sum_k (dc_i/db_k)(db_k/da_j)``, all at once."""
    return comp.jacobian_f() @ comp.jacobian_g()


@dataclass
class PathsState:
    """What the paths explorer shows: all paths from ``a_j`` to ``c_i`` and their sum."""

    i: int
    j: int
    terms: list[PathTerm]
    total: float  # the sum over paths
    jacobian_entry: float  # (J_f J_g)_ij
    numeric: float  # central differences of c_i(a) in a_j
    highlighted_edges: list[tuple[str, str]]


def paths_state(i: int = 0, j: int = 0, comp: Composition | None = None) -> PathsState:
    """The pure update behind notebook 08's paths explorer: pick ``c_i`` and ``a_j``."""
    comp = comp or composition_example()
    p, _, m = comp.sizes
    i = _index(i, m, "i")
    j = _index(j, p, "j")
    G = scalar_graph(comp)
    terms = enumerate_paths(G, _var("a", j), _var("c", i))
    edges = sorted({(u, v) for t in terms for u, v in zip(t.nodes, t.nodes[1:], strict=False)})
    numeric = numerical_jacobian(comp, comp.a)[i, j]
    return PathsState(
        i=i,
        j=j,
        terms=terms,
        total=float(sum(t.product for t in terms)),
        jacobian_entry=float(jacobian_product(comp)[i, j]),
        numeric=float(numeric),
        highlighted_edges=edges,
    )
