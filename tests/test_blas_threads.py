"""Importing lecturelib limits BLAS to one thread, however Python was started."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, lecturelib\n"
    "from threadpoolctl import threadpool_info\n"
    "print(json.dumps([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']))"
)


def _blas_threads(**env: str) -> list[int]:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("NUM_THREADS")}
    clean.pop("LECTURELIB_BLAS_THREADS", None)
    clean["OPENBLAS_NUM_THREADS"] = "2"  # as if the machine asked for more
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_import_limits_numpy_and_scipy_blas_to_one_thread() -> None:
    threads = _blas_threads()
    assert len(threads) >= 1 and set(threads) == {1}


def test_the_variable_sets_another_limit_or_none() -> None:
    assert set(_blas_threads(LECTURELIB_BLAS_THREADS="all")) == {2}
    assert set(_blas_threads(LECTURELIB_BLAS_THREADS="2")) == {2}


@pytest.mark.parametrize("setting", ["0", "two", "-1"])
def test_a_bad_setting_names_the_variable(setting: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import lecturelib"],
        env={**os.environ, "LECTURELIB_BLAS_THREADS": setting},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LECTURELIB_BLAS_THREADS" in result.stderr and "'all'" in result.stderr
