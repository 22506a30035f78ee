"""Shared fixtures: optional dependencies that skip locally but are required under CI."""

from __future__ import annotations

import importlib
import os
from types import ModuleType

import matplotlib
import pytest

matplotlib.use("Agg")


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
