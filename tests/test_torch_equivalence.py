"""Notebook 11's fit of the slides' 10-parameter network: lecturelib equals PyTorch.

The gradient ``dJ/dtheta`` of ``J = mean((f(x_i; theta) - y_i)^2)`` with
``f(x) = w0 + sum_k w_k tanh(v_k x + b_k)`` and ``theta = (b1..b3, v1..v3, w0..w3)``, by
lecturelib's backprop and by PyTorch's autograd, in float64, agree to 1e-10; so do the
parameters after gradient-descent steps. The notebook shows its PyTorch code as text: the
last test runs that code and checks that it ends at the notebook's fit. Notebook 09's SGD
with a shrinking step, ``eta_t = lr / (1 + t / decay)``, equals PyTorch's SGD with that
schedule (``LambdaLR``) on the same examples.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from lecturelib import linear_models as lm
from lecturelib.backprop import (
    fit_by_gradient_descent,
    set_slide_theta,
    slide_gradient,
    slides_data,
)
from lecturelib.mlp import MLP

LR = 0.15  # notebook 11's step size


def _torch_loss_and_grad(torch, theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    """The slides' formula written directly in PyTorch."""
    t = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    b, v, w0, w = t[0:3], t[3:6], t[6], t[7:10]
    X = torch.tensor(x, dtype=torch.float64)[:, None]
    f = w0 + (w * torch.tanh(v * X + b)).sum(dim=1)
    J = ((f - torch.tensor(y, dtype=torch.float64)) ** 2).mean()
    J.backward()
    return J.item(), t.grad.numpy()


def test_gradients_equal_pytorch_along_the_notebook_fit(torch) -> None:
    x, y = slides_data()
    fit = fit_by_gradient_descent(x, y, lr=LR, steps=300)
    net = MLP([1, 3, 1])
    for theta in (fit.theta0, fit.theta):  # where the fit starts and where it ends
        set_slide_theta(net, theta)
        value, grad = slide_gradient(net, x, y)
        t_value, t_grad = _torch_loss_and_grad(torch, theta, x, y)
        np.testing.assert_allclose(value, t_value, rtol=1e-12)
        np.testing.assert_allclose(grad, t_grad, rtol=1e-10, atol=1e-13)


def test_gradient_descent_steps_equal_pytorch_sgd(torch) -> None:
    x, y = slides_data()
    steps = 50
    fit = fit_by_gradient_descent(x, y, lr=LR, steps=steps)
    theta = torch.tensor(fit.theta0, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([theta], lr=LR)
    X = torch.tensor(x, dtype=torch.float64)[:, None]
    Y = torch.tensor(y, dtype=torch.float64)
    for _ in range(steps):
        optimizer.zero_grad()
        b, v, w0, w = theta[0:3], theta[3:6], theta[6], theta[7:10]
        J = ((w0 + (w * torch.tanh(v * X + b)).sum(dim=1) - Y) ** 2).mean()
        J.backward()
        optimizer.step()
    np.testing.assert_allclose(fit.theta, theta.detach().numpy(), rtol=1e-10, atol=1e-12)


def test_sgd_with_a_shrinking_step_equals_pytorch(torch) -> None:
    data = lm.linear_data()
    steps, lr, decay = 500, 0.2, 10.0
    run = lm.sgd(data.X, data.y, lr=lr, decay=decay, steps=steps, engine="backprop")
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w, b], lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1.0 / (1.0 + t / decay))
    X = torch.tensor(data.X, dtype=torch.float64)
    Y = torch.tensor(data.y, dtype=torch.float64)
    rng = np.random.default_rng(0)  # sgd's examples: default_rng(seed).integers(n) per step
    for _ in range(steps):
        i = int(rng.integers(len(Y)))
        optimizer.zero_grad()
        ((Y[i] - (X[i] @ w + b)) ** 2).backward()
        optimizer.step()
        schedule.step()
    np.testing.assert_allclose(run.w_final, w.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert run.b_final == pytest.approx(float(b.detach()), rel=1e-12, abs=1e-14)


def test_notebook_snippet_ends_at_the_notebook_fit(torch, capsys) -> None:
    """Notebook 11's review cell runs its fit in PyTorch where torch is installed and prints
    the committed line where it is not: run that very cell, and check both print the same."""
    from lecturelib.tables import fmt

    path = Path(__file__).parents[1] / "notebooks" / "11_backprop_algorithm.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    blocks = [
        "".join(cell["source"])
        for cell in cells
        if cell["cell_type"] == "code" and "import torch" in "".join(cell["source"])
    ]
    assert len(blocks) == 1
    x, y = slides_data()
    fit = fit_by_gradient_descent(x, y, lr=LR, steps=10000)
    namespace = {"fit": fit, "np": np, "fmt": fmt}
    exec(blocks[0], namespace)  # the notebook's own cell, with torch: asserts within 1e-9
    printed = capsys.readouterr().out.strip()
    assert printed == namespace["COMMITTED"]
    np.testing.assert_allclose(namespace["theta_torch"], fit.theta, rtol=0, atol=1e-9)
