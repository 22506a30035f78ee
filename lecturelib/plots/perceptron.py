"""Figures for threshold units and XNOR: the four inputs, decision lines, hidden space,
and the slide's XNOR network drawn with its units lit for each input."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from scipy.ndimage import distance_transform_cdt, minimum_filter

from lecturelib.perceptron import (
    INPUTS,
    POINT_NAMES,
    XNOR,
    GateState,
    TwoLayerState,
    XnorFit,
    line_in_box,
    slide_xnor_network,
    two_layer_state,
)
from lecturelib.plots import COLORS, agg_canvas, new_figure
from lecturelib.plots.network import NetworkDrawing, draw_network

__all__ = [
    "GatePlot",
    "TwoLayerPlot",
    "draw_xnor_network",
    "plot_learned_hidden_space",
    "plot_xnor_networks",
]

LOW, HIGH = -0.25, 1.25
#: The two sides of a unit's line: light grey where it does not fire, light blue where it does.
_FIRE = ListedColormap(["#ebebeb", "#cfe3f2"])
#: Tint of the side of a line where a unit does not fire (see-through over white).
_QUIET = COLORS["grey"]
#: Opacity of the tint where a unit fires, and of the quiet tint.
FIRE_ALPHA, QUIET_ALPHA = 0.25, 0.22
#: Legend text size (9 pt at the displayed size, the series' smallest).
_SMALL = 9


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


def _over_white(*layers: tuple[str, float]) -> np.ndarray:
    """The RGB colour of see-through tints ``(colour, alpha)`` painted in order over white."""
    out = np.ones(3)
    for color, alpha in layers:
        out = alpha * np.array(to_rgba(color)[:3]) + (1 - alpha) * out
    return out


def _two_sided_layer(ax: Axes, color: str) -> AxesImage:
    """A layer over the square tinted on *both* sides of a line: ``color`` where its data is
    1 (the unit fires), grey where it is 0 (it does not); set its data in ``update``."""
    return ax.imshow(
        np.zeros((2, 2)),
        extent=(LOW, HIGH, LOW, HIGH),
        origin="lower",
        cmap=ListedColormap([to_rgba(_QUIET, QUIET_ALPHA), to_rgba(color, FIRE_ALPHA)]),
        vmin=0,
        vmax=1,
        interpolation="nearest",
        zorder=0,
    )


def _region_label(ax: Axes, text: str, color: str) -> Text:
    """A label for a region of the square, placed (and hidden) by :func:`_place_region`."""
    return ax.text(
        0,
        0,
        text,
        ha="center",
        va="center",
        fontsize=_SMALL,
        color=color,
        zorder=2,
        bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.75},
    )


def _half_size(label: Text) -> tuple[float, float]:
    """Half the width and height of ``label`` (with its box) in data units of its axes."""
    ax = label.axes
    box = label.get_window_extent(agg_canvas(ax.figure).get_renderer())
    to_data = ax.transData.inverted()
    (x0, y0), (x1, y1) = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
    return abs(x1 - x0) / 2 + 0.02, abs(y1 - y0) / 2 + 0.02


def _crowd_distance(gx: np.ndarray, gy: np.ndarray, avoid: np.ndarray) -> np.ndarray:
    """Distance from every grid point to the nearest of the points ``avoid`` or of their
    names (drawn up and to the right of them)."""
    crowd = np.vstack([avoid, avoid + np.array([0.17, 0.09])])
    return np.min(np.hypot(gx[..., None] - crowd[:, 0], gy[..., None] - crowd[:, 1]), axis=-1)


def _place_region(
    label: Text,
    inside: np.ndarray,
    gx: np.ndarray,
    gy: np.ndarray,
    near: np.ndarray,
    half: tuple[float, float],
) -> None:
    """Put ``label`` (half width and height ``half``) wholly inside the region ``inside`` (a
    grid mask over the square), as far as it can from the crowded places (``near``: the
    distance to them, :func:`_crowd_distance`) and from the region's border (so off the
    lines); hidden when it does not fit in the region."""
    step = gx[0, 1] - gx[0, 0]
    size = (2 * round(half[1] / step) + 1, 2 * round(half[0] / step) + 1)  # rows, columns
    fits = minimum_filter(inside.astype(np.uint8), size=size, mode="constant", cval=0) > 0
    if not fits.any():
        label.set_visible(False)
        return
    depth = distance_transform_cdt(np.pad(fits, 1), metric="taxicab")[1:-1, 1:-1] * step
    score = np.where(fits, np.minimum(near - np.hypot(*half), 0.3) + np.minimum(depth, 0.2), -9)
    score -= 0.01 * np.hypot(gx - 0.5, gy - 0.5)  # of equal places, the most central
    best = np.unravel_index(int(np.argmax(score)), score.shape)
    label.set_position((float(gx[best]), float(gy[best])))
    label.set_visible(True)


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
            [],
            [],
            color=COLORS["blue"],
            linewidth=2,
            label=r"decision line $w_1 i_1 + w_2 i_2 = \theta$",
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
        handles = [
            Patch(color=_FIRE(1.0), label=r"fires: $w_1 i_1 + w_2 i_2 \geq \theta$"),
            Patch(color=_FIRE(0.0), label="does not fire"),
            self.line,
            Line2D(
                [],
                [],
                marker="o",
                ls="",
                mfc=COLORS["blue"],
                mec=COLORS["black"],
                ms=9,
                label="filled: output 1",
            ),
        ]
        ax.legend(
            handles=handles,
            frameon=False,
            fontsize=_SMALL,
            loc="upper center",
            bbox_to_anchor=(0.42, -0.12),
            ncol=1,
            handlelength=1.6,
        )
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
        self.ax.set_title(
            f"The unit computes {state.name}\nnext to each input: $w_1 i_1 + w_2 i_2$ → output",
            fontsize=10,
        )


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


def _xnor_markers(ax: Axes, xy: np.ndarray, **style: object) -> tuple:
    """The x's (should fire) and o's (should not) of the four points, at ``xy``."""
    target = np.array(XNOR, dtype=bool)
    x = ax.scatter(
        xy[target, 0],
        xy[target, 1],
        marker="x",
        color=COLORS["vermillion"],
        label="x: should fire",
        **style,
    )
    o = ax.scatter(
        xy[~target, 0],
        xy[~target, 1],
        marker="o",
        facecolors="none",
        edgecolors=COLORS["blue"],
        label="o: should not",
        **style,
    )
    return x, o


class TwoLayerPlot:
    """Left: the four inputs and the two hidden units' lines in input space, each side of each
    line shaded (where ``h1`` fires, where ``h2`` fires, where neither does) and every region
    named by the hidden code ``(h1, h2)`` its inputs get: no single line separates x's from
    o's. Right: the same points in hidden space ``(h1, h2)``, the output unit's line with
    both of its sides shaded (``o`` fires, ``o`` does not), which separates them."""

    def __init__(self, ax_in: Axes, ax_hidden: Axes, state: TwoLayerState) -> None:
        self.ax_in, self.ax_hidden = ax_in, ax_hidden
        style = {"s": 150, "linewidths": 2, "zorder": 3}
        _xnor_markers(ax_in, INPUTS, **style)
        for name, (x, y) in zip(POINT_NAMES, INPUTS, strict=True):
            ax_in.annotate(_math_name(name), (x, y), xytext=(8, 6), textcoords="offset points")
        self.gx, self.gy = _grid()
        self.near_inputs = _crowd_distance(self.gx, self.gy, INPUTS)
        # One opaque picture of the four regions (h1 and h2 both off, h1 on, h2 on, both on):
        # what the see-through tints would show over white, at a third of the drawing cost.
        green, orange = (COLORS["green"], FIRE_ALPHA), (COLORS["orange"], FIRE_ALPHA)
        self.region_colors = np.array(
            [
                _over_white((_QUIET, QUIET_ALPHA)),
                _over_white(green),
                _over_white(orange),
                _over_white(green, orange),
            ]
        )
        self.in_side = ax_in.imshow(
            np.ones((2, 2, 3)),
            extent=(LOW, HIGH, LOW, HIGH),
            origin="lower",
            interpolation="nearest",
            zorder=0,
        )
        self.fires: list[np.ndarray] = []
        (self.h1_line,) = ax_in.plot(
            [], [], color=COLORS["green"], linewidth=2, label=r"$h_1$ line"
        )
        (self.h2_line,) = ax_in.plot(
            [], [], color=COLORS["orange"], linewidth=2, linestyle="--", label=r"$h_2$ line"
        )
        ax_in.fill([], [], color=to_rgba(COLORS["green"], FIRE_ALPHA), label=r"$h_1$ fires")
        ax_in.fill([], [], color=to_rgba(COLORS["orange"], FIRE_ALPHA), label=r"$h_2$ fires")
        ax_in.fill([], [], color=to_rgba(_QUIET, QUIET_ALPHA), label="neither fires")
        self.codes = [(1, 0), (0, 1), (1, 1), (0, 0)]
        self.code_labels = [
            _region_label(ax_in, f"$h = ({a}, {b})$", COLORS["black"]) for a, b in self.codes
        ]
        _square(ax_in, "input $i_1$", "input $i_2$")
        self.code_half = [_half_size(label) for label in self.code_labels]
        ax_in.set_title(
            "Input space, each region named by its $h$:\nno single line separates x's from o's",
            fontsize=11,
        )
        ax_in.legend(
            frameon=False,
            fontsize=_SMALL,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=2,
            columnspacing=1.0,
        )

        self.hx, self.ho = _xnor_markers(ax_hidden, np.empty((4, 2)), **style)
        self.names = [
            ax_hidden.annotate("", (0, 0), xytext=(8, 6), textcoords="offset points")
            for _ in POINT_NAMES
        ]
        self.out_side = _two_sided_layer(ax_hidden, COLORS["purple"])
        (self.out_line,) = ax_hidden.plot(
            [], [], color=COLORS["purple"], linewidth=2, label="output line"
        )
        ax_hidden.fill([], [], color=to_rgba(COLORS["purple"], FIRE_ALPHA), label=r"$o$ fires")
        ax_hidden.fill([], [], color=to_rgba(_QUIET, QUIET_ALPHA), label=r"$o$ does not")
        self.out_labels = [
            _region_label(ax_hidden, "$o = 1$", COLORS["black"]),
            _region_label(ax_hidden, "$o = 0$", COLORS["black"]),
        ]
        _square(ax_hidden, "hidden output $h_1$", "hidden output $h_2$")
        self.out_half = [_half_size(label) for label in self.out_labels]
        ax_hidden.legend(
            frameon=False,
            fontsize=_SMALL,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.16),
            ncol=2,
            columnspacing=1.0,
        )
        self.update(state)

    def update(self, state: TwoLayerState) -> None:
        """Redraw both sides of every line, the region names, the hidden-space points, the
        output line and the titles."""
        target = np.array(XNOR, dtype=bool)
        self.h1_line.set_data(*state.hidden_lines[0])
        self.h2_line.set_data(*state.hidden_lines[1])
        fires = [
            w[0] * self.gx + w[1] * self.gy >= t for w, t in zip(state.W, state.theta, strict=True)
        ]
        self.fires = fires
        self.in_side.set_data(self.region_colors[fires[0] + 2 * fires[1].astype(int)])
        for label, half, (a, b) in zip(self.code_labels, self.code_half, self.codes, strict=True):
            inside = (fires[0] == bool(a)) & (fires[1] == bool(b))
            _place_region(label, inside, self.gx, self.gy, self.near_inputs, half)
        out = state.v[0] * self.gx + state.v[1] * self.gy >= state.theta_out
        self.out_side.set_data(out.astype(float))
        h = state.hidden_output.astype(float)
        near = _crowd_distance(self.gx, self.gy, h)
        for label, half, inside in zip(self.out_labels, self.out_half, (out, ~out), strict=True):
            _place_region(label, inside, self.gx, self.gy, near, half)
        self.hx.set_offsets(h[target])
        self.ho.set_offsets(h[~target])
        _draw_xnor_points(self.ax_hidden, h, self.names)
        self.out_line.set_data(*state.output_line)
        verdict = "separable" if state.hidden_separable else "NOT separable"
        self.ax_hidden.set_title(
            f"Hidden space: {verdict}\nthe network computes {state.computes}", fontsize=11
        )


def plot_learned_hidden_space(ax: Axes, fit: XnorFit, title: str | None = None) -> None:
    """The four inputs in a learned 2-unit hidden space, with the output's decision line and
    both of its sides shaded (p(fire) above and below 0.5).

    The output layer predicts class 1 ("fire") where score_1 > score_0, i.e. on one side of
    the line ``(W2[1] - W2[0]) . h + (b2[1] - b2[0]) = 0`` (:meth:`XnorFit.output_boundary`),
    where p(fire) = 0.5 exactly.
    """
    if fit.hidden.shape[1] != 2:
        raise ValueError(f"needs a network with 2 hidden units, got {fit.hidden.shape[1]}")
    h = fit.hidden
    _xnor_markers(ax, h, s=150, linewidths=2, zorder=3)
    texts = [
        ax.annotate("", (0, 0), xytext=(8, 6), textcoords="offset points") for _ in POINT_NAMES
    ]
    _draw_xnor_points(ax, h, texts)
    a, c = fit.output_boundary()
    low = -1.25 if fit.net.activation == "tanh" else LOW
    g = np.linspace(low, HIGH, 121)
    gx, gy = np.meshgrid(g, g)
    side = _two_sided_layer(ax, COLORS["purple"])
    side.set_extent((low, HIGH, low, HIGH))
    side.set_data((a[0] * gx + a[1] * gy + c > 0).astype(float))
    ax.fill([], [], color=to_rgba(COLORS["purple"], FIRE_ALPHA), label=r"$p(\mathrm{fire}) > 0.5$")
    ax.fill([], [], color=to_rgba(_QUIET, QUIET_ALPHA), label=r"$p(\mathrm{fire}) < 0.5$")
    xs, ys = line_in_box(a[0], a[1], -c, low, HIGH)
    ax.plot(xs, ys, color=COLORS["purple"], linewidth=2, label=r"$p(\mathrm{fire}) = 0.5$")
    _square(ax, "learned hidden unit $h_1$", "learned hidden unit $h_2$", low)
    verdict = "solved" if fit.solved else "FAILED"
    ax.set_title(title or f"seed {fit.seed}: {verdict}, loss {fit.loss:.3g}", fontsize=11)
    ax.legend(
        frameon=False,
        fontsize=_SMALL,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=2,
        columnspacing=1.0,
    )


#: The names the slides give the XNOR network's units.
XNOR_NAMES = (("$i_1$", "$i_2$"), ("$h_1$", "$h_2$"), ("$o$",))


def draw_xnor_network(
    ax: Axes, index: int, network: dict | None = None, fontsize: float = 10.0
) -> NetworkDrawing:
    """The two-layer threshold network (the slide's by default: ``h1 = [i1 + i2 >= 2]``,
    ``h2 = [-i1 - i2 >= 0]``, ``o = [h1 + h2 >= 1]``) with its units lit for input
    ``INPUTS[index]``: filled units fire (1), white ones do not (0); each unit's threshold
    is written under it, each weight on its line."""
    network = slide_xnor_network() if network is None else network
    state = two_layer_state(**network)
    W, theta = np.asarray(state.W, float), np.asarray(state.theta, float)
    v = np.asarray(state.v, float)
    drawing = draw_network(
        ax,
        [W, v[None, :]],
        [theta, [state.theta_out]],
        names=XNOR_NAMES,
        bias_label=r"\theta",
        weight_labels=True,
        fontsize=fontsize,
        spacing=1.5,
        gap=2.4,
        label_at=0.22,
    )
    drawing.light([INPUTS[index], state.hidden_output[index], [state.output[index]]])
    return drawing


def plot_xnor_networks(network: dict | None = None, title: str | None = None) -> Figure:
    """The slide's table as pictures: one panel per input (``x1, o1`` on top, ``o2, x2``
    below), the XNOR network (the slide's by default) lit as it computes ``o`` for that
    input. ``title`` says what to look at (default: how to read the panels)."""
    network = slide_xnor_network() if network is None else network
    state = two_layer_state(**network)
    fig, axes = new_figure(
        2,
        2,
        figsize=(8.4, 5.6),
        margins={
            "left": 0.01,
            "right": 0.99,
            "bottom": 0.01,
            "top": 0.83,
            "wspace": 0.06,
            "hspace": 0.2,
        },
    )
    for index, ax in enumerate(axes.flat):
        draw_xnor_network(ax, index, network)
        i1, i2 = (int(v) for v in INPUTS[index])
        fires = "fires" if state.output[index] else "does not fire"
        name = _math_name(POINT_NAMES[index]).strip("$")
        ax.set_title(f"${name} = ({i1}, {i2})$: $o = {state.output[index]}$, {fires}", fontsize=11)
    title = (
        title or "Follow each input through the network: filled units fire (1), white do not (0)"
    )
    fig.suptitle(
        f"{title}\nline width: size of the weight (blue solid: +, vermillion dashed: \u2212); "
        r"$\theta$: the unit's threshold",
        fontsize=11,
    )
    return fig
