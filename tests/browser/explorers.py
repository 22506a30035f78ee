"""Which explorers each notebook shows, in order, and how to rebuild them in Python.

The browser test moves a slider in JupyterLab, reads every slider's value from the page,
rebuilds the same explorer here, sets it to those values and expects the page to show the
same numbers. Each entry: (factory, main slider index), in the order the explorers appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lecturelib.widgets.regression import tangent_explorer

Factory = Callable[[], Any]

EXPLORERS: dict[str, list[tuple[Factory, int]]] = {
    "00_start_here.ipynb": [(tangent_explorer, 2)],
}
