"""Shared fixtures: optional dependencies that skip locally but are required under CI."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import matplotlib
import pytest

matplotlib.use("Agg")


def own_warnings(recorded) -> list[str]:
    """The warnings a test recorded, without third parties' deprecations: matplotlib 3.8
    (our floor) calls pyparsing 3.3 by names pyparsing has deprecated, on every mathtext
    label. A numeric warning (overflow, invalid value) or any other warning stays in."""
    return [
        f"{w.category.__name__}: {w.message}"
        for w in recorded
        if not issubclass(w.category, DeprecationWarning)
    ]


def require(module: str, why: str, install: str) -> ModuleType:
    """Import ``module``; skip with a loud reason if missing, but fail when ``CI`` is set."""
    try:
        return importlib.import_module(module)
    except ImportError:
        message = f"{module} is not installed, so {why} cannot run. Install it with: {install}"
        if os.environ.get("CI"):
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch for the cross-check of every gradient (the ``[crosscheck]`` extra)."""
    return require(
        "torch",
        "the PyTorch cross-check",
        "pip install -e '.[crosscheck]'  (torch==2.13.0, CPU build)",
    )
