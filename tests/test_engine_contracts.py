"""The engine's contracts, one topic at a time: the behaviour students and notebooks rely on.

Reflected operators (``2 - x``, ``3 / x``, ``array @ node``), reprs, the ops' values and
gradients at the edges of their domains, axes, node names passed through the functional
spelling, and the wording of the errors that name the offending node or argument. Each test
pins behaviour that mutation testing found unchecked by the rest of the suite.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from lecturelib import autodiff as ad
from lecturelib.autodiff import Constant, Graph, Input, Param
from lecturelib.gradcheck import check_gradients


def _run(objective: ad.Node, **feeds) -> tuple[float | np.ndarray, dict[str, np.ndarray]]:
    """Forward and backward pass of ``objective``: its value and the parameters' gradients."""
    graph = Graph(objective)
    value = graph.forward(**feeds)
    return value, graph.backward()


# --------------------------------------------------------------------------------------
# Reflected operators: a number or an array on the left of a node
# --------------------------------------------------------------------------------------
X0 = np.array([1.0, 2.0, 4.0])
REFLECTED = {
    # expression: (build it with `left` on the left, its value, d(sum)/dx)
    "left + x": (lambda left, x: left + x, 2.0 + X0, np.ones(3)),
    "left - x": (lambda left, x: left - x, 2.0 - X0, -np.ones(3)),
    "left * x": (lambda left, x: left * x, 2.0 * X0, np.full(3, 2.0)),
    "left / x": (lambda left, x: left / x, 2.0 / X0, -2.0 / X0**2),
}


@pytest.mark.parametrize("left", [2.0, 2, np.full(3, 2.0)], ids=["float", "int", "array"])
@pytest.mark.parametrize("expression", list(REFLECTED))
def test_number_or_array_on_the_left_of_a_node(expression: str, left) -> None:
    """``2 - x`` is 2 minus x (not x minus 2), with the gradient of that order."""
    build, expected_value, expected_grad = REFLECTED[expression]
    x = Param("x", X0)
    node = build(left, x)
    assert isinstance(node, ad.Node)
    value, grads = _run(ad.sum(node))
    np.testing.assert_allclose(node.value, expected_value, rtol=1e-15)
    assert value == pytest.approx(expected_value.sum(), rel=1e-15)
    np.testing.assert_allclose(grads["x"], expected_grad, rtol=1e-15)


def test_array_at_node_is_a_matrix_vector_product() -> None:
    """``A @ x`` with a numpy matrix ``A`` builds a node; dJ/dx of sum(A x) is A's column sums."""
    A = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
    x = Param("x", np.array([1.0, -2.0, 0.5]))
    node = A @ x
    assert isinstance(node, ad.Node)
    value, grads = _run(ad.sum(node))
    np.testing.assert_allclose(node.value, A @ x.value)
    assert value == pytest.approx((A @ x.value).sum())
    np.testing.assert_allclose(grads["x"], A.sum(axis=0))


# --------------------------------------------------------------------------------------
# Broadcasting: the gradient of a stretched axis is summed back to the original shape
# --------------------------------------------------------------------------------------
def test_row_added_to_two_rows_gets_the_sum_over_the_rows() -> None:
    """A (1, 3) row broadcast over 2 rows: its gradient keeps shape (1, 3) and counts both."""
    row = Param("row", np.array([[1.0, 2.0, 3.0]]))
    rows = Param("rows", np.zeros((2, 3)))
    weights = Constant(np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]]))
    _, grads = _run(ad.sum((row + rows) * weights))
    assert grads["row"].shape == (1, 3)
    np.testing.assert_array_equal(grads["row"], [[11.0, 22.0, 33.0]])
    np.testing.assert_array_equal(grads["rows"], weights.value)


# --------------------------------------------------------------------------------------
# Reprs
# --------------------------------------------------------------------------------------
def test_node_repr_shows_class_name_and_shape() -> None:
    """A node's repr names its class and its name, and its value's shape once it has one."""
    x = Input("x")
    w = Param("w", np.zeros(3))
    assert repr(x) == "<Input 'x' shape=None>"
    assert repr(w) == "<Param 'w' shape=(3,)>"
    y = ad.Add(x, w, name="y")
    assert repr(y) == "<Add 'y' shape=None>"
    Graph(ad.sum(y)).forward(x=np.ones((2, 3)))
    assert repr(x) == "<Input 'x' shape=(2, 3)>"
    assert repr(y) == "<Add 'y' shape=(2, 3)>"


def test_graph_repr_lists_objective_size_inputs_and_params() -> None:
    x, y = Input("x"), Input("y")
    w = Param("w", np.zeros(2))
    graph = Graph(ad.sum(x * w + y, name="J"))
    assert repr(graph) == "Graph(objective='J', 6 nodes, inputs=['x', 'y'], params=['w'])"


# --------------------------------------------------------------------------------------
# Powers
# --------------------------------------------------------------------------------------
def test_square_and_cube_values_and_gradients() -> None:
    """``x ** 2`` and ``x ** 3``: values and derivatives 2x and 3x^2, negative x included."""
    x = Param("x", np.array([-3.0, 0.5, 2.0]))
    square, grads = _run(ad.sum(x**2))
    assert square == pytest.approx(9.0 + 0.25 + 4.0)
    np.testing.assert_allclose(grads["x"], [-6.0, 1.0, 4.0])
    cube, grads = _run(ad.sum(x**3))
    assert cube == pytest.approx(-27.0 + 0.125 + 8.0)
    np.testing.assert_allclose(grads["x"], [27.0, 0.75, 12.0])


def test_power_zero_is_one_even_at_zero() -> None:
    """Only a *negative* power of 0 is refused: ``x ** 0`` is 1 everywhere (0 ** 0 = 1)."""
    x = Param("x", np.array([0.0, 2.0]))
    assert Graph(ad.sum(x**0)).forward() == 2.0
    assert Graph(ad.sum(x**1)).forward() == 2.0


def test_zero_to_a_negative_power_names_the_node() -> None:
    x = Param("x", np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"^node 'inv': 0 raised to a negative power$"):
        Graph(ad.sum(ad.Pow(x, -1, name="inv"))).forward()


def test_non_integer_exponent_suggests_what_to_use_instead() -> None:
    with pytest.raises(TypeError, match=r"got 0\.5; use exp/log or a product of nodes for"):
        Param("a", 1.0) ** 0.5


# --------------------------------------------------------------------------------------
# Matrix products: vectors, matrices and stacks of matrices
# --------------------------------------------------------------------------------------
def test_matmul_of_a_scalar_asks_for_star() -> None:
    """``@`` with a 0-d operand on either side is refused, naming both shapes."""
    s, v = Param("s", 2.0), Param("v", np.array([1.0, 2.0]))
    cases = [
        (ad.MatMul(s, v, name="p"), "'s' has shape () and 'v' has shape (2,)"),
        (ad.MatMul(v, s, name="p"), "'v' has shape (2,) and 's' has shape ()"),
    ]
    for product, shapes in cases:
        message = f"node 'p': @ needs arrays, but {shapes}; use * for scalars"
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            Graph(ad.sum(product)).forward()


@pytest.mark.parametrize(
    "shapes",
    [
        ((2, 3, 4), (4,)),  # a stack of matrices times one vector
        ((4,), (2, 4, 5)),  # one vector times a stack
        ((3, 4), (2, 4, 5)),  # one matrix times a stack
        ((2, 3, 4), (2, 4, 5)),  # a stack times a stack
        ((2, 3, 4), (4, 5)),  # a stack times one matrix
    ],
    ids=["stack@vector", "vector@stack", "matrix@stack", "stack@stack", "stack@matrix"],
)
def test_matmul_gradients_for_stacks_of_matrices(shapes) -> None:
    """Batched ``@`` (numpy matmul rules): each gradient has its operand's shape and is right."""
    rng = np.random.default_rng(7)
    a = Param("a", rng.normal(size=shapes[0]))
    b = Param("b", rng.normal(size=shapes[1]))
    product = a @ b
    weights = Constant(rng.normal(size=np.matmul(a.value, b.value).shape))
    graph = Graph(ad.sum(product * weights))
    graph.forward()
    grads = graph.backward()
    assert grads["a"].shape == shapes[0]
    assert grads["b"].shape == shapes[1]
    assert check_gradients(graph, {}) < 1e-6


# --------------------------------------------------------------------------------------
# The affine node
# --------------------------------------------------------------------------------------
def test_affine_refuses_a_three_dimensional_x() -> None:
    """x must be (n, p) or (p,): a 3-d x is refused even when its last axis fits M."""
    x = Input("x")
    M, c = Param("M", np.ones((2, 3))), Param("c", np.zeros(2))
    graph = Graph(ad.sum(ad.affine(x, M, c, name="a1")))
    with pytest.raises(ValueError, match=r"^node 'a1': affine needs x of shape \(n, p\) or"):
        graph.forward(x=np.ones((4, 5, 3)))
    graph.forward(x=np.ones((5, 3)))  # a batch and a single example are both fine
    graph.forward(x=np.ones(3))


def test_affine_bias_stored_as_a_row_keeps_its_shape() -> None:
    """A bias of shape (1, m) added to every row gets the column sums, still shaped (1, m)."""
    X = Input("X")
    M = Param("M", np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    c = Param("c", np.zeros((1, 3)))
    weights = Constant(np.arange(12.0).reshape(4, 3))
    graph = Graph(ad.sum(ad.affine(X, M, c) * weights))
    graph.forward(X=np.ones((4, 2)))
    grads = graph.backward()
    assert grads["c"].shape == (1, 3)
    np.testing.assert_array_equal(grads["c"], [weights.value.sum(axis=0)])


def test_affine_bias_gradient_as_the_batch_size_changes() -> None:
    """One graph fed batches of 3, 5, 3 examples (3 outputs): dJ/dc = batch size, each time."""
    X = Input("X")
    M, c = Param("M", np.ones((3, 2))), Param("c", np.zeros(3))
    graph = Graph(ad.sum(ad.affine(X, M, c)))
    for n in (3, 5, 3):
        graph.forward(X=np.ones((n, 2)))
        np.testing.assert_array_equal(graph.backward()["c"], [n, n, n])


# --------------------------------------------------------------------------------------
# Reductions along an axis
# --------------------------------------------------------------------------------------
A0 = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.mark.parametrize("build", [ad.sum, ad.Sum], ids=["function", "class"])
def test_sum_along_an_axis(build) -> None:
    a = Param("a", A0)
    columns = build(a, axis=0)
    weights = Constant(np.array([1.0, 10.0, 100.0]))
    _, grads = _run(ad.sum(columns * weights))
    np.testing.assert_array_equal(columns.value, [5.0, 7.0, 9.0])
    np.testing.assert_array_equal(grads["a"], [[1.0, 10.0, 100.0], [1.0, 10.0, 100.0]])


@pytest.mark.parametrize("build", [ad.mean, ad.Mean], ids=["function", "class"])
def test_mean_along_an_axis(build) -> None:
    a = Param("a", A0)
    rows = build(a, axis=1)
    weights = Constant(np.array([3.0, 6.0]))
    _, grads = _run(ad.sum(rows * weights))
    np.testing.assert_array_equal(rows.value, [2.0, 5.0])
    np.testing.assert_allclose(grads["a"], [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]], rtol=1e-15)


@pytest.mark.parametrize("reduce", [ad.mean, ad.mse], ids=["mean", "mse"])
def test_the_mean_of_nothing_is_refused(reduce: Callable[..., ad.Node]) -> None:
    a = Input("a")
    node = reduce(a, name="m") if reduce is ad.mean else reduce(a, Param("f", np.zeros(0)), "m")
    with pytest.raises(ValueError, match=r"^node 'm': the mean of an empty array is undefined$"):
        Graph(node).forward(a=np.zeros(0))


# --------------------------------------------------------------------------------------
# Elementwise functions at the edges of their domains
# --------------------------------------------------------------------------------------
def test_exp_accepts_709_and_refuses_anything_above() -> None:
    """exp(709) is finite; 709.5 would overflow soon after, so everything above 709 is refused."""
    z = Param("z", np.array([709.0, 0.0]))
    value, grads = _run(ad.sum(ad.exp(z)))
    assert value == pytest.approx(np.exp(709.0) + 1.0)
    np.testing.assert_allclose(grads["z"], [np.exp(709.0), 1.0])
    big = Param("big", np.array([709.5]))
    with pytest.raises(ValueError, match=r"^node 'e': exp overflows for inputs above 709"):
        Graph(ad.sum(ad.exp(big, name="e"))).forward()


def test_log_values_and_gradient() -> None:
    a = Param("a", np.array([1.0, np.e, 0.5]))
    value, grads = _run(ad.sum(ad.log(a)))
    assert value == pytest.approx(0.0 + 1.0 + np.log(0.5))
    np.testing.assert_allclose(grads["a"], [1.0, 1 / np.e, 2.0])


def test_log_of_zero_is_refused() -> None:
    a = Param("a", np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"^node 'lg': log needs positive inputs.*minimum 0$"):
        Graph(ad.sum(ad.log(a, name="lg"))).forward()


def test_relu_gradient_is_zero_at_zero() -> None:
    """The local derivative is 1 where a > 0 and 0 elsewhere, 0 itself included."""
    z = Param("z", np.array([-1.0, 0.0, 2.0]))
    value, grads = _run(ad.sum(ad.relu(z)))
    assert value == 2.0
    np.testing.assert_array_equal(grads["z"], [0.0, 0.0, 1.0])


def test_step_gradient_is_zeros_of_the_input_shape() -> None:
    z = Param("z", np.array([[-1.0, 0.0, 2.0]]))
    out = ad.step(z)
    _, grads = _run(ad.sum(out))
    np.testing.assert_array_equal(out.value, [[0.0, 1.0, 1.0]])
    assert out.value.dtype == np.float64
    assert grads["z"].shape == (1, 3)
    assert grads["z"].dtype == np.float64
    assert not grads["z"].any()


# --------------------------------------------------------------------------------------
# Softmax and cross-entropy: axes, stability per row, label checks
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("build", [ad.softmax, ad.Softmax], ids=["function", "class"])
def test_softmax_along_axis_zero_normalises_columns(build) -> None:
    s = Param("s", np.array([[0.0, 1.0, 2.0], [1.0, 1.0, 0.0]]))
    p = build(s, axis=0)
    Graph(ad.sum(p * Constant(np.arange(6.0).reshape(2, 3)))).forward()
    np.testing.assert_allclose(p.value.sum(axis=0), [1.0, 1.0, 1.0])
    e = np.exp(s.value)
    np.testing.assert_allclose(p.value, e / e.sum(axis=0), rtol=1e-15)


def test_softmax_is_stable_row_by_row() -> None:
    """Each row subtracts its own largest score: rows on very different scales both work."""
    s = Param("s", np.array([[0.0, 1.0], [1000.0, 1001.0]]))
    p = ad.softmax(s)
    Graph(ad.sum(p * Constant(np.array([[1.0, 2.0], [3.0, 4.0]])))).forward()
    row = [1 / (1 + np.e), np.e / (1 + np.e)]
    np.testing.assert_allclose(p.value, [row, row], rtol=1e-14)


def test_softmax_of_a_scalar_is_refused() -> None:
    s = Param("s", 3.0)
    with pytest.raises(ValueError, match=r"^node 'p': softmax needs a vector of scores, got a"):
        Graph(ad.softmax(s, name="p")).forward()


def test_cross_entropy_is_stable_row_by_row() -> None:
    """Log-sum-exp per row: scores near 1000 in one row do not wipe out the other row."""
    s = Param("s", np.array([[0.0, 1.0], [1000.0, 1001.0]]))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y))
    value = graph.forward(y=np.array([1, 0]))
    expected = (np.log1p(np.exp(-1.0)) + np.log1p(np.exp(1.0))) / 2
    assert value == pytest.approx(expected, rel=1e-14)
    p = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(
        graph.backward()["s"], [[(1 - p) / 2, (p - 1) / 2], [(1 - p) / 2 - 0.5, p / 2]]
    )


def test_cross_entropy_labels_get_a_zero_gradient_of_their_shape() -> None:
    """The labels are data: their partial is zero, shaped like the labels."""
    s = Param("s", np.array([[0.0, 1.0, 2.0], [2.0, 0.0, 1.0]]))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y))
    graph.forward(y=np.array([2, 0]))
    graph.backward()
    assert y.grad.shape == (2,)
    assert y.grad.dtype == np.float64
    assert not y.grad.any()


def test_cross_entropy_refuses_a_column_of_labels() -> None:
    """n labels must be a vector of shape (n,); a column (n, 1) is refused, naming both shapes."""
    s = Param("s", np.zeros((2, 3)))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y, name="J"))
    with pytest.raises(
        ValueError, match=r"^node 'J': cross_entropy needs .* 's' has shape \(2, 3\) and 'y' has"
    ):
        graph.forward(y=np.array([[0], [1]]))


def test_cross_entropy_bad_labels_are_listed() -> None:
    """The message shows the distinct labels found, at most ten of them."""
    s = Param("s", np.zeros((2, 3)))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y, name="J"))
    with pytest.raises(ValueError) as error:
        graph.forward(y=np.array([0, 7]))
    assert str(error.value).endswith("integers 0..2 (one per row of 's'), got [0. 7.]")
    many = Graph(ad.cross_entropy(Param("t", np.zeros((12, 2))), y, name="J"))
    with pytest.raises(ValueError) as error:
        many.forward(y=np.arange(12))
    assert str(error.value).endswith("got [0. 1. 2. 3. 4. 5. 6. 7. 8. 9.]")


# --------------------------------------------------------------------------------------
# Mean squared error
# --------------------------------------------------------------------------------------
def test_mse_gradient_scales_with_the_upstream_gradient() -> None:
    """In J = 3 mse(y, f), dJ/df = 3 * (-2 (y - f) / n) and dJ/dy is its negative."""
    y = Param("y", np.array([0.0, 0.0]))
    f = Param("f", np.array([1.0, 2.0]))
    value, grads = _run(3.0 * ad.mse(y, f))
    assert value == pytest.approx(3.0 * 2.5)
    np.testing.assert_allclose(grads["f"], [3.0, 6.0])
    np.testing.assert_allclose(grads["y"], [-3.0, -6.0])


def test_mse_shape_message_suggests_the_reshape() -> None:
    """Column predictions: reshape, or y[:, None]. Vector predictions: just the reshape."""
    y = Input("y")
    column = Graph(ad.mse(y, Param("f", np.zeros((3, 1))), name="J"))
    with pytest.raises(ValueError) as error:
        column.forward(y=np.zeros(3))
    assert str(error.value).endswith(
        "Reshape the targets, e.g. y.reshape(3, 1), or y[:, None] for a column"
    )
    vector = Graph(ad.mse(y, Param("g", np.zeros(3)), name="J"))
    with pytest.raises(ValueError) as error:
        vector.forward(y=np.zeros((3, 1)))
    assert str(error.value).endswith("Reshape the targets, e.g. y.reshape(3)")


# --------------------------------------------------------------------------------------
# The ridge penalty
# --------------------------------------------------------------------------------------
@pytest.mark.parametrize("lam", [-1.0, -1e-300, np.inf, -np.inf, np.nan, True, "0.1", None])
def test_l2_penalty_refuses_a_bad_lambda(lam) -> None:
    w = Param("w", np.ones(2))
    with pytest.raises(ValueError, match=r"^l2_penalty: lam must be a finite number >= 0, got "):
        ad.l2_penalty(w, lam)


def test_l2_penalty_with_lambda_zero_is_zero() -> None:
    """lam = 0 (no regularisation) is allowed: the penalty and its gradient are 0."""
    w = Param("w", np.array([1.0, -2.0]))
    value, grads = _run(ad.l2_penalty(w, 0.0) + ad.l2_penalty(w, 0.5))
    assert value == pytest.approx(0.5 * 5.0)
    np.testing.assert_allclose(grads["w"], [1.0, -2.0])
    zero, grads = _run(ad.l2_penalty(w, 0))
    assert zero == 0.0
    np.testing.assert_array_equal(grads["w"], [0.0, 0.0])


# --------------------------------------------------------------------------------------
# Names passed through the functional spelling (the labels of tables and drawings)
# --------------------------------------------------------------------------------------
NAMED = {
    "mean": lambda a: ad.mean(a, name="J"),
    "mean axis": lambda a: ad.mean(a, axis=0, name="J"),
    "sigmoid": lambda a: ad.sigmoid(a, name="J"),
    "relu": lambda a: ad.relu(a, name="J"),
    "step": lambda a: ad.step(a, name="J"),
    "softmax": lambda a: ad.softmax(a, name="J"),
    "softmax axis": lambda a: ad.softmax(a, axis=0, name="J"),
    "mse": lambda a: ad.mse(a, a, name="J"),
    "l2_penalty": lambda a: ad.l2_penalty(a, 0.1, name="J"),
    "Pow": lambda a: ad.Pow(a, 3, name="J"),
}


@pytest.mark.parametrize("build", list(NAMED.values()), ids=list(NAMED))
def test_name_argument_names_the_node(build) -> None:
    a = Param("a", np.array([[0.5, -1.0], [2.0, 0.0]]))
    node = build(a)
    assert node.name == "J"
    Graph(ad.sum(node)).forward()
    assert repr(node).startswith(f"<{type(node).__name__} 'J' shape=")


# --------------------------------------------------------------------------------------
# Graph: feed errors and the table of the slides
# --------------------------------------------------------------------------------------
def test_missing_feeds_are_all_listed_with_the_call_to_make() -> None:
    x, y, z = Input("x"), Input("y"), Input("z")
    graph = Graph(ad.sum(x * y + z))
    message = (
        "forward() needs a value for every Input; missing: x, z (call it as forward(x=..., z=...))"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        graph.forward(y=1.0)


def test_unknown_feeds_are_listed_with_the_graphs_inputs() -> None:
    x, y = Input("x"), Input("y")
    graph = Graph(ad.sum(x * y))
    message = (
        "forward() got values for a, b, which are not Inputs of this graph; its Inputs are: x, y"
    )
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        graph.forward(x=1.0, a=2.0, y=1.0, b=3.0)


def test_feeding_a_graph_without_inputs_says_it_has_none() -> None:
    graph = Graph(ad.sum(Param("w", np.ones(2))))
    with pytest.raises(ValueError, match=r"not Inputs of this graph; its Inputs are: none$"):
        graph.forward(x=1.0)


def test_table_has_one_row_per_node_in_topological_order() -> None:
    """The slides' table: order, name, kind (data, parameter, constant or the op), value, grad."""
    x = Input("x")
    w = Param("w", np.array([1.0, 2.0]))
    p = ad.Mul(x, w, name="p")
    q = ad.Mul(Constant(2.0), p, name="q")
    J = ad.sum(q, name="J")
    graph = Graph(J)
    graph.forward(x=np.array([3.0, 4.0]))
    graph.backward()
    rows = graph.table()
    assert isinstance(rows, list)
    assert all(set(row) == {"order", "name", "kind", "value", "grad"} for row in rows)
    assert [row["order"] for row in rows] == [0, 1, 2, 3, 4, 5]
    assert [row["name"] for row in rows] == ["2", "x", "w", "p", "q", "J"]
    assert [row["kind"] for row in rows] == [
        "constant",
        "training data",
        "parameter",
        "mul",
        "mul",
        "sum",
    ]
    by_name = {row["name"]: row for row in rows}
    np.testing.assert_array_equal(by_name["p"]["value"], [3.0, 8.0])
    np.testing.assert_array_equal(by_name["w"]["grad"], [6.0, 8.0])
    np.testing.assert_array_equal(by_name["x"]["grad"], [2.0, 4.0])
    assert by_name["J"]["value"] == 22.0 and by_name["J"]["grad"] == 1.0


def test_the_gradient_of_a_zeroth_power_is_zero_even_at_zero() -> None:
    """x ** 0 = 1 everywhere, so its derivative is 0 everywhere (not 0 * 0 ** -1 = nan)."""
    x = Param("x", np.array([0.0, 2.0, -3.0]))
    graph = Graph(ad.sum(x**0))
    assert graph.forward() == 3.0
    np.testing.assert_array_equal(graph.backward()["x"], [0.0, 0.0, 0.0])


# --------------------------------------------------------------------------------------
# The core's node API, the fast path's contracts
# --------------------------------------------------------------------------------------
def test_a_node_class_needs_only_forward_and_backward() -> None:
    """A student's op on the core: the same gradients in the core and the fast graph."""
    from lecturelib import engine

    class Cube(engine.Node):
        def forward(self) -> None:
            self.value = self.inputs[0].value ** 3

        def backward(self) -> None:
            a = self.inputs[0]
            a.grad += self.grad * 3.0 * a.value**2

    for graph_class in (engine.Graph, Graph):
        x = engine.Param("x", np.array([1.0, -2.0]))
        shared = Cube(x, name="c")
        graph = graph_class(ad.sum(shared * shared + shared))  # a node with two children
        assert graph.forward() == pytest.approx(1 + 64 + 1 - 8)
        np.testing.assert_allclose(graph.backward()["x"], 6 * x.value**5 + 3 * x.value**2)
        assert check_gradients(graph, {}) < 1e-8
        assert shared.op == "cube" and graph.table()[1]["kind"] == "cube"


def test_a_node_without_backward_says_so() -> None:
    from lecturelib import engine

    class Half(engine.Node):
        def forward(self) -> None:
            self.value = self.inputs[0].value / 2

    graph = engine.Graph(ad.sum(Half(Param("p", np.ones(2)))))
    graph.forward()
    with pytest.raises(NotImplementedError, match="Half needs a backward"):
        graph.backward()


def test_checked_feeds_are_read_only_and_trusted_other_arrays_checked() -> None:
    """Data checked once per fit: read-only copies, so no NaN can be written in later."""
    x = Input("x")
    graph = Graph(ad.sum(x * Param("w", np.ones(3))))
    data = np.array([1.0, 2.0, 3.0])
    checked = graph.checked_feeds(x=data)
    assert checked["x"] is not data and not checked["x"].flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        checked["x"][1] = np.nan
    data[1] = np.nan  # the caller's array: not the checked copy
    assert graph.forward(**checked) == 6.0
    with pytest.raises(ValueError, match=r"Input 'x' contains NaN"):
        graph.forward(x=data)  # any other array is checked at every forward pass
    with pytest.raises(ValueError, match=r"Input 'x' contains NaN"):
        graph.checked_feeds(x=data)
    with pytest.raises(ValueError, match="missing: x"):
        graph.checked_feeds()


def test_param_assign_takes_the_array_itself() -> None:
    """For optimisers: one buffer whose slices are the parameters' values."""
    w = Param("w", np.zeros(2))
    buffer = np.array([1.0, 2.0, 3.0])
    w.assign(buffer[:2])
    buffer[0] = 10.0
    np.testing.assert_array_equal(w.value, [10.0, 2.0])


def test_the_fast_graph_skips_partials_but_computes_the_same_numbers() -> None:
    """data_grads=False / param_grads=False leave those grads None; the rest is bit-equal."""
    from lecturelib import engine

    rng = np.random.default_rng(3)
    X, y = Input("X"), Input("y")
    W, b = Param("W", rng.normal(size=(2, 3))), Param("b", rng.normal(size=3))
    h = ad.tanh(X @ W + b, name="h")
    J = ad.mean((y - ad.sum(h, axis=1)) ** 2)
    feeds = {"X": rng.normal(size=(5, 2)), "y": rng.normal(size=5)}
    core = engine.Graph(J)
    core.forward(**feeds)
    expected = {k: g.copy() for k, g in core.backward().items()}
    deltas = h.grad.copy()
    for data_grads, param_grads in ((True, True), (False, True), (True, False), (False, False)):
        fast = Graph(J, data_grads=data_grads, param_grads=param_grads)
        fast.forward(**feeds)
        grads = fast.backward()
        np.testing.assert_array_equal(h.grad, deltas)
        assert (X.grad is not None) == data_grads and (y.grad is not None) == data_grads
        assert (W.grad is not None) == param_grads
        if param_grads:
            for name in expected:
                np.testing.assert_array_equal(grads[name], expected[name])
        else:
            assert grads == {}


def test_every_op_gives_the_core_s_gradients_bit_for_bit_in_the_fast_graph() -> None:
    """The fast path's own backward rules use the core's arithmetic: identical grads."""
    from lecturelib import engine

    rng = np.random.default_rng(11)
    X, y = Input("X"), Input("y")
    W = Param("W", rng.normal(size=(3, 4)))
    b, v = Param("b", rng.normal(size=4)), Param("v", rng.normal(size=4))
    h = ad.sigmoid(X @ W + b) * ad.tanh(X @ W - 0.5) / (2.0 + ad.exp(-((X @ W) ** 2)))
    out = ad.relu(h) @ v + ad.mean(h**3, axis=1) - ad.sum(h * h, axis=1) / 7.0
    J = ad.mean((y - out) ** 2) + ad.sum(ad.log(1.0 + W * W)) + ad.mean(ad.square(v) ** 0)
    feeds = {"X": rng.normal(size=(6, 3)), "y": rng.normal(size=6)}
    core = engine.Graph(J)
    core.forward(**feeds)
    core.backward()
    expected = [n.grad.copy() for n in core.nodes]
    fast = Graph(J)
    fast.forward(**feeds)
    fast.backward()
    for node, grad in zip(fast.nodes, expected, strict=True):
        assert type(node.grad) is np.ndarray and node.grad.shape == node.value.shape, node
        np.testing.assert_array_equal(node.grad, grad, err_msg=node.name)
