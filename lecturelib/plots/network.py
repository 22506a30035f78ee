"""A layered network drawn as the slides draw it: units as circles, weights as lines.

Any fully connected feed-forward network (the XNOR net of notebook 03, the 1-3-1 net of
notebook 05, a deep net of notebook 07): give the weight matrices, ``weights[l]`` of shape
``(units of layer l + 1, units of layer l)`` as :class:`lecturelib.mlp.MLP` stores them
(the slides' ``h = sigma(W x + b)``). Each line's width grows with ``|w|``; its colour *and*
dash give the sign (blue solid: positive, vermillion dashed: negative, grey dotted: zero), so
the sign survives a grey print and every colour vision. :meth:`NetworkDrawing.light` fills
each unit by its activation for one input (white at 0, Okabe-Ito blue at the top of
``value_range``, vermillion at a negative bottom) and writes the value inside it. Every update
changes the existing artists in place (no new artists), so an explorer or an animation can
relight the drawing at 10 frames per second.

>>> fig, axes = new_figure()                                      # doctest: +SKIP
>>> net = draw_network(axes[0, 0], [W1, W2], [b1, b2])            # doctest: +SKIP
>>> net.light([x, h, y_hat])                                      # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from lecturelib.plots import COLORS, agg_canvas

__all__ = [
    "MIN_FONTSIZE",
    "NEGATIVE",
    "POSITIVE",
    "NetworkDrawing",
    "default_names",
    "draw_network",
    "layer_positions",
    "node_color",
    "weight_style",
]

#: Line colours of positive and negative weights (Okabe-Ito blue and vermillion).
POSITIVE, NEGATIVE = COLORS["blue"], COLORS["vermillion"]
#: Line widths (points) of the weakest and the strongest weight of a drawing.
MIN_WIDTH, MAX_WIDTH = 0.8, 3.5
#: The smallest text of a drawing, in points at the displayed size.
MIN_FONTSIZE = 9.0

_SHAPE_RULE = (
    "weights[l] must have shape (units of layer l+1, units of layer l), as lecturelib.mlp.MLP "
    "stores W (transpose a matrix stored as (inputs, outputs))"
)


def layer_positions(
    sizes: Sequence[int], spacing: float = 1.0, gap: float = 2.0
) -> list[np.ndarray]:
    """Centre of every unit: layer ``l`` at ``x = l * gap``, its units ``spacing`` apart,
    centred on ``y = 0``, unit 1 on top. One ``(n_l, 2)`` array per layer."""
    if not len(sizes) or any(int(n) < 1 for n in sizes):
        raise ValueError(f"every layer needs at least one unit, got sizes {list(sizes)}")
    positions = []
    for layer, n in enumerate(sizes):
        y = spacing * ((n - 1) / 2 - np.arange(n))
        positions.append(np.column_stack([np.full(n, layer * gap), y]))
    return positions


def default_names(sizes: Sequence[int]) -> list[list[str]]:
    """Mathtext names as the slides write them: inputs ``x_j``, hidden units ``h_k``
    (``h^{(l)}_k`` when there are several hidden layers), the output ``\\hat{y}`` (or
    ``\\hat{y}_k`` when there are several)."""
    hidden = len(sizes) - 2
    names: list[list[str]] = [[f"$x_{{{j + 1}}}$" for j in range(sizes[0])]]
    for layer in range(1, len(sizes) - 1):
        sup = f"^{{({layer})}}" if hidden > 1 else ""
        names.append([f"$h{sup}_{{{k + 1}}}$" for k in range(sizes[layer])])
    if len(sizes) > 1:
        n = sizes[-1]
        names.append([r"$\hat{y}$"] if n == 1 else [f"$\\hat{{y}}_{{{k + 1}}}$" for k in range(n)])
    return names


def _check_range(value_range: tuple[float, float]) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"value_range must be a pair (low, high), got {value_range!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and high > low):
        raise ValueError(
            f"value_range must be (low, high) with finite low < high, got {value_range!r}"
        )
    return low, high


def node_color(value: float, value_range: tuple[float, float] = (0.0, 1.0)) -> tuple:
    """The RGBA fill of a unit with activation ``value``.

    A range that includes 0 (``low < 0 < high``, e.g. tanh's ``(-1, 1)``): white at 0,
    Okabe-Ito blue at ``high``, vermillion at ``low``, linear between. A range that does not
    (e.g. a sigmoid's or a threshold unit's ``(0, 1)``): white at ``low``, blue at ``high``.
    Values outside the range take the colour of its nearer end; NaN (no value) is white."""
    low, high = _check_range(value_range)
    value = float(value)
    if not np.isfinite(value):
        return to_rgba("white")
    if low < 0 < high:
        t = value / high if value >= 0 else value / low
        color = POSITIVE if value >= 0 else NEGATIVE
    else:
        t = (value - low) / (high - low)
        color = POSITIVE
    t = float(np.clip(t, 0.0, 1.0))
    white, full = np.array(to_rgba("white")), np.array(to_rgba(color))
    return tuple(float(c) for c in white + t * (full - white))


def weight_style(w: float, largest: float) -> dict[str, object]:
    """Colour, dash and width of the line of weight ``w`` when ``|w| = largest`` is drawn at
    full width: blue solid if positive, vermillion dashed if negative, thin grey dotted if 0."""
    if w == 0 or largest == 0 or not np.isfinite(w):
        return {"color": COLORS["grey"], "linestyle": ":", "linewidth": MIN_WIDTH, "alpha": 0.7}
    width = MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * min(abs(w) / largest, 1.0)
    return {
        "color": POSITIVE if w > 0 else NEGATIVE,
        "linestyle": "-" if w > 0 else "--",
        "linewidth": width,
        "alpha": 1.0,
    }


def _is_dark(rgba: tuple) -> bool:
    r, g, b = rgba[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b < 0.55


def _number(value: float, digits: int = 3) -> str:
    """Whole numbers as they are, others to ``digits`` significant digits, true minus sign."""
    text = f"{value:.0f}" if value == round(value) else f"{value:.{digits}g}"
    return text.replace("-", "\u2212")


def _as_matrices(weights: Sequence[np.ndarray], argument: str = "weights") -> list[np.ndarray]:
    if isinstance(weights, np.ndarray) and weights.ndim == 2:
        raise ValueError(
            f"{argument} must be a list of matrices, one per layer of weights; got one array of "
            f"shape {weights.shape}: pass [{argument[:-1] or 'W'}] instead"
        )
    matrices = []
    for layer, W in enumerate(weights):
        W = np.asarray(W, dtype=float)
        if W.ndim != 2:
            raise ValueError(f"{argument}[{layer}] must be a 2-d matrix, got shape {W.shape}")
        matrices.append(W)
    if not matrices:
        raise ValueError(f"{argument} needs at least one weight matrix, got none")
    for layer in range(1, len(matrices)):
        before, W = matrices[layer - 1], matrices[layer]
        if W.shape[1] != before.shape[0]:
            raise ValueError(
                f"{argument}[{layer}] has shape {W.shape} but {argument}[{layer - 1}] has shape "
                f"{before.shape}: layer {layer} has {before.shape[0]} units, so {argument}"
                f"[{layer}] needs {before.shape[0]} columns; {_SHAPE_RULE}"
            )
    return matrices


def _as_biases(biases: Sequence[np.ndarray], sizes: list[int]) -> list[np.ndarray]:
    if len(biases) != len(sizes) - 1:
        raise ValueError(
            f"biases has {len(biases)} vectors but the weights make {len(sizes) - 1} layers: "
            f"pass one bias vector per weight matrix (layer sizes {sizes})"
        )
    vectors = []
    for layer, b in enumerate(biases):
        b = np.asarray(b, dtype=float)
        if b.size != sizes[layer + 1] or (b.ndim > 1 and b.shape[-1] != b.size):
            raise ValueError(
                f"biases[{layer}] has shape {b.shape} but weights[{layer}] makes "
                f"{sizes[layer + 1]} units: biases[{layer}] needs shape ({sizes[layer + 1]},)"
            )
        vectors.append(b.reshape(-1))
    return vectors


class NetworkDrawing:
    """A drawn network whose unit fills, values and weight lines update in place.

    Build it with :func:`draw_network`. Attributes (lists indexed by layer, inputs = 0):

    ``sizes``
        Units per layer, e.g. ``[2, 2, 1]``.
    ``positions``
        Centre of every unit, one ``(n_l, 2)`` array per layer (data coordinates).
    ``nodes``, ``values``, ``names``
        Per layer, per unit: its :class:`~matplotlib.patches.Circle`, the value written
        inside it, its name label.
    ``bias_texts``
        Per layer ``l >= 1``, per unit: the bias label under it (``bias_texts[0]`` is empty;
        None everywhere when drawn without biases).
    ``edges``, ``weight_texts``
        Per weight matrix ``l``, ``[target][source]`` as in ``weights[l]``: the line and its
        weight label (None when drawn without weight labels).
    """

    def __init__(
        self,
        ax: Axes,
        weights: Sequence[np.ndarray],
        biases: Sequence[np.ndarray] | None = None,
        names: Sequence[Sequence[str]] | None = None,
        value_range: tuple[float, float] = (0.0, 1.0),
        *,
        bias_label: str = "b",
        weight_labels: bool | None = None,
        show_values: bool | None = None,
        weight_scale: float | None = None,
        fontsize: float = 10.0,
        radius: float = 0.26,
        spacing: float | None = None,
        gap: float = 2.0,
        label_at: float = 0.25,
    ) -> None:
        self.ax = ax
        self.weights = _as_matrices(weights)
        self.sizes = [self.weights[0].shape[1]] + [W.shape[0] for W in self.weights]
        self.biases = None if biases is None else _as_biases(biases, self.sizes)
        self.value_range = _check_range(value_range)
        if weight_scale is not None and not weight_scale > 0:
            raise ValueError(f"weight_scale must be a positive |w| (or None), got {weight_scale}")
        self.weight_scale = weight_scale
        self.bias_label = bias_label
        self.radius = radius
        if spacing is None:  # room between units for a name above and a bias below
            spacing = 1.45 if self.biases is not None else 1.0
        self.positions = layer_positions(self.sizes, spacing, gap)
        if names is None:
            names = default_names(self.sizes)
            for layer in range(1, len(self.sizes) - 1):
                if self.sizes[layer] > 4:  # a big layer: its name once, above it
                    top = names[layer][0]
                    names[layer] = [re.sub(r"_\{\d+\}", "", top)] + [""] * (self.sizes[layer] - 1)
        counts = [len(layer) for layer in names]
        if counts != self.sizes:
            raise ValueError(
                f"names has {counts} entries per layer but the weights make layer sizes "
                f"{self.sizes}: pass one name per unit, one list per layer (inputs first)"
            )
        if weight_labels is None:
            weight_labels = max(self.sizes) <= 3
        self.show_values = max(self.sizes) <= 4 if show_values is None else show_values
        small = max(MIN_FONTSIZE, fontsize - 1)
        fontsize = max(MIN_FONTSIZE, fontsize)
        last = len(self.sizes) - 1

        self.edges: list[list[list[Line2D]]] = []
        self.weight_texts: list[list[list[Text | None]]] = []
        for layer in range(len(self.weights)):
            sources, targets = self.positions[layer], self.positions[layer + 1]
            lines: list[list[Line2D]] = []
            texts: list[list[Text | None]] = []
            for target in targets:
                row_lines: list[Line2D] = []
                row_texts: list[Text | None] = []
                for source in sources:
                    direction = (target - source) / np.linalg.norm(target - source)
                    a, b = source + radius * direction, target - radius * direction
                    (line,) = ax.plot([a[0], b[0]], [a[1], b[1]], zorder=1, solid_capstyle="butt")
                    row_lines.append(line)
                    text = None
                    if weight_labels:
                        text = ax.text(
                            *(a + label_at * (b - a)),
                            "",
                            ha="center",
                            va="center",
                            fontsize=small,
                            zorder=4,
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                        )
                    row_texts.append(text)
                lines.append(row_lines)
                texts.append(row_texts)
            self.edges.append(lines)
            self.weight_texts.append(texts)

        self.nodes: list[list[Circle]] = []
        self.values: list[list[Text]] = []
        self.names: list[list[Text]] = []
        self.bias_texts: list[list[Text | None]] = []
        for layer, centres in enumerate(self.positions):
            circles, values, labels, notes = [], [], [], []
            for k, (x, y) in enumerate(centres):
                circle = Circle(
                    (x, y), radius, facecolor="white", edgecolor=COLORS["black"], lw=1.5, zorder=2
                )
                ax.add_patch(circle)
                circles.append(circle)
                values.append(
                    ax.text(x, y, "", ha="center", va="center", fontsize=fontsize, zorder=3)
                )
                if layer == 0:
                    where, align = (x - radius - 0.08, y), {"ha": "right", "va": "center"}
                elif layer == last:
                    where, align = (x + radius + 0.08, y), {"ha": "left", "va": "center"}
                else:
                    where, align = (x, y + radius + 0.05), {"ha": "center", "va": "bottom"}
                labels.append(ax.text(*where, names[layer][k], fontsize=fontsize + 1, **align))
                note = None
                if self.biases is not None and layer > 0:
                    note = ax.text(
                        x, y - radius - 0.05, "", ha="center", va="top", fontsize=small, zorder=3
                    )
                notes.append(note)
            self.nodes.append(circles)
            self.values.append(values)
            self.names.append(labels)
            self.bias_texts.append(notes)

        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        self.set_weights(self.weights, self.biases)
        self.fit_limits()

    # -- updates in place ---------------------------------------------------------------

    def set_weights(
        self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None = None
    ) -> None:
        """Restyle every line (and rewrite the weight and bias labels) for new weights of the
        drawing's shapes, in place. Line widths are relative to ``weight_scale`` if given,
        else to the largest ``|w|`` of these weights."""
        new = _as_matrices(weights)
        shapes, expected = [W.shape for W in new], [W.shape for W in self.weights]
        if shapes != expected:
            raise ValueError(
                f"set_weights got weights of shapes {shapes} but the drawing has shapes "
                f"{expected}: pass matrices of the drawing's shapes (draw a new network for "
                f"another architecture); {_SHAPE_RULE}"
            )
        if biases is not None:
            if self.biases is None:
                raise ValueError(
                    "set_weights got biases but the network was drawn without them: pass "
                    "biases to draw_network to show them"
                )
            self.biases = _as_biases(biases, self.sizes)
        self.weights = new
        largest = self.weight_scale or max(float(np.abs(W).max()) for W in new)
        for W, lines, texts in zip(new, self.edges, self.weight_texts, strict=True):
            for k, (row_lines, row_texts) in enumerate(zip(lines, texts, strict=True)):
                for j, (line, text) in enumerate(zip(row_lines, row_texts, strict=True)):
                    w = float(W[k, j])
                    style = weight_style(w, largest)
                    line.set(**style)
                    if text is not None:
                        text.set_text(_number(w, 2))
                        text.set_color(style["color"] if w != 0 else COLORS["black"])
        if self.biases is not None:
            for b, notes in zip(self.biases, self.bias_texts[1:], strict=True):
                for value, note in zip(b, notes, strict=True):
                    note.set_text(f"${self.bias_label} = {_number(float(value), 2)}$")

    def light(self, activations: Sequence[Sequence[float] | np.ndarray], digits: int = 2) -> None:
        """Fill every unit by its activation for one input and write the value inside it.

        ``activations`` holds one array per layer, inputs first (e.g. ``[x, h, y_hat]``),
        each with one value per unit; whole numbers are written as they are, others to
        ``digits`` significant digits; NaN leaves a unit white and blank. In place."""
        if len(activations) != len(self.sizes):
            raise ValueError(
                f"activations has {len(activations)} arrays but the network has "
                f"{len(self.sizes)} layers (sizes {self.sizes}): pass one array per layer, "
                "inputs first, outputs last"
            )
        layers = []
        for layer, (v, n) in enumerate(zip(activations, self.sizes, strict=True)):
            v = np.asarray(v, dtype=float)
            if v.size != n:
                raise ValueError(
                    f"activations[{layer}] has shape {v.shape} but layer {layer} has {n} units "
                    f"(sizes {self.sizes}): pass shape ({n},), the values for one input"
                )
            layers.append(v.reshape(-1))
        for circles, texts, values in zip(self.nodes, self.values, layers, strict=True):
            for circle, text, value in zip(circles, texts, values, strict=True):
                fill = node_color(value, self.value_range)
                circle.set_facecolor(fill)
                if not np.isfinite(value):
                    text.set_text("")
                    continue
                if self.show_values:
                    text.set_text(_number(float(value), digits))
                text.set_color("white" if _is_dark(fill) else COLORS["black"])

    # -- layout -------------------------------------------------------------------------

    def artists(self) -> list:
        """Every artist of the drawing (circles, lines, texts)."""
        found: list = []
        for group in (self.nodes, self.values, self.names, self.bias_texts):
            found += [a for layer in group for a in layer if a is not None]
        for group in (self.edges, self.weight_texts):
            found += [a for m in group for row in m for a in row if a is not None]
        return found

    def fit_limits(self, pad_points: float = 4.0) -> None:
        """Set the axes' limits so every circle and label is inside them, ``pad_points``
        clear of the edge (nothing clipped, nothing spilling onto a neighbouring panel).

        Labels have a size in points, so their size in data units depends on the limits:
        the limits are refitted until they stop moving. Call again after resizing."""
        ax = self.ax
        renderer = agg_canvas(ax.figure).get_renderer()
        centres = np.vstack(self.positions)
        r = self.radius
        core = [centres[:, 0].min() - r, centres[:, 0].max() + r]
        core += [centres[:, 1].min() - r, centres[:, 1].max() + r]
        ax.set_xlim(core[0] - 0.6, core[1] + 0.6)
        ax.set_ylim(core[2] - 0.4, core[3] + 0.4)
        texts = [
            t
            for group in (self.names, self.bias_texts)
            for layer in group
            for t in layer
            if t is not None and t.get_text()
        ]
        texts += [t for m in self.weight_texts for row in m for t in row if t is not None]
        for _ in range(8):
            ax.apply_aspect()
            boxes = [t.get_window_extent(renderer) for t in texts]
            to_data = ax.transData.inverted()
            x0, x1, y0, y1 = core
            if boxes:
                box = Bbox.union(boxes)
                (bx0, by0), (bx1, by1) = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
                x0, x1, y0, y1 = min(x0, bx0), max(x1, bx1), min(y0, by0), max(y1, by1)
            pad = pad_points * ax.figure.dpi / 72
            (px0, py0), (px1, py1) = to_data.transform([[0, 0], [pad, pad]])
            dx, dy = abs(px1 - px0), abs(py1 - py0)
            new = (x0 - dx, x1 + dx, y0 - dy, y1 + dy)
            old = (*ax.get_xlim(), *ax.get_ylim())
            ax.set_xlim(new[0], new[1])
            ax.set_ylim(new[2], new[3])
            if np.allclose(new, old, atol=1e-3):
                break
        ax.apply_aspect()


def draw_network(
    ax: Axes,
    weights: Sequence[np.ndarray],
    biases: Sequence[np.ndarray] | None = None,
    names: Sequence[Sequence[str]] | None = None,
    value_range: tuple[float, float] = (0.0, 1.0),
    **options: float | bool | str | None,
) -> NetworkDrawing:
    """Draw the network of ``weights`` (``weights[l]``: shape ``(units of layer l + 1, units
    of layer l)``) into ``ax`` and return the drawing to :meth:`~NetworkDrawing.light`.

    ``biases``: one vector per weight matrix, written under each unit as ``b = ...``
    (``bias_label`` renames it, e.g. ``r"\\theta"`` for threshold units' thresholds).
    ``names``: mathtext per layer per unit (default :func:`default_names`). ``value_range``:
    the activations' range, for the fills (:func:`node_color`). ``options``: the keywords of
    :class:`NetworkDrawing`: ``weight_labels`` (write each weight on its line; default when
    no layer has more than 3 units), ``show_values`` (write each activation in its unit;
    default up to 4 units a layer), ``weight_scale`` (the ``|w|`` drawn at full width, fixed
    for an animation; default the largest), ``fontsize`` (at least 9 pt), ``radius``,
    ``spacing`` (between units of a layer), ``gap`` (between layers), ``label_at`` (where
    along its line a weight is written)."""
    return NetworkDrawing(ax, weights, biases, names, value_range, **options)  # type: ignore[arg-type]
