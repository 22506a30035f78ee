"""Wall time of running every notebook under strict nbval (what ``make test`` runs)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_series() -> dict[str, object]:
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "notebooks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return {
        "notebooks": len(notebooks),
        "seconds": seconds,
        "summary": last,
        "ok": result.returncode == 0,
    }
