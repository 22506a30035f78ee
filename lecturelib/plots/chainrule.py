"""Figures for partial derivatives and the chain rule (notebook 08)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.path import Path
from matplotlib.text import Text

from lecturelib.chainrule import KINDS, Composition, PathsState, PerturbationState, scalar_graph
from lecturelib.plots import COLORS, agg_canvas, new_figure
from lecturelib.plots.graph import FONT_SIZES, math_name, place_edge_label

__all__ = ["PathsPlot", "PerturbationPlot", "affine_scalar_graph", "plot_node_and_graph"]


class PerturbationPlot:
    """``b_i`` as ``a_j`` moves by ``delta`` (solid) against the linear prediction (dashed).

    Slide "Partial derivatives in general": for small ``delta``, ``b_i`` changes to about
    ``b_i + (db_i/da_j) delta``. The dashed line is that prediction; the gap between the two
    dots at the current ``delta`` is the error of the linear approximation.
    """

    def __init__(self, ax: Axes, state: PerturbationState) -> None:
        self.ax = ax
        (self.curve,) = ax.plot([], [], color=COLORS["blue"], linewidth=2, label="actual $b_i$")
        (self.line,) = ax.plot(
            [],
            [],
            color=COLORS["vermillion"],
            linestyle="--",
            label=r"$b_i + (\partial b_i / \partial a_j)\,\delta$",
        )
        (self.gap,) = ax.plot([], [], color=COLORS["black"], linewidth=1, linestyle=":")
        (self.actual,) = ax.plot([], [], "o", color=COLORS["blue"], markersize=7)
        (self.predicted,) = ax.plot(
            [], [], "o", markerfacecolor="white", color=COLORS["vermillion"], markersize=7
        )
        ax.axvline(0.0, color=COLORS["grey"], linewidth=0.8)
        ax.set_xlim(-3.0, 3.0)
        ax.set_xlabel(r"$\delta$, the change of $a_j$")
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        self.update(state)

    def update(self, state: PerturbationState) -> None:
        """Redraw for a new state (in place)."""
        i, j = state.i + 1, state.j + 1
        b0 = state.b[state.i]
        line = b0 + state.partial * state.deltas
        self.curve.set_data(state.deltas, state.curve)
        self.line.set_data(state.deltas, line)
        self.curve.set_label(f"actual $b_{i}$")
        self.line.set_label(rf"$b_{i} + (\partial b_{i} / \partial a_{j})\,\delta$")
        self.ax.legend(frameon=False, loc="upper left", fontsize=8)
        y_act = b0 + state.actual[state.i]
        y_pred = b0 + state.predicted[state.i]
        self.actual.set_data([state.delta], [y_act])
        self.predicted.set_data([state.delta], [y_pred])
        self.gap.set_data([state.delta, state.delta], [y_act, y_pred])
        low, high = float(state.curve.min()), float(state.curve.max())
        pad = 0.4 * max(high - low, 1.0)  # the dashed line may leave the frame: it is a line
        self.ax.set_ylim(low - pad, high + pad)
        self.ax.set_ylabel(f"$b_{i}$")
        self.ax.set_title(
            f"{KINDS[state.kind]}: move $a_{j}$, watch $b_{i}$; the dots' gap is the linear error",
            fontsize=10,
        )


def _pos(G: nx.DiGraph, width: float = 1.0) -> dict[str, tuple[float, float]]:
    """Layers from left to right ``width`` apart, each spread evenly, first variable on top."""
    layers: dict[int, list[str]] = {}
    for node, data in G.nodes(data=True):
        layers.setdefault(data["layer"], []).append(node)
    pos = {}
    for layer, members in layers.items():
        count = len(members)
        for k, node in enumerate(members):
            pos[node] = (layer * width, (count - 1) / 2 - k)
    return pos


def _draw_scalar_graph(
    ax: Axes, G: nx.DiGraph, pos: dict[str, tuple[float, float]], digits: int = 2
) -> tuple[dict[tuple[str, str], FancyArrowPatch], dict[str, Text], dict[tuple[str, str], Text]]:
    """Circles for the scalar variables (names as maths), arrows between them, and each
    edge's ``derivative`` written on it where it collides with no other label or circle."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 0.3, max(xs) + 0.3)
    ax.set_ylim(min(ys) - 0.55, max(ys) + 0.55)
    ax.set_axis_off()
    boxes = {
        node: ax.text(
            x,
            y,
            math_name(node),
            ha="center",
            va="center",
            fontsize=FONT_SIZES["node"] + 1,
            zorder=3,
            bbox={"boxstyle": "circle,pad=0.3", "facecolor": "white", "edgecolor": "black"},
        )
        for node, (x, y) in pos.items()
    }
    renderer = agg_canvas(ax.figure).get_renderer()
    taken = [box.get_bbox_patch().get_window_extent(renderer) for box in boxes.values()]
    to_data = ax.transData.inverted()
    arrows, labels = {}, {}
    for u, v, data in G.edges(data=True):
        # The segment between the two circles' rims, as points in data coordinates.
        ends = []
        for node in (u, v):
            extent = boxes[node].get_bbox_patch().get_window_extent(renderer)
            ends.append(extent)
        a = np.array(ax.transData.transform(pos[u]))
        b = np.array(ax.transData.transform(pos[v]))
        unit = (b - a) / np.hypot(*(b - a))
        a = a + unit * (ends[0].width / 2 + 1)
        b = b - unit * (ends[1].width / 2 + 1)
        points = to_data.transform(np.linspace(a, b, 60))
        arrow = FancyArrowPatch(
            path=Path(points),
            arrowstyle="-|>",
            mutation_scale=11,
            shrinkA=0,
            shrinkB=0,
            color=COLORS["grey"],
            linewidth=1,
            zorder=1,
        )
        ax.add_patch(arrow)
        arrows[(u, v)] = arrow
        labels[(u, v)] = place_edge_label(
            ax, points, f"{data['derivative']:.{digits}f}", taken, fractions=_NEAR_ENDS
        )
    return arrows, boxes, labels


#: Where edge labels go first in the scalar graphs, whose edges cross in their middles.
_NEAR_ENDS = (0.25, 0.75, 0.33, 0.67, 0.18, 0.82, 0.5)


class PathsPlot:
    """The scalar variables ``a_j -> b_k -> c_i`` with each edge's derivative written on it.

    The paths from the chosen ``a_j`` to ``c_i`` are drawn thick and vermillion (slide
    "Visualizing the chain rule": sum over all paths of the product along each path).
    """

    def __init__(self, ax: Axes, comp: Composition, state: PathsState) -> None:
        self.ax = ax
        G = scalar_graph(comp)
        self.pos = _pos(G, width=1.6)
        self.arrows, self.boxes, self.labels = _draw_scalar_graph(ax, G, self.pos)
        self.update(state)

    def update(self, state: PathsState) -> None:
        """Highlight the paths from ``a_j`` to ``c_i`` (in place)."""
        on = set(state.highlighted_edges)
        for edge, arrow in self.arrows.items():
            hot = edge in on
            arrow.set_color(COLORS["vermillion"] if hot else COLORS["grey"])
            arrow.set_linewidth(2.5 if hot else 0.8)
            arrow.set_zorder(1.5 if hot else 1)
            self.labels[edge].set_color(COLORS["vermillion"] if hot else COLORS["black"])
            self.labels[edge].set_fontweight("bold" if hot else "normal")
        ends = {f"a{state.j + 1}", f"c{state.i + 1}"}
        for node, box in self.boxes.items():
            box.get_bbox_patch().set_facecolor("#fbe3b5" if node in ends else "white")
        self.ax.set_title(
            f"$\\partial c_{state.i + 1} / \\partial a_{state.j + 1}$: {len(state.terms)} paths "
            "(thick); edges carry their derivative",
            fontsize=FONT_SIZES["title"],
        )


def affine_scalar_graph(M: np.ndarray) -> nx.DiGraph:
    """The affine node ``b = M a + c`` broken into scalars: ``a_j -> b_i`` carries ``M_ij``."""
    M = np.asarray(M, dtype=float)
    if M.ndim != 2:
        raise ValueError(f"affine_scalar_graph: M must be a matrix, got shape {M.shape}")
    G = nx.DiGraph()
    for j in range(M.shape[1]):
        G.add_node(f"a{j + 1}", layer=0)
    for i in range(M.shape[0]):
        G.add_node(f"b{i + 1}", layer=1)
        for j in range(M.shape[1]):
            G.add_edge(f"a{j + 1}", f"b{i + 1}", derivative=float(M[i, j]))
    return G


def plot_node_and_graph(M: np.ndarray, c: np.ndarray) -> Figure:
    """Slide "Functions as nodes in a graph": the affine node as one box (left) and broken
    down into its scalar variables, each edge carrying ``d b_i / d a_j = M_ij`` (right)."""
    M = np.asarray(M, dtype=float)
    p, n = M.shape[1], M.shape[0]
    fig, axes = new_figure(
        1,
        2,
        figsize=(9.5, 3.4),
        margins={"left": 0.01, "right": 0.99, "bottom": 0.03, "top": 0.84, "wspace": 0.08},
    )
    left, right = axes[0, 0], axes[0, 1]
    left.set_axis_off()
    left.set_xlim(0, 1)
    left.set_ylim(0, 1)
    style = {"ha": "center", "va": "center", "fontsize": FONT_SIZES["node"] + 1, "zorder": 3}
    left.text(0.12, 0.5, f"$a \\in \\mathbb{{R}}^{p}$", bbox=_SQUARE, **style)
    left.text(0.5, 0.5, "$g$\n$b = Ma + c$", bbox=_ROUND, **style)
    left.text(0.88, 0.5, f"$b \\in \\mathbb{{R}}^{n}$", bbox=_SQUARE, **style)
    for x0, x1 in ((0.2, 0.33), (0.67, 0.8)):
        left.add_patch(
            FancyArrowPatch(
                (x0, 0.5), (x1, 0.5), arrowstyle="-|>", mutation_scale=12, color=COLORS["grey"]
            )
        )
    left.text(
        0.5,
        0.18,
        f"one node: a {n}×{p} Jacobian $J_g = M$",
        ha="center",
        fontsize=FONT_SIZES["legend"] + 1,
    )
    left.set_title("As one node", fontsize=FONT_SIZES["title"])
    G = affine_scalar_graph(M)
    _draw_scalar_graph(right, G, _pos(G, width=1.0), digits=1)
    right.set_title(
        "Broken down: $a_j \\to b_i$ carries $\\partial b_i/\\partial a_j = M_{ij}$",
        fontsize=FONT_SIZES["title"],
    )
    return fig


_SQUARE = {"boxstyle": "square,pad=0.4", "facecolor": "#cfe8f7", "edgecolor": "black"}
_ROUND = {"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "black"}
