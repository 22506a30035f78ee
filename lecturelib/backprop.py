"""The backpropagation algorithm, taken apart (notebook 11).

Slides "Backpropagation: Overview", "Forward pass", "Backward pass", "Multiple children"
and "Finding the best hypothesis":

- the nodes are put in **topological order** (every node after its inputs);
- the **forward pass** computes each node's output from its inputs' outputs and caches it;
- the **backward pass** visits the nodes in reverse order; a node with several children
  first **sums** the partials coming from all its children, then multiplies by its local
  derivative ("First sum partial derivatives from all children, then multiply");
- caching the intermediate results is **dynamic programming** ("path sharing"): this module
  counts (and times) what backprop costs against computing each partial on its own, by
  central differences (two forward passes per parameter) or by enumerating every path of
  the chain rule;
- finally the slides' 10-parameter network ``f(x) = w0 + sum_k w_k tanh(v_k x + b_k)``,
  ``theta = (b1, b2, b3, v1, v2, v3, w0, w1, w2, w3)``, fitted by backprop and gradient
  descent.

Everything runs on :mod:`lecturelib.autodiff`; this module only orchestrates and counts.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib.approximation import THETA_NAMES, bishop_data
from lecturelib.autodiff import Constant, Graph, Input, Node, Param
from lecturelib.mlp import MLP
from lecturelib.optim import History
from lecturelib.tables import fmt

__all__ = [
    "THETA_NAMES",
    "BackwardStep",
    "ForwardStep",
    "GDFit",
    "MultipleChildren",
    "OperationCount",
    "StepThroughState",
    "Timing",
    "backward_trace",
    "children_of",
    "count_operations",
    "fit_by_gradient_descent",
    "forward_trace",
    "from_mlp_order",
    "gradient_by_backprop",
    "gradient_by_finite_differences",
    "gradient_by_paths",
    "is_topological",
    "ladder_graph",
    "local_derivatives",
    "multiple_children_graph",
    "set_slide_theta",
    "slide_gradient",
    "slide_theta",
    "slides_data",
    "step_through_state",
    "time_methods",
    "to_mlp_order",
    "unit_contributions",
]


# --------------------------------------------------------------------------------------
# A small graph with a node that has several children (slide "Multiple children")
# --------------------------------------------------------------------------------------
@dataclass
class MultipleChildren:
    """``J = h^2 + v h`` with ``h = tanh(w x + b)``: the node ``h`` has two children."""

    graph: Graph
    x: Input
    w: Param
    b: Param
    v: Param
    u: Node
    z: Node
    h: Node
    c1: Node
    c2: Node
    J: Node


def multiple_children_graph(w: float = 0.8, b: float = -0.3, v: float = 1.5) -> MultipleChildren:
    """The graph ``u = w x``, ``z = u + b``, ``h = tanh(z)``, ``c1 = h^2``, ``c2 = v h``,
    ``J = c1 + c2``.

    ``h`` feeds two children (``c1`` and ``c2``), so its partial is a sum over both:
    ``dJ/dh = dJ/dc1 * 2h + dJ/dc2 * v = 2h + v`` (slide "Multiple children").
    """
    x = Input("x")
    wp, bp, vp = Param("w", w), Param("b", b), Param("v", v)
    u = ad.Mul(wp, x, name="u")
    z = ad.Add(u, bp, name="z")
    h = ad.tanh(z, name="h")
    c1 = ad.square(h, name="c1")
    c2 = ad.Mul(vp, h, name="c2")
    J = ad.Add(c1, c2, name="J")
    return MultipleChildren(Graph(J), x, wp, bp, vp, u, z, h, c1, c2, J)


def children_of(graph: Graph) -> dict[Node, list[Node]]:
    """Each node's children (the nodes that take it as an input), in topological order."""
    _check_graph(graph, "children_of")
    kids: dict[Node, list[Node]] = {node: [] for node in graph.nodes}
    for node in graph.nodes:
        for parent in dict.fromkeys(node.inputs):  # a node used twice is one child
            kids[parent].append(node)
    return kids


def is_topological(nodes: Sequence[Node]) -> bool:
    """``True`` if every node in ``nodes`` comes after all of its inputs (slide "Forward pass")."""
    seen: set[int] = set()
    for node in nodes:
        if any(id(i) not in seen for i in node.inputs):
            return False
        seen.add(id(node))
    return True


@dataclass
class ForwardStep:
    """One step of the forward pass: the node, what it reads, and the value it caches."""

    order: int
    name: str
    op: str
    reads: list[str]
    value: np.ndarray


@dataclass
class BackwardStep:
    """One step of the backward pass.

    ``contributions`` are the partials ``dJ/d(child) * d(child)/d(node)`` handed back by each
    child; ``grad`` is their sum (slide: "first sum partial derivatives from all children").
    """

    order: int
    name: str
    contributions: list[tuple[str, np.ndarray]]
    grad: np.ndarray


def forward_trace(graph: Graph, **feeds: Any) -> list[ForwardStep]:
    """Run the forward pass and report each node in topological order with its cached value."""
    _check_graph(graph, "forward_trace")
    graph.forward(**feeds)
    return [
        ForwardStep(i, n.name, ad.kind(n), [p.name for p in n.inputs], n.value.copy())
        for i, n in enumerate(graph.nodes)
    ]


def backward_trace(graph: Graph) -> list[BackwardStep]:
    """Replay the backward pass in reverse topological order, recording every child's share.

    Uses each node's own ``backward()`` (the engine's local derivatives); the totals equal
    :meth:`Graph.backward`'s gradients. Needs a forward pass first (see :func:`forward_trace`).
    """
    _check_graph(graph, "backward_trace")
    objective = graph.objective
    if objective.value is None:
        raise RuntimeError("backward_trace needs a forward pass first: call graph.forward(...)")
    if objective.value.size != 1:
        raise ValueError(f"backward_trace needs a scalar objective, {objective.name!r} is not")
    for node in graph.nodes:
        node.grad = None
    objective.grad = np.ones_like(objective.value)
    shares: dict[Node, list[tuple[str, np.ndarray]]] = {node: [] for node in graph.nodes}
    for node in reversed(graph.nodes):
        if isinstance(node, (Input, Param, Constant)):
            continue
        if node.grad is None:
            node.grad = np.zeros_like(node.value)
        parents = list(dict.fromkeys(node.inputs))
        before = [p.grad for p in parents]
        for p in parents:
            p.grad = np.zeros_like(p.value)  # collects this node's share alone
        node.backward()
        for p, old in zip(parents, before, strict=True):
            share = p.grad
            shares[p].append((node.name, share))
            p.grad = share if old is None else old + share
    steps = []
    for i, node in reversed(list(enumerate(graph.nodes))):
        grad = node.grad if node.grad is not None else np.zeros_like(node.value)
        node.grad = grad
        steps.append(BackwardStep(i, node.name, shares[node], grad))
    return steps


# --------------------------------------------------------------------------------------
# Step by step: one node at a time, forward then backward (notebook 11's explorer)
# --------------------------------------------------------------------------------------
#: How each kind of node computes its value from its inputs, for the step-through readout.
_FORMULAS = {
    "mul": "{0} × {1}",
    "add": "{0} + {1}",
    "sub": "{0} − {1}",
    "tanh": "tanh({0})",
    "square": "{0}²",
}


@dataclass(frozen=True)
class StepThroughState:
    """What the step-through explorer shows at ``step`` (0 = nothing computed yet).

    Steps ``1 .. N`` are the forward pass in topological order, steps ``N + 1 .. 2N`` the
    backward pass in reverse order. ``values`` and ``grads`` hold what is known so far (by
    node name); ``node`` is the node visited at this step. In the backward pass ``terms``
    are its children's shares ``(child, dJ/d child, d child/d node, product)`` and ``total``
    their sum, the node's partial (slide "Multiple children": "first sum partial
    derivatives from all children").
    """

    step: int
    steps: int
    phase: str  # "start", "forward" or "backward"
    node: str | None
    order: list[str]
    values: dict[str, float]
    grads: dict[str, float]
    hot_edges: list[tuple[str, str]]
    shown_edges: list[tuple[str, str]]
    terms: list[tuple[str, float, float, float]]
    total: float | None
    formula: str


@dataclass(frozen=True)
class _Trace:
    order: list[str]
    ops: dict[str, str]
    reads: dict[str, list[str]]
    values: dict[str, float]
    grads: dict[str, float]
    local: dict[tuple[str, str], float]  # (parent, child) -> d child / d parent
    children: dict[str, list[str]]


def _term(value: float) -> str:
    """A number inside a formula: negative ones in brackets (``1.6 + (-0.3)``)."""
    text = fmt(value, 4)
    return f"({text})" if text.startswith("-") else text


@functools.lru_cache(maxsize=1)
def _trace(x: float = 2.0) -> _Trace:
    """The forward and backward pass of :func:`multiple_children_graph` at ``x``, by name."""
    m = multiple_children_graph()
    forward = forward_trace(m.graph, x=x)
    backward_trace(m.graph)
    local = local_derivatives(m.graph)
    return _Trace(
        order=[s.name for s in forward],
        ops={s.name: s.op for s in forward},
        reads={s.name: s.reads for s in forward},
        values={s.name: float(s.value) for s in forward},
        grads={n.name: float(n.grad) for n in m.graph.nodes},
        local={(p.name, c.name): d for (c, p), d in local.items()},
        children={n.name: [c.name for c in kids] for n, kids in children_of(m.graph).items()},
    )


def step_through_state(step: int = 0) -> StepThroughState:
    """The pure update behind notebook 11's step-through explorer, on the graph of
    :func:`multiple_children_graph` at ``x = 2``.

    Step ``k`` of the forward pass computes the ``k``-th node in topological order from its
    cached inputs; step ``N + k`` of the backward pass visits the ``k``-th node from the end
    and sums what its children send back: ``dJ/d node = sum over children c of dJ/dc ·
    dc/d node``. The numbers are the engine's: its forward values, each node's own
    ``backward()`` for the local derivatives, and its gradients for the sums.
    """
    t = _trace()
    n = len(t.order)
    step = _whole(step, "step", low=0)
    if step > 2 * n:
        raise ValueError(
            f"step must be at most {2 * n} (the forward and backward pass of {n} nodes)"
        )
    done_forward = t.order[: min(step, n)]
    values = {name: t.values[name] for name in done_forward}
    shown = [(p, c) for (p, c) in t.local if c in values]
    if step == 0:
        return StepThroughState(
            0, 2 * n, "start", None, t.order, {}, {}, [], [], [], None,
            "Nothing computed yet: press next (or move the slider) to start the forward pass.",
        )  # fmt: skip
    if step <= n:
        name = t.order[step - 1]
        reads = t.reads[name]
        value = fmt(t.values[name], 4)
        if not reads:
            what = "training data" if t.ops[name] == "training data" else "a parameter"
            formula = f"{name} = {value}: {what}, nothing to compute"
        else:
            template = _FORMULAS.get(t.ops[name], t.ops[name] + "({0})")
            symbolic = template.format(*reads)
            numeric = template.format(*(_term(t.values[r]) for r in reads))
            formula = f"{name} = {symbolic} = {numeric} = {value}"
        hot = [(r, name) for r in reads]
        return StepThroughState(
            step, 2 * n, "forward", name, t.order, values, {}, hot, shown, [], None,
            f"forward pass, node {step} of {n} in topological order: {formula}",
        )  # fmt: skip
    k = step - n
    visited = t.order[::-1][:k]
    name = visited[-1]
    grads = {v: t.grads[v] for v in visited}
    terms = [
        (c, t.grads[c], t.local[(name, c)], t.grads[c] * t.local[(name, c)])
        for c in t.children[name]
    ]
    total = t.grads[name]
    if not terms:
        formula = f"∂J/∂{name} = 1: J is the objective, the backward pass starts here"
    else:
        symbolic = " + ".join(f"∂J/∂{c} · ∂{c}/∂{name}" for c, *_ in terms)
        numeric = " + ".join(f"{_term(g)} × {_term(d)}" for _, g, d, _ in terms)
        formula = f"∂J/∂{name} = {symbolic} = {numeric} = {fmt(total, 4)}"
    count = len(terms)
    kids = "no children" if count == 0 else f"{count} child" + ("ren" if count > 1 else "")
    hot = [(name, c) for c, *_ in terms]
    return StepThroughState(
        step, 2 * n, "backward", name, t.order, t.values.copy(), grads, hot, shown, terms, total,
        f"backward pass, node {k} of {n} in reverse order ({name}: {kids}): {formula}",
    )  # fmt: skip


# --------------------------------------------------------------------------------------
# Why backprop is dynamic programming: a graph that grows, and three ways to differentiate
# --------------------------------------------------------------------------------------
def ladder_graph(depth: int, seed: int = 0) -> tuple[Graph, dict[str, float]]:
    """A scalar network ``depth`` layers deep, two units wide, every unit fed by both below.

    ``h_{1,i} = tanh(w_{1,i} x)`` and ``h_{l,i} = tanh(w_{l,i,1} h_{l-1,1} + w_{l,i,2}
    h_{l-1,2})``; ``y_hat = h_{L,1} + h_{L,2}``, ``J = (y - y_hat)^2``. Every node is a
    scalar, so it can be drawn and every chain-rule path enumerated; the number of paths
    from ``x`` to ``J`` doubles with each layer (``2^depth``) while the number of nodes grows
    linearly. Returns the graph and the feeds ``{"x": ..., "y": ...}``.
    """
    depth = _whole(depth, "depth", low=1)
    rng = np.random.default_rng(seed)
    x, y = Input("x"), Input("y")
    layer: list[Node] = [x]
    for level in range(1, depth + 1):
        units = []
        for i in (1, 2):
            terms: list[Node] = []
            for j, below in enumerate(layer, 1):
                suffix = f"{level}{i}" if level == 1 else f"{level}{i}{j}"
                w = Param(f"w{suffix}", rng.normal(0.0, 1.0))
                terms.append(ad.Mul(w, below, name=f"m{suffix}"))
            total = terms[0] if len(terms) == 1 else ad.Add(*terms, name=f"z{level}{i}")
            units.append(ad.tanh(total, name=f"h{level}{i}"))
        layer = units
    y_hat = ad.Add(*layer, name="y_hat")
    J = ad.square(ad.Sub(y, y_hat, name="r"), name="J")
    return Graph(J), {"x": 0.7, "y": 0.5}


def _computing(graph: Graph) -> list[Node]:
    return [n for n in graph.nodes if not isinstance(n, (Input, Param, Constant))]


@dataclass
class OperationCount:
    """Node operations needed for the full gradient of one graph, by three methods.

    - ``backprop``: one forward pass and one backward pass, each node once: ``2 N``;
    - ``finite_differences``: two forward passes of all ``N`` nodes per parameter: ``2 P N``;
    - ``paths``: a forward pass (``N``) plus, for every path from a parameter to ``J``, one
      local derivative per edge on it, recomputed for every path (no caching).
    """

    depth: int
    nodes: int
    params: int
    paths_count: int
    backprop: int
    finite_differences: int
    paths: int


def count_operations(depth: int) -> OperationCount:
    """Count the operations of each method on :func:`ladder_graph` of this ``depth``.

    The path counts come from a dynamic programme over the graph (so even graphs with
    billions of paths are counted instantly); :func:`gradient_by_paths` enumerates them for
    real and arrives at the same count.
    """
    graph, _ = ladder_graph(depth)
    n = len(_computing(graph))
    params = list(graph.params.values())
    paths, lengths = _paths_to_objective(graph)
    total_paths = sum(paths[p] for p in params)
    total_length = sum(lengths[p] for p in params)
    return OperationCount(
        depth=depth,
        nodes=n,
        params=len(params),
        paths_count=total_paths,
        backprop=2 * n,
        finite_differences=2 * len(params) * n,
        paths=n + total_length,
    )


def _paths_to_objective(graph: Graph) -> tuple[dict[Node, int], dict[Node, int]]:
    """Number of paths from each node to the objective, and their total length in edges."""
    kids = children_of(graph)
    count: dict[Node, int] = {}
    length: dict[Node, int] = {}
    for node in reversed(graph.nodes):
        if node is graph.objective:
            count[node], length[node] = 1, 0
            continue
        count[node] = sum(count[c] for c in kids[node])
        length[node] = sum(length[c] + count[c] for c in kids[node])
    return count, length


def local_derivatives(graph: Graph) -> dict[tuple[Node, Node], float]:
    """``d(child)/d(parent)`` for every edge of a graph of scalars, from each node's backward.

    Needs a forward pass first. A parent used twice by one child (``h * h``) gets the sum.
    """
    _check_graph(graph, "local_derivatives")
    if graph.objective.value is None:
        raise RuntimeError("local_derivatives needs a forward pass first: call graph.forward")
    if any(n.value.size != 1 for n in graph.nodes):
        raise ValueError("local_derivatives works on graphs whose nodes are all scalars")
    saved = {n: n.grad for n in graph.nodes}
    local: dict[tuple[Node, Node], float] = {}
    for node in _computing(graph):
        parents = list(dict.fromkeys(node.inputs))
        for p in parents:
            p.grad = np.zeros_like(p.value)
        node.grad = np.ones_like(node.value)
        node.backward()
        for p in parents:
            local[(node, p)] = float(p.grad)
    for n, g in saved.items():
        n.grad = g
    return local


def gradient_by_backprop(graph: Graph, feeds: Mapping[str, Any]) -> tuple[dict[str, float], int]:
    """The gradient by one forward and one backward pass; returns it and the ``2 N`` node
    operations it took."""
    graph.forward(**feeds)
    grads = graph.backward()
    return {k: np.asarray(v).copy() for k, v in grads.items()}, 2 * len(_computing(graph))


def gradient_by_finite_differences(
    graph: Graph, feeds: Mapping[str, Any], eps: float = 1e-6
) -> tuple[dict[str, np.ndarray], int]:
    """Each partial on its own by central differences: ``(J(t + eps) - J(t - eps)) / 2 eps``.

    Two forward passes per parameter entry; returns the gradient and the node operations.
    """
    n = len(_computing(graph))
    operations = 0
    grads: dict[str, np.ndarray] = {}
    for name, param in graph.params.items():
        base = param.value.copy()
        grad = np.zeros_like(base)
        for i in np.ndindex(base.shape or (1,)):
            index = i if base.shape else ()
            values = []
            for sign in (1.0, -1.0):
                shifted = base.copy()
                shifted[index] += sign * eps
                param.value = shifted
                values.append(graph.forward(**feeds))
                operations += n
            grad[index] = (values[0] - values[1]) / (2 * eps)
        param.value = base
        grads[name] = grad
    graph.forward(**feeds)
    return grads, operations


def gradient_by_paths(graph: Graph, feeds: Mapping[str, Any]) -> tuple[dict[str, float], int]:
    """Each partial as the sum over all paths to ``J`` of the product of local derivatives.

    The chain rule written out in full (notebook 08), with nothing shared between paths:
    every path's product is computed from scratch, one local derivative per edge, plus one
    forward pass. Exponential in the depth of :func:`ladder_graph`.
    """
    graph.forward(**feeds)
    local = local_derivatives(graph)
    kids = children_of(graph)
    operations = len(_computing(graph))
    grads: dict[str, float] = {}
    for name, param in graph.params.items():
        total = 0.0
        for path in _all_paths(param, graph.objective, kids):
            product = 1.0
            for parent, child in itertools.pairwise(path):
                product *= local[(child, parent)]  # one local derivative per edge
                operations += 1
            total += product
        grads[name] = total
    return grads, operations


def _all_paths(source: Node, target: Node, kids: dict[Node, list[Node]]) -> list[list[Node]]:
    """Every path from ``source`` to ``target`` along the graph's edges (depth-first)."""
    paths: list[list[Node]] = []
    stack: list[list[Node]] = [[source]]
    while stack:
        path = stack.pop()
        if path[-1] is target:
            paths.append(path)
            continue
        stack.extend([*path, child] for child in reversed(kids[path[-1]]))
    return paths


@dataclass
class Timing:
    """Seconds per full gradient, by method and depth (``nan`` where a method was skipped)."""

    depths: list[int]
    seconds: dict[str, list[float]] = field(default_factory=dict)


def time_methods(
    depths: Sequence[int], max_path_depth: int = 10, repeat: int = 3, budget: float = 0.2
) -> Timing:
    """Measure the seconds each method takes for the gradient of :func:`ladder_graph`.

    The best of ``repeat`` runs (each at most about ``budget`` seconds of looping); path
    enumeration only up to ``max_path_depth``, as it doubles with every layer.
    """
    timing = Timing(list(depths), {"backprop": [], "finite differences": [], "paths": []})
    methods = {
        "backprop": gradient_by_backprop,
        "finite differences": gradient_by_finite_differences,
        "paths": gradient_by_paths,
    }
    for depth in depths:
        graph, feeds = ladder_graph(depth)
        for label, method in methods.items():
            if label == "paths" and depth > max_path_depth:
                timing.seconds[label].append(float("nan"))
                continue
            best = float("inf")
            for _ in range(repeat):
                start = time.perf_counter()
                loops = 0
                while True:
                    method(graph, feeds)
                    loops += 1
                    elapsed = time.perf_counter() - start
                    if elapsed > budget / 10 or loops >= 20:
                        break
                best = min(best, elapsed / loops)
            timing.seconds[label].append(best)
    return timing


# --------------------------------------------------------------------------------------
# The slides' 10-parameter network
# --------------------------------------------------------------------------------------
#: The slides' order of the parameters of ``f(x) = w0 + sum_k w_k tanh(v_k x + b_k)``.

# MLP([1, 3, 1]).theta is (W1 = v1..v3, b1 = b1..b3, W2 = w1..w3, b2 = w0).
_FROM_MLP = np.array([3, 4, 5, 0, 1, 2, 9, 6, 7, 8])
_TO_MLP = np.argsort(_FROM_MLP)


def _check_slide_net(net: Any) -> None:
    if not isinstance(net, MLP) or net.sizes != [1, 3, 1]:
        raise TypeError(f"expected the slides' network MLP([1, 3, 1]), got {net!r}")


def from_mlp_order(vector: Any) -> np.ndarray:
    """``MLP([1, 3, 1]).theta`` (``v, b, w_1..3, w0``) reordered as the slides' ``theta``."""
    vector = np.asarray(vector, dtype=float)
    if vector.shape[-1:] != (10,):
        raise ValueError(f"expected 10 numbers (the last axis), got shape {vector.shape}")
    return vector[..., _FROM_MLP]


def to_mlp_order(theta: Any) -> np.ndarray:
    """The slides' ``theta = (b1..b3, v1..v3, w0..w3)`` reordered as ``MLP([1, 3, 1]).theta``."""
    theta = np.asarray(theta, dtype=float)
    if theta.shape[-1:] != (10,):
        raise ValueError(f"theta needs 10 numbers (b1..b3, v1..v3, w0..w3), got {theta.shape}")
    return theta[..., _TO_MLP]


def slide_theta(net: MLP) -> np.ndarray:
    """The network's parameters as the slides' ``theta = (b1, b2, b3, v1, v2, v3, w0..w3)``."""
    _check_slide_net(net)
    return from_mlp_order(net.theta)


def set_slide_theta(net: MLP, theta: Any) -> None:
    """Set the network's parameters from the slides' ``theta``."""
    _check_slide_net(net)
    net.theta = to_mlp_order(theta)


def slide_gradient(net: MLP, x: Any, y: Any) -> tuple[float, np.ndarray]:
    """The mean squared error and its gradient ``dJ/dtheta`` (by backprop), in slide order."""
    _check_slide_net(net)
    value, grads = net.loss_and_grad(x, y)
    flat = np.concatenate([grads[k].ravel() for k in ("W1", "b1", "W2", "b2")])
    return value, from_mlp_order(flat)


def unit_contributions(net: MLP, x: Any) -> np.ndarray:
    """Each hidden unit's share ``w_k tanh(v_k x + b_k)`` of ``f(x)``, one column per unit."""
    _check_slide_net(net)
    x = np.asarray(x, dtype=float)
    return net.hidden(x)[0] * net.params["W2"].reshape(1, -1)


def slides_data(n: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """Bishop's Fig. 5.3 data for ``x^2``: ``n`` points evenly spaced on ``[-1, 1]``."""
    return bishop_data("square", _whole(n, "n", low=2))


@dataclass
class GDFit:
    """A fit of the slides' network by backprop and full-batch gradient descent."""

    net: MLP
    history: History
    theta0: np.ndarray
    theta: np.ndarray
    lr: float

    @property
    def final(self) -> float:
        """The final mean squared error."""
        return self.history.final


def fit_by_gradient_descent(
    x: Any, y: Any, *, lr: float = 0.15, steps: int = 10000, seed: int = 0
) -> GDFit:
    """Fit ``f(x) = w0 + sum_k w_k tanh(v_k x + b_k)`` by gradient descent on the MSE.

    Each step is one forward pass, one backward pass (backprop) and
    ``theta <- theta - lr * dJ/dtheta`` (slide "How do we learn these parameters?").

    The defaults are notebook 11's fit of Bishop's ``x^2`` from seed 0: at ``lr = 0.15`` the
    step stays below ``2 / (largest curvature)`` all along the way, so every step lowers the
    loss and the end point does not depend on rounding. At ``lr = 0.3`` the loss jumps up now
    and then (a step too long for the curvature there), and where the fit ends after
    thousands of steps changes with the last bits of the arithmetic.
    """
    net = MLP([1, 3, 1], activation="tanh", seed=seed)
    theta0 = slide_theta(net)
    steps = _whole(steps, "steps", low=0)
    # No progress bar: about half a second, and a bar shown only on a slow machine would
    # make the output depend on the machine.
    history = net.fit(x, y, optimizer="gd", lr=lr, steps=steps, progress=False)
    return GDFit(net, history, theta0, slide_theta(net), float(lr))


# --------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------
def _check_graph(graph: Any, who: str) -> None:
    if not isinstance(graph, Graph):
        raise TypeError(f"{who} needs a Graph, got {type(graph).__name__}")


def _whole(value: Any, what: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"{what} must be a whole number >= {low}, got {value!r}")
    return int(value)
