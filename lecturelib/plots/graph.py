"""Draw a computation graph the way the slides draw it.

Nodes are placed in topological layers from left to right (inputs on the left, the objective
on the right); the layout comes from networkx (``multipartite_layout``), so nothing needs a
system binary such as graphviz. Training data and parameters are told apart by colour and
shape, as the slides mark "Training example" and "Parameters". Each node shows its name as
maths (``y_hat`` as $\\hat y$, ``l`` as $\\ell$) and, optionally, its forward value, the
partial derivative of the objective, and its position in the topological order. Each edge
``a -> b`` can carry its local derivative ``db/da`` (slide "Visualizing the chain rule").

An edge that would cut through another node's box is bent around it, and every edge label
is put where it overlaps no box and no other label. All text is at least 9 pt, and a
figure is at most 11.5 inches (920 pixels at the series' 80 dpi) wide, so a notebook shows
it at its own size rather than shrunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from lecturelib.autodiff import Constant, Graph, Node, kind
from lecturelib.plots import COLORS, agg_canvas, new_figure
from lecturelib.tables import fmt

__all__ = [
    "FONT_SIZES",
    "GraphDrawing",
    "GraphLayout",
    "draw_graph",
    "edge_derivatives",
    "graph_layout",
    "math_name",
    "node_kind",
    "node_label",
    "place_edge_label",
]

#: Fill colour by kind of node (the legend shows the kind).
KINDS = {
    "training data": "#cfe8f7",
    "parameter": "#fbe3b5",
    "constant": "#eeeeee",
    "operation": "#ffffff",
    "objective": "#c9eee0",
}

#: Font sizes in points: none below 9 (the figures are shown at their own size).
FONT_SIZES = {"node": 10.0, "edge": 9.0, "legend": 9.0, "title": 11.0}

#: Widest figure :func:`draw_graph` makes, in inches (920 px at 80 dpi: never shrunk).
MAX_WIDTH = 11.5

#: Node names that are not a letter and an index, written as the slides write them.
MATH_NAMES = {
    "y_hat": r"\hat{y}",
    "l": r"\ell",
    "w·x": r"w \cdot x",
    "mean l": r"\bar{\ell}",
}


def math_name(name: str) -> str:
    """A node's name as mathtext: ``"y_hat"`` -> ``$\\hat{y}$``, ``"l"`` -> ``$\\ell$``
    (never a bare stroke), ``"c1"`` -> ``$c_{1}$``, ``"w211"`` -> ``$w_{211}$``.

    Names that are neither a known symbol nor letters and an index stay plain text.
    """
    if name in MATH_NAMES:
        return f"${MATH_NAMES[name]}$"
    match = re.fullmatch(r"([A-Za-z])_?(\d*)", name)
    if match is None:
        return name.replace("$", r"\$")
    letter, index = match.groups()
    letter = r"\ell" if letter == "l" else letter
    return f"${letter}_{{{index}}}$" if index else f"${letter}$"


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
    """The text written in a node's box: name (as maths), and optionally value, the partial
    of the objective (``∂J = ...``, short for ∂J/∂node) and the topological order."""
    name = math_name(node.name)
    head = name if order is None else f"{order}: {name}"
    lines = [head]
    if show_values and node.value is not None:
        lines.append("= " + short_value(node.value, digits))
    if show_grads and node.grad is not None:
        lines.append(f"∂{objective} = " + short_value(node.grad, digits))
    return "\n".join(lines)


def short_value(value: Any, digits: int = 3) -> str:
    """A value as a node shows it: rounded, or ``array(shape)`` when it has over 4 entries."""
    array = np.asarray(value)
    if array.size > 4:
        return f"array{array.shape}"
    return fmt(array, digits)


def edge_derivatives(graph: Graph) -> dict[tuple[Node, Node], np.ndarray]:
    """The local derivative ``d child / d parent`` of every edge whose child is a scalar.

    Each child's own ``backward()`` is run with its ``grad`` set to 1 and its inputs' set to
    0, so what lands in an input's ``grad`` is the child's local derivative (shaped as the
    input: ``d(w·x)/dw = x``); a parent used twice by one child (``h * h``) gets the sum.
    Needs a forward pass first; every node's ``grad`` is left as it was.
    """
    if not isinstance(graph, Graph):
        raise TypeError(f"edge_derivatives needs a Graph, got {type(graph).__name__}")
    if any(n.value is None for n in graph.nodes):
        raise ValueError("edge_derivatives needs a forward pass first (graph.forward)")
    saved = {n: n.grad for n in graph.nodes}
    local: dict[tuple[Node, Node], np.ndarray] = {}
    try:
        for child in graph.nodes:
            if not child.inputs or np.asarray(child.value).size != 1:
                continue
            parents = list(dict.fromkeys(child.inputs))
            for p in parents:
                p.grad = np.zeros_like(np.asarray(p.value, dtype=float))
            child.grad = np.ones_like(np.asarray(child.value, dtype=float))
            child.backward()
            for p in parents:
                local[(p, child)] = np.array(p.grad, dtype=float)
    finally:
        for n, g in saved.items():
            n.grad = g
    return local


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


def _renderer(ax: Axes) -> Any:
    return agg_canvas(ax.figure).get_renderer()


def _half_sizes(ax: Axes, boxes: dict[Node, Text]) -> dict[Node, tuple[float, float]]:
    """Half width and height of each node's box, in data coordinates."""
    renderer = _renderer(ax)
    to_data = ax.transData.inverted()
    half = {}
    for node, text in boxes.items():
        text.update_bbox_position_size(renderer)
        extent = text.get_bbox_patch().get_window_extent(renderer)
        (x0, y0), (x1, y1) = to_data.transform([[extent.x0, extent.y0], [extent.x1, extent.y1]])
        half[node] = (abs(x1 - x0) / 2, abs(y1 - y0) / 2)
    return half


def _inside(
    points: np.ndarray, centre: tuple[float, float], half: tuple[float, float]
) -> np.ndarray:
    return (np.abs(points[:, 0] - centre[0]) <= half[0]) & (
        np.abs(points[:, 1] - centre[1]) <= half[1]
    )


#: How far an edge may bow out to miss a box, in data units across the edge (tried in turn).
_BENDS = (0.0, 0.3, -0.3, 0.55, -0.55, 0.8, -0.8, 1.1, -1.1)


def _route(
    a: tuple[float, float],
    b: tuple[float, float],
    half_a: tuple[float, float],
    half_b: tuple[float, float],
    obstacles: list[tuple[tuple[float, float], tuple[float, float]]],
    samples: int = 120,
) -> np.ndarray:
    """Points of the edge from box ``a`` to box ``b``: straight if that misses every other
    box (with a margin), else the first quadratic curve in :data:`_BENDS` that does; each
    end starts on its box's edge."""
    pa, pb = np.array(a), np.array(b)
    d = pb - pa
    normal = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-12)
    t = np.linspace(0.0, 1.0, samples)[:, None]
    best, best_hits = None, None
    for bend in _BENDS:
        control = (pa + pb) / 2 + bend * normal
        points = (1 - t) ** 2 * pa + 2 * (1 - t) * t * control + t**2 * pb
        hits = sum(
            int(_inside(points, centre, (h[0] + 0.03, h[1] + 0.08)).sum())
            for centre, h in obstacles
        )
        if best_hits is None or hits < best_hits:
            best, best_hits = points, hits
        if hits == 0:
            break
    assert best is not None
    out = ~_inside(best, a, half_a) & ~_inside(best, b, half_b)
    keep = best[out]
    if len(keep) < 2:  # boxes touch: fall back to the centres
        return np.array([pa, pb])
    return keep


class GraphDrawing:
    """A computation graph drawn into ``ax``, with handles to change it in place.

    ``boxes`` (node name -> text artist), ``arrows`` and ``edge_labels`` (``(parent name,
    child name)`` -> artist) let an explorer rewrite a node's text, light up edges and show
    or hide their local derivatives without drawing the graph again. The parameters are
    those of :func:`draw_graph`.
    """

    def __init__(
        self,
        ax: Axes,
        graph: Graph,
        *,
        show_values: bool = False,
        show_grads: bool = False,
        show_order: bool = False,
        show_constants: bool = True,
        show_derivatives: bool | None = None,
        highlight: set[str] | None = None,
        title: str | None = None,
        digits: int = 3,
    ) -> None:
        if not isinstance(graph, Graph):
            raise TypeError(f"draw_graph needs a Graph, got {type(graph).__name__}")
        computed = all(n.value is not None for n in graph.nodes)
        if show_values and not computed:
            raise ValueError("draw_graph: show_values needs a forward pass first (graph.forward)")
        if show_grads and graph.objective.grad is None:
            raise ValueError("draw_graph: show_grads needs a backward pass first (graph.backward)")
        if show_derivatives and not computed:
            raise ValueError(
                "draw_graph: show_derivatives needs a forward pass first (graph.forward): "
                "the local derivatives depend on the values"
            )
        if show_derivatives is None:
            show_derivatives = computed
        self.ax, self.graph = ax, graph
        layout = graph_layout(graph, show_constants)
        self.layout = layout
        ax.set_axis_off()
        order = {n: i for i, n in enumerate(graph.nodes)}
        highlight = highlight or set()
        pos = layout.positions
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        ax.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
        ax.set_ylim(min(ys) - 0.75, max(ys) + 0.65)
        self.boxes: dict[str, Text] = {}
        by_node: dict[Node, Text] = {}
        for node, (x, y) in pos.items():
            what = node_kind(node, graph)
            text = node_label(
                node,
                show_values=show_values,
                show_grads=show_grads,
                order=order[node] if show_order else None,
                objective=math_name(graph.objective.name),
                digits=digits,
            )
            hot = node.name in highlight
            box = ax.text(
                x,
                y,
                text,
                ha="center",
                va="center",
                fontsize=FONT_SIZES["node"],
                zorder=3,
                bbox={
                    "boxstyle": "round,pad=0.35"
                    if what in ("operation", "objective")
                    else "square,pad=0.35",
                    "facecolor": KINDS[what],
                    "edgecolor": COLORS["vermillion"] if hot else COLORS["black"],
                    "linewidth": 2.0 if hot else 0.8,
                },
            )
            by_node[node] = self.boxes[node.name] = box
        half = _half_sizes(ax, by_node)
        self.half = {node.name: h for node, h in half.items()}
        local = edge_derivatives(graph) if show_derivatives else {}
        self.arrows: dict[tuple[str, str], FancyArrowPatch] = {}
        self.edge_labels: dict[tuple[str, str], Text] = {}
        self.routes: dict[tuple[str, str], np.ndarray] = {}
        renderer = _renderer(ax)
        taken = [box.get_bbox_patch().get_window_extent(renderer) for box in by_node.values()]
        for node, (x, y) in pos.items():
            for parent in dict.fromkeys(node.inputs):
                if parent not in pos:
                    continue
                others = [(pos[n], half[n]) for n in pos if n is not node and n is not parent]
                points = _route(pos[parent], (x, y), half[parent], half[node], others)
                key = (parent.name, node.name)
                self.routes[key] = points
                arrow = FancyArrowPatch(
                    path=Path(points),
                    arrowstyle="-|>",
                    mutation_scale=11,
                    color=COLORS["grey"],
                    linewidth=1.0,
                    shrinkA=0,
                    shrinkB=1,
                    zorder=1,
                )
                ax.add_patch(arrow)
                self.arrows[key] = arrow
                if (parent, node) in local:
                    label = place_edge_label(
                        ax, points, short_value(local[(parent, node)], digits), taken
                    )
                    self.edge_labels[key] = label
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
        if self.edge_labels:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=COLORS["grey"],
                    label=r"edge: local derivative $\partial\,$head$\,/\,\partial\,$tail",
                )
            )
        ax.legend(
            handles=handles,
            loc="lower center",
            ncol=len(handles),
            frameon=False,
            fontsize=FONT_SIZES["legend"],
            bbox_to_anchor=(0.5, -0.08),
            columnspacing=1.2,
            handletextpad=0.4,
        )
        if title is None:
            title = "Computation graph: data and parameters on the left, objective on the right"
        ax.set_title(title, fontsize=FONT_SIZES["title"])

    # In-place changes, for explorers -----------------------------------------------------
    def set_node(self, name: str, text: str, *, hot: bool = False, dim: bool = False) -> None:
        """Rewrite node ``name``'s box: ``hot`` outlines it in vermillion, ``dim`` greys it."""
        box = self.boxes[name]
        box.set_text(text)
        box.set_color(COLORS["grey"] if dim else COLORS["black"])
        patch = box.get_bbox_patch()
        patch.set_edgecolor(COLORS["vermillion"] if hot else COLORS["black"])
        patch.set_linewidth(2.2 if hot else 0.8)

    def set_edge(self, edge: tuple[str, str], *, hot: bool = False, label: bool = True) -> None:
        """Light up an edge (thick vermillion) or not, and show or hide its derivative."""
        arrow = self.arrows[edge]
        arrow.set_color(COLORS["vermillion"] if hot else COLORS["grey"])
        arrow.set_linewidth(2.5 if hot else 1.0)
        if edge in self.edge_labels:
            text = self.edge_labels[edge]
            text.set_visible(label)
            text.set_color(COLORS["vermillion"] if hot else COLORS["black"])
            text.set_fontweight("bold" if hot else "normal")


def place_edge_label(
    ax: Axes,
    points: np.ndarray,
    text: str,
    taken: list[Bbox],
    fontsize: float = FONT_SIZES["edge"],
    fractions: tuple[float, ...] = (0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78),
) -> Text:
    """Write ``text`` on the edge through ``points`` (data coordinates) where it overlaps
    none of the extents in ``taken`` (display coordinates), and add its own extent to them.

    The places tried: ``fractions`` of the way along the edge, then the same shifted across
    it; where edges cross in the middle, fractions near the ends keep each label by its edge.
    """
    renderer = _renderer(ax)
    label = ax.text(
        0,
        0,
        text,
        fontsize=fontsize,
        ha="center",
        va="center",
        zorder=2,
        color=COLORS["black"],
        bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none"},
    )
    to_display, to_data = ax.transData, ax.transData.inverted()
    best, best_overlap = None, None
    for shift in (0.0, 14.0, -14.0, 26.0, -26.0):  # pixels across the edge
        for fraction in fractions:
            k = round(fraction * (len(points) - 1))
            here = to_display.transform(points[k])
            ahead = to_display.transform(points[min(k + 1, len(points) - 1)])
            back = to_display.transform(points[max(k - 1, 0)])
            along = ahead - back
            normal = np.array([-along[1], along[0]]) / max(float(np.hypot(*along)), 1e-9)
            x, y = to_data.transform(here + shift * normal)
            label.set_position((x, y))
            extent = label.get_window_extent(renderer).expanded(1.08, 1.15)
            overlap = sum(_area(extent, other) for other in taken)
            if best_overlap is None or overlap < best_overlap:
                best, best_overlap = (x, y), overlap
            if overlap == 0:
                break
        if best_overlap == 0:
            break
    assert best is not None
    label.set_position(best)
    taken.append(label.get_window_extent(renderer))
    return label


def _area(a: Bbox, b: Bbox) -> float:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def figure_size(graph: Graph, show_constants: bool = True) -> tuple[float, float]:
    """The size in inches :func:`draw_graph` gives ``graph``'s figure."""
    layers = graph_layout(graph, show_constants).layers
    n_layers = max(layers.values()) + 1
    height = max(1 + max(list(layers.values()).count(i) for i in range(n_layers)), 2)
    return min(1.6 + 1.45 * n_layers, MAX_WIDTH), min(1.1 + 0.8 * height, 7.5)


def draw_graph(
    graph: Graph,
    ax: Axes | None = None,
    *,
    show_values: bool = False,
    show_grads: bool = False,
    show_order: bool = False,
    show_constants: bool = True,
    show_derivatives: bool | None = None,
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
    show_derivatives:
        Write each edge's local derivative ``d head / d tail`` on it (edges into a scalar
        node; see :func:`edge_derivatives`). By default, whenever a forward pass has given
        every node a value.
    highlight:
        Names of nodes to outline in vermillion (e.g. a node with several children).
    """
    if ax is None:
        if not isinstance(graph, Graph):
            raise TypeError(f"draw_graph needs a Graph, got {type(graph).__name__}")
        _, axes = new_figure(
            figsize=figure_size(graph, show_constants),
            margins={"left": 0.01, "right": 0.99, "bottom": 0.1, "top": 0.9},
        )
        ax = axes[0, 0]
    GraphDrawing(
        ax,
        graph,
        show_values=show_values,
        show_grads=show_grads,
        show_order=show_order,
        show_constants=show_constants,
        show_derivatives=show_derivatives,
        highlight=highlight,
        title=title,
        digits=digits,
    )
    return ax.figure
