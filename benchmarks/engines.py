"""One full-batch forward + backward pass of mean squared error, float64, per engine.

Engines: lecturelib (the computation graph), hand-written numpy (the floor for numpy
code), PyTorch on the CPU with one thread, and micrograd (a scalar engine; small networks
only). Every engine computes the same loss and gradients from the same weights; the
gradients are checked against each other before anything is timed.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from lecturelib.mlp import MLP

#: (name, layer sizes, number of examples, include micrograd)
NETWORKS = [
    ("1-3-1 tanh, N=50 (Bishop)", [1, 3, 1], 50, True),
    ("2-16-16-1 tanh, N=100", [2, 16, 16, 1], 100, True),
    ("10-64-64-1 tanh, N=1000", [10, 64, 64, 1], 1000, False),
]


@dataclass
class Problem:
    sizes: list[int]
    X: np.ndarray
    y: np.ndarray  # shape (n, 1)
    weights: list[np.ndarray]  # W1, W2, ... (out, in)
    biases: list[np.ndarray]


def make_problem(sizes: list[int], n: int, seed: int = 0) -> Problem:
    rng = np.random.default_rng(seed)
    net = MLP(sizes, seed=seed)
    layers = len(sizes) - 1
    return Problem(
        sizes,
        rng.normal(size=(n, sizes[0])),
        rng.normal(size=(n, 1)),
        [net.params[f"W{j}"].copy() for j in range(1, layers + 1)],
        [net.params[f"b{j}"].copy() for j in range(1, layers + 1)],
    )


# --------------------------------------------------------------------------------------
# The engines: each returns a function that runs forward + backward and returns grads
# --------------------------------------------------------------------------------------
def lecturelib_engine(p: Problem) -> Callable[[], list[np.ndarray]]:
    net = MLP(p.sizes)
    net.set_params({f"W{j + 1}": W for j, W in enumerate(p.weights)})
    net.set_params({f"b{j + 1}": b for j, b in enumerate(p.biases)})
    graph = net.loss_graph("mse")
    feeds = graph.checked_feeds(X=p.X, y=p.y)  # as a fit does: the data checked once
    names = list(net.params)

    def run() -> list[np.ndarray]:
        graph.forward(**feeds)
        grads = graph.backward()
        return [grads[k] for k in names]

    return run


def student_engine(p: Problem) -> Callable[[], list[np.ndarray]]:
    """The graph as a student writes it, with operators: ``mean((y - (h @ W + b)) ** 2)``.

    Layers ``h = tanh(h @ W + b)``, no fused node, and the default :class:`Graph`, which
    also computes the partials with respect to the data ``x`` and ``y``; fed raw arrays
    (checked at every forward pass).
    """
    from lecturelib.autodiff import Graph, Input, Param, mean, tanh

    x, y = Input("x"), Input("y")
    Ws = [Param(f"W{j + 1}", W.T.copy()) for j, W in enumerate(p.weights)]
    bs = [Param(f"b{j + 1}", b.copy()) for j, b in enumerate(p.biases)]
    h = x
    for j, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        h = h @ W + b
        if j < len(Ws) - 1:
            h = tanh(h)
    graph = Graph(mean((y - h) ** 2))
    X, Y = p.X, p.y

    def run() -> list[np.ndarray]:
        graph.forward(x=X, y=Y)
        grads = graph.backward()
        return [g for W, b in zip(Ws, bs, strict=True) for g in (grads[W.name].T, grads[b.name])]

    return run


def numpy_engine(p: Problem) -> Callable[[], list[np.ndarray]]:
    """Backprop written out by hand for this one architecture: the floor for numpy code."""
    Ws, bs, X, y = p.weights, p.biases, p.X, p.y
    L = len(Ws)

    def run() -> list[np.ndarray]:
        hs = [X]
        h = X
        for j in range(L - 1):
            h = np.tanh(h @ Ws[j].T + bs[j])
            hs.append(h)
        f = h @ Ws[-1].T + bs[-1]
        r = y - f
        _ = (r * r).sum() / r.size  # the loss
        g = r * (-2.0 / r.size)  # dJ/df
        grads: list[np.ndarray] = [None] * (2 * L)  # type: ignore[list-item]
        for j in range(L - 1, -1, -1):
            grads[2 * j] = g.T @ hs[j]
            grads[2 * j + 1] = g.sum(axis=0)
            if j > 0:
                g = (g @ Ws[j]) * (1.0 - hs[j] * hs[j])
        return grads

    return run


def torch_engine(p: Problem) -> Callable[[], list[np.ndarray]]:
    import torch

    torch.set_num_threads(1)
    params = []
    for W, b in zip(p.weights, p.biases, strict=True):
        params += [
            torch.tensor(W, dtype=torch.float64, requires_grad=True),
            torch.tensor(b, dtype=torch.float64, requires_grad=True),
        ]
    X = torch.tensor(p.X, dtype=torch.float64)
    y = torch.tensor(p.y, dtype=torch.float64)
    L = len(p.weights)

    def run() -> list[np.ndarray]:
        for t in params:
            t.grad = None
        h = X
        for j in range(L):
            h = h @ params[2 * j].T + params[2 * j + 1]
            if j < L - 1:
                h = torch.tanh(h)
        loss = ((y - h) ** 2).mean()
        loss.backward()
        return [t.grad.numpy() for t in params]

    return run


def micrograd_engine(p: Problem) -> Callable[[], list[np.ndarray]]:
    from micrograd.engine import Value

    def tanh(v: Value) -> Value:
        # micrograd 0.1.0 has no tanh: add it the way micrograd defines relu.
        t = float(np.tanh(v.data))
        out = Value(t, (v,), "tanh")

        def _backward() -> None:
            v.grad += (1 - t * t) * out.grad

        out._backward = _backward
        return out

    Ws = [[[Value(float(w)) for w in row] for row in W] for W in p.weights]
    bs = [[Value(float(b)) for b in B] for B in p.biases]
    flat = [v for W, B in zip(Ws, bs, strict=True) for v in [*(w for row in W for w in row), *B]]
    X, y, L = p.X.tolist(), p.y[:, 0].tolist(), len(Ws)

    def run() -> list[np.ndarray]:
        for v in flat:
            v.grad = 0.0
        total = Value(0.0)
        for xi, yi in zip(X, y, strict=True):
            h = xi
            for j in range(L):
                h = [
                    sum((w * a for w, a in zip(row, h, strict=True)), b)
                    for row, b in zip(Ws[j], bs[j], strict=True)
                ]
                if j < L - 1:
                    h = [tanh(a) for a in h]
            r = h[0] - yi
            total = total + r * r
        loss = total * (1.0 / len(X))
        loss.backward()
        grads = []
        for W, B in zip(Ws, bs, strict=True):
            grads.append(np.array([[w.grad for w in row] for row in W]))
            grads.append(np.array([b.grad for b in B]))
        return grads

    return run


ENGINES = {
    "lecturelib": lecturelib_engine,
    "lecturelib, a student's graph": student_engine,
    "numpy (by hand)": numpy_engine,
    "PyTorch (CPU, 1 thread)": torch_engine,
    "micrograd": micrograd_engine,
}


#: Rounds of timing per network: every engine runs once per round, in turn, so a machine
#: that speeds up or slows down (a shared virtual machine does) affects them all alike.
ROUNDS = 15


def interleaved_seconds(
    runs: dict[str, Callable[[], object]], budgets: dict[str, float]
) -> dict[str, float]:
    """Median time of one call of each engine, over :data:`ROUNDS` rounds in which every
    engine runs a batch of calls in turn (each engine's batches fill about its budget)."""
    numbers = {}
    for engine, fn in runs.items():
        fn()  # warm up
        once = timeit.timeit(fn, number=1)
        numbers[engine] = max(1, int(budgets[engine] / ROUNDS / max(once, 1e-9)))
    times: dict[str, list[float]] = {engine: [] for engine in runs}
    for _ in range(ROUNDS):
        for engine, fn in runs.items():
            times[engine].append(timeit.timeit(fn, number=numbers[engine]) / numbers[engine])
    return {engine: float(np.median(t)) for engine, t in times.items()}


def run_engines(progress: Callable[[str], None] = print) -> list[dict[str, object]]:
    """Time every engine on every network; check that all engines agree on the gradients."""
    rows = []
    for name, sizes, n, with_micrograd in NETWORKS:
        problem = make_problem(sizes, n)
        reference = numpy_engine(problem)()
        runs = {}
        for engine, build in ENGINES.items():
            if engine == "micrograd" and not with_micrograd:
                continue
            run = runs[engine] = build(problem)
            grads = run()
            for a, b in zip(grads, reference, strict=True):
                np.testing.assert_allclose(np.asarray(a).reshape(b.shape), b, rtol=1e-8, atol=1e-12)
        budgets = {engine: 0.5 if engine == "micrograd" else 1.5 for engine in runs}
        for engine, seconds in interleaved_seconds(runs, budgets).items():
            rows.append({"network": name, "engine": engine, "seconds": seconds})
            progress(f"  {name:28s} {engine:24s} {seconds * 1e6:12.1f} us")
    return rows
