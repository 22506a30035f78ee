"""lecturelib: the library behind the notebook series on how neural networks learn.

The lecture: "Feature learning, neural networks and backpropagation".

BLAS threads
------------
The series' matrices are tiny (tens to hundreds of rows), so the threads of a BLAS library
only add overhead: on a 2-core laptop a notebook ran 3 times slower with them, and 20 to 100
times slower on a busy machine. Importing ``lecturelib`` therefore limits numpy's and
SciPy's BLAS to one thread (with threadpoolctl), however the notebooks are started: ``make``,
``jupyter lab`` from conda, a JupyterHub or ``nbconvert --execute``.

The way out: set the environment variable ``LECTURELIB_BLAS_THREADS`` before starting
Python, to a number of threads, or to ``all`` to leave the BLAS libraries as they are.
"""

from __future__ import annotations

import os

import numpy as _np  # noqa: F401  (loads numpy's BLAS, so the limit below reaches it)
import scipy.linalg as _scipy_linalg  # noqa: F401  (SciPy ships its own BLAS)
from threadpoolctl import threadpool_limits as _threadpool_limits

__version__ = "0.1.0"

BLAS_THREADS_VARIABLE = "LECTURELIB_BLAS_THREADS"


def _blas_threads() -> int | None:
    """The BLAS thread limit asked for by ``LECTURELIB_BLAS_THREADS`` (default 1)."""
    setting = os.environ.get(BLAS_THREADS_VARIABLE, "1").strip().lower()
    if setting in ("all", ""):
        return None
    try:
        threads = int(setting)
    except ValueError:
        threads = 0
    if threads < 1:
        raise ValueError(
            f"{BLAS_THREADS_VARIABLE} must be a whole number of threads >= 1 or 'all', "
            f"got {os.environ[BLAS_THREADS_VARIABLE]!r}"
        )
    return threads


_limit = _blas_threads()
if _limit is not None:
    _threadpool_limits(limits=_limit, user_api="blas")
