"""Run time of the whole series as a student starts it, without ``make``: with and without
``OPENBLAS_NUM_THREADS=1`` in the environment.

``lecturelib`` limits the BLAS libraries to one thread itself when it is imported, so the two
runs should take the same time: the ratio without/with is the goal (1.2 or less).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _execute_series(env: dict[str, str]) -> float:
    """Seconds to execute every notebook with ``jupyter nbconvert --execute``, in a temp copy."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "notebooks"
        shutil.copytree(ROOT / "notebooks", folder)
        notebooks = sorted(str(p) for p in folder.glob("*.ipynb"))
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--execute",
                "--to",
                "notebook",
                "--inplace",
                "--ExecutePreprocessor.timeout=1200",
                *notebooks,
            ],
            cwd=folder,
            env=env,
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - start


def run_threads(repeats: int = 2) -> dict[str, float]:
    """Best of ``repeats`` runs each way; the ratio of the two."""
    base = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    base.pop("LECTURELIB_BLAS_THREADS", None)
    base["TQDM_DISABLE"] = "1"
    without = min(_execute_series(base) for _ in range(repeats))
    with_one = min(_execute_series({**base, "OPENBLAS_NUM_THREADS": "1"}) for _ in range(repeats))
    return {"without": without, "with": with_one, "ratio": without / with_one}


if __name__ == "__main__":
    print(run_threads())
