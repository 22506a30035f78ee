"""Figures for MLP classification (notebook 07): decision regions, scores, log-likelihood."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.ticker import MaxNLocator

from lecturelib.classification import ClassifierState
from lecturelib.plots import COLORS

__all__ = [
    "CLASS_COLORS",
    "ClassifierExplorerPlot",
    "RegionPlot",
    "plot_log_likelihood",
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
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
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
        ax.plot(x1, scores[:, c], color=CLASS_COLORS[c % 3], linewidth=1.8, label=f"f{c + 1}(x)")
    ax.set_xlabel(f"x1 (along the line x2 = {x2:g})")
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


class ClassifierExplorerPlot:
    """The explorer's figure: decision regions (left), log-likelihood during training (right)."""

    def __init__(self, axes: Sequence[Axes], state: ClassifierState) -> None:
        self.regions = RegionPlot(
            axes[0], state.axis, state.classes, state.confidence, state.X, state.y
        )
        self.ax_ll = axes[1]
        (self.line,) = axes[1].plot([], [], color=COLORS["orange"], linewidth=1.8)
        n = len(state.y)
        self.floor = -n * np.log(3.0)
        axes[1].axhline(self.floor, color=COLORS["grey"], linestyle=":", linewidth=1)
        axes[1].text(
            1, self.floor, " guessing: n log(1/3)", va="bottom", fontsize=8, color=COLORS["grey"]
        )
        axes[1].set_xscale("symlog", linthresh=10, linscale=0.5)
        axes[1].set_xlabel("L-BFGS iteration")
        axes[1].set_ylabel("log-likelihood")
        axes[1].set_title("Log-likelihood while training")
        self.update(state)

    def update(self, state: ClassifierState) -> None:
        """Redraw for a new setting (in place)."""
        hidden = (
            "no hidden layer"
            if state.depth == 0
            else (f"{state.depth} x {state.width} {state.activation}")
        )
        self.regions.update(
            state.classes,
            state.confidence,
            f"{hidden}: train {state.train_accuracy:.0%}, test {state.test_accuracy:.0%}",
        )
        ll = state.log_likelihood
        self.line.set_data(np.arange(len(ll)), ll)
        self.ax_ll.set_xlim(0, max(len(ll) - 1, 10))
        self.ax_ll.set_ylim(1.08 * self.floor, 0.05 * abs(self.floor))
