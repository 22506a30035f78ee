"""Plain, deterministic tables: what notebooks print so that nbval checks the numbers.

A :class:`Table` shows as an HTML table in JupyterLab and as aligned text everywhere else
(and in the ``text/plain`` output that nbval compares). Numbers are rounded for display.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["Table", "fmt"]


def fmt(value: Any, digits: int = 4) -> str:
    """A number or small array rounded to ``digits`` significant digits, stable across runs.

    ``-0`` prints as ``0`` so that a sign flip in a rounding error never changes the text.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    array = np.asarray(value)
    if array.dtype == bool:
        return str(array.tolist())
    if array.ndim == 0:
        x = float(array)
        if not np.isfinite(x):
            return str(x)  # "inf", "-inf", "nan"
        if x == int(x) and abs(x) < 1e15:
            return str(int(x))
        text = f"{x:.{digits}g}"
        return "0" if text in ("-0", "0") else text
    return "[" + ", ".join(fmt(v, digits) for v in array.ravel()) + "]"


class Table:
    """A table with a header row, shown as HTML in JupyterLab and as text in ``repr``.

    Parameters
    ----------
    columns:
        Column headings.
    rows:
        One sequence of cells per row; numbers are formatted with :func:`fmt`.
    title:
        An optional caption.
    """

    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        title: str = "",
        digits: int = 4,
    ) -> None:
        self.columns = [str(c) for c in columns]
        self.rows = [[fmt(c, digits) for c in row] for row in rows]
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"Table: a row has {len(row)} cells but there are {len(self.columns)} columns"
                )
        self.title = title

    def __repr__(self) -> str:
        widths = [
            max([len(c), *(len(r[i]) for r in self.rows)]) for i, c in enumerate(self.columns)
        ]
        line = "  ".join(c.rjust(w) for c, w in zip(self.columns, widths, strict=True))
        out = [self.title] if self.title else []
        out += [line, "  ".join("-" * w for w in widths)]
        out += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in self.rows]
        return "\n".join(out)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in self.rows
        )
        caption = f"<caption>{html.escape(self.title)}</caption>" if self.title else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    def column(self, name: str) -> list[str]:
        """The formatted cells of one column (handy in tests and self-checks)."""
        return [r[self.columns.index(name)] for r in self.rows]


def graph_table(graph: Any, digits: int = 4, title: str = "") -> Table:
    """Every node of a computation graph after a forward and backward pass.

    One row per node in topological order: its name, kind, forward value and the partial
    derivative of the objective with respect to it (the slides' backward partials); the
    last column is headed by the objective's name, e.g. ``dl/d(node)``.
    """
    rows = [[r["order"], r["name"], r["kind"], r["value"], r["grad"]] for r in graph.table()]
    partial = f"d{graph.objective.name}/d(node)"
    return Table(["order", "node", "kind", "value", partial], rows, title, digits)
