"""Reference solutions of the series' exercises, kept off the students' screens.

One module per notebook (``nb09.py``), each with ``SOLUTIONS = {"09.1": Solution(...)}``:
answers the checker must accept (the reference, and equivalent forms) and plausible wrong
answers it must reject (a flipped sign, a missing child's term, a rough guess).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Solution:
    right: list[Any]
    wrong: list[Any] = field(default_factory=list)


def all_solutions() -> dict[str, Solution]:
    found: dict[str, Solution] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, solution in getattr(module, "SOLUTIONS", {}).items():
            assert key not in found, f"two solutions for {key}"
            found[key] = solution
    return dict(sorted(found.items()))
