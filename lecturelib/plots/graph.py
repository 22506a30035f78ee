"""Draw a computation graph the way the slides draw it.

Nodes are placed in topological layers from left to right (inputs on the left, the objective
on the right); the layout comes from networkx (``multipartite_layout``), so nothing needs a
system binary such as graphviz. Training data and parameters are told apart by colour and
shape, as the slides mark "Training example" and "Parameters". Each node shows its name and,
optionally, its forward value, the partial derivative of the objective, and its position in
the topological order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from lecturelib.autodiff import Constant, Graph, Node, kind
from lecturelib.plots import COLORS, new_figure
from lecturelib.tables import fmt

__all__ = ["GraphLayout", "draw_graph", "graph_layout", "node_kind", "node_label"]

#: Fill colour by kind of node (the legend shows the kind).
KINDS = {
    "training data": "#cfe8f7",
    "parameter": "#fbe3b5",
    "constant": "#eeeeee",
    "operation": "#ffffff",
    "objective": "#c9eee0",
}


def node_kind(node: Node, graph: Graph) -> str:
    """The kind of node in the slides' words (:func:`lecturelib.engine.kind`), with the
    graph's objective and the other operations told apart."""
    if node is graph.objective:
        return "objective"
    return kind(node) if not node.inputs else "operation"


def node_label(
    node: Node,
    *,
    show_values: bool = False,
    show_grads: bool = False,
    order: int | None = None,
    objective: str = "J",
    digits: int = 3,
) -> str:
    """The text written in a node's box: name, and optionally value, partial and order."""
    head = node.name if order is None else f"{order}: {node.name}"
    lines = [head]
    if show_values and node.value is not None:
        lines.append("= " + _short(node.value, digits))
    if show_grads and node.grad is not None:
        lines.append(f"∂{objective} = " + _short(node.grad, digits))
    return "\n".join(lines)


def _short(value: Any, digits: int) -> str:
    array = np.asarray(value)
    if array.size > 4:
        return f"array{array.shape}"
    return fmt(array, digits)


@dataclass
class GraphLayout:
    """Positions of the nodes (by node) and their topological layer."""

    positions: dict[Node, tuple[float, float]]
    layers: dict[Node, int]


def graph_layout(graph: Graph, show_constants: bool = True) -> GraphLayout:
    """Place every node in a layer: operations one right of their deepest input; leaves
    (data, parameters, constants) one left of the first node that uses them."""
    if not isinstance(graph, Graph):
        raise TypeError(f"graph_layout needs a Graph, got {type(graph).__name__}")
    nodes = [n for n in graph.nodes if show_constants or not isinstance(n, Constant)]
    keep = set(map(id, nodes))
    layer: dict[Node, int] = {}
    for node in graph.nodes:  # topological: inputs first
        parents = [p for p in node.inputs if id(p) in keep]
        layer[node] = 1 + max((layer[p] for p in parents), default=-1) if node.inputs else 0
    children: dict[int, list[Node]] = {}
    for node in graph.nodes:
        for parent in node.inputs:
            children.setdefault(id(parent), []).append(node)
    for node in graph.nodes:
        if not node.inputs and children.get(id(node)):
            layer[node] = max(0, min(layer[c] for c in children[id(node)]) - 1)
    G = nx.DiGraph()
    for node in nodes:
        G.add_node(node, layer=layer[node])
    for node in nodes:
        for parent in node.inputs:
            if id(parent) in keep:
                G.add_edge(parent, node)
    raw = nx.multipartite_layout(G, subset_key="layer", align="vertical", scale=1.0)
    # Stable vertical order inside a layer: the order in which nodes appear in graph.nodes.
    rank = {n: i for i, n in enumerate(graph.nodes)}
    positions: dict[Node, tuple[float, float]] = {}
    by_layer: dict[int, list[Node]] = {}
    for node in nodes:
        by_layer.setdefault(layer[node], []).append(node)
    for members in by_layer.values():
        members.sort(key=rank.__getitem__)
        x = float(raw[members[0]][0])
        count = len(members)
        for i, node in enumerate(members):
            positions[node] = (x, (count - 1) / 2 - i)
    return GraphLayout(positions, {n: layer[n] for n in nodes})


def _half_sizes(ax: Axes, boxes: dict[Node, Text]) -> dict[Node, tuple[float, float]]:
    """Half width and height of each node's box, in data coordinates."""
    renderer = FigureCanvasAgg(ax.figure).get_renderer()
    to_data = ax.transData.inverted()
    half = {}
    for node, text in boxes.items():
        text.update_bbox_position_size(renderer)
        extent = text.get_bbox_patch().get_window_extent(renderer)
        (x0, y0), (x1, y1) = to_data.transform([[extent.x0, extent.y0], [extent.x1, extent.y1]])
        half[node] = (abs(x1 - x0) / 2, abs(y1 - y0) / 2)
    return half


def _clip_to_boxes(
    a: tuple[float, float],
    half_a: tuple[float, float],
    b: tuple[float, float],
    half_b: tuple[float, float],
) -> tuple[tuple[float, float], tuple[float, float]]:
    """The segment from box ``a`` to box ``b``, starting and ending on the boxes' edges."""
    dx, dy = b[0] - a[0], b[1] - a[1]

    def exit_fraction(hw: float, hh: float) -> float:
        tx = hw / abs(dx) if dx else np.inf
        ty = hh / abs(dy) if dy else np.inf
        return min(tx, ty)

    ta, tb = exit_fraction(*half_a), exit_fraction(*half_b)
    if ta + tb >= 1:  # overlapping boxes: fall back to the centres
        return a, b
    return (a[0] + ta * dx, a[1] + ta * dy), (b[0] - tb * dx, b[1] - tb * dy)


def draw_graph(
    graph: Graph,
    ax: Axes | None = None,
    *,
    show_values: bool = False,
    show_grads: bool = False,
    show_order: bool = False,
    show_constants: bool = True,
    highlight: set[str] | None = None,
    title: str | None = None,
    digits: int = 3,
) -> Figure:
    """Draw ``graph`` into ``ax`` (or a new figure) and return the figure.

    Parameters
    ----------
    show_values, show_grads:
        Write each node's forward value / partial derivative of the objective (run
        ``forward`` / ``backward`` first).
    show_order:
        Prefix each node with its position in the topological order.
    highlight:
        Names of nodes to outline in vermillion (e.g. a node with several children).
    """
    if show_values and graph.objective.value is None:
        raise ValueError("draw_graph: show_values needs a forward pass first (graph.forward)")
    if show_grads and graph.objective.grad is None:
        raise ValueError("draw_graph: show_grads needs a backward pass first (graph.backward)")
    layout = graph_layout(graph, show_constants)
    if ax is None:
        n_layers = max(layout.layers.values()) + 1
        height = max(1 + max(list(layout.layers.values()).count(i) for i in range(n_layers)), 2)
        fig, axes = new_figure(
            figsize=(min(1.5 + 1.45 * n_layers, 12.0), min(0.9 + 0.75 * height, 7.0)),
            margins={"left": 0.01, "right": 0.99, "bottom": 0.1, "top": 0.9},
        )
        ax = axes[0, 0]
    fig = ax.figure
    ax.set_axis_off()
    order = {n: i for i, n in enumerate(graph.nodes)}
    highlight = highlight or set()
    pos = layout.positions
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.25, max(xs) + 0.25)
    ax.set_ylim(min(ys) - 0.7, max(ys) + 0.6)
    boxes = {}
    for node, (x, y) in pos.items():
        what = node_kind(node, graph)
        text = node_label(
            node,
            show_values=show_values,
            show_grads=show_grads,
            order=order[node] if show_order else None,
            objective=graph.objective.name,
            digits=digits,
        )
        edge = COLORS["vermillion"] if node.name in highlight else COLORS["black"]
        boxes[node] = ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            fontsize=8.5,
            zorder=3,
            bbox={
                "boxstyle": "round,pad=0.35"
                if what in ("operation", "objective")
                else "square,pad=0.35",
                "facecolor": KINDS[what],
                "edgecolor": edge,
                "linewidth": 2.0 if node.name in highlight else 0.8,
            },
        )
    half = _half_sizes(ax, boxes)
    for node, (x, y) in pos.items():
        for parent in node.inputs:
            if parent in pos:
                start, end = _clip_to_boxes(pos[parent], half[parent], (x, y), half[node])
                ax.add_patch(
                    FancyArrowPatch(
                        start,
                        end,
                        arrowstyle="-|>",
                        mutation_scale=10,
                        color=COLORS["grey"],
                        linewidth=1.0,
                        shrinkA=1,
                        shrinkB=1,
                        zorder=1,
                    )
                )
    kinds_present = {node_kind(n, graph) for n in pos}
    handles = [
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markersize=9,
            markerfacecolor=KINDS[k],
            markeredgecolor=COLORS["black"],
            label=k,
        )
        for k in KINDS
        if k in kinds_present
    ]
    ax.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        frameon=False,
        fontsize=8,
        bbox_to_anchor=(0.5, -0.08),
    )
    if title is None:
        title = "Computation graph: data and parameters on the left, objective on the right"
    ax.set_title(title, fontsize=10)
    return fig
