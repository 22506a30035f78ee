"""Exercises of notebook 07 (MLP classification and softmax).

Each checker computes its reference inside the test, for a network, scores or data the
notebook does not show, so running a check never prints the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import numpy as np

from lecturelib import autodiff as ad
from lecturelib import classification as C
from lecturelib.checks import Exercise
from lecturelib.mlp import MLP

__all__ = ["ex1", "ex2", "ex3", "ex4", "ex5"]


def _whole(answer: Any) -> int:
    if isinstance(answer, bool) or float(answer) != int(answer):
        raise ValueError(f"give a whole number, got {answer!r}")
    return int(answer)


# --------------------------------------------------------------------------------------
# 07.1: the parameters of an MLP with 3 inputs, two hidden layers of 10 units, 4 classes
# --------------------------------------------------------------------------------------
SIZES_1 = [3, 10, 10, 4]


def _test_ex1(answer: Any) -> bool | str:
    count = _whole(answer)
    net = MLP(SIZES_1)
    if count == net.n_params:
        return True
    weights = sum(a * b for a, b in pairwise(SIZES_1))
    if count == weights:
        return "that counts the weight matrices only: every layer has a bias vector too"
    if count == MLP([2, 10, 10, 3]).n_params:
        return "here the input has d = 3 entries and there are k = 4 classes"
    if count == weights + sum(SIZES_1[:-1]):
        return "a layer's bias has one entry per unit it outputs (b^(j) has m entries, not d)"
    return False


ex1 = Exercise(
    "07.1",
    "count the parameters of MLP([3, 10, 10, 4]) from the shapes of W1, b1, ..., b3",
    _test_ex1,
    hint="W^(1) is m x d, W^(2) is m x m, W^(3) is k x m; b^(j) has as many entries as "
    "layer j has outputs",
)


# --------------------------------------------------------------------------------------
# 07.2: the score that gives class 2 a probability of 0.9
# --------------------------------------------------------------------------------------
def _test_ex2(answer: Any) -> bool | str:
    s2 = float(answer)
    p = float(C.softmax([0.0, s2, 1.0])[1])
    if abs(p - 0.9) <= 1e-4:  # dp/ds2 = p (1 - p) = 0.09: s2 to 3 decimals is within 5e-5
        return True
    if abs(s2 - np.log(9.0)) < 5e-3:
        return "that makes e^{s2} 9 times e^0 alone: the denominator has e^1 as well"
    if abs(s2 - np.log(0.9 * (1 + np.e))) < 5e-3:
        return "the denominator includes e^{s2} itself: p = e^{s2} / (1 + e^{s2} + e)"
    if abs(p - 0.9) < 0.01:
        return f"close: your score gives {p:.4f}; give s2 to 3 decimals"
    return "too small: class 2 gets less than 0.9" if p < 0.9 else "too large: more than 0.9"


ex2 = Exercise(
    "07.2",
    "the score s2 for which Softmax(0, s2, 1) gives class 2 a probability of 0.9 (3 decimals)",
    _test_ex2,
    hint="solve e^{s2} / (e^0 + e^{s2} + e^1) = 0.9 for e^{s2}, then take the log",
)


# --------------------------------------------------------------------------------------
# 07.3: write softmax, stable for large scores
# --------------------------------------------------------------------------------------
def _scores_3() -> list[np.ndarray]:
    rng = np.random.default_rng(7003)
    return [
        rng.normal(size=(5, 3)),
        rng.normal(size=(4, 2)) * 3,
        np.array([[1000.0, 999.0, 0.0], [-1000.0, -1001.0, -1003.0]]),
        np.array([[-800.0, -800.0, -805.0, -799.0]]),
    ]


def _test_ex3(my_softmax: Callable[[np.ndarray], Any]) -> bool | str:
    if not callable(my_softmax):
        return "pass the function itself: nb07.ex3(my_softmax), without calling it"
    if my_softmax in (C.softmax, ad.softmax_of):
        return "that is the library's softmax: write your own, with numpy"
    for S in _scores_3():
        with np.errstate(all="ignore"):
            got = np.asarray(my_softmax(S.copy()), dtype=float)
        ref = ad.softmax_of(S, axis=1)
        if got.shape != ref.shape:
            return f"for scores of shape {S.shape} give probabilities of the same shape"
        if np.allclose(got, ref, rtol=1e-9, atol=1e-12):
            continue
        if not np.all(np.isfinite(got)):
            return (
                "nan or inf for large scores: e^1000 overflows. Subtract each row's largest "
                "score first (it changes nothing)"
            )
        if np.allclose(got.sum(axis=0), 1.0):
            return "the probabilities of one example (a row) must sum to 1: sum along axis=1"
        if not np.allclose(got.sum(axis=1), 1.0):
            return "divide by the sum of the row's exponentials, so that each row sums to 1"
        return False
    return True


ex3 = Exercise(
    "07.3",
    "write a stable softmax for rows of scores (n, k) that survives scores like 1000",
    _test_ex3,
    hint="e = np.exp(S - row's max); then divide each row by its own sum",
)


# --------------------------------------------------------------------------------------
# 07.4: write the forward pass of a one-hidden-layer ReLU MLP
# --------------------------------------------------------------------------------------
def _cases_4() -> list[tuple[dict[str, np.ndarray], np.ndarray]]:
    rng = np.random.default_rng(7004)
    cases = []
    for d, m, k, n in ((2, 5, 3, 7), (3, 4, 2, 6), (4, 6, 5, 3)):
        params = {
            "W1": rng.normal(size=(m, d)),
            "b1": rng.normal(size=m),
            "W2": rng.normal(size=(k, m)),
            "b2": rng.normal(size=k),
        }
        cases.append((params, rng.normal(size=(n, d))))
    return cases


def _reference_4(params: dict[str, np.ndarray], X: np.ndarray, activation: str = "relu"):
    d, m, k = params["W1"].shape[1], params["W1"].shape[0], params["W2"].shape[0]
    net = MLP([d, m, k], activation=activation)
    net.set_params(params)
    return net.predict_proba(X)


def _test_ex4(my_forward: Callable[..., Any]) -> bool | str:
    if not callable(my_forward):
        return "pass the function itself: nb07.ex4(my_forward), without calling it"
    for params, X in _cases_4():
        with np.errstate(all="ignore"):
            got = np.asarray(
                my_forward({k: v.copy() for k, v in params.items()}, X.copy()), dtype=float
            )
        ref = _reference_4(params, X)
        n, k = X.shape[0], params["W2"].shape[0]
        if got.shape != ref.shape:
            if got.shape == (k, n):
                return f"one row per example: the result should have shape ({n}, {k})"
            return f"for {n} examples and {k} classes the result has shape ({n}, {k})"
        if np.allclose(got, ref, rtol=1e-9, atol=1e-12):
            continue
        W1, b1, W2, b2 = (params[k_] for k_ in ("W1", "b1", "W2", "b2"))
        H = np.maximum(X @ W1.T + b1, 0.0)
        if np.allclose(got, H @ W2.T + b2):
            return "those are the scores: softmax turns them into probabilities"
        if np.allclose(got, _reference_4(params, X, "tanh")):
            return "the hidden layer of this network uses ReLU, max(z, 0), not tanh"
        if np.allclose(got, ad.softmax_of(np.maximum(X @ W1.T, 0.0) @ W2.T + b2)):
            return "the hidden layer's bias b1 is missing"
        if np.allclose(got, ad.softmax_of(np.maximum(H @ W2.T + b2, 0.0))):
            return "the last layer is affine: no activation on the scores (slide: a(o))"
        return False
    return True


ex4 = Exercise(
    "07.4",
    "write the forward pass of MLP([d, m, k]) with ReLU units: rows of X -> class probabilities",
    _test_ex4,
    hint="with one example per row: H = relu(X W1^T + b1), scores = H W2^T + b2, then softmax "
    "along each row",
)


# --------------------------------------------------------------------------------------
# 07.5: a small network that learns the playground's spirals
# --------------------------------------------------------------------------------------
MAX_PARAMS_5, MIN_TEST_5, FRAMES_5 = 25, 0.92, 200


def _setting(answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        setting = dict(answer)
    else:
        width, depth, activation = answer
        setting = {"width": width, "depth": depth, "activation": activation}
    if set(setting) != {"width", "depth", "activation"}:
        raise ValueError("give dict(width=..., depth=..., activation=...)")
    return setting


def _test_ex5(answer: Any) -> bool | str:
    setting = _setting(answer)
    n_params = C.playground_start(data="spirals", **setting).n_params
    if n_params > MAX_PARAMS_5:
        return f"that network has {n_params} parameters, more than {MAX_PARAMS_5}"
    state = C.playground_run(FRAMES_5, data="spirals", **setting)
    if state.test_accuracy >= MIN_TEST_5:
        return True
    return (
        f"after {FRAMES_5} frames its test accuracy is {state.test_accuracy:.3f}; look at its "
        "hidden units while it trains: how many different edges does the border need?"
    )


ex5 = Exercise(
    "07.5",
    f"a playground setting for the spirals with at most {MAX_PARAMS_5} parameters and test "
    f"accuracy >= {MIN_TEST_5} after {FRAMES_5} frames",
    _test_ex5,
    hint="try one hidden layer first, and compare the activations",
)
