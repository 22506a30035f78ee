"""Write pip constraints that pin every direct dependency to its floor: ``numpy>=1.26``
becomes ``numpy==1.26.*`` (the newest patch release of the lowest allowed minor version).

Used by ``make floors`` (and CI) to prove that the floors in ``pyproject.toml`` are real:
the unit tests and every notebook pass with the lowest versions it allows.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def floors(extras: tuple[str, ...] = ("dev",)) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    pins = []
    for line in lines:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*>=\s*([0-9]+(?:\.[0-9]+)?)(?:\.[0-9]+)*", line)
        if match is None:
            continue  # an exact pin (torch==...) is its own floor
        pins.append(f"{match[1]}=={match[2]}.*")
    return pins


if __name__ == "__main__":
    print("\n".join(floors(tuple(sys.argv[1:]) or ("dev",))))
