"""Extract one figure per notebook as stored at two commits, for a before/after comparison.

    python .ci/before_after.py BEFORE AFTER docs/before_after

For each notebook it takes the first code cell whose source is the same at both commits and
that stores a picture at both (else the first picture of each), and writes
``NN_before.png`` and ``NN_after.png`` plus an index (``README.md``) naming the cell.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path


def notebook(commit: str, path: str) -> dict | None:
    try:
        text = subprocess.run(
            ["git", "show", f"{commit}:{path}"], capture_output=True, check=True, text=True
        ).stdout
    except subprocess.CalledProcessError:
        return None
    return json.loads(text)


def pictures(nb: dict) -> list[tuple[int, str, str]]:
    """(cell index, source, base64 PNG) of every code cell that stores a picture."""
    found = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for out in cell.get("outputs", []):
            png = out.get("data", {}).get("image/png")
            if png:
                found.append((i, "".join(cell["source"]), "".join(png)))
                break
    return found


def main(before: str, after: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    names = subprocess.run(
        ["git", "ls-tree", "--name-only", after, "notebooks/"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout.split()
    rows = [f"| notebook | before ({before[:7]}) | after ({after[:7]}) |", "|---|---|---|"]
    for path in sorted(n for n in names if n.endswith(".ipynb")):
        old, new = notebook(before, path), notebook(after, path)
        if old is None or new is None:
            continue
        a, b = pictures(old), pictures(new)
        if not a or not b:
            continue
        same = [(x, y) for x in a for y in b if x[1] == y[1]]
        x, y = same[0] if same else (a[0], b[0])
        stem = Path(path).name[:2]
        (out / f"{stem}_before.png").write_bytes(base64.b64decode(x[2]))
        (out / f"{stem}_after.png").write_bytes(base64.b64decode(y[2]))
        rows.append(
            f"| {Path(path).name} | `{stem}_before.png` (cell {x[0]}) | "
            f"`{stem}_after.png` (cell {y[0]}) |"
        )
    (out / "README.md").write_text(
        "# One figure per notebook, before and after the figure fixes (issue 15)\n\n"
        "Made by `python .ci/before_after.py "
        + f"{before[:7]} {after[:7]} {out}`.\n\n"
        + "\n".join(rows)
        + "\n"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
