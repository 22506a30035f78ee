"""Fitting Bishop's curves: lecturelib's default ``MLP.fit`` against scikit-learn's L-BFGS.

50 evenly spaced points on [-1, 1]; targets x^2, sin(pi x), |x| and 1000 x^2 (other
units); tanh and logistic hidden units; 3 hidden units; 10 seeds each. Reported: median
training MSE and median milliseconds per fit.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np

from lecturelib.mlp import MLP

X = np.linspace(-1.0, 1.0, 50)
TARGETS = {
    "x^2": X**2,
    "sin(pi x)": np.sin(np.pi * X),
    "|x|": np.abs(X),
    # x^2 in other units (y in millimetres): MLP.fit standardises, so it fits as well
    # (MSE 1e6 times the x^2 row's); scikit-learn asks its users to standardise by hand.
    "1000 x^2": 1000 * X**2,
}
ACTIVATIONS = ["tanh", "logistic"]
SEEDS = range(10)


def fit_lecturelib(y: np.ndarray, activation: str, seed: int) -> float:
    net = MLP([1, 3, 1], activation=activation, seed=seed)
    return net.fit(X, y).final


def fit_sklearn(y: np.ndarray, activation: str, seed: int) -> float:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    model = MLPRegressor(
        hidden_layer_sizes=(3,), solver="lbfgs", activation=activation, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[:, None], y)
    return float(np.mean((model.predict(X[:, None]) - y) ** 2))


FITTERS: dict[str, Callable[[np.ndarray, str, int], float]] = {
    "lecturelib MLP.fit (default)": fit_lecturelib,
    "scikit-learn MLPRegressor lbfgs": fit_sklearn,
}


def run_fits(progress: Callable[[str], None] = print) -> list[dict[str, object]]:
    rows = []
    for target, y in TARGETS.items():
        for activation in ACTIVATIONS:
            for fitter, fit in FITTERS.items():
                fit(y, activation, 0)  # warm up (imports, caches)
                mses, times = [], []
                for seed in SEEDS:
                    start = time.perf_counter()
                    mses.append(fit(y, activation, seed))
                    times.append(time.perf_counter() - start)
                row = {
                    "target": target,
                    "activation": activation,
                    "fitter": fitter,
                    "median_mse": float(np.median(mses)),
                    "median_ms": 1000 * float(np.median(times)),
                }
                rows.append(row)
                progress(
                    f"  {target:10s} {activation:9s} {fitter:32s} "
                    f"MSE {row['median_mse']:9.2e}  {row['median_ms']:7.1f} ms"
                )
    return rows
