"""Drawing computation graphs: layers, kinds, labels."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.graph import (
    GraphDrawing,
    draw_graph,
    edge_derivatives,
    figure_size,
    graph_layout,
    math_name,
    node_kind,
    node_label,
)
from lecturelib.regression import regression_graph


def _ridge():
    model = regression_graph([0.5, -0.25], 1.0, lam=0.1)
    model.run(np.array([1.0, 2.0]), 3.0)
    return model


def test_layers_run_left_to_right_along_every_edge() -> None:
    model = _ridge()
    layout = graph_layout(model.graph)
    for node in model.graph.nodes:
        for parent in node.inputs:
            assert layout.layers[parent] < layout.layers[node]
            assert layout.positions[parent][0] < layout.positions[node][0]
    assert layout.layers[model.J] == max(layout.layers.values())
    # Leaves sit just left of their first use: b feeds y_hat directly.
    assert layout.layers[model.b] == layout.layers[model.y_hat] - 1


def test_node_kinds_follow_the_slides() -> None:
    model = _ridge()
    g = model.graph
    kinds = {n.name: node_kind(n, g) for n in g.nodes}
    assert kinds["x"] == kinds["y"] == "training data"
    assert kinds["w"] == kinds["b"] == "parameter"
    assert kinds["J"] == "objective" and kinds["r"] == "operation"


def test_labels_carry_value_partial_and_order() -> None:
    model = _ridge()
    label = node_label(model.r, show_values=True, show_grads=True, order=6, objective="J")
    assert label == "6: $r$\n= 2\n∂J = 4"
    big = ad.Param("W", np.zeros((3, 3)))
    assert node_label(big, show_values=True) == "$W$\n= array(3, 3)"


def test_draw_graph_draws_every_node_and_edge() -> None:
    model = _ridge()
    fig = draw_graph(model.graph, show_values=True, show_grads=True, show_order=True)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    edges = sum(len(n.inputs) for n in model.graph.nodes)
    assert len(texts) == len(model.graph.nodes) + edges  # every edge carries its derivative
    assert "6: $r$\n= 2\n∂$J$ = 4" in texts
    assert len(ax.patches) == edges
    assert all(t.get_fontsize() >= 9 for t in ax.texts)
    assert fig.get_figwidth() <= 11.5


def test_names_are_maths_and_the_loss_is_not_a_stroke() -> None:
    assert math_name("l") == "$\\ell$" and math_name("y_hat") == "$\\hat{y}$"
    assert math_name("c1") == "$c_{1}$" and math_name("w211") == "$w_{211}$"


def test_edges_carry_local_derivatives_and_miss_other_boxes() -> None:
    model = _ridge()
    local = {(p.name, c.name): d for (p, c), d in edge_derivatives(model.graph).items()}
    assert np.allclose(local[("w", "w·x")], [1.0, 2.0])  # d(w·x)/dw = x
    assert np.allclose(local[("w", "R")], 2 * 0.1 * np.array([0.5, -0.25]))
    assert float(local[("r", "l")]) == 2 * float(model.r.value)
    fig, ax = new_figure(figsize=figure_size(model.graph))  # as draw_graph sizes it
    drawing = GraphDrawing(ax[0, 0], model.graph, show_values=True, show_grads=True)
    pos = {n.name: p for n, p in drawing.layout.positions.items()}
    for (parent, child), points in drawing.routes.items():
        for name, centre in pos.items():
            if name in (parent, child):
                continue
            hw, hh = drawing.half[name]
            inside = (np.abs(points[:, 0] - centre[0]) < hw) & (
                np.abs(points[:, 1] - centre[1]) < hh
            )
            assert not inside.any(), f"{parent} -> {child} cuts the box of {name}"
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in drawing.edge_labels.values()]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not a.overlaps(b)


def test_constants_can_be_hidden() -> None:
    a = ad.Param("a", 2.0)
    g = Graph(ad.square(a * 3.0, name="J"))
    assert len(graph_layout(g).positions) == 4
    assert len(graph_layout(g, show_constants=False).positions) == 3


def test_mlp_graph_layers() -> None:
    g = MLP([1, 3, 1]).loss_graph("mse")
    layout = graph_layout(g)
    names = {n.name: layout.layers[n] for n in g.nodes}
    assert names["X"] < names["a1"] < names["h1"] < names["f"] < names["J"]
    assert names["y"] == names["J"] - 1  # data sits just left of its first use


def test_draw_needs_passes_first() -> None:
    model = regression_graph([1.0])
    with pytest.raises(ValueError, match="forward pass first"):
        draw_graph(model.graph, show_values=True)
    model.graph.forward(x=np.array([1.0]), y=1.0)
    with pytest.raises(ValueError, match="backward pass first"):
        draw_graph(model.graph, show_grads=True)
    with pytest.raises(TypeError, match="needs a Graph"):
        graph_layout("not a graph")
