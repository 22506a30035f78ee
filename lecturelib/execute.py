"""Re-run notebooks in place from a clean kernel: ``python -m lecturelib.execute NB...``.

Used by ``make execute`` after a change to lecturelib, so the stored outputs that nbval
compares are fresh. Widget state is not stored (it would hide the explorers' static
pictures in HTML exports and go stale), nor are per-cell timings, so running it twice
changes no output.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = ["execute_notebook", "main"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def execute_notebook(path: Path, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in its own folder and save it; return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    # Progress bars appear only after 2 s, so whether they show depends on the machine's
    # speed: keep them out of stored outputs (tqdm reads TQDM_* environment variables).
    os.environ["TQDM_DISABLE"] = "1"
    start = time.perf_counter()
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=False,
        record_timing=False,
    )
    client.execute()
    elapsed = time.perf_counter() - start
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = _joined_streams(cell.outputs)
        # Widget model ids are random and no widget state is stored, so they point nowhere
        # once the kernel is gone: replace them by stable ones, so re-running changes nothing.
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                view["model_id"] = uuid.uuid5(
                    uuid.NAMESPACE_URL, f"{path.name}/{index}/{number}"
                ).hex
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    return elapsed


def _joined_streams(outputs: list) -> list:
    """Consecutive prints to the same stream as one output: how the kernel splits them
    depends on timing, and a stored notebook must not depend on the machine's speed."""
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = previous["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    for path in args.notebooks:
        print(f"executing {path} ...", end=" ", flush=True)
        print(f"{execute_notebook(path, args.timeout):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
