"""Figures for threshold units and XNOR: the four inputs, decision lines, hidden space."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.image import AxesImage

from lecturelib.perceptron import (
    INPUTS,
    POINT_NAMES,
    XNOR,
    GateState,
    TwoLayerState,
    XnorFit,
    line_in_box,
)
from lecturelib.plots import COLORS

__all__ = ["GatePlot", "TwoLayerPlot", "plot_learned_hidden_space"]

LOW, HIGH = -0.25, 1.25
_FIRE = ListedColormap(["#ffffff", "#cfe3f2"])  # light blue where the unit fires


def _square(ax: Axes, xlabel: str, ylabel: str, low: float = LOW) -> None:
    ax.set_xlim(low, HIGH)
    ax.set_ylim(low, HIGH)
    ax.set_aspect("equal")
    ax.set_xticks([-1, 0, 1] if low < -1 else [0, 1])
    ax.set_yticks([-1, 0, 1] if low < -1 else [0, 1])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _grid(n: int = 121) -> tuple[np.ndarray, np.ndarray]:
    g = np.linspace(LOW, HIGH, n)
    return np.meshgrid(g, g)


def _side_layer(ax: Axes, color: str, alpha: float = 0.2) -> AxesImage:
    """A see-through layer over the square, tinted by ``color`` where its data is 1 (the
    side of a line where a unit fires) and clear elsewhere; set its data in ``update``."""
    return ax.imshow(
        np.zeros((2, 2)),
        extent=(LOW, HIGH, LOW, HIGH),
        origin="lower",
        cmap=ListedColormap([(1.0, 1.0, 1.0, 0.0), to_rgba(color, alpha)]),
        vmin=0,
        vmax=1,
        interpolation="nearest",
        zorder=0,
    )


class GatePlot:
    """One threshold unit over the unit square: where it fires (shaded), its decision line
    ``w1*i1 + w2*i2 = theta``, and the four inputs filled when the unit fires on them."""

    def __init__(self, ax: Axes, state: GateState) -> None:
        self.ax = ax
        self.gx, self.gy = _grid()
        self.region = ax.imshow(
            np.zeros_like(self.gx),
            extent=(LOW, HIGH, LOW, HIGH),
            origin="lower",
            cmap=_FIRE,
            vmin=0,
            vmax=1,
            interpolation="nearest",
            zorder=0,
        )
        (self.line,) = ax.plot(
            [], [], color=COLORS["blue"], linewidth=2, label=r"$w \cdot i = \theta$"
        )
        self.points = ax.scatter(
            INPUTS[:, 0],
            INPUTS[:, 1],
            s=160,
            edgecolors=COLORS["black"],
            linewidths=1.5,
            zorder=3,
        )
        self.labels = [
            ax.annotate("", (x, y), xytext=(9, -14), textcoords="offset points", fontsize=9)
            for x, y in INPUTS
        ]
        _square(ax, "input $i_1$", "input $i_2$")
        self.update(state)

    def update(self, state: GateState) -> None:
        """Move the region, line, point colours, labels and title to a new state."""
        fires = state.w1 * self.gx + state.w2 * self.gy >= state.theta
        self.region.set_data(fires.astype(float))
        self.line.set_data(*state.line)
        colors = [COLORS["blue"] if o else "#ffffff" for o in state.outputs]
        self.points.set_facecolors(colors)
        for label, n, o in zip(self.labels, state.net, state.outputs, strict=True):
            label.set_text(f"{n:.2g} → {o}")
        self.ax.set_title(f"The unit computes {state.name} (shaded: fires)", fontsize=11)


def _math_name(name: str) -> str:
    """``"x1"`` as mathtext ``$x_1$``: the slide's names of the four inputs."""
    return f"${name[0]}_{name[1:]}$"


def _draw_xnor_points(ax: Axes, xy: np.ndarray, texts: list) -> None:
    """Update the labels of the four points; points (nearly) on top of each other share one."""
    groups: dict[tuple[float, float], list[str]] = {}
    for name, p in zip(POINT_NAMES, xy, strict=True):
        near = [g for g in groups if abs(g[0] - p[0]) + abs(g[1] - p[1]) < 0.08]
        if near:
            groups[near[0]].append(name)
        else:
            groups[(float(p[0]), float(p[1]))] = [name]
    for text in texts:
        text.set_visible(False)
    for text, (p, names) in zip(texts, groups.items(), strict=False):
        text.set_text(", ".join(_math_name(n) for n in names))
        text.xy = p
        text.set_visible(True)


class TwoLayerPlot:
    """Left: the four inputs and the two hidden units' lines in input space (no single line
    separates x's from o's). Right: the same points in hidden space ``(h1, h2)`` with the
    output unit's line, which separates them."""

    def __init__(self, ax_in: Axes, ax_hidden: Axes, state: TwoLayerState) -> None:
        self.ax_in, self.ax_hidden = ax_in, ax_hidden
        target = np.array(XNOR, dtype=bool)
        style = {"s": 150, "linewidths": 2, "zorder": 3}
        for ax in (ax_in, ax_hidden):
            ax.scatter([], [], marker="x", color=COLORS["vermillion"], label="x: should fire")
            ax.scatter(
                [],
                [],
                marker="o",
                facecolors="none",
                edgecolors=COLORS["blue"],
                label="o: should not",
            )
        ax_in.scatter(
            INPUTS[target, 0], INPUTS[target, 1], marker="x", color=COLORS["vermillion"], **style
        )
        ax_in.scatter(
            INPUTS[~target, 0],
            INPUTS[~target, 1],
            marker="o",
            facecolors="none",
            edgecolors=COLORS["blue"],
            **style,
        )
        for name, (x, y) in zip(POINT_NAMES, INPUTS, strict=True):
            ax_in.annotate(_math_name(name), (x, y), xytext=(8, 6), textcoords="offset points")
        self.gx, self.gy = _grid()
        self.h1_side = _side_layer(ax_in, COLORS["green"])
        self.h2_side = _side_layer(ax_in, COLORS["orange"])
        (self.h1_line,) = ax_in.plot(
            [], [], color=COLORS["green"], linewidth=2, label=r"$h_1$ line"
        )
        (self.h2_line,) = ax_in.plot(
            [], [], color=COLORS["orange"], linewidth=2, linestyle="--", label=r"$h_2$ line"
        )
        ax_in.fill([], [], color=to_rgba(COLORS["green"], 0.2), label=r"$h_1$ fires")
        ax_in.fill([], [], color=to_rgba(COLORS["orange"], 0.2), label=r"$h_2$ fires")
        _square(ax_in, "input $i_1$", "input $i_2$")
        ax_in.set_title("Input space: no single line\nseparates x's from o's", fontsize=11)
        ax_in.legend(
            frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2
        )

        self.hx = ax_hidden.scatter([], [], marker="x", color=COLORS["vermillion"], **style)
        self.ho = ax_hidden.scatter(
            [], [], marker="o", facecolors="none", edgecolors=COLORS["blue"], **style
        )
        self.names = [
            ax_hidden.annotate("", (0, 0), xytext=(8, 6), textcoords="offset points")
            for _ in POINT_NAMES
        ]
        self.out_side = _side_layer(ax_hidden, COLORS["purple"])
        (self.out_line,) = ax_hidden.plot(
            [], [], color=COLORS["purple"], linewidth=2, label="output line"
        )
        ax_hidden.fill([], [], color=to_rgba(COLORS["purple"], 0.2), label="output fires")
        _square(ax_hidden, "hidden output $h_1$", "hidden output $h_2$")
        ax_hidden.legend(
            frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2
        )
        self.update(state)

    def update(self, state: TwoLayerState) -> None:
        """Redraw the hidden lines, the hidden-space points, the output line and titles."""
        target = np.array(XNOR, dtype=bool)
        self.h1_line.set_data(*state.hidden_lines[0])
        self.h2_line.set_data(*state.hidden_lines[1])
        for layer, w, theta in zip((self.h1_side, self.h2_side), state.W, state.theta, strict=True):
            layer.set_data((w[0] * self.gx + w[1] * self.gy >= theta).astype(float))
        fires = state.v[0] * self.gx + state.v[1] * self.gy >= state.theta_out
        self.out_side.set_data(fires.astype(float))
        h = state.hidden_output.astype(float)
        self.hx.set_offsets(h[target])
        self.ho.set_offsets(h[~target])
        _draw_xnor_points(self.ax_hidden, h, self.names)
        self.out_line.set_data(*state.output_line)
        verdict = "separable" if state.hidden_separable else "NOT separable"
        self.ax_hidden.set_title(
            f"Hidden space: {verdict}\nthe network computes {state.computes}", fontsize=11
        )


def plot_learned_hidden_space(ax: Axes, fit: XnorFit, title: str | None = None) -> None:
    """The four inputs in a learned 2-unit hidden space, with the output's decision line.

    The output layer predicts class 1 ("fire") where score_1 > score_0, i.e. on one side of
    the line ``(W2[1] - W2[0]) . h + (b2[1] - b2[0]) = 0`` (:meth:`XnorFit.output_boundary`),
    where p(fire) = 0.5 exactly.
    """
    if fit.hidden.shape[1] != 2:
        raise ValueError(f"needs a network with 2 hidden units, got {fit.hidden.shape[1]}")
    target = np.array(XNOR, dtype=bool)
    h = fit.hidden
    ax.scatter(
        h[target, 0],
        h[target, 1],
        marker="x",
        s=150,
        linewidths=2,
        color=COLORS["vermillion"],
        label="x: should fire",
        zorder=3,
    )
    ax.scatter(
        h[~target, 0],
        h[~target, 1],
        marker="o",
        s=150,
        linewidths=2,
        facecolors="none",
        edgecolors=COLORS["blue"],
        label="o: should not",
        zorder=3,
    )
    texts = [
        ax.annotate("", (0, 0), xytext=(8, 6), textcoords="offset points") for _ in POINT_NAMES
    ]
    _draw_xnor_points(ax, h, texts)
    a, c = fit.output_boundary()
    low = -1.25 if fit.net.activation == "tanh" else LOW
    g = np.linspace(low, HIGH, 121)
    gx, gy = np.meshgrid(g, g)
    side = _side_layer(ax, COLORS["purple"])
    side.set_extent((low, HIGH, low, HIGH))
    side.set_data((a[0] * gx + a[1] * gy + c > 0).astype(float))
    ax.fill([], [], color=to_rgba(COLORS["purple"], 0.2), label="p(fire) > 0.5")
    xs, ys = line_in_box(a[0], a[1], -c, low, HIGH)
    ax.plot(xs, ys, color=COLORS["purple"], linewidth=2, label="output: p(fire) = 0.5")
    _square(ax, "learned hidden unit $h_1$", "learned hidden unit $h_2$", low)
    verdict = "solved" if fit.solved else "FAILED"
    ax.set_title(title or f"seed {fit.seed}: {verdict}, loss {fit.loss:.3g}", fontsize=11)
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
