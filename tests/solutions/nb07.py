"""Reference solutions and plausible wrong answers for notebook 07's exercises."""

from __future__ import annotations

import numpy as np

from tests.solutions import Solution


def softmax_rows(S):
    e = np.exp(S - S.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax_loop(S):
    out = np.empty_like(S)
    for i, row in enumerate(S):
        e = np.exp(row - np.max(row))
        out[i] = e / np.sum(e)
    return out


def softmax_naive(S):
    e = np.exp(S)
    return e / e.sum(axis=1, keepdims=True)


def softmax_global_max(S):
    e = np.exp(S - S.max())  # one maximum for all rows: a row far below it underflows to 0/0
    return e / e.sum(axis=1, keepdims=True)


def softmax_columns(S):
    e = np.exp(S - S.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_unnormalised(S):
    return np.exp(S - S.max(axis=1, keepdims=True))


def forward(params, X):
    H = np.maximum(X @ params["W1"].T + params["b1"], 0.0)
    return softmax_rows(H @ params["W2"].T + params["b2"])


def forward_columns(params, X):
    H = np.maximum(params["W1"] @ X.T + params["b1"][:, None], 0.0)  # one column per example
    return softmax_columns(params["W2"] @ H + params["b2"][:, None]).T


def scores_only(params, X):
    H = np.maximum(X @ params["W1"].T + params["b1"], 0.0)
    return H @ params["W2"].T + params["b2"]


def tanh_units(params, X):
    return softmax_rows(np.tanh(X @ params["W1"].T + params["b1"]) @ params["W2"].T + params["b2"])


def no_hidden_bias(params, X):
    return softmax_rows(np.maximum(X @ params["W1"].T, 0.0) @ params["W2"].T + params["b2"])


def relu_on_scores(params, X):
    H = np.maximum(X @ params["W1"].T + params["b1"], 0.0)
    return softmax_rows(np.maximum(H @ params["W2"].T + params["b2"], 0.0))


def untransposed(params, X):
    H = np.maximum(X @ params["W1"] + params["b1"], 0.0)  # shapes do not fit: an error
    return softmax_rows(H @ params["W2"] + params["b2"])


_s2 = float(np.log(9 * (1 + np.e)))

SOLUTIONS = {
    "07.1": Solution(right=[194, 194.0], wrong=[170, 173, 191, 190, 200]),
    "07.2": Solution(
        right=[_s2, round(_s2, 3)],
        wrong=[float(np.log(9)), float(np.log(0.9 * (1 + np.e))), round(_s2, 1), 3.6, -_s2],
    ),
    "07.3": Solution(
        right=[softmax_rows, softmax_loop],
        wrong=[softmax_naive, softmax_global_max, softmax_columns, softmax_unnormalised],
    ),
    "07.4": Solution(
        right=[forward, forward_columns],
        wrong=[scores_only, tanh_units, no_hidden_bias, relu_on_scores, untransposed],
    ),
    "07.5": Solution(
        right=[dict(width=4, depth=1, activation="tanh")],
        wrong=[
            dict(width=8, depth=2, activation="tanh"),  # the player's start: too many
            dict(width=4, depth=1, activation="relu"),
            dict(width=2, depth=3, activation="tanh"),
        ],
    ),
}
