"""lecturelib against PyTorch autograd: same values and gradients to 1e-10 in float64."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.mlp import MLP


def _t(torch, x: np.ndarray):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# name -> (lecturelib op, torch op, input domain)
UNARY = {
    "neg": (lambda a: -a, lambda T, a: -a, "any"),
    "square": (ad.square, lambda T, a: a * a, "any"),
    "pow3": (lambda a: a**3, lambda T, a: a**3, "any"),
    "exp": (ad.exp, lambda T, a: T.exp(a), "any"),
    "log": (ad.log, lambda T, a: T.log(a), "positive"),
    "tanh": (ad.tanh, lambda T, a: T.tanh(a), "any"),
    "sigmoid": (ad.sigmoid, lambda T, a: T.sigmoid(a), "any"),
    "relu": (ad.relu, lambda T, a: T.relu(a), "any"),
    "sum": (ad.sum, lambda T, a: a.sum(), "any"),
    "mean": (ad.mean, lambda T, a: a.mean(), "any"),
    "sum_axis0": (lambda a: ad.sum(a, axis=0), lambda T, a: a.sum(0), "any"),
    "mean_axis1": (lambda a: ad.mean(a, axis=1), lambda T, a: a.mean(1), "any"),
    "softmax": (ad.softmax, lambda T, a: T.softmax(a, dim=-1), "any"),
    "l2_penalty": (lambda a: ad.l2_penalty(a, 0.3), lambda T, a: 0.3 * (a * a).sum(), "any"),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / b, lambda a, b: a / b),
    "matmul": (lambda a, b: a @ b, lambda a, b: a @ b),
    "mse": (lambda a, b: ad.mse(a, b), lambda a, b: ((a - b) ** 2).mean()),
}


def _compare(torch, ours: ad.Node, theirs, params: dict[str, Param], tensors: dict) -> None:
    rng = np.random.default_rng(0)
    weights = rng.normal(size=np.shape(theirs.detach().numpy()))
    graph = Graph(ad.sum(ours * ad.Constant(weights)))
    value = graph.forward()
    grads = graph.backward()
    objective = (theirs * torch.tensor(weights)).sum()
    objective.backward()
    np.testing.assert_allclose(value, objective.item(), rtol=1e-10, atol=1e-12)
    for name, tensor in tensors.items():
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert params  # every case has parameters


@pytest.mark.parametrize("op", list(UNARY))
def test_unary_ops_match_torch(torch, op: str) -> None:
    ours_fn, torch_fn, domain = UNARY[op]
    x = np.random.default_rng(1).normal(size=(4, 3)) * 2
    if domain == "positive":
        x = np.abs(x) + 0.1
    a = Param("a", x)
    ta = _t(torch, x)
    _compare(torch, ours_fn(a), torch_fn(torch, ta), {"a": a}, {"a": ta})


@pytest.mark.parametrize("op", list(BINARY))
def test_binary_ops_match_torch(torch, op: str) -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 3))
    if op == "matmul":
        y = rng.normal(size=(3, 2))
    elif op == "mse":  # a loss compares equal shapes (it refuses to broadcast)
        y = rng.normal(size=(4, 3))
    else:  # a row broadcast over the batch, like a bias
        y = np.abs(rng.normal(size=3)) + 0.5
    a, b = Param("a", x), Param("b", y)
    ta, tb = _t(torch, x), _t(torch, y)
    ours_fn, torch_fn = BINARY[op]
    _compare(torch, ours_fn(a, b), torch_fn(ta, tb), {"a": a, "b": b}, {"a": ta, "b": tb})


def test_affine_and_cross_entropy_match_torch(torch) -> None:
    rng = np.random.default_rng(3)
    X, M, c = rng.normal(size=(6, 4)), rng.normal(size=(3, 4)), rng.normal(size=3)
    labels = rng.integers(0, 3, size=6)
    pM, pc = Param("M", M), Param("c", c)
    y = Input("y")
    graph = Graph(ad.cross_entropy(ad.affine(ad.Constant(X), pM, pc), y))
    value = graph.forward(y=labels)
    grads = graph.backward()
    tM, tc = _t(torch, M), _t(torch, c)
    loss = torch.nn.functional.cross_entropy(torch.tensor(X) @ tM.T + tc, torch.tensor(labels))
    loss.backward()
    np.testing.assert_allclose(value, loss.item(), rtol=1e-12)
    np.testing.assert_allclose(grads["M"], tM.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(grads["c"], tc.grad.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize(
    ("sizes", "activation", "loss"),
    [
        ([1, 3, 1], "tanh", "mse"),
        ([2, 5, 4, 1], "sigmoid", "mse"),
        ([3, 6, 2], "relu", "mse"),
        ([2, 8, 8, 3], "tanh", "cross_entropy"),
    ],
)
def test_random_mlps_match_torch(torch, sizes, activation, loss) -> None:
    rng = np.random.default_rng(sum(sizes))
    net = MLP(sizes, activation=activation, seed=4)
    X = rng.normal(size=(20, sizes[0]))
    if loss == "mse":
        y = rng.normal(size=(20, sizes[-1])) if sizes[-1] > 1 else rng.normal(size=20)
    else:
        y = rng.integers(0, sizes[-1], size=20)
    value, grads = net.loss_and_grad(X, y, loss=loss)

    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu}[activation]
    tensors = {name: _t(torch, v) for name, v in net.params.items()}
    h = torch.tensor(X)
    layers = len(sizes) - 1
    for j in range(1, layers + 1):
        h = h @ tensors[f"W{j}"].T + tensors[f"b{j}"]
        if j < layers:
            h = act(h)
    if loss == "mse":
        target = torch.tensor(y).reshape(h.shape)
        objective = ((target - h) ** 2).mean()
    else:
        objective = torch.nn.functional.cross_entropy(h, torch.tensor(y))
    objective.backward()
    np.testing.assert_allclose(value, objective.item(), rtol=1e-12)
    for name, tensor in tensors.items():
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-10, atol=1e-13)
