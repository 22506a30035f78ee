"""Reference solutions and plausible wrong answers for notebook 12's exercises.

The node classes keep the notebook's given ``forward()`` and differ only in ``backward()``;
the functions are what a student writes in the exercise cells, right and wrong.
"""

from __future__ import annotations

import numpy as np

from lecturelib.autodiff import mean
from lecturelib.engine import Graph, Input, Node, Param, Tanh, sum_to
from tests.solutions import Solution


# --------------------------------------------------------------------------------------
# 12.1 Mul
# --------------------------------------------------------------------------------------
class MyMul(Node):
    def forward(self):
        self.value = self.inputs[0].value * self.inputs[1].value

    def backward(self):
        a, b = self.inputs
        a.grad += sum_to(self.grad * b.value, a.value.shape)
        b.grad += sum_to(self.grad * a.value, b.value.shape)


class MulFlipped(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad += sum_to(-self.grad * b.value, a.value.shape)
        b.grad += sum_to(-self.grad * a.value, b.value.shape)


class MulOneInput(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad += sum_to(self.grad * b.value, a.value.shape)


class MulAssign(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad = sum_to(self.grad * b.value, a.value.shape)
        b.grad = sum_to(self.grad * a.value, b.value.shape)


class MulNoChain(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad += sum_to(np.ones_like(self.value) * b.value, a.value.shape)
        b.grad += sum_to(np.ones_like(self.value) * a.value, b.value.shape)


class MulNoSumTo(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad += self.grad * b.value
        b.grad += self.grad * a.value


class MulSwapped(MyMul):
    def backward(self):
        a, b = self.inputs
        a.grad += sum_to(self.grad * a.value, a.value.shape)
        b.grad += sum_to(self.grad * b.value, b.value.shape)


# --------------------------------------------------------------------------------------
# 12.2 Tanh
# --------------------------------------------------------------------------------------
class MyTanh(Node):
    def forward(self):
        self.value = np.tanh(self.inputs[0].value)

    def backward(self):
        self.inputs[0].grad += self.grad * (1.0 - self.value**2)


class TanhFlipped(MyTanh):
    def backward(self):
        self.inputs[0].grad += self.grad * (self.value**2 - 1.0)


class TanhAssign(MyTanh):
    def backward(self):
        self.inputs[0].grad = self.grad * (1.0 - self.value**2)


class TanhNoChain(MyTanh):
    def backward(self):
        self.inputs[0].grad += 1.0 - self.value**2


class TanhOfInput(MyTanh):
    def backward(self):
        a = self.inputs[0]
        a.grad += self.grad * (1.0 - a.value**2)


class TanhNoSquare(MyTanh):
    def backward(self):
        self.inputs[0].grad += self.grad * (1.0 - self.value)


# --------------------------------------------------------------------------------------
# 12.3 MatMul
# --------------------------------------------------------------------------------------
class MyMatMul(Node):
    def forward(self):
        self.value = self.inputs[0].value @ self.inputs[1].value

    def backward(self):
        a, b = self.inputs
        A = a.value.reshape(1, -1) if a.value.ndim == 1 else a.value  # a row
        B = b.value.reshape(-1, 1) if b.value.ndim == 1 else b.value  # a column
        G = self.grad.reshape(A.shape[0], B.shape[1])
        a.grad += (G @ B.T).reshape(a.value.shape)
        b.grad += (A.T @ G).reshape(b.value.shape)


class MyMatMulOuter(MyMatMul):
    """The vector cases written out with np.outer instead of reshapes."""

    def backward(self):
        a, b = self.inputs
        A, B, G = a.value, b.value, self.grad
        if A.ndim == 2 and B.ndim == 2:
            a.grad += G @ B.T
            b.grad += A.T @ G
        elif A.ndim == 1:  # x @ W: G has shape (m,)
            a.grad += B @ G
            b.grad += np.outer(A, G)
        else:  # W @ x or X @ w: G has shape (rows,)
            a.grad += np.outer(G, B)
            b.grad += A.T @ G


class MatMulNoTranspose(MyMatMul):
    def backward(self):
        a, b = self.inputs
        a.grad += self.grad @ b.value
        b.grad += a.value @ self.grad


class MatMulMatricesOnly(MyMatMul):
    def backward(self):
        a, b = self.inputs
        a.grad += self.grad @ b.value.T
        b.grad += a.value.T @ self.grad


class MatMulAssign(MyMatMul):
    def backward(self):
        a, b = self.inputs
        A = a.value.reshape(1, -1) if a.value.ndim == 1 else a.value
        B = b.value.reshape(-1, 1) if b.value.ndim == 1 else b.value
        G = self.grad.reshape(A.shape[0], B.shape[1])
        a.grad = (G @ B.T).reshape(a.value.shape)
        b.grad = (A.T @ G).reshape(b.value.shape)


class MatMulFlipped(MyMatMul):
    def backward(self):
        a, b = self.inputs
        A = a.value.reshape(1, -1) if a.value.ndim == 1 else a.value
        B = b.value.reshape(-1, 1) if b.value.ndim == 1 else b.value
        G = -self.grad.reshape(A.shape[0], B.shape[1])
        a.grad += (G @ B.T).reshape(a.value.shape)
        b.grad += (A.T @ G).reshape(b.value.shape)


class MatMulOneInput(MyMatMul):
    def backward(self):
        a, b = self.inputs
        A = a.value.reshape(1, -1) if a.value.ndim == 1 else a.value
        B = b.value.reshape(-1, 1) if b.value.ndim == 1 else b.value
        G = self.grad.reshape(A.shape[0], B.shape[1])
        b.grad += (A.T @ G).reshape(b.value.shape)


# --------------------------------------------------------------------------------------
# 12.4 Sum
# --------------------------------------------------------------------------------------
class MySum(Node):
    def forward(self):
        self.value = np.sum(self.inputs[0].value)

    def backward(self):
        self.inputs[0].grad += self.grad * np.ones_like(self.inputs[0].value)


class MySumBroadcast(MySum):
    def backward(self):
        self.inputs[0].grad += self.grad  # numpy broadcasts the scalar to every entry


class SumNoChain(MySum):
    def backward(self):
        self.inputs[0].grad += 1.0


class SumAssign(MySum):
    def backward(self):
        a = self.inputs[0]
        a.grad = self.grad * np.ones_like(a.value)


class SumMean(MySum):
    def backward(self):
        a = self.inputs[0]
        a.grad += self.grad * np.ones_like(a.value) / a.value.size


class SumScalarGrad(MySum):
    def backward(self):
        self.inputs[0].grad = self.grad


# --------------------------------------------------------------------------------------
# 12.5 softmax + cross-entropy
# --------------------------------------------------------------------------------------
def _softmax(scores, axis=1):
    e = np.exp(scores - scores.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def grad_scores(scores, y):
    n, k = scores.shape
    return (_softmax(scores) - np.eye(k)[y]) / n


def grad_scores_loop(scores, y):
    out = _softmax(scores)
    out[np.arange(len(y)), y] -= 1.0
    return out / len(y)


def no_mean(scores, y):
    return _softmax(scores) - np.eye(scores.shape[1])[y]


def plus_e_y(scores, y):
    return (_softmax(scores) + np.eye(scores.shape[1])[y]) / len(y)


def wrong_axis(scores, y):
    return (_softmax(scores, axis=0) - np.eye(scores.shape[1])[y]) / len(y)


def flipped_scores(scores, y):
    return -grad_scores(scores, y)


# --------------------------------------------------------------------------------------
# 12.6 ridge regression by SGD
# --------------------------------------------------------------------------------------
def _ridge(X, y, lam, lr, epochs, seed, penalise_b=False, use_lam=True, sign=1.0, move_b=True):
    n, d = X.shape
    x, t = Input("x"), Input("y")
    w, b = Param("w", np.zeros(d)), Param("b", 0.0)
    r = t - (x @ w + b)
    J = r * r
    if use_lam:
        J = J + lam * (w @ w)
    if penalise_b:
        J = J + lam * (b * b)
    graph = Graph(J)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for i in rng.permutation(n):
            graph.forward(x=X[i], y=y[i])
            graph.backward()
            w.value = w.value - sign * lr * w.grad
            if move_b:
                b.value = b.value - sign * lr * b.grad
            if not np.all(np.isfinite(w.value)) or np.abs(w.value).max() > 1e6:
                return w.value, float(b.value)
    return w.value, float(b.value)


def train_ridge(X, y, lam, lr=0.01, epochs=100, seed=0):
    return _ridge(X, y, lam, lr, epochs, seed)


def train_ridge_in_order(X, y, lam, lr=0.01, epochs=100, seed=0):
    n, d = X.shape
    x, t = Input("x"), Input("y")
    w, b = Param("w", np.zeros(d)), Param("b", 0.0)
    graph = Graph((t - (x @ w + b)) ** 2 + lam * (w @ w))
    for _ in range(epochs):
        for i in range(n):  # the same order every epoch: also lands close enough
            graph.forward(x=X[i], y=y[i])
            grads = graph.backward()
            w.value = w.value - lr * grads["w"]
            b.value = b.value - lr * grads["b"]
    return w.value, float(b.value)


def ridge_no_lambda(X, y, lam, lr=0.01, epochs=100, seed=0):
    return _ridge(X, y, lam, lr, epochs, seed, use_lam=False)


def ridge_penalises_b(X, y, lam, lr=0.01, epochs=100, seed=0):
    return _ridge(X, y, lam, lr, epochs, seed, penalise_b=True)


def ridge_ascent(X, y, lam, lr=0.01, epochs=100, seed=0):
    return _ridge(X, y, lam, lr, epochs, seed, sign=-1.0)


def ridge_b_frozen(X, y, lam, lr=0.01, epochs=100, seed=0):
    return _ridge(X, y, lam, lr, epochs, seed, move_b=False)


# --------------------------------------------------------------------------------------
# 12.7 the MLP graph
# --------------------------------------------------------------------------------------
def _init(d, m, seed):
    rng = np.random.default_rng(seed)
    return (
        Param("W1", rng.normal(0.0, 1.0 / np.sqrt(d), (d, m))),
        Param("b1", rng.normal(0.0, 1.0 / np.sqrt(d), m)),
        Param("w2", rng.normal(0.0, 1.0 / np.sqrt(m), m)),
        Param("b2", 0.0),
    )


def mlp_graph(d, m, seed=0):
    X, y = Input("X"), Input("y")
    W1, b1, w2, b2 = _init(d, m, seed)
    h = Tanh(X @ W1 + b1)
    r = y - (h @ w2 + b2)
    return Graph(mean(r * r))


def mlp_graph_sum(d, m, seed=0):
    X, y = Input("X"), Input("y")
    W1, b1, w2, b2 = _init(d, m, seed)
    r = y - (Tanh(X @ W1 + b1) @ w2 + b2)
    return Graph(r @ r)


def mlp_graph_no_tanh(d, m, seed=0):
    X, y = Input("X"), Input("y")
    W1, b1, w2, b2 = _init(d, m, seed)
    r = y - ((X @ W1 + b1) @ w2 + b2)
    return Graph(mean(r * r))


def mlp_graph_no_b1(d, m, seed=0):
    X, y = Input("X"), Input("y")
    W1, _, w2, b2 = _init(d, m, seed)
    r = y - (Tanh(X @ W1) @ w2 + b2)
    return Graph(mean(r * r))


# --------------------------------------------------------------------------------------
# 12.8 minibatch SGD on the MLP graph
# --------------------------------------------------------------------------------------
def _train(X, y, m, lr, steps, batch_size, seed, names=None, sign=1.0, stale=False):
    graph = mlp_graph(X.shape[1], m, seed)
    rng = np.random.default_rng(seed)
    n = X.shape[0]
    idx = rng.choice(n, batch_size, replace=False)
    graph.forward(X=X[idx], y=y[idx])
    for _ in range(steps):
        if not stale:  # a fresh minibatch and a fresh forward pass at the current parameters
            idx = rng.choice(n, batch_size, replace=False)
            graph.forward(X=X[idx], y=y[idx])
        grads = graph.backward()
        for name in names or graph.params:
            p = graph.params[name]
            p.value = p.value - sign * lr * grads[name]
        if sign < 0 and abs(float(graph.params["b2"].value)) > 1e6:
            break
    return {name: p.value.copy() for name, p in graph.params.items()}


def train_mlp(X, y, m, lr=0.2, steps=2000, batch_size=10, seed=0):
    return _train(X, y, m, lr, steps, batch_size, seed)


def train_mlp_output_only(X, y, m, lr=0.2, steps=2000, batch_size=10, seed=0):
    return _train(X, y, m, lr, steps, batch_size, seed, names=("w2", "b2"))


def train_mlp_ascent(X, y, m, lr=0.2, steps=2000, batch_size=10, seed=0):
    return _train(X, y, m, lr, steps, batch_size, seed, sign=-1.0)


def train_mlp_stale_forward(X, y, m, lr=0.2, steps=2000, batch_size=10, seed=0):
    return _train(X, y, m, lr, steps, batch_size, seed, stale=True)


def train_mlp_untrained(X, y, m, lr=0.2, steps=2000, batch_size=10, seed=0):
    return _train(X, y, m, lr, 0, batch_size, seed)


# --------------------------------------------------------------------------------------
# 12.9 backprop in matrix form
# --------------------------------------------------------------------------------------
def _matrix(X, y, W1, b1, W2, b2, tanh_prime=True, transpose=False, scale=1.0, sign=1.0):
    n = X.shape[0]
    h = np.tanh(X @ W1.T + b1)  # (n, m): row i is h(x_i)
    f = h @ W2.T + b2  # (n, 1)
    delta2 = sign * scale * 2.0 * (f - y[:, None]) / n  # dJ/da2, one row per example
    delta1 = (delta2 @ W2) * ((1.0 - h**2) if tanh_prime else 1.0)  # dJ/da1
    if transpose:
        return {"W1": X.T @ delta1, "b1": delta1.sum(0), "W2": h.T @ delta2, "b2": delta2.sum(0)}
    return {
        "W1": delta1.T @ X,  # sum over the batch of delta1_i x_i^T
        "b1": delta1.sum(axis=0),
        "W2": delta2.T @ h,
        "b2": delta2.sum(axis=0),
    }


def mlp_backprop(X, y, W1, b1, W2, b2):
    return _matrix(X, y, W1, b1, W2, b2)


def backprop_no_tanh_prime(X, y, W1, b1, W2, b2):
    return _matrix(X, y, W1, b1, W2, b2, tanh_prime=False)


def backprop_transposed(X, y, W1, b1, W2, b2):
    return _matrix(X, y, W1, b1, W2, b2, transpose=True)


def backprop_no_mean(X, y, W1, b1, W2, b2):
    return _matrix(X, y, W1, b1, W2, b2, scale=X.shape[0])


def backprop_flipped(X, y, W1, b1, W2, b2):
    return _matrix(X, y, W1, b1, W2, b2, sign=-1.0)


def backprop_input_derivative(X, y, W1, b1, W2, b2):
    n = X.shape[0]
    a1 = X @ W1.T + b1
    h = np.tanh(a1)
    delta2 = 2.0 * (h @ W2.T + b2 - y[:, None]) / n
    delta1 = (delta2 @ W2) * (1.0 - a1**2)
    return {"W1": delta1.T @ X, "b1": delta1.sum(0), "W2": delta2.T @ h, "b2": delta2.sum(0)}


SOLUTIONS = {
    "12.1": Solution(
        right=[MyMul],
        wrong=[MulFlipped, MulOneInput, MulAssign, MulNoChain, MulNoSumTo, MulSwapped],
    ),
    "12.2": Solution(
        right=[MyTanh], wrong=[TanhFlipped, TanhAssign, TanhNoChain, TanhOfInput, TanhNoSquare]
    ),
    "12.3": Solution(
        right=[MyMatMul, MyMatMulOuter],
        wrong=[MatMulNoTranspose, MatMulMatricesOnly, MatMulAssign, MatMulFlipped, MatMulOneInput],
    ),
    "12.4": Solution(
        right=[MySum, MySumBroadcast], wrong=[SumNoChain, SumAssign, SumMean, SumScalarGrad]
    ),
    "12.5": Solution(
        right=[grad_scores, grad_scores_loop],
        wrong=[no_mean, plus_e_y, wrong_axis, flipped_scores],
    ),
    "12.6": Solution(
        right=[train_ridge, train_ridge_in_order],
        wrong=[ridge_no_lambda, ridge_penalises_b, ridge_ascent, ridge_b_frozen],
    ),
    "12.7": Solution(right=[mlp_graph], wrong=[mlp_graph_sum, mlp_graph_no_tanh, mlp_graph_no_b1]),
    "12.8": Solution(
        right=[train_mlp],
        wrong=[
            train_mlp_output_only,
            train_mlp_ascent,
            train_mlp_stale_forward,
            train_mlp_untrained,
        ],
    ),
    "12.9": Solution(
        right=[mlp_backprop],
        wrong=[
            backprop_no_tanh_prime,
            backprop_transposed,
            backprop_no_mean,
            backprop_flipped,
            backprop_input_derivative,
        ],
    ),
}
