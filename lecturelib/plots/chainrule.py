"""Figures for partial derivatives and the chain rule (notebook 08)."""

from __future__ import annotations

import networkx as nx
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from lecturelib.chainrule import KINDS, Composition, PathsState, PerturbationState, scalar_graph
from lecturelib.plots import COLORS

__all__ = ["PathsPlot", "PerturbationPlot"]


class PerturbationPlot:
    """``b_i`` as ``a_j`` moves by ``delta`` (solid) against the linear prediction (dashed).

    Slide "Partial derivatives in general": for small ``delta``, ``b_i`` changes to about
    ``b_i + (db_i/da_j) delta``. The dashed line is that prediction; the gap between the two
    dots at the current ``delta`` is the error of the linear approximation.
    """

    def __init__(self, ax: Axes, state: PerturbationState) -> None:
        self.ax = ax
        (self.curve,) = ax.plot([], [], color=COLORS["blue"], linewidth=2, label="actual b_i")
        (self.line,) = ax.plot(
            [], [], color=COLORS["vermillion"], linestyle="--", label="b_i + (∂b_i/∂a_j) δ"
        )
        (self.gap,) = ax.plot([], [], color=COLORS["black"], linewidth=1, linestyle=":")
        (self.actual,) = ax.plot([], [], "o", color=COLORS["blue"], markersize=7)
        (self.predicted,) = ax.plot(
            [], [], "o", markerfacecolor="white", color=COLORS["vermillion"], markersize=7
        )
        ax.axvline(0.0, color=COLORS["grey"], linewidth=0.8)
        ax.set_xlim(-3.0, 3.0)
        ax.set_xlabel("δ, the change of a_j")
        ax.legend(frameon=False, loc="upper left", fontsize=8)
        self.update(state)

    def update(self, state: PerturbationState) -> None:
        """Redraw for a new state (in place)."""
        i, j = state.i + 1, state.j + 1
        b0 = state.b[state.i]
        line = b0 + state.partial * state.deltas
        self.curve.set_data(state.deltas, state.curve)
        self.line.set_data(state.deltas, line)
        self.curve.set_label(f"actual b{i}")
        self.line.set_label(f"b{i} + (∂b{i}/∂a{j}) δ")
        self.ax.legend(frameon=False, loc="upper left", fontsize=8)
        y_act = b0 + state.actual[state.i]
        y_pred = b0 + state.predicted[state.i]
        self.actual.set_data([state.delta], [y_act])
        self.predicted.set_data([state.delta], [y_pred])
        self.gap.set_data([state.delta, state.delta], [y_act, y_pred])
        low, high = float(state.curve.min()), float(state.curve.max())
        pad = 0.4 * max(high - low, 1.0)  # the dashed line may leave the frame: it is a line
        self.ax.set_ylim(low - pad, high + pad)
        self.ax.set_ylabel(f"b{i}")
        self.ax.set_title(
            f"{KINDS[state.kind]}: move a{j}, watch b{i}; the dots' gap is the linear error",
            fontsize=10,
        )


def _pos(G: nx.DiGraph) -> dict[str, tuple[float, float]]:
    raw = nx.multipartite_layout(G, subset_key="layer", align="vertical")
    # Spread each layer evenly, first variable on top (the layout's own order may vary).
    layers: dict[int, list[str]] = {}
    for node, data in G.nodes(data=True):
        layers.setdefault(data["layer"], []).append(node)
    pos = {}
    for members in layers.values():
        count = len(members)
        for k, node in enumerate(members):
            pos[node] = (float(raw[node][0]), (count - 1) / 2 - k)
    return pos


class PathsPlot:
    """The scalar variables ``a_j -> b_k -> c_i`` with each edge's derivative written on it.

    The paths from the chosen ``a_j`` to ``c_i`` are drawn thick and vermillion (slide
    "Visualizing the chain rule": sum over all paths of the product along each path).
    """

    def __init__(self, ax: Axes, comp: Composition, state: PathsState) -> None:
        self.ax = ax
        G = scalar_graph(comp)
        self.pos = _pos(G)
        self.arrows: dict[tuple[str, str], FancyArrowPatch] = {}
        self.boxes = {}
        for u, v, data in G.edges(data=True):
            (x0, y0), (x1, y1) = self.pos[u], self.pos[v]
            arrow = FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                arrowstyle="-|>",
                mutation_scale=10,
                shrinkA=13,
                shrinkB=13,
                color=COLORS["grey"],
                linewidth=1,
                zorder=1,
            )
            ax.add_patch(arrow)
            self.arrows[(u, v)] = arrow
            # Write the derivative near the tail, staggered by the head's position in its
            # layer, so that labels of crossing edges do not sit on top of each other.
            t = 0.2 + 0.13 * int(v[1:]) - 0.13
            ax.text(
                x0 + t * (x1 - x0),
                y0 + t * (y1 - y0),
                f"{data['derivative']:.2f}",
                fontsize=7,
                ha="center",
                va="center",
                zorder=2,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"},
            )
        for node, (x, y) in self.pos.items():
            self.boxes[node] = ax.text(
                x,
                y,
                node,
                ha="center",
                va="center",
                fontsize=10,
                zorder=3,
                bbox={"boxstyle": "circle,pad=0.3", "facecolor": "white", "edgecolor": "black"},
            )
        xs = [p[0] for p in self.pos.values()]
        ys = [p[1] for p in self.pos.values()]
        ax.set_xlim(min(xs) - 0.15, max(xs) + 0.15)
        ax.set_ylim(min(ys) - 0.5, max(ys) + 0.5)
        ax.set_axis_off()
        self.update(state)

    def update(self, state: PathsState) -> None:
        """Highlight the paths from ``a_j`` to ``c_i`` (in place)."""
        on = set(state.highlighted_edges)
        for edge, arrow in self.arrows.items():
            hot = edge in on
            arrow.set_color(COLORS["vermillion"] if hot else COLORS["grey"])
            arrow.set_linewidth(2.5 if hot else 0.8)
            arrow.set_zorder(1.5 if hot else 1)
        ends = {f"a{state.j + 1}", f"c{state.i + 1}"}
        for node, box in self.boxes.items():
            box.get_bbox_patch().set_facecolor("#fbe3b5" if node in ends else "white")
        self.ax.set_title(
            f"∂c{state.i + 1}/∂a{state.j + 1}: {len(state.terms)} paths (thick); "
            "numbers are edge derivatives",
            fontsize=10,
        )
