"""Figures for MLP classification (notebook 07): decision regions, scores, log-likelihood."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, MultipleLocator

from lecturelib.classification import PlaygroundState, compose_by_hand
from lecturelib.mlp import MLP
from lecturelib.plots import COLORS, agg_canvas, new_figure
from lecturelib.plots.network import default_names, draw_network

__all__ = [
    "CLASS_COLORS",
    "PlaygroundPlot",
    "RegionPlot",
    "plot_log_likelihood",
    "plot_mlp_lit",
    "plot_points",
    "plot_runs",
    "plot_scores_along",
]

#: One colour per class (Okabe-Ito), and the markers that tell them apart without colour.
CLASS_COLORS = (COLORS["blue"], COLORS["vermillion"], COLORS["green"])
MARKERS = ("o", "s", "^")


def plot_points(ax: Axes, X: np.ndarray, y: np.ndarray, *, legend: bool = True) -> list:
    """The data: one colour and one marker per class."""
    artists = []
    for c in range(int(np.max(y)) + 1):
        pts = X[y == c]
        artists.append(
            ax.scatter(
                pts[:, 0],
                pts[:, 1],
                s=14,
                color=CLASS_COLORS[c % 3],
                marker=MARKERS[c % 3],
                edgecolors="white",
                linewidths=0.4,
                label=f"class {c}",
                zorder=3,
            )
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    if legend:
        ax.legend(frameon=False, loc="upper right", fontsize=8, handletextpad=0.2)
    return artists


class RegionPlot:
    """Decision regions (the predicted class on a grid, faded where it is unsure) and data."""

    def __init__(
        self,
        ax: Axes,
        axis: np.ndarray,
        classes: np.ndarray,
        confidence: np.ndarray,
        X: np.ndarray,
        y: np.ndarray,
        title: str = "",
    ) -> None:
        self.ax = ax
        extent = (axis[0], axis[-1], axis[0], axis[-1])
        self.image = ax.imshow(
            self._rgba(classes, confidence),
            origin="lower",
            extent=extent,
            interpolation="nearest",
            zorder=1,
        )
        plot_points(ax, X, y, legend=False)
        ax.set_xlim(axis[0], axis[-1])
        ax.set_ylim(axis[0], axis[-1])
        ax.grid(False)
        ax.set_title(title)

    @staticmethod
    def _rgba(classes: np.ndarray, confidence: np.ndarray) -> np.ndarray:
        cmap = ListedColormap(CLASS_COLORS)
        rgba = cmap(classes % 3)
        # Pale colours, paler where the softmax is unsure (confidence near 1/3).
        strength = 0.15 + 0.3 * np.clip((confidence - 1 / 3) * 1.5, 0.0, 1.0)
        rgba[..., :3] = 1.0 - strength[..., None] * (1.0 - rgba[..., :3])
        return rgba

    def update(self, classes: np.ndarray, confidence: np.ndarray, title: str = "") -> None:
        """New regions, in place."""
        self.image.set_data(self._rgba(classes, confidence))
        if title:
            self.ax.set_title(title)


def plot_scores_along(
    ax: Axes, x1: np.ndarray, scores: np.ndarray, title: str, *, x2: float = 0.0
) -> None:
    """The class scores ``f_c(x1, x2)`` along a horizontal line: one curve per class."""
    for c in range(scores.shape[1]):
        ax.plot(x1, scores[:, c], color=CLASS_COLORS[c % 3], linewidth=1.8, label=f"$f_{c + 1}(x)$")
    ax.set_xlabel(f"$x_1$ (along the line $x_2 = {x2:g}$)")
    ax.set_ylabel("score")
    ax.set_title(title)
    ax.legend(frameon=False, fontsize=8)


def plot_log_likelihood(
    ax: Axes,
    curves: Sequence[np.ndarray],
    labels: Sequence[str],
    *,
    title: str = "",
    guess: float | None = None,
) -> list:
    """Log-likelihood of the training data against the L-BFGS iteration (higher is better).

    ``guess``: the log-likelihood of guessing, ``n log(1/k)``, drawn as a dotted line. The
    iteration axis is linear up to 10 and logarithmic beyond, so that a fit that is done in
    20 iterations and one that takes 1000 both show.
    """
    lines = []
    colors = (COLORS["orange"], COLORS["purple"], COLORS["sky"])
    for i, (ll, label) in enumerate(zip(curves, labels, strict=True)):
        (line,) = ax.plot(np.arange(len(ll)), ll, color=colors[i % 3], linewidth=1.8, label=label)
        lines.append(line)
    if guess is not None:
        ax.axhline(guess, color=COLORS["grey"], linestyle=":", linewidth=1)
        ax.text(0, guess, " guessing", va="bottom", fontsize=8, color=COLORS["grey"])
    ax.set_xscale("symlog", linthresh=10, linscale=0.5)
    ax.set_xlim(0, max(10, *(len(ll) - 1 for ll in curves)))
    ax.set_xlabel("L-BFGS iteration")
    ax.set_ylabel("log-likelihood")
    ax.set_title(title or "Training maximises the log-likelihood")
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    return lines


def plot_runs(
    ax: Axes,
    accuracies: Mapping[str, Sequence[float]],
    *,
    reference: float | None = None,
    reference_label: str = "",
    title: str = "",
) -> list:
    """Training accuracy of repeated runs (one per random start): one marker series per label.

    ``reference`` (e.g. the linear model's training accuracy) is drawn as a dashed line.
    """
    artists = []
    colors = (COLORS["vermillion"], COLORS["blue"], COLORS["green"])
    for i, (label, acc) in enumerate(accuracies.items()):
        acc = np.asarray(acc, dtype=float)
        artists.append(
            ax.plot(
                np.arange(len(acc)),
                acc,
                linestyle="none",
                marker=MARKERS[i % 3],
                markersize=6,
                color=colors[i % 3],
                label=label,
            )[0]
        )
    if reference is not None:
        ax.axhline(reference, color=COLORS["grey"], linestyle="--", linewidth=1)
        ax.text(0, reference, f" {reference_label}", va="bottom", fontsize=8, color=COLORS["grey"])
    ax.set_xlabel("run (random start)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel("training accuracy")
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(frameon=False, loc="lower right", fontsize=8)
    return artists


def _blend(values: np.ndarray, low: str, high: str, strength: float = 1.0) -> np.ndarray:
    """RGB of ``values`` in [-1, 1]: ``low`` at -1, white at 0, ``high`` at 1."""
    v = np.clip(values, -1.0, 1.0)[..., None] * strength
    lo, hi = np.asarray(to_rgb(low)), np.asarray(to_rgb(high))
    return np.where(v < 0, 1.0 + (-v) * (lo - 1.0), 1.0 + v * (hi - 1.0))


#: Hidden units' pictures: negative outputs blue, positive orange (Okabe-Ito).
UNIT_LOW, UNIT_HIGH = COLORS["blue"], COLORS["orange"]
#: Tiles per row of the hidden units' mosaic, and the gap between tiles (grid cells).
UNITS_PER_ROW, GAP = 4, 3


def units_mosaic(
    units: Sequence[np.ndarray], layers: Sequence[int]
) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """Every hidden unit's picture as tiles of one RGB image (small multiples, drawn fast).

    ``units[i]`` has shape ``(m, res, res)``: the outputs of the ``m`` units of hidden layer
    ``layers[i]`` on the grid, each scaled by its largest absolute value (so its shape
    shows whatever its range). Returns the image (white between tiles) and, for each
    layer, ``(layer, row of the image where its tiles start)``.
    """
    if not units:
        return np.ones((1, 1, 3)), []
    res = units[0].shape[-1]
    cols = min(UNITS_PER_ROW, max(u.shape[0] for u in units))
    rows = [int(np.ceil(u.shape[0] / cols)) for u in units]
    tile = res + GAP
    image = np.ones((sum(rows) * tile - GAP, cols * tile - GAP, 3))
    starts, top = [], 0
    for u, r, layer in zip(units, rows, layers, strict=True):
        starts.append((layer, top))
        scale = np.max(np.abs(u), axis=(1, 2), keepdims=True)
        scaled = np.divide(u, scale, out=np.zeros_like(u), where=scale > 0)
        for k in range(u.shape[0]):
            i, j = top + (k // cols) * tile, (k % cols) * tile
            image[i : i + res, j : j + res] = _blend(scaled[k][::-1], UNIT_LOW, UNIT_HIGH)  # x2 up
        top += r * tile
    return image, starts


class PlaygroundPlot:
    """The playground: decision regions and data, every hidden unit's picture, the losses.

    ``axes``: three axes, left to right. Every artist is made once; :meth:`update` moves
    them in place (one image per picture, so a frame redraws fast).
    """

    def __init__(self, axes: Sequence[Axes], state: PlaygroundState) -> None:
        self.ax_regions, self.ax_units, self.ax_loss = axes
        agg_canvas(self.ax_regions.figure)  # one renderer, its text caches kept per frame
        limit = float(state.axis[-1])
        extent = (-limit, limit, -limit, limit)
        ax = self.ax_regions
        self.regions = ax.imshow(
            np.ones((2, 2, 3)), origin="lower", extent=extent, interpolation="bilinear", zorder=1
        )
        self.points = [
            ax.scatter([], [], s=12, color=CLASS_COLORS[c], marker=MARKERS[c],
                       edgecolors="white", linewidths=0.4, label=f"class {c}", zorder=3)
            for c in (0, 1)
        ]  # fmt: skip
        ax.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel="$x_1$", ylabel="$x_2$")
        ax.set_aspect("equal")
        ax.grid(False)
        ax.set_xticks([-1, 0, 1])
        ax.set_yticks([-1, 0, 1])
        for a in axes:  # titles at a fixed height: no layout computed at each frame
            a.set_title(" ", y=1.01)
        au = self.ax_units
        self.units = au.imshow(np.ones((1, 1, 3)), origin="upper", interpolation="nearest")
        au.set_xticks([])
        au.set_yticks([])
        au.grid(False)
        for side in au.spines.values():
            side.set_visible(False)
        self.layer_labels = [
            au.text(-1, 0, "", rotation=90, ha="right", va="top", fontsize=9) for _ in range(2)
        ]
        al = self.ax_loss
        (self.train_line,) = al.plot([], [], color=CLASS_COLORS[0], linewidth=1.8, label="train")
        (self.test_line,) = al.plot(
            [], [], color=CLASS_COLORS[1], linewidth=1.8, linestyle="--", label="test"
        )
        al.set(xlabel="gradient step", ylabel=r"mean cross-entropy $\ell$")
        al.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        al.yaxis.set_major_locator(MultipleLocator(0.5))
        al.title.set_text("Loss: train (solid), test (dashed)")
        #: What :meth:`update` moves at every frame (the rest changes only with the settings).
        self.animated = [
            self.regions, *self.points, self.ax_regions.title, self.units, self.train_line,
            self.test_line,
        ]  # fmt: skip
        self.update(state)

    def update(self, state: PlaygroundState) -> None:
        """Redraw for a new frame or new settings (in place)."""
        self.regions.set_data(
            _blend(2 * state.proba - 1, CLASS_COLORS[0], CLASS_COLORS[1], strength=0.45)
        )
        for c, artist in enumerate(self.points):
            artist.set_offsets(state.X[state.y == c])
        acc = f"train {state.train_accuracy:.0%}, test {state.test_accuracy:.0%}"
        self.ax_regions.title.set_text(f"Step {state.step}: {acc}")
        image, starts = units_mosaic(state.units, state.unit_layers)
        self.units.set_data(image)
        h, w = image.shape[:2]
        self.units.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
        # Square tiles in the middle of a box that keeps its place (limits padded to its shape).
        box = self.ax_units.get_position()
        fw, fh = self.ax_units.figure.get_size_inches()
        ratio = (box.height * fh) / (box.width * fw)
        width, height = max(w, h / ratio), max(h, w * ratio)
        left, top = (width - w) / 2, (height - h) / 2
        self.ax_units.set(
            xlim=(-0.5 - left, w - 0.5 + left), ylim=(h - 0.5 + top, -0.5 - top), aspect="auto"
        )
        for label, start in zip(self.layer_labels, [*starts, None, None], strict=False):
            text, where = (
                ("", (-1.0, 0.0)) if start is None else (f"layer {start[0]}", (-1.5, start[1]))
            )
            if (label.get_text(), label.get_position()) != (text, where):  # moved: redrawn
                label.set_text(text)
                label.set_position(where)
        self.ax_units.title.set_text(
            "Every hidden unit (blue < 0 < orange)" if starts else "No hidden layer: no units"
        )
        self.train_line.set_data(state.steps, state.train_loss)
        self.test_line.set_data(state.steps, state.test_loss)
        finite = np.concatenate([state.train_loss, state.test_loss])
        finite = finite[np.isfinite(finite)]
        top = max(1.0, 1.1 * float(finite.max())) if finite.size else 1.0
        # Limits that change rarely (doubling steps, half units): the ticks stay, which
        # keeps a frame fast (every new tick label is laid out again).
        span = 100 * 2 ** int(np.ceil(np.log2(max(1.0, state.steps[-1] / 100))))
        self.ax_loss.set(xlim=(0, span), ylim=(0, np.ceil(2 * top) / 2))


def plot_mlp_lit(net: MLP, X: np.ndarray, title: str | None = None) -> Figure:
    """A deep MLP drawn as the slides draw it, once per row of ``X``, with every unit lit
    by its output for that input (equation 8, computed by
    :func:`lecturelib.classification.compose_by_hand`): inputs ``x_j``, hidden units
    ``h^{(l)}_k``, scores ``f_c``. tanh units are blue when positive and vermillion when
    negative; logistic and ReLU units white at 0. Line width and style give each weight
    (solid blue positive, dashed vermillion negative), on one scale for all drawings; biases
    are not written (a label under every unit would hide the lines). Units show their
    outputs to one decimal; each drawing's title names the input and the class with the
    largest score."""
    X = np.atleast_2d(np.asarray(X, dtype=float))
    if X.ndim != 2 or X.shape[1] != net.sizes[0] or len(X) == 0:
        raise ValueError(
            f"X must have shape (n, {net.sizes[0]}) with n >= 1 for {net!r}, got shape "
            f"{np.shape(X)}; pass one input as [[x1, x2]]"
        )
    layers = range(1, net.n_layers + 1)
    weights = [net.params[f"W{j}"] for j in layers]
    names = default_names(net.sizes)
    names[-1] = [f"$f_{{{c + 1}}}$" for c in range(net.sizes[-1])]
    value_range = (-1.0, 1.0) if net.activation == "tanh" else (0.0, 1.0)
    scale = float(max(np.abs(W).max() for W in weights))
    outputs = compose_by_hand(net, X)
    fig, axes = new_figure(
        1, len(X), figsize=(4.4 * len(X), 4.0),
        margins={"left": 0.01, "right": 0.99, "bottom": 0.02, "top": 0.83, "wspace": 0.06},
    )  # fmt: skip
    for i, ax in enumerate(axes[0]):
        drawing = draw_network(
            ax, weights, names=names, value_range=value_range, weight_scale=scale,
            fontsize=9.0, radius=0.36, spacing=1.4,
        )  # fmt: skip
        # Written to one decimal inside the units (two would not fit in the circles).
        drawing.light([np.round(v, 1) + 0.0 for v in (X[i], *(o[i] for o in outputs))])
        point = ", ".join(f"{v:g}" for v in X[i])
        best = int(np.argmax(outputs[-1][i])) + 1
        ax.set_title(f"$x = ({point})$: largest score $f_{{{best}}}$", fontsize=10)
    if title is not None:
        fig.suptitle(title, fontsize=11)
    return fig
