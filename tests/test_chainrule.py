"""Partial derivatives as sensitivities and the chain rule as a sum over paths (notebook 08)."""

from __future__ import annotations

import warnings

import networkx as nx
import numpy as np
import pytest

from lecturelib import chainrule as cr
from lecturelib.widgets.chainrule import paths_explorer, perturbation_explorer


@pytest.mark.parametrize("kind", ["affine", "tanh"])
def test_three_ways_to_the_jacobian_agree(kind) -> None:
    a = cr.A_EXAMPLE
    by_hand = cr.node_jacobian(kind, a)
    np.testing.assert_allclose(cr.backprop_jacobian(kind, a), by_hand, rtol=0, atol=1e-15)
    numeric = cr.numerical_jacobian(lambda v: cr.node_output(kind, v), a)
    np.testing.assert_allclose(numeric, by_hand, atol=1e-8)
    if kind == "affine":
        np.testing.assert_array_equal(by_hand, cr.M_EXAMPLE)  # slide: db_i/da_j = M_ij


def test_affine_perturbation_moves_b_i_by_m_ij_delta() -> None:
    for j in range(3):
        for delta in (-3.0, 0.1, 2.5):
            actual, predicted = cr.perturb("affine", cr.A_EXAMPLE, j, delta)
            np.testing.assert_allclose(actual, cr.M_EXAMPLE[:, j] * delta, atol=1e-14)
            np.testing.assert_allclose(predicted, cr.M_EXAMPLE[:, j] * delta, atol=0)
    assert cr.linearization_breakdown("affine", 0, 1) == float("inf")


def test_tanh_linear_prediction_is_good_only_for_small_delta() -> None:
    small = cr.perturbation_state("tanh", 0, 1, 0.01)
    assert small.relative_error < 0.02
    big = cr.perturbation_state("tanh", 0, 1, 1.5)
    assert big.relative_error > 0.3
    # The error of a first-order approximation shrinks like delta^2.
    e1 = cr.perturbation_state("tanh", 0, 1, 0.02).error
    e2 = cr.perturbation_state("tanh", 0, 1, 0.01).error
    assert e1 / e2 == pytest.approx(4.0, rel=0.05)
    breakdown = cr.linearization_breakdown("tanh", 0, 1, tol=0.1)
    assert 0.05 < breakdown < 0.5
    # Just below the breakdown the prediction holds to the tolerance.
    below = cr.perturbation_state("tanh", 0, 1, breakdown - 0.01)
    assert below.relative_error <= 0.1


def test_linearization_breakdown_finds_the_crossing_on_each_side() -> None:
    up = cr.linearization_breakdown("tanh", 0, 1, tol=0.1)
    down = cr.linearization_breakdown("tanh", 0, 1, tol=0.1, direction=-1)
    assert up > 0 > down
    for delta in (up, down):
        # Refined by bisection: the relative error crosses the tolerance right there,
        # and every smaller step on that side stays within it.
        assert cr.perturbation_state("tanh", 0, 1, delta).relative_error > 0.1
        assert cr.perturbation_state("tanh", 0, 1, delta * (1 - 1e-9)).relative_error <= 0.1
        for fraction in np.linspace(0.01, 0.99, 50):
            assert cr.perturbation_state("tanh", 0, 1, fraction * delta).relative_error <= 0.1
    # Moving a_2 down drives z_1 into the flat part of tanh: the line is off sooner.
    assert abs(down) < up
    assert up == pytest.approx(0.1185, abs=1e-3)
    assert down == pytest.approx(-0.0982, abs=1e-3)
    # A coarse grid gives the same crossing: the grid only brackets it.
    coarse = cr.linearization_breakdown("tanh", 0, 1, tol=0.1, deltas=[0.5, 1.0])
    assert coarse == pytest.approx(up, abs=1e-9)
    assert cr.linearization_breakdown("affine", 0, 1, direction=-1) == -float("inf")


def test_perturbation_state_curve_passes_through_the_point() -> None:
    state = cr.perturbation_state("tanh", 1, 2, 0.0)
    k = int(np.argmin(np.abs(state.deltas)))
    assert state.curve[k] == pytest.approx(state.b[1])
    assert state.error == 0.0 and state.relative_error == 0.0


def test_chain_rule_sum_over_paths_equals_jacobian_product() -> None:
    comp = cr.composition_example()
    G = cr.scalar_graph(comp)
    assert nx.is_directed_acyclic_graph(G)
    by_paths = cr.chain_rule_by_paths(G, ["a1", "a2"], ["c1", "c2"])
    product = cr.jacobian_product(comp)
    np.testing.assert_allclose(by_paths, product, rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(product, cr.numerical_jacobian(comp, comp.a), atol=1e-8)
    # Every a_j reaches every c_i through each of the n = 3 middle variables.
    terms = cr.enumerate_paths(G, "a2", "c1")
    assert [t.label for t in terms] == ["a2 -> b1 -> c1", "a2 -> b2 -> c1", "a2 -> b3 -> c1"]
    for t in terms:
        assert t.product == pytest.approx(np.prod(t.factors))


def test_enumerate_paths_counts_paths_on_a_graph_with_a_shortcut() -> None:
    G = nx.DiGraph()
    G.add_edge("x", "u", derivative=2.0)
    G.add_edge("u", "z", derivative=3.0)
    G.add_edge("x", "z", derivative=5.0)  # a shortcut: two paths, 2*3 + 5
    assert sum(t.product for t in cr.enumerate_paths(G, "x", "z")) == 11.0
    with pytest.raises(ValueError, match="target 'q' is not a node"):
        cr.enumerate_paths(G, "x", "q")


def test_paths_state_for_every_pair() -> None:
    for i in range(2):
        for j in range(2):
            s = cr.paths_state(i, j)
            assert len(s.terms) == 3
            assert s.total == pytest.approx(s.jacobian_entry, abs=1e-15)
            assert s.numeric == pytest.approx(s.total, abs=1e-8)
            assert all(e[0] == f"a{j + 1}" or e[1] == f"c{i + 1}" for e in s.highlighted_edges)


def test_bad_arguments_name_the_argument() -> None:
    with pytest.raises(ValueError, match="kind must be one of"):
        cr.perturbation_state("relu")
    with pytest.raises(ValueError, match="i must be between 0 and 1"):
        cr.perturbation_state("affine", 2)
    with pytest.raises(TypeError, match="j must be a whole number"):
        cr.perturbation_state("affine", 0, 1.5)
    with pytest.raises(ValueError, match="delta must be a finite number"):
        cr.perturbation_state("affine", 0, 0, float("nan"))
    with pytest.raises(ValueError, match="tol must be between 0 and 1"):
        cr.linearization_breakdown("tanh", tol=2.0)
    with pytest.raises(ValueError, match="direction must be 1 or -1"):
        cr.linearization_breakdown("tanh", direction=0)


def test_perturbation_explorer_updates() -> None:
    explorer = perturbation_explorer()
    assert "∂b1/∂a2: formula -2, backprop -2, central difference -2" in explorer.text
    assert "prediction is exact" in explorer.text
    first = explorer.image.value
    state = explorer.set(kind="tanh", delta=1.5)
    assert state.kind == "tanh" and state.relative_error > 0.3
    assert "% of the change" in explorer.text
    assert explorer.image.value != first


@pytest.mark.parametrize("delta", [-3.0, 3.0])
@pytest.mark.parametrize("kind", ["affine", "tanh"])
def test_perturbation_explorer_extremes_do_not_warn(kind, delta) -> None:
    explorer = perturbation_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        for i in (0, 1):
            for j in (0, 2):
                explorer.set(kind=kind, i=i, j=j, delta=delta)
                assert np.isfinite(explorer.state.error)


def test_paths_explorer_shows_sum_and_jacobian() -> None:
    explorer = paths_explorer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        state = explorer.set(i=1, j=1)
    text = explorer.text
    assert "a2 -> b3 -> c2" in text and "sum over paths" in text
    assert f"(J_f J_g)_22 = {state.jacobian_entry:.6g}" in text
