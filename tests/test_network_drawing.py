"""lecturelib.plots.network: a layered network drawn with its units lit by activations."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from lecturelib.mlp import MLP
from lecturelib.plots import COLORS, agg_canvas, new_figure
from lecturelib.plots.network import (
    MIN_FONTSIZE,
    default_names,
    draw_network,
    node_color,
    weight_style,
)

XNOR_W = [np.array([[1.0, 1.0], [-1.0, -1.0]]), np.array([[1.0, 1.0]])]


def _drawing(**kwargs):
    fig, axes = new_figure(figsize=(4.5, 3.0))
    return fig, draw_network(axes[0, 0], XNOR_W, **kwargs)


def test_one_circle_per_unit_and_one_line_per_weight() -> None:
    _, net = _drawing()
    assert net.sizes == [2, 2, 1]
    assert [len(layer) for layer in net.nodes] == [2, 2, 1]
    assert [np.shape(layer) for layer in net.positions] == [(2, 2), (2, 2), (1, 2)]
    assert [(len(m), len(m[0])) for m in net.edges] == [(2, 2), (1, 2)]  # [target][source]
    # The line of weights[0][1, 0] joins input 1 (x_1) to hidden unit 2 (h_2).
    xs, ys = net.edges[0][1][0].get_data()
    start, end = np.array([xs[0], ys[0]]), np.array([xs[1], ys[1]])
    assert np.linalg.norm(start - net.positions[0][0]) == pytest.approx(net.radius)
    assert np.linalg.norm(end - net.positions[1][1]) == pytest.approx(net.radius)
    assert [t.get_text() for t in net.names[0]] == ["$x_{1}$", "$x_{2}$"]
    assert net.names[2][0].get_text() == r"$\hat{y}$"


def test_mlp_weights_draw_with_their_shapes() -> None:
    mlp = MLP([1, 3, 1], activation="tanh", seed=0)
    weights = [mlp.params[f"W{j}"] for j in (1, 2)]
    biases = [mlp.params[f"b{j}"] for j in (1, 2)]
    _, axes = new_figure()
    net = draw_network(axes[0, 0], weights, biases, value_range=(-1, 1))
    assert net.sizes == [1, 3, 1]
    x = np.array([[0.5]])
    (h,) = mlp.hidden(x)
    net.light([x[0], h[0], mlp.predict(x)])  # an MLP's own outputs, one input
    shown = [float(t.get_text().replace("\u2212", "-")) for t in net.values[1]]
    np.testing.assert_allclose(shown, h[0], rtol=0.01, atol=0.005)
    for circle, value in zip(net.nodes[1], h[0], strict=True):
        assert circle.get_facecolor() == pytest.approx(node_color(value, (-1, 1)))


def test_default_names_are_mathtext_and_name_deep_layers() -> None:
    assert default_names([2, 2, 1]) == [
        ["$x_{1}$", "$x_{2}$"],
        ["$h_{1}$", "$h_{2}$"],
        [r"$\hat{y}$"],
    ]
    deep = default_names([1, 2, 2, 2])
    assert deep[1] == ["$h^{(1)}_{1}$", "$h^{(1)}_{2}$"] and deep[2][0] == "$h^{(2)}_{1}$"
    assert deep[3] == [r"$\hat{y}_{1}$", r"$\hat{y}_{2}$"]


def test_light_updates_the_same_artists_in_place() -> None:
    fig, net = _drawing()
    ax = net.ax
    before = list(ax.get_children())
    circle = net.nodes[1][1]
    net.light([[0, 0], [0, 1], [1]])
    assert list(ax.get_children()) == before  # no artist added or replaced
    assert net.nodes[1][1] is circle
    assert circle.get_facecolor() == pytest.approx(to_rgba(COLORS["blue"]))
    assert net.nodes[1][0].get_facecolor() == pytest.approx(to_rgba("white"))
    assert [t.get_text() for t in net.values[1]] == ["0", "1"]
    assert net.values[1][1].get_color() == "white"  # readable on the dark fill
    net.light([np.array([1.0, 0.0]), np.array([[0.25, 0.5]]), 0.75])
    assert list(ax.get_children()) == before
    assert [t.get_text() for t in net.values[1]] == ["0.25", "0.5"]
    assert net.nodes[1][0].get_facecolor() != net.nodes[1][1].get_facecolor()
    agg_canvas(fig).draw()  # renders


def test_set_weights_restyles_the_same_lines() -> None:
    _, net = _drawing()
    line = net.edges[1][0][1]
    children = list(net.ax.get_children())
    net.set_weights([XNOR_W[0], np.array([[1.0, -0.5]])])
    assert net.edges[1][0][1] is line and list(net.ax.get_children()) == children
    assert line.get_linestyle() == "--" and line.get_color() == COLORS["vermillion"]
    assert net.weight_texts[1][0][1].get_text() == "\u22120.5"
    with pytest.raises(ValueError, match=r"shapes \[\(3, 2\), \(1, 3\)\].*\[\(2, 2\), \(1, 2\)\]"):
        net.set_weights([np.ones((3, 2)), np.ones((1, 3))])
    with pytest.raises(ValueError, match=r"weights\[1\] has shape \(1, 3\)"):
        net.set_weights([XNOR_W[0], np.ones((1, 3))])


def test_sign_is_shown_by_dash_as_well_as_colour() -> None:
    positive, negative, zero = weight_style(2.0, 2.0), weight_style(-1.0, 2.0), weight_style(0, 2)
    assert positive["linestyle"] == "-" and positive["color"] == COLORS["blue"]
    assert negative["linestyle"] == "--" and negative["color"] == COLORS["vermillion"]
    assert zero["linestyle"] == ":"
    assert positive["linewidth"] > negative["linewidth"] > zero["linewidth"]
    _, net = _drawing()
    assert net.edges[0][0][0].get_linestyle() == "-"  # w = +1
    assert net.edges[0][1][0].get_linestyle() == "--"  # w = -1


def test_colours_at_the_ends_of_the_range() -> None:
    blue, vermillion, white = (to_rgba(c) for c in (COLORS["blue"], COLORS["vermillion"], "white"))
    assert node_color(1.0) == pytest.approx(blue)
    assert node_color(0.0) == pytest.approx(white)
    assert node_color(5.0) == pytest.approx(blue)  # clipped to the top
    assert node_color(-1.0, (-1, 1)) == pytest.approx(vermillion)
    assert node_color(1.0, (-1, 1)) == pytest.approx(blue)
    assert node_color(0.0, (-1, 1)) == pytest.approx(white)
    assert node_color(2.0, (2, 4)) == pytest.approx(white)
    assert node_color(float("nan")) == pytest.approx(white)
    half = np.array(node_color(0.5))
    assert np.all(half[:3] <= 1) and not np.allclose(half, blue) and not np.allclose(half, white)
    with pytest.raises(ValueError, match="value_range"):
        node_color(0.5, (1, 0))


def test_nothing_is_clipped_and_text_is_large_enough() -> None:
    fig, axes = new_figure(2, 2, figsize=(9.0, 5.4), margins={"wspace": 0.05, "hspace": 0.2})
    rng = np.random.default_rng(0)
    nets = [
        draw_network(axes[0, 0], XNOR_W, [np.array([2.0, 0.0]), np.array([1.0])]),
        draw_network(axes[0, 1], [rng.normal(size=(3, 1)), rng.normal(size=(1, 3))]),
        draw_network(
            axes[1, 0], [rng.normal(size=(6, 2)), rng.normal(size=(6, 6)), np.ones((1, 6))]
        ),
        draw_network(
            axes[1, 1], [rng.normal(size=(3, 2)), rng.normal(size=(2, 3))], [np.ones(3), np.ones(2)]
        ),
    ]
    renderer = agg_canvas(fig).get_renderer()
    for net in nets:
        net.light([np.full(n, -0.75) for n in net.sizes])
        frame = net.ax.get_window_extent(renderer)
        assert not net.ax.axison
        for artist in net.artists():
            if hasattr(artist, "get_text") and not artist.get_text():
                continue
            box = artist.get_window_extent(renderer)
            assert frame.x0 - 0.5 <= box.x0 and box.x1 <= frame.x1 + 0.5, artist
            assert frame.y0 - 0.5 <= box.y0 and box.y1 <= frame.y1 + 0.5, artist
            if hasattr(artist, "get_fontsize"):
                assert artist.get_fontsize() >= MIN_FONTSIZE


def test_mismatched_shapes_raise_errors_naming_the_argument_and_the_fix() -> None:
    _, axes = new_figure()
    ax = axes[0, 0]
    with pytest.raises(
        ValueError,
        match=r"weights\[1\] has shape \(1, 3\).*weights\[0\] has shape \(2, 2\).*transpose",
    ):
        draw_network(ax, [np.ones((2, 2)), np.ones((1, 3))])
    with pytest.raises(ValueError, match=r"weights\[0\] must be a 2-d matrix, got shape \(2,\)"):
        draw_network(ax, [np.ones(2)])
    with pytest.raises(ValueError, match=r"list of matrices.*shape \(2, 2\)"):
        draw_network(ax, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"biases\[1\] has shape \(2,\).*needs shape \(1,\)"):
        draw_network(ax, XNOR_W, [np.ones(2), np.ones(2)])
    with pytest.raises(ValueError, match=r"names has \[2, 1, 1\] entries.*\[2, 2, 1\]"):
        draw_network(ax, XNOR_W, names=[["a", "b"], ["c"], ["d"]])
    _, net = _drawing()
    with pytest.raises(
        ValueError,
        match=r"activations\[1\] has shape \(3,\) but layer 1 has 2 units.*pass shape \(2,\)",
    ):
        net.light([[0, 0], [0, 1, 1], [1]])
    with pytest.raises(ValueError, match=r"activations has 2 arrays but the network has 3 layers"):
        net.light([[0, 0], [1]])
    with pytest.raises(ValueError, match="drawn without them"):
        net.set_weights(XNOR_W, [np.ones(2), np.ones(1)])


def test_biases_are_written_under_their_units() -> None:
    _, net = _drawing(biases=[np.array([2.0, 0.0]), np.array([1.0])], bias_label=r"\theta")
    assert net.bias_texts[0] == [None, None]
    assert [t.get_text() for t in net.bias_texts[1]] == [r"$\theta = 2$", r"$\theta = 0$"]
    net.set_weights(XNOR_W, [np.array([1.5, -0.5]), np.array([1.0])])
    assert [t.get_text() for t in net.bias_texts[1]] == [r"$\theta = 1.5$", "$\\theta = \u22120.5$"]
