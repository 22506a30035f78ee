"""The backprop algorithm taken apart (notebook 11): traces, operation counts, the slides' fit."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from lecturelib import backprop as bp
from lecturelib.autodiff import Graph, Param
from lecturelib.backprop import (
    THETA_NAMES,
    backward_trace,
    children_of,
    count_operations,
    fit_by_gradient_descent,
    forward_trace,
    from_mlp_order,
    gradient_by_backprop,
    gradient_by_finite_differences,
    gradient_by_paths,
    is_topological,
    ladder_graph,
    local_derivatives,
    multiple_children_graph,
    set_slide_theta,
    slide_gradient,
    slide_theta,
    slides_data,
    time_methods,
    to_mlp_order,
    unit_contributions,
)
from lecturelib.mlp import MLP
from lecturelib.plots import new_figure
from lecturelib.plots.backprop import plot_fit, plot_operation_counts, plot_timings


def test_topological_order_and_the_node_with_two_children() -> None:
    m = multiple_children_graph()
    names = [n.name for n in m.graph.nodes]
    assert is_topological(m.graph.nodes)
    assert not is_topological(m.graph.nodes[::-1])
    assert names.index("h") < names.index("c1") and names.index("h") < names.index("c2")
    kids = children_of(m.graph)
    assert [c.name for c in kids[m.h]] == ["c1", "c2"]
    assert kids[m.J] == []


def test_forward_trace_caches_every_value() -> None:
    m = multiple_children_graph(w=0.8, b=-0.3, v=1.5)
    steps = forward_trace(m.graph, x=2.0)
    values = {s.name: float(s.value) for s in steps}
    h = np.tanh(0.8 * 2.0 - 0.3)
    assert values["u"] == pytest.approx(1.6) and values["h"] == pytest.approx(h)
    assert values["J"] == pytest.approx(h**2 + 1.5 * h)
    assert [s.order for s in steps] == list(range(len(steps)))
    assert steps[names_index(steps, "c2")].reads == ["v", "h"]


def names_index(steps, name: str) -> int:
    return [s.name for s in steps].index(name)


def test_backward_trace_sums_the_children_then_matches_backward() -> None:
    m = multiple_children_graph(w=0.8, b=-0.3, v=1.5)
    m.graph.forward(x=2.0)
    trace = backward_trace(m.graph)
    assert [s.name for s in trace] == [n.name for n in reversed(m.graph.nodes)]
    step_h = trace[names_index(trace, "h")]
    shares = dict(step_h.contributions)
    h = float(m.h.value)
    assert set(shares) == {"c1", "c2"}
    assert float(shares["c1"]) == pytest.approx(2 * h) and float(shares["c2"]) == 1.5
    assert float(step_h.grad) == pytest.approx(2 * h + 1.5)  # slide "Multiple children"
    traced = {s.name: float(s.grad) for s in trace}
    m.graph.forward(x=2.0)
    for name, g in m.graph.backward().items():
        assert traced[name] == float(g)  # bit for bit the engine's backward pass


def test_backward_trace_needs_a_forward_pass() -> None:
    m = multiple_children_graph()
    with pytest.raises(RuntimeError, match="forward pass first"):
        backward_trace(m.graph)
    with pytest.raises(TypeError, match="needs a Graph"):
        backward_trace("not a graph")


def test_local_derivatives_are_the_edges_partials() -> None:
    m = multiple_children_graph(w=0.8, b=-0.3, v=1.5)
    m.graph.forward(x=2.0)
    local = local_derivatives(m.graph)
    h = float(m.h.value)
    assert local[(m.c1, m.h)] == pytest.approx(2 * h)
    assert local[(m.h, m.z)] == pytest.approx(1 - h**2)
    assert local[(m.u, m.w)] == 2.0
    with pytest.raises(ValueError, match="all scalars"):
        p = Param("p", np.ones(3))
        g = Graph(p * 2.0)
        g.forward()
        local_derivatives(g)


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_three_methods_agree_and_count_what_count_operations_says(depth: int) -> None:
    graph, feeds = ladder_graph(depth)
    by_backprop, ops_b = gradient_by_backprop(graph, feeds)
    by_paths, ops_p = gradient_by_paths(graph, feeds)
    by_fd, ops_f = gradient_by_finite_differences(graph, feeds)
    counts = count_operations(depth)
    assert (ops_b, ops_f, ops_p) == (counts.backprop, counts.finite_differences, counts.paths)
    for name in by_backprop:
        assert by_paths[name] == pytest.approx(float(by_backprop[name]), abs=1e-14)
        assert float(by_fd[name]) == pytest.approx(float(by_backprop[name]), abs=1e-8)


def test_operation_counts_grow_as_the_slides_say() -> None:
    c1, c10 = count_operations(1), count_operations(10)
    # depth 1: x -> two units -> y_hat -> r -> J: 7 computing nodes, 2 parameters.
    assert (c1.nodes, c1.params, c1.backprop, c1.finite_differences) == (7, 2, 14, 28)
    assert c10.nodes == 8 * 10 - 1 and c10.params == 4 * 10 - 2
    # paths from x double with every layer; backprop stays linear in the graph's size.
    counts = [count_operations(d) for d in range(1, 13)]
    assert all(b.backprop - a.backprop == 16 for a, b in itertools.pairwise(counts))
    assert counts[-1].paths > 1000 * counts[-1].backprop
    assert counts[-1].finite_differences > 40 * counts[-1].backprop


def test_ladder_graph_rejects_bad_depth() -> None:
    with pytest.raises(ValueError, match="depth must be a whole number"):
        ladder_graph(0)


def test_time_methods_skips_deep_path_enumeration() -> None:
    timing = time_methods([1, 3], max_path_depth=1, repeat=1, budget=0.01)
    assert timing.depths == [1, 3]
    assert all(t > 0 for t in timing.seconds["backprop"])
    assert timing.seconds["paths"][0] > 0 and np.isnan(timing.seconds["paths"][1])


def test_slide_theta_maps_onto_the_mlp() -> None:
    net = MLP([1, 3, 1], seed=0)
    theta = np.arange(1.0, 11.0)  # b1..b3 = 1..3, v = 4..6, w0 = 7, w1..w3 = 8..10
    set_slide_theta(net, theta)
    np.testing.assert_array_equal(net.params["b1"], [1, 2, 3])
    np.testing.assert_array_equal(net.params["W1"].ravel(), [4, 5, 6])
    np.testing.assert_array_equal(net.params["b2"], [7])
    np.testing.assert_array_equal(net.params["W2"].ravel(), [8, 9, 10])
    np.testing.assert_array_equal(slide_theta(net), theta)
    np.testing.assert_array_equal(from_mlp_order(to_mlp_order(theta)), theta)
    # the network is the slides' f(x) = w0 + sum_k w_k tanh(v_k x + b_k)
    x = np.array([-0.5, 0.25])
    f = 7 + sum((8 + k) * np.tanh((4 + k) * x + (1 + k)) for k in range(3))
    np.testing.assert_allclose(net.predict(x), f, rtol=1e-14)
    assert len(THETA_NAMES) == 10
    with pytest.raises(ValueError, match="theta needs 10 numbers"):
        to_mlp_order(np.zeros(9))
    with pytest.raises(TypeError, match=r"MLP\(\[1, 3, 1\]\)"):
        slide_theta(MLP([1, 2, 1]))


def test_slide_gradient_is_the_gradient() -> None:
    x, y = slides_data()
    net = MLP([1, 3, 1], seed=2)
    theta = slide_theta(net)
    value, grad = slide_gradient(net, x, y)
    eps = 1e-6
    for i in (0, 4, 6, 9):
        e = np.zeros(10)
        e[i] = eps
        set_slide_theta(net, theta + e)
        up = net.loss(x, y)
        set_slide_theta(net, theta - e)
        down = net.loss(x, y)
        assert (up - down) / (2 * eps) == pytest.approx(grad[i], rel=1e-6, abs=1e-9)
    set_slide_theta(net, theta)
    assert net.loss(x, y) == value


def test_gradient_descent_fit_learns_x_squared() -> None:
    x, y = slides_data()
    fit = fit_by_gradient_descent(x, y, steps=3000)
    assert fit.lr == 0.15
    assert fit.history.losses[0] > 0.05 and fit.final < 3e-3
    assert not fit.history.diverged
    assert np.all(np.diff(fit.history.losses) < 0)  # every step lowers the loss
    np.testing.assert_array_equal(fit.theta, slide_theta(fit.net))
    # one step by hand is exactly what the optimiser does: theta - lr * grad
    net = MLP([1, 3, 1], seed=0)
    _, grad = slide_gradient(net, x, y)
    one = fit_by_gradient_descent(x, y, lr=0.3, steps=1)
    np.testing.assert_allclose(one.theta, one.theta0 - 0.3 * grad, rtol=1e-13, atol=1e-15)


def test_default_fit_does_not_amplify_rounding_and_uses_all_three_units() -> None:
    """Notebook 11's fit: a start moved by 1e-12 ends within 1e-9 (no chaos), and at the end
    every hidden unit's contribution w_k tanh(v_k x + b_k) varies across the data."""
    x, y = slides_data()
    fit = fit_by_gradient_descent(x, y)
    net = MLP([1, 3, 1], seed=0)
    net.theta = net.theta * (1 + 1e-12)
    net.fit(x, y, optimizer="gd", lr=fit.lr, steps=fit.history.steps)
    np.testing.assert_allclose(slide_theta(net), fit.theta, rtol=0, atol=1e-9)
    assert 1e-5 < fit.final < 1e-4
    grid = np.linspace(-1, 1, 200)
    contributions = unit_contributions(fit.net, grid)
    np.testing.assert_allclose(
        contributions.sum(axis=1) + fit.theta[6], fit.net.predict(grid).ravel(), rtol=1e-12
    )
    assert np.all(np.ptp(contributions, axis=0) > 0.2)
    with pytest.raises(ValueError, match="steps must be a whole number"):
        fit_by_gradient_descent(x, y, steps=-1)


def test_figures_draw() -> None:
    _fig, axes = new_figure(1, 3)
    plot_operation_counts(axes[0, 0], [count_operations(d) for d in (1, 2, 3)])
    plot_timings(axes[0, 1], time_methods([1], repeat=1, budget=0.01))
    x, y = slides_data()
    net = MLP([1, 3, 1])
    plot_fit(axes[0, 2], x, y, net)
    assert len(axes[0, 0].lines) == 3 and len(axes[0, 2].lines) == 5
    # the dashed curves are the units' shares w_k tanh(v_k x + b_k), not the bare tanh units
    dashed = [line for line in axes[0, 2].lines if line.get_linestyle() == "--"]
    grid = dashed[0].get_xdata()
    shares = unit_contributions(net, grid)
    for k, line in enumerate(dashed):
        np.testing.assert_array_equal(line.get_ydata(), shares[:, k])


def test_step_through_walks_forward_then_backward() -> None:
    start = bp.step_through_state(0)
    assert start.phase == "start" and start.values == {} and start.steps == 20
    forward = [bp.step_through_state(k) for k in range(1, 11)]
    assert [s.node for s in forward] == start.order  # topological order
    assert all(s.phase == "forward" for s in forward)
    m = bp.multiple_children_graph()
    m.graph.forward(x=2.0)
    engine = m.graph.backward()
    backward = [bp.step_through_state(k) for k in range(11, 21)]
    assert [s.node for s in backward] == start.order[::-1]  # reverse order
    at_h = bp.step_through_state(15)
    assert at_h.node == "h" and [c for c, *_ in at_h.terms] == ["c1", "c2"]
    assert np.isclose(sum(p for *_, p in at_h.terms), float(m.h.grad))
    assert all(np.isclose(s.total, float(engine[s.node])) for s in backward if s.node in engine)
    with pytest.raises(ValueError, match="at most 20"):
        bp.step_through_state(21)


def test_step_through_explorer_follows_the_slider() -> None:
    from lecturelib.widgets.backprop import step_through_explorer

    explorer = step_through_explorer()
    explorer.buttons[1].click()
    assert explorer.controls["step"].value == 1 and explorer.state.node == "w"
    explorer.set(step=15)
    assert "∂J/∂h" in explorer.text and "sum" in explorer.text
