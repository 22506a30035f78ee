"""Exercises of notebook 12 (write your own backprop).

The student writes code: node classes on the engine's core, the gradient of softmax
followed by cross-entropy, ridge regression and a tanh MLP as graphs trained by SGD, and
the MLP's backward pass in matrix form. Each checker runs that code on graphs and data of
its own (never printed) and compares with central differences (:mod:`lecturelib.gradcheck`)
and with the library's answer (the engine's own op, the ridge closed form, ``MLP``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib import engine
from lecturelib import homework as hw
from lecturelib.checks import Exercise
from lecturelib.engine import Graph, Node, Param
from lecturelib.gradcheck import numerical_gradient
from lecturelib.linear_models import least_squares, ridge_closed_form
from lecturelib.mlp import MLP

__all__ = ["ex1", "ex2", "ex3", "ex4", "ex5", "ex6", "ex7", "ex8", "ex9"]


# --------------------------------------------------------------------------------------
# 12.1 to 12.4: node classes, checked on graphs of every shape
# --------------------------------------------------------------------------------------
class _Weigh(Node):
    """``sum(a * weights)``: reduces a node to a scalar objective with fixed random weights.

    The weights make every entry of the gradient count, and make the partial that arrives
    at the node under test differ from 1, so a backward that forgets ``self.grad`` fails.
    """

    def __init__(self, a: Any, weights: Any) -> None:
        self.weights = np.asarray(weights, dtype=float)
        super().__init__(a)

    def forward(self) -> None:
        self.value = np.asarray(np.sum(self.inputs[0].value * self.weights))

    def backward(self) -> None:
        self.inputs[0].grad += self.grad * self.weights


# A case builds a graph with the op under test: build(op) -> objective node. Its Params
# are named after the inputs; every call draws the same values (a fixed seed per case).
Case = tuple[str, Callable[[type], Node]]


def _params(seed: int, **shapes: tuple[int, ...]) -> list[Param]:
    rng = np.random.default_rng(seed)
    return [Param(name, rng.uniform(-1.5, 1.5, size=shape)) for name, shape in shapes.items()]


def _weights(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed + 1000).uniform(-2.0, 2.0, size=shape)


def _run(build: Callable[[type], Node], op: type) -> tuple[dict[str, np.ndarray], Graph]:
    graph = Graph(build(op))
    graph.forward()
    grads = graph.backward()
    return {name: np.array(g, dtype=float) for name, g in grads.items()}, graph


def _numeric(build: Callable[[type], Node], op: type) -> dict[str, np.ndarray]:
    graph = Graph(build(op))
    out = {}
    for name, param in graph.params.items():
        param.value = param.value.copy()
        out[name] = numerical_gradient(lambda g=graph: g.forward(), param.value, 1e-6)
    return out


def _close(a: np.ndarray, b: np.ndarray, rtol: float = 1e-7, atol: float = 1e-9) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _check_node(
    cls: Any,
    engine_cls: type,
    cases: list[Case],
    hints: dict[str, str],
    diagnose: Callable[[str, dict[str, np.ndarray], dict[str, np.ndarray]], str | None]
    | None = None,
) -> bool | str:
    """Run every case with ``cls``; compare with central differences and ``engine_cls``.

    ``hints[tag]`` explains the first failing case (what it tests that the earlier ones
    do not), after the general patterns: a flipped sign, an input that got nothing, a
    wrong shape. ``diagnose(tag, got, ref)`` may recognise a mistake of its own.
    """
    name = engine_cls.__name__
    if not isinstance(cls, type) or not issubclass(cls, Node):
        return f"pass your class itself (a subclass of Node), e.g. nb12.ex(My{name})"
    if issubclass(cls, engine_cls) or cls.backward is engine_cls.backward:
        return f"that is the engine's own {name}: write the backward of your own class"
    for tag, build in cases:
        try:
            got, _ = _run(build, cls)
        except NotImplementedError:
            raise
        except (ValueError, TypeError, IndexError, AttributeError) as error:
            shape_hint = hints.get(tag + ":error", hints.get("error", ""))
            return f"on {tag}, your backward() raised {type(error).__name__}: {error}. {shape_hint}"
        ref, _ = _run(build, engine_cls)
        numeric = _numeric(build, cls)
        for p in ref:
            if not np.allclose(ref[p], numeric[p], rtol=1e-5, atol=1e-7):  # pragma: no cover
                raise AssertionError(f"central differences disagree with the engine on {tag}")
        if all(_close(got[p], ref[p]) for p in ref):
            continue
        for p in ref:
            if got[p].shape != ref[p].shape:
                return (
                    f"on {tag}, the grad of input {p!r} has shape {got[p].shape} but its value "
                    f"has shape {ref[p].shape}: a partial has the shape of the input it belongs "
                    "to. " + hints.get(tag + ":shape", "")
                )
        if all(_close(got[p], -ref[p]) for p in ref):
            return "every partial has the wrong sign: check the local derivatives' signs"
        if diagnose is not None:
            special = diagnose(tag, got, ref)
            if special:
                return special
        missing = [p for p in ref if np.allclose(got[p], 0.0) and not np.allclose(ref[p], 0.0)]
        if missing and len(ref) > 1:
            return (
                f"on {tag}, input {missing[0]!r} gets nothing back: each input of the node "
                "needs its own partial added into its grad"
            )
        return hints.get(tag, False)
    return True


_PLUS = (
    "an input used twice (or by two nodes) must receive the SUM of the partials: add into "
    "its grad with +=, never overwrite it with ="
)
_CHAIN = (
    "the chain rule: multiply the local derivative by self.grad (dJ/d(this node's output), "
    "already summed over the node's children)"
)


# 12.1: Mul ------------------------------------------------------------------------------
def _mul_cases() -> list[Case]:
    def direct(op: type) -> Node:
        a, b = _params(1, a=(), b=())
        return op(a, b)

    def upstream(op: type) -> Node:
        a, b = _params(2, a=(), b=())
        return _Weigh(op(a, b), -1.7)

    def vectors(op: type) -> Node:
        a, b = _params(3, a=(4,), b=(4,))
        return _Weigh(op(a, b), _weights(3, (4,)))

    def batch(op: type) -> Node:
        X, w = _params(4, X=(5, 3), w=(3,))
        return _Weigh(op(X, w), _weights(4, (5, 3)))

    def scalar_times_vector(op: type) -> Node:
        c, v = _params(5, c=(), v=(3,))
        return _Weigh(op(c, v), _weights(5, (3,)))

    def twice(op: type) -> Node:
        (x,) = _params(6, x=(3,))
        return _Weigh(op(x, x), _weights(6, (3,)))

    return [
        ("a * b with scalars", direct),
        ("J = -1.7 (a * b)", upstream),
        ("vectors of length 4", vectors),
        ("a batch X (5, 3) times w (3,), broadcast over the rows", batch),
        ("a scalar c times a vector v", scalar_times_vector),
        ("x * x (the same input twice)", twice),
    ]


_MUL_HINTS = {
    "J = -1.7 (a * b)": _CHAIN,
    "a batch X (5, 3) times w (3,), broadcast over the rows": "w was copied to every row: "
    "its partial is summed over the rows, sum_to(partial, w.value.shape)",
    "a scalar c times a vector v": "c was copied to every entry of v: sum its partial down to "
    "c's shape with sum_to",
    "x * x (the same input twice)": _PLUS,
    "error": "numpy broadcast an input: sum the partial down to the input's shape with sum_to, "
    "as Sub does",
    "a * b with scalars": "the local derivative of a * b with respect to a is b, and with "
    "respect to b is a",
}


def _mul_diagnose(tag: str, got: dict, ref: dict) -> str | None:
    if tag == "a * b with scalars":
        a, b = _params(1, a=(), b=())
        if np.isclose(got["a"], a.value) and np.isclose(got["b"], b.value):
            return "the partials are swapped: d(ab)/da is b, not a"
    return None


def _test_ex1(cls: Any) -> bool | str:
    return _check_node(cls, engine.Mul, _mul_cases(), _MUL_HINTS, _mul_diagnose)


ex1 = Exercise(
    "12.1",
    "write backward() of MyMul (a * b elementwise, with broadcasting)",
    _test_ex1,
    hint="each input gets self.grad times its local derivative (the other input), summed "
    "down to its own shape, added with +=",
)


# 12.2: Tanh -----------------------------------------------------------------------------
def _tanh_cases() -> list[Case]:
    def direct(op: type) -> Node:
        (a,) = _params(11, a=())
        return op(a)

    def upstream(op: type) -> Node:
        (a,) = _params(12, a=())
        return _Weigh(op(a), 2.3)

    def vector(op: type) -> Node:
        (a,) = _params(13, a=(5,))
        return _Weigh(op(a), _weights(13, (5,)))

    def batch(op: type) -> Node:
        (A,) = _params(14, A=(4, 3))
        return _Weigh(op(A), _weights(14, (4, 3)))

    def two_children(op: type) -> Node:  # tanh's branch comes first: its backward runs last
        (x,) = _params(15, x=(4,))
        return engine.Add(_Weigh(op(x), _weights(15, (4,))), _Weigh(x, _weights(16, (4,))))

    return [
        ("tanh(a) with a scalar", direct),
        ("J = 2.3 tanh(a)", upstream),
        ("a vector of length 5", vector),
        ("a batch of shape (4, 3)", batch),
        ("x feeding tanh and another node", two_children),
    ]


def _tanh_diagnose(tag: str, got: dict, ref: dict) -> str | None:
    if tag == "tanh(a) with a scalar":
        (a,) = _params(11, a=())
        g = np.ones(())
    elif tag == "a vector of length 5":
        (a,) = _params(13, a=(5,))
        g = _weights(13, (5,))
    else:
        return None
    t = np.tanh(a.value)
    if _close(got["a"], g * (1 - a.value**2)):
        return (
            "the local derivative is written with the node's output tanh(a) (self.value), "
            "not with its input a"
        )
    if _close(got["a"], g * (1 - t)):
        return "d tanh(a)/da = 1 - tanh(a)²: the square is missing"
    return None


_TANH_HINTS = {
    "J = 2.3 tanh(a)": _CHAIN,
    "x feeding tanh and another node": _PLUS,
    "tanh(a) with a scalar": "d tanh(a)/da = 1 - tanh(a)², and tanh(a) is the node's output",
}


def _test_ex2(cls: Any) -> bool | str:
    return _check_node(cls, engine.Tanh, _tanh_cases(), _TANH_HINTS, _tanh_diagnose)


ex2 = Exercise(
    "12.2",
    "write backward() of MyTanh",
    _test_ex2,
    hint="the input's grad gets self.grad times d tanh(a)/da, entry by entry, added with +=",
)


# 12.3: MatMul ---------------------------------------------------------------------------
def _matmul_cases() -> list[Case]:
    def batch(op: type) -> Node:
        X, W = _params(21, X=(5, 3), W=(3, 2))
        return _Weigh(op(X, W), _weights(21, (5, 2)))

    def row_vector(op: type) -> Node:
        x, W = _params(22, x=(3,), W=(3, 2))
        return _Weigh(op(x, W), _weights(22, (2,)))

    def column_vector(op: type) -> Node:
        W, x = _params(23, W=(2, 3), x=(3,))
        return _Weigh(op(W, x), _weights(23, (2,)))

    def batch_times_vector(op: type) -> Node:
        X, w = _params(24, X=(5, 3), w=(3,))
        return _Weigh(op(X, w), _weights(24, (5,)))

    def twice(op: type) -> Node:
        (A,) = _params(25, A=(3, 3))
        return _Weigh(op(A, A), _weights(25, (3, 3)))

    return [
        ("a batch X (5, 3) @ W (3, 2)", batch),
        ("a vector x (3,) @ W (3, 2)", row_vector),
        ("W (2, 3) @ x (3,), the slides' W x", column_vector),
        ("a batch X (5, 3) @ w (3,)", batch_times_vector),
        ("A @ A (the same input twice)", twice),
    ]


_VECTORS = (
    "a vector on the left acts as a row (1, d), on the right as a column (d, 1): reshape "
    "the vector (and dJ/d(out)) to those shapes, multiply as for matrices, and reshape each "
    "partial back to its input's shape"
)
_TRANSPOSE = (
    "match the shapes: dJ/dX has X's shape (5, 3), dJ/d(out) has shape (5, 2) and W (3, 2); "
    "which product of these two, one of them transposed, has shape (5, 3)? Likewise for dJ/dW"
)
_MATMUL_HINTS = {
    "a batch X (5, 3) @ W (3, 2)": _TRANSPOSE,
    "a batch X (5, 3) @ W (3, 2):error": _TRANSPOSE,
    "a batch X (5, 3) @ W (3, 2):shape": _TRANSPOSE,
    "a vector x (3,) @ W (3, 2)": _VECTORS,
    "a vector x (3,) @ W (3, 2):error": _VECTORS,
    "a vector x (3,) @ W (3, 2):shape": _VECTORS,
    "W (2, 3) @ x (3,), the slides' W x": _VECTORS,
    "W (2, 3) @ x (3,), the slides' W x:error": _VECTORS,
    "W (2, 3) @ x (3,), the slides' W x:shape": _VECTORS,
    "a batch X (5, 3) @ w (3,)": _VECTORS,
    "a batch X (5, 3) @ w (3,):error": _VECTORS,
    "a batch X (5, 3) @ w (3,):shape": _VECTORS,
    "A @ A (the same input twice)": _PLUS,
}


def _test_ex3(cls: Any) -> bool | str:
    return _check_node(cls, engine.MatMul, _matmul_cases(), _MATMUL_HINTS)


ex3 = Exercise(
    "12.3",
    "write backward() of MyMatMul (a batch X @ W, and the vector cases)",
    _test_ex3,
    hint="out = A @ B: each partial is dJ/d(out) times the other factor, transposed so that "
    "the result has its input's shape",
)


# 12.4: Sum ------------------------------------------------------------------------------
def _sum_cases() -> list[Case]:
    def direct(op: type) -> Node:
        (x,) = _params(31, x=(4,))
        return op(x)

    def upstream(op: type) -> Node:
        (X,) = _params(32, X=(3, 4))
        return _Weigh(op(X), -1.3)

    def twice(op: type) -> Node:
        (x,) = _params(33, x=(5,))
        return engine.Mul(op(x), op(x))

    return [
        ("the sum of a vector", direct),
        ("J = -1.3 sum(X) with X of shape (3, 4)", upstream),
        ("sum(x) * sum(x) (x feeds two Sum nodes)", twice),
    ]


def _sum_diagnose(tag: str, got: dict, ref: dict) -> str | None:
    for p in ref:
        if ref[p].size > 1 and _close(got[p] * ref[p].size, ref[p]):
            return "that is the derivative of the mean: the sum's local derivative is 1 per entry"
    return None


_SUM_HINTS = {
    "J = -1.3 sum(X) with X of shape (3, 4)": _CHAIN,
    "sum(x) * sum(x) (x feeds two Sum nodes)": _PLUS,
    "the sum of a vector": "every entry of the input moves the sum by 1: d sum/d a_i = 1",
}


def _test_ex4(cls: Any) -> bool | str:
    return _check_node(cls, ad.Sum, _sum_cases(), _SUM_HINTS, _sum_diagnose)


ex4 = Exercise(
    "12.4",
    "write backward() of MySum (all entries to a scalar)",
    _test_ex4,
    hint="each entry of the input gets self.grad times its local derivative, added with +=",
)


# --------------------------------------------------------------------------------------
# 12.5: dJ/d(scores) of the mean cross-entropy of softmax
# --------------------------------------------------------------------------------------
def _cross_entropy(scores: np.ndarray, y: np.ndarray) -> float:
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(y)), y].mean())


def _softmax_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(12005)
    return [
        (rng.normal(0.0, 2.0, size=(n, k)), rng.integers(0, k, size=n))
        for n, k in ((5, 3), (1, 4), (8, 6))
    ]


def _test_ex5(grad_scores: Callable[..., Any]) -> bool | str:
    if not callable(grad_scores):
        return "pass the function itself: nb12.ex5(grad_scores), without calling it"
    for scores, y in _softmax_cases():
        n, k = scores.shape
        got = np.asarray(grad_scores(scores.copy(), y.copy()), dtype=float)
        if got.shape != scores.shape:
            return f"return one partial per score: shape (n, k) = {scores.shape}, got {got.shape}"
        s = scores.copy()
        numeric = numerical_gradient(lambda s=s, y=y: _cross_entropy(s, y), s, 1e-6)
        logits = ad.Param("s", scores)
        graph = ad.Graph(ad.cross_entropy(logits, ad.Constant(y.astype(float))))
        graph.forward()
        ref = graph.backward()["s"]
        if not np.allclose(ref, numeric, rtol=1e-5, atol=1e-8):  # pragma: no cover
            raise AssertionError("central differences disagree with cross_entropy")
        if np.allclose(got, ref, rtol=1e-6, atol=1e-10):
            continue
        p = np.exp(scores - scores.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        e = np.eye(k)[y]
        if np.allclose(got, n * ref) and n > 1:
            return "J is the MEAN over the batch: each example's partial carries a factor 1/n"
        if np.allclose(got, -ref) or np.allclose(got, -n * ref):
            return "the sign is flipped: raising the true class's score lowers the loss"
        if np.allclose(got, (p + e) / n) or np.allclose(got, p + e):
            return "the true class's score enters the loss with a minus sign: -log p_y"
        if np.allclose(got, p / n) or np.allclose(got, p):
            return "log p_y = s_y - log sum_c exp(s_c): the first term's partial is missing"
        q = np.exp(scores - scores.max(axis=0, keepdims=True))
        q /= q.sum(axis=0, keepdims=True)
        if np.allclose(got, (q - e) / n) or np.allclose(got, q - e):
            return (
                "softmax normalises each example's k scores: sum along axis=1 (a row), "
                "not down the batch (axis=0)"
            )
        return False
    return True


ex5 = Exercise(
    "12.5",
    "write grad_scores(scores, y): dJ/d(scores) of the mean cross-entropy of softmax, batch",
    _test_ex5,
    hint="finish the derivation for one example, then stack the rows and mind the mean",
)


# --------------------------------------------------------------------------------------
# 12.6: ridge regression as a graph, trained by SGD
# --------------------------------------------------------------------------------------
RIDGE_LAM, RIDGE_LR, RIDGE_EPOCHS, RIDGE_TOL = 0.1, 0.01, 100, 0.03


def _ridge_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(12006)
    X = rng.uniform(-1.0, 1.0, size=(30, 3))
    y = X @ np.array([1.5, -2.0, 0.7]) + 2.0 + 0.1 * rng.standard_normal(30)
    return X, y


def _test_ex6(train_ridge: Callable[..., Any]) -> bool | str:
    if not callable(train_ridge):
        return "pass the function itself: nb12.ex6(train_ridge), without calling it"
    X, y = _ridge_data()
    out = train_ridge(X.copy(), y.copy(), RIDGE_LAM, lr=RIDGE_LR, epochs=RIDGE_EPOCHS, seed=3)
    if not isinstance(out, tuple) or len(out) != 2:
        return "return the pair (w, b): w of shape (d,), b a number"
    w, b = np.asarray(out[0], dtype=float), float(np.asarray(out[1], dtype=float))
    if w.shape != (X.shape[1],):
        return f"w must have one weight per feature, shape ({X.shape[1]},); got {w.shape}"
    if not (np.all(np.isfinite(w)) and np.isfinite(b)) or np.abs(w).max() > 1e3:
        return "the weights ran away: a step goes downhill, against the gradient (minus)"
    w_ref, b_ref = ridge_closed_form(X, y, RIDGE_LAM)
    theta = np.r_[w, b]
    if np.abs(theta - np.r_[w_ref, b_ref]).max() <= RIDGE_TOL:
        return True
    w_ls, b_ls = least_squares(X, y)
    if np.abs(theta - np.r_[w_ls, b_ls]).max() <= RIDGE_TOL:
        return "that is least squares: the objective needs the penalty R = λ wᵀw"
    n, d = X.shape
    A = np.column_stack([X, np.ones(n)])
    penalised = np.linalg.solve(A.T @ A + n * RIDGE_LAM * np.eye(d + 1), A.T @ y)
    if np.abs(theta - penalised).max() <= RIDGE_TOL:
        return "the slides' penalty R = λ wᵀw leaves the bias b out"
    if np.allclose(theta, 0.0) or abs(b) < 1e-12:
        return "update every parameter at every step: w and b"
    return False


ex6 = Exercise(
    "12.6",
    "write train_ridge(X, y, lam, lr, epochs, seed): the slides' ridge graph, trained by SGD "
    "(each epoch visits every example once)",
    _test_ex6,
    hint="one example per step: forward with that (x, y), backward, then move each Param "
    "against its grad by lr",
)


# --------------------------------------------------------------------------------------
# 12.7: the one-hidden-layer tanh MLP regression as a graph
# --------------------------------------------------------------------------------------
def _mlp_case(seed: int, n: int, d: int, m: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.normal(size=n)
    params = {
        "W1": rng.normal(size=(d, m)),
        "b1": rng.normal(size=m),
        "w2": rng.normal(size=m),
        "b2": np.asarray(rng.normal()),
    }
    net = MLP([d, m, 1])
    net.set_params(hw.mlp_params_from_graph(params))
    value, grads = net.loss_and_grad(X, y)
    return X, y, params, value, hw.graph_params_from_mlp(grads)


def _test_ex7(mlp_graph: Callable[..., Any]) -> bool | str:
    if not callable(mlp_graph):
        return "pass the function itself: nb12.ex7(mlp_graph), without calling it"
    for seed, n, d, m in ((12007, 7, 2, 3), (12008, 5, 1, 4)):
        X, y, params, ref_value, ref_grads = _mlp_case(seed, n, d, m)
        graph = mlp_graph(d, m)
        if not isinstance(graph, Graph):
            return "return the Graph of the objective: Graph(J)"
        if set(graph.params) != set(hw.GRAPH_PARAM_NAMES) or set(graph.inputs) != {"X", "y"}:
            return (
                "the graph needs Inputs named X and y and Params named W1, b1, w2, b2; yours "
                f"has Inputs {sorted(graph.inputs)} and Params {sorted(graph.params)}"
            )
        for name, value in params.items():
            have = graph.params[name].value.shape
            if have != value.shape:
                return f"Param {name} must have shape {value.shape} (for d={d}, m={m}), has {have}"
            graph.params[name].value = value
        got_value = float(graph.forward(X=X, y=y))
        got = {k: np.array(g, dtype=float) for k, g in graph.backward().items()}
        if np.isclose(got_value, ref_value, rtol=1e-10) and all(
            np.allclose(got[k], ref_grads[k], rtol=1e-8, atol=1e-12) for k in ref_grads
        ):
            continue
        if np.isclose(got_value, n * ref_value, rtol=1e-10):
            return "J is the MEAN of the squared residuals over the batch, not their sum"
        if np.isclose(got_value, np.sqrt(ref_value), rtol=1e-10):
            return "square the residuals before averaging"
        return "the objective differs from MLP's mean squared error at the same parameters: " + (
            "check the hidden layer tanh(X @ W1 + b1) and the output h @ w2 + b2"
        )
    return True


ex7 = Exercise(
    "12.7",
    "write mlp_graph(d, m): the one-hidden-layer tanh MLP regression's objective as a graph",
    _test_ex7,
    hint="h = tanh(X @ W1 + b1), f = h @ w2 + b2, J = the mean of (y - f)²",
)


# --------------------------------------------------------------------------------------
# 12.8: train the MLP graph by minibatch SGD
# --------------------------------------------------------------------------------------
MLP_HIDDEN, MLP_LR, MLP_STEPS, MLP_BATCH, MLP_FACTOR = 3, 0.2, 2000, 10, 2.0


def _mlp_loss(params: dict[str, Any], X: np.ndarray, y: np.ndarray) -> float:
    net = MLP([X.shape[1], MLP_HIDDEN, 1])
    net.set_params(hw.mlp_params_from_graph(params))
    return net.loss(X, y)


def _test_ex8(train_mlp: Callable[..., Any]) -> bool | str:
    if not callable(train_mlp):
        return "pass the function itself: nb12.ex8(train_mlp), without calling it"
    X, y = hw.mlp_regression_data(seed=12008)
    net = MLP([1, MLP_HIDDEN, 1], seed=0)
    net.fit(X, y)
    best = net.loss(X, y)
    ratios = []
    for seed in (0, 1):  # the better of two runs: one unlucky start is not a wrong loop
        out = train_mlp(
            X.copy(),
            y.copy(),
            MLP_HIDDEN,
            lr=MLP_LR,
            steps=MLP_STEPS,
            batch_size=MLP_BATCH,
            seed=seed,
        )
        if not isinstance(out, dict) or set(out) != set(hw.GRAPH_PARAM_NAMES):
            return "return the trained parameters as a dict: W1, b1, w2, b2 (name -> array)"
        params = {k: np.asarray(v, dtype=float) for k, v in out.items()}
        if not all(np.all(np.isfinite(v)) for v in params.values()):
            return "the parameters ran away: each step goes against the gradient (minus)"
        ratios.append(_mlp_loss(params, X, y) / best)
        if ratios[-1] <= MLP_FACTOR:
            return True
    if min(ratios) > 1e3:
        return (
            "the loss grew: does each step go against the gradient (minus), computed by a "
            "fresh forward and backward pass at the current parameters?"
        )
    return (
        f"after training, your loss is {min(ratios):.3g} times MLP.fit's (allowed: "
        f"{MLP_FACTOR:g}). Does every step use a fresh forward pass on its own minibatch, and "
        "does it move every Param, the hidden layer's too?"
    )


ex8 = Exercise(
    "12.8",
    "write train_mlp(X, y, m, lr, steps, batch_size, seed): minibatch SGD on your MLP graph",
    _test_ex8,
    hint="each step: draw a minibatch, forward on it, backward, move every Param by -lr * grad",
)


# --------------------------------------------------------------------------------------
# 12.9: backprop for the MLP in matrix form
# --------------------------------------------------------------------------------------
def _matrix_case(seed: int, n: int, d: int, m: int):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    params = {
        "W1": rng.normal(size=(m, d)),
        "b1": rng.normal(size=m),
        "W2": rng.normal(size=(1, m)),
        "b2": rng.normal(size=1),
    }
    net = MLP([d, m, 1])
    net.set_params(params)
    _, grads = net.loss_and_grad(X, y)
    return X, y, params, grads


def _test_ex9(mlp_backprop: Callable[..., Any]) -> bool | str:
    if not callable(mlp_backprop):
        return "pass the function itself: nb12.ex9(mlp_backprop), without calling it"
    for seed, n, d, m in ((12009, 6, 3, 4), (12010, 9, 2, 5)):
        X, y, params, ref = _matrix_case(seed, n, d, m)
        got = mlp_backprop(
            X.copy(), y.copy(), *(params[k].copy() for k in ("W1", "b1", "W2", "b2"))
        )
        if not isinstance(got, dict) or set(got) != set(ref):
            return "return a dict with the keys W1, b1, W2, b2 (the partials of J)"
        got = {k: np.asarray(v, dtype=float) for k, v in got.items()}
        for k in ref:
            if got[k].shape != ref[k].shape:
                if got[k].shape == ref[k].T.shape and got[k].ndim == 2:
                    return (
                        f"dJ/d{k} has shape {got[k].shape}, the transpose of {k}'s {ref[k].shape}: "
                        "row i of W belongs to output unit i, so dW = δᵀ h, with δ of shape "
                        "(n, units out) and h of shape (n, units in)"
                    )
                return f"dJ/d{k} must have {k}'s shape {ref[k].shape}, got {got[k].shape}"
        if all(np.allclose(got[k], ref[k], rtol=1e-8, atol=1e-12) for k in ref):
            continue
        if all(np.allclose(got[k], -ref[k], rtol=1e-8) for k in ref):
            return "every sign is flipped: dJ/df = 2 (f - y) / n"
        if all(np.allclose(got[k], n * ref[k], rtol=1e-8) for k in ref):
            return "J is the mean over the batch: δ of the output carries the factor 1/n"
        if np.allclose(got["W2"], ref["W2"]) and np.allclose(got["b2"], ref["b2"]):
            h = np.tanh(X @ params["W1"].T + params["b1"])
            delta1_no = (2 * (h @ params["W2"].T + params["b2"] - y[:, None]) / n) @ params["W2"]
            if np.allclose(got["b1"], delta1_no.sum(axis=0)):
                return "δ of the hidden layer passes through tanh: multiply by tanh'(a) = 1 - h²"
            return (
                "the output layer is right; carry δ⁽²⁾ back to layer 1: through W⁽²⁾ (which "
                "product has shape (n, m)?), then through tanh, entry by entry"
            )
        return False
    return True


ex9 = Exercise(
    "12.9",
    "write mlp_backprop(X, y, W1, b1, W2, b2): the MLP's gradient in matrix form (deltas)",
    _test_ex9,
    hint="δ⁽²⁾ = dJ/df for the batch (n, 1); dW⁽²⁾ = δ⁽²⁾ᵀ h, db⁽²⁾ = the sum of δ⁽²⁾'s rows; "
    "then δ⁽¹⁾ through W⁽²⁾ and tanh, and the same two lines for layer 1",
)
