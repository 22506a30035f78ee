"""The engine: every op against central differences, graphs against the slides' formulas."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lecturelib import autodiff as ad
from lecturelib.autodiff import Graph, Input, Param
from lecturelib.gradcheck import check_gradients, numerical_gradient, relative_error

RNG = np.random.default_rng(12345)


def _loss_of(node: ad.Node, rng: np.random.Generator = RNG) -> ad.Node:
    """A scalar objective that weights every output entry differently (tests every partial)."""
    weights = ad.Constant(rng.normal(size=node_shape(node)))
    return ad.sum(node * weights, name="J")


def node_shape(node: ad.Node) -> tuple[int, ...]:
    Graph(node).forward(**{n.name: n.value for n in Graph(node).inputs.values()})
    return node.value.shape


# Each case: name, function of Param nodes, list of input shapes, how to draw the inputs.
UNARY = {
    "neg": (lambda a: -a, "any"),
    "square": (ad.square, "any"),
    "exp": (ad.exp, "any"),
    "log": (ad.log, "positive"),
    "tanh": (ad.tanh, "any"),
    "sigmoid": (ad.sigmoid, "any"),
    "relu": (ad.relu, "nonzero"),
    "pow3": (lambda a: a**3, "any"),
    "pow-2": (lambda a: a ** (-2), "positive"),
    "sum": (ad.sum, "any"),
    "mean": (ad.mean, "any"),
    "sum_axis0": (lambda a: ad.sum(a, axis=0), "any"),
    "mean_axis1": (lambda a: ad.mean(a, axis=-1), "any"),
    "softmax": (ad.softmax, "any"),
    "l2_penalty": (lambda a: ad.l2_penalty(a, 0.7), "any"),
}

BINARY = {
    "mse": lambda a, b: ad.mse(a, b),
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
}

# Broadcasting pairs: a bias added to a batch, a column, a scalar, equal shapes.
BROADCAST_SHAPES = [((4, 3), (3,)), ((4, 3), (4, 1)), ((4, 3), ()), ((2, 3), (2, 3)), ((), (5,))]


def _draw(shape: tuple[int, ...], kind: str, rng: np.random.Generator) -> np.ndarray:
    x = rng.normal(size=shape)
    if kind == "positive":
        x = np.abs(x) + 0.5
    elif kind == "nonzero":  # keep relu away from its kink, where it has no derivative
        x = np.where(np.abs(x) < 0.1, 0.5, x)
    return x


NEEDS_AXIS = {"softmax", "sum_axis0", "mean_axis1"}
UNARY_CASES = [(op, s) for op in UNARY for s in [(), (5,), (3, 4)] if s or op not in NEEDS_AXIS]


@pytest.mark.parametrize(("op", "shape"), UNARY_CASES)
def test_unary_op_gradient_matches_central_differences(op: str, shape: tuple[int, ...]) -> None:
    fn, kind = UNARY[op]
    a = Param("a", _draw(shape, kind, np.random.default_rng(1)))
    out = fn(a)
    graph = Graph(_loss_of(out))
    assert check_gradients(graph, {}) < 1e-6


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES)
@pytest.mark.parametrize("op", [op for op in BINARY if op != "mse"])
def test_binary_op_gradient_with_broadcasting(op: str, shapes) -> None:
    rng = np.random.default_rng(2)
    a = Param("a", _draw(shapes[0], "any", rng))
    b = Param("b", _draw(shapes[1], "positive" if op == "div" else "any", rng))
    graph = Graph(_loss_of(BINARY[op](a, b)))
    assert check_gradients(graph, {}) < 1e-6
    # The gradient has the shape of the value: a broadcast bias gets the summed gradient.
    assert a.grad.shape == a.value.shape and b.grad.shape == b.value.shape


@pytest.mark.parametrize("shape", [(), (5,), (4, 3)])
def test_mse_gradient_for_equal_shapes(shape) -> None:
    rng = np.random.default_rng(2)
    a, b = Param("a", rng.normal(size=shape)), Param("b", rng.normal(size=shape))
    assert check_gradients(Graph(ad.mse(a, b)), {}) < 1e-6


def test_mse_refuses_different_shapes_and_names_the_fix() -> None:
    y, x = Input("y"), Input("x")
    M, c = Param("M", np.ones((1, 2))), Param("c", np.zeros(1))
    graph = Graph(ad.mse(y, ad.affine(x, M, c, name="f")))
    with pytest.raises(ValueError, match=r"'y' have shape \(4,\).*'f' have shape \(4, 1\)") as info:
        graph.forward(y=np.arange(4.0), x=np.ones((4, 2)))
    assert "y[:, None]" in str(info.value)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
@pytest.mark.parametrize("column", [(4, 1), (3, 1)])
def test_a_vector_never_meets_a_column(op: str, column) -> None:
    """(n,) against (n, 1) would broadcast to (n, n): a wrong number with no error."""
    y, f = Input("y"), Input("f")
    graph = Graph(ad.sum(BINARY[op](y, f)))
    for feeds in (
        {"y": np.arange(1.0, 5.0), "f": np.ones(column)},
        {"y": np.ones(column), "f": np.arange(1.0, 5.0)},
    ):
        fix = r"reshape\(-1\).*\[:, None\].*\(n, 1\) with \(1, m\)"
        with pytest.raises(ValueError, match=fix) as info:
            graph.forward(**feeds)
        message = str(info.value)
        assert "'y'" in message and "'f'" in message
        assert "(4,)" in message and str(column) in message


def test_the_slides_mean_of_squared_residuals_with_a_column_is_refused() -> None:
    x, y = Input("x"), Input("y")
    w = Param("w", np.ones((2, 1)))
    graph = Graph(ad.mean((y - x @ w) ** 2))
    with pytest.raises(ValueError, match="broadcast them to shape \\(3, 3\\)"):
        graph.forward(x=np.ones((3, 2)), y=np.ones(3))
    graph.forward(x=np.ones((3, 2)), y=np.ones((3, 1)))  # the same shapes are fine


def test_an_outer_product_written_out_is_allowed() -> None:
    a, b = Input("a"), Input("b")
    graph = Graph(ad.sum(a * b))
    assert graph.forward(a=np.ones((3, 1)), b=np.ones((1, 4))) == 12.0
    assert graph.forward(a=np.ones((3, 4)), b=np.ones(4)) == 12.0  # a bias added to rows
    assert graph.forward(a=np.ones((1, 4)), b=np.ones(4)) == 4.0  # a batch of one example
    assert graph.forward(a=np.ones((3, 1)), b=np.ones(1)) == 3.0


def test_bias_added_to_batch_gets_summed_gradient() -> None:
    X = Input("X")
    b = Param("b", np.zeros(3))
    graph = Graph(ad.sum(X + b))
    graph.forward(X=np.ones((5, 3)))
    np.testing.assert_array_equal(graph.backward()["b"], [5.0, 5.0, 5.0])


@pytest.mark.parametrize(
    "shapes", [((3, 4), (4, 2)), ((4,), (4,)), ((3, 4), (4,)), ((4,), (4, 2)), ((2, 3, 4), (4, 5))]
)
def test_matmul_gradient(shapes) -> None:
    rng = np.random.default_rng(3)
    a, b = Param("a", rng.normal(size=shapes[0])), Param("b", rng.normal(size=shapes[1]))
    assert check_gradients(Graph(_loss_of(a @ b)), {}) < 1e-6


@pytest.mark.parametrize("x_shape", [(5, 3), (3,)])
def test_affine_gradient(x_shape) -> None:
    rng = np.random.default_rng(4)
    x = Param("x", rng.normal(size=x_shape))
    M, c = Param("M", rng.normal(size=(2, 3))), Param("c", rng.normal(size=2))
    out = ad.affine(x, M, c)
    graph = Graph(_loss_of(out))
    assert check_gradients(graph, {}) < 1e-6
    np.testing.assert_allclose(out.value, x.value @ M.value.T + c.value)


@pytest.mark.parametrize("shape", [(6, 4), (4,)])
def test_cross_entropy_gradient_and_value(shape) -> None:
    rng = np.random.default_rng(5)
    s = Param("s", rng.normal(size=shape))
    labels = rng.integers(0, shape[-1], size=shape[0] if len(shape) == 2 else ())
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y))
    value = graph.forward(y=labels)
    s2 = np.atleast_2d(s.value)
    p = np.exp(s2) / np.exp(s2).sum(axis=1, keepdims=True)
    expected = -np.mean(np.log(p[np.arange(s2.shape[0]), np.atleast_1d(labels)]))
    assert value == pytest.approx(expected, rel=1e-12)
    assert check_gradients(graph, {"y": labels}) < 1e-6


def test_cross_entropy_and_sigmoid_are_stable_for_huge_scores() -> None:
    s = Param("s", np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 5.0]]))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y))
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        value = graph.forward(y=np.array([0, 2]))
        grads = graph.backward()
        z = Param("z", np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))
        sig = ad.sigmoid(z)
        Graph(ad.sum(sig)).forward()
    assert value == pytest.approx((0 + 895.0) / 2)
    assert np.isfinite(grads["s"]).all()
    np.testing.assert_allclose(
        sig.value, [0.0, 1 / (1 + np.exp(40)), 0.5, 1 / (1 + np.exp(-40)), 1.0]
    )


def test_softmax_sums_to_one_and_is_stable() -> None:
    s = Param("s", np.array([[1e4, 1e4 - 1.0, -1e4]]))
    out = ad.softmax(s)
    Graph(ad.sum(out)).forward()
    np.testing.assert_allclose(out.value.sum(), 1.0)
    np.testing.assert_allclose(out.value[0, :2], np.exp([0, -1]) / (1 + np.exp(-1)))


def test_step_is_forward_only_with_zero_gradient() -> None:
    z = Param("z", np.array([-1.0, 0.0, 2.0]))
    graph = Graph(ad.sum(ad.step(z)))
    assert graph.forward() == 2.0
    np.testing.assert_array_equal(graph.backward()["z"], [0.0, 0.0, 0.0])


def test_least_squares_partials_match_the_slides() -> None:
    """Slide "Example: Linear least squares": 2r, -2r, -2r, -2r x_j."""
    x, y = Input("x"), Input("y")
    w, b = Param("w", np.array([0.5, -1.0, 2.0])), Param("b", 0.25)
    y_hat = ad.Add(x @ w, b, name="y_hat")
    r = ad.Sub(y, y_hat, name="r")
    loss = ad.square(r, name="l")
    graph = Graph(loss)
    xv = np.array([1.0, 2.0, 3.0])
    value = graph.forward(x=xv, y=2.0)
    graph.backward()
    rv = 2.0 - (xv @ w.value + 0.25)
    assert value == rv**2
    assert r.grad == 2 * rv
    assert y_hat.grad == -2 * rv
    assert b.grad == -2 * rv
    np.testing.assert_array_equal(w.grad, -2 * rv * xv)


def test_ridge_partials_sum_over_both_children_of_w() -> None:
    """Slide "Example: Ridge Regression": dJ/dw_j = -2 r x_j + 2 lambda w_j."""
    lam = 0.3
    x, y = Input("x"), Input("y")
    w, b = Param("w", np.array([0.5, -1.0])), Param("b", 0.1)
    r = ad.Sub(y, x @ w + b, name="r")
    J = ad.Add(ad.square(r, name="l"), ad.l2_penalty(w, lam, name="R"), name="J")
    graph = Graph(J)
    xv = np.array([2.0, -1.0])
    graph.forward(x=xv, y=1.5)
    grads = graph.backward()
    rv = r.value
    np.testing.assert_allclose(grads["w"], -2 * rv * xv + 2 * lam * w.value, rtol=1e-15)
    assert grads["b"] == pytest.approx(-2 * rv)


def test_ridge_gradient_descent_reaches_closed_form() -> None:
    rng = np.random.default_rng(6)
    n, d, lam = 40, 3, 0.5
    Xv = rng.normal(size=(n, d))
    yv = Xv @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=n)
    X, y = Input("X"), Input("y")
    w = Param("w", np.zeros(d))
    J = ad.Add(ad.sum(ad.square(y - X @ w)), ad.l2_penalty(w, lam), name="J")
    graph = Graph(J)
    for _ in range(2000):
        graph.forward(X=Xv, y=yv)
        w.value = w.value - 0.005 * graph.backward()["w"]
    closed = np.linalg.solve(Xv.T @ Xv + lam * np.eye(d), Xv.T @ yv)
    np.testing.assert_allclose(w.value, closed, rtol=1e-9)


def test_backward_is_idempotent_and_forward_resets_grads() -> None:
    x = Input("x")
    w = Param("w", np.array([1.0, 2.0]))
    shared = x * w
    graph = Graph(ad.sum(shared * shared + shared))  # a node with several children
    graph.forward(x=np.array([3.0, -1.0]))
    first = graph.backward()["w"].copy()
    second = graph.backward()["w"]
    np.testing.assert_array_equal(first, second)
    graph.forward(x=np.array([3.0, -1.0]))
    assert w.grad is None
    np.testing.assert_array_equal(graph.backward()["w"], first)


def test_every_node_grad_is_filled_with_value_shape() -> None:
    x, y = Input("x"), Input("y")
    v, w = Param("v", np.ones((3, 2))), Param("w", np.ones((2, 3)))
    graph = Graph(ad.mean(ad.square(y - ad.tanh(x @ v) @ w)))
    graph.forward(x=np.ones((4, 3)), y=np.zeros((4, 3)))
    graph.backward()
    for node in graph.nodes:
        assert isinstance(node.grad, np.ndarray) and node.grad.shape == node.value.shape, node


def test_results_are_bit_for_bit_deterministic() -> None:
    def run() -> tuple[float, np.ndarray]:
        rng = np.random.default_rng(7)
        x = Input("x")
        w1, w2 = Param("w1", rng.normal(size=(3, 4))), Param("w2", rng.normal(size=4))
        h = ad.tanh(x @ w1)
        J = ad.mean(ad.square(h @ w2) + ad.sigmoid(h @ w2))
        graph = Graph(J)
        value = graph.forward(x=rng.normal(size=(8, 3)))
        return value, graph.backward()["w1"]

    (v1, g1), (v2, g2) = run(), run()
    assert v1 == v2 and np.array_equal(g1, g2)
    assert [type(n).__name__ for n in Graph(ad.sum(Param("p", 1.0) * 2)).nodes] == [
        "Param",
        "Constant",
        "Mul",
        "Sum",
    ]


def test_ten_thousand_node_chain_has_no_recursion_limit() -> None:
    a = Param("a", 0.5)
    node = a
    for _ in range(10_000):
        node = node * 1.0001
    graph = Graph(node)
    assert len(graph.nodes) == 20_001  # a, 10,000 constants, 10,000 products
    assert graph.forward() == pytest.approx(0.5 * 1.0001**10_000)
    assert graph.backward()["a"] == pytest.approx(1.0001**10_000)


def test_param_value_is_assignable_and_copied() -> None:
    source = np.array([1.0, 2.0])
    w = Param("w", source)
    source[0] = 99.0
    assert w.value[0] == 1.0
    w.value = [3.0, 4.0]
    np.testing.assert_array_equal(w.value, [3.0, 4.0])
    with pytest.raises(ValueError, match=r"Param 'w' has shape \(2,\).*\(3,\)"):
        w.value = [1.0, 2.0, 3.0]


def test_topological_order_puts_inputs_first() -> None:
    x = Input("x")
    a = ad.tanh(x, name="a")
    b = ad.square(a, name="b")
    c = ad.Add(a, b, name="c")
    order = [n.name for n in Graph(c).nodes]
    assert order == ["x", "a", "b", "c"]


# --------------------------------------------------------------------------------------
# Property-based: random compositions of ops agree with central differences
# --------------------------------------------------------------------------------------
SAFE_UNARY = ["tanh", "sigmoid", "square", "neg", "sum", "mean", "softmax", "l2_penalty"]


@settings(max_examples=40, deadline=None)
@given(
    ops=st.lists(st.sampled_from([*SAFE_UNARY, "add", "mul", "sub"]), min_size=1, max_size=6),
    n=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_random_compositions_match_central_differences(ops, n, seed) -> None:
    rng = np.random.default_rng(seed)
    a = Param("a", rng.normal(size=(n, 3)) * 0.5)
    b = Param("b", rng.normal(size=3) * 0.5)
    node: ad.Node = a
    for op in ops:
        if op == "softmax" and node_shape(node) == ():
            continue
        if op in BINARY:
            node = BINARY[op](node, b if node_shape(node) in ((n, 3), (3,)) else ad.sum(b))
        else:
            node = UNARY[op][0](node)
    graph = Graph(_loss_of(node, rng))  # every draw from Hypothesis's seed: reproducible
    size = abs(graph.forward())
    analytic = graph.backward()["a"].copy()
    eps = 1e-6
    numeric = numerical_gradient(graph.forward, a.value, eps=eps)
    # Central differences with step eps err by the truncation, about eps**2 times the third
    # derivative (~1e-12 here), plus the rounding of J itself: up to about 2**-52 |J| / eps,
    # or 2.2e-10 |J|, for each term summed inside J. Allow 100 times that for each op. The
    # absolute part also covers sum(softmax(.)), which is constant: its true gradient is 0.
    atol = 100 * 2.2e-10 * max(1.0, size) * len(ops)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=atol)


# --------------------------------------------------------------------------------------
# Bad input: clear errors that name the node or argument
# --------------------------------------------------------------------------------------
def test_missing_input_is_named() -> None:
    x, y = Input("x"), Input("y")
    graph = Graph(ad.sum(x * y))
    with pytest.raises(ValueError, match=r"missing: y .*forward\(y=\.\.\.\)"):
        graph.forward(x=1.0)


def test_unknown_feed_is_named() -> None:
    x = Input("x")
    with pytest.raises(ValueError, match=r"got values for z, which are not Inputs"):
        Graph(ad.sum(x)).forward(x=1.0, z=2.0)


def test_shape_mismatch_names_node_and_both_shapes() -> None:
    x = Input("x")
    w = Param("w", np.zeros(3))
    graph = Graph(ad.sum(ad.MatMul(x, w, name="y_hat")))
    with pytest.raises(ValueError, match=r"'y_hat'.*'x' \(4,\).*'w' \(3,\)"):
        graph.forward(x=np.ones(4))
    add = Graph(ad.Add(x, w, name="s"))
    with pytest.raises(ValueError, match=r"'s'.*'x' \(2,\).*'w' \(3,\)"):
        add.forward(x=np.ones(2))


def test_affine_shape_mismatch_is_explained() -> None:
    x = Input("x")
    M, c = Param("M", np.zeros((2, 3))), Param("c", np.zeros(2))
    with pytest.raises(
        ValueError, match=r"'a1'.*\(n, p\).*'x' has shape \(5, 4\).*'M' has shape \(2, 3\)"
    ):
        Graph(ad.sum(ad.affine(x, M, c, name="a1"))).forward(x=np.ones((5, 4)))


def test_backward_needs_forward_and_scalar_objective() -> None:
    x = Input("x")
    graph = Graph(x * 2.0)
    with pytest.raises(RuntimeError, match="forward pass first"):
        graph.backward()
    graph.forward(x=np.ones(3))
    with pytest.raises(ValueError, match=r"scalar objective.*shape \(3,\)"):
        graph.backward()


@pytest.mark.parametrize("bad", [np.nan, np.inf, [1.0, np.nan]])
def test_nan_or_inf_in_data_is_rejected(bad) -> None:
    x = Input("x")
    with pytest.raises(ValueError, match="Input 'x' contains NaN or inf"):
        Graph(ad.sum(x)).forward(x=bad)
    with pytest.raises(ValueError, match="Param 'w' contains NaN or inf"):
        Param("w", bad)


@pytest.mark.parametrize("bad", ["three", None, {"a": 1}, [1.0, "x"]])
def test_non_numeric_values_are_rejected(bad) -> None:
    x = Input("x")
    with pytest.raises(TypeError, match="Input 'x' must be a number"):
        Graph(ad.sum(x)).forward(x=bad)


def test_bad_exponent_and_names() -> None:
    with pytest.raises(TypeError, match="integer constant exponent"):
        Param("a", 1.0) ** 0.5
    with pytest.raises(ValueError, match="keyword argument"):
        Input("my x")
    with pytest.raises(TypeError, match="objective must be a Node"):
        Graph(3.0)


def test_domain_errors_name_the_node() -> None:
    a = Param("a", np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match=r"'lg'.*positive"):
        Graph(ad.sum(ad.log(a, name="lg"))).forward()
    with pytest.raises(ValueError, match=r"'ex'.*overflows"):
        Graph(ad.sum(ad.exp(a * 1000.0, name="ex"))).forward()
    with pytest.raises(ValueError, match=r"'q'.*division by zero"):
        Graph(ad.sum(ad.Div(a, a - 1.0, name="q"))).forward()


def test_cross_entropy_rejects_bad_labels() -> None:
    s = Param("s", np.zeros((3, 2)))
    y = Input("y")
    graph = Graph(ad.cross_entropy(s, y, name="J"))
    with pytest.raises(ValueError, match=r"'J'.*integers 0\.\.1"):
        graph.forward(y=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"'J'.*\(n, k\) and n labels"):
        graph.forward(y=np.array([0, 1]))


def test_duplicate_leaf_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="both named 'w'"):
        Graph(ad.sum(Param("w", 1.0) + Param("w", 2.0)))


def test_relative_error() -> None:
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert relative_error([2.0], [1.0]) == 0.5
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error([1.0], [1.0, 2.0])


def test_data_grads_false_skips_data_but_keeps_params() -> None:
    x = Input("x")
    w = Param("w", np.array([1.0, 2.0]))
    objective = ad.sum(ad.square(x * w), name="J")
    lean = Graph(objective, data_grads=False)
    full = Graph(objective)  # the same nodes, shared by two graphs
    lean.forward(x=np.array([3.0, -1.0]))
    grads = lean.backward()
    assert x.grad is None
    np.testing.assert_array_equal(grads["w"], [18.0, 4.0])  # 2 x^2 w
    full.forward(x=np.array([3.0, -1.0]))
    full.backward()
    np.testing.assert_array_equal(x.grad, [6.0, -8.0])  # 2 x w^2
    lean.forward(x=np.array([3.0, -1.0]))
    lean.backward()
    assert x.grad is None  # flags follow the graph that runs


def test_feeding_the_same_array_again_uses_its_new_contents() -> None:
    x = Input("x")
    graph = Graph(ad.sum(x))
    data = np.array([1.0, 2.0])
    assert graph.forward(x=data) == 3.0
    data[0] = 10.0
    assert graph.forward(x=data) == 12.0


def test_one_param_in_two_graphs_with_passes_interleaved() -> None:
    """Each graph's backward returns its own gradient, whatever the other did in between."""
    x, y = Input("x"), Input("y")
    w = Param("w", np.array([1.0, 2.0, 3.0]))
    data = Graph(ad.mean((y - x @ w) ** 2))
    penalty = Graph(ad.l2_penalty(w, 0.5))
    feeds = {"x": np.eye(3), "y": np.zeros(3)}
    data.forward(**feeds)
    penalty.forward()
    g_data = data.backward()["w"].copy()
    g_penalty = penalty.backward()["w"].copy()
    np.testing.assert_allclose(g_penalty, [1.0, 2.0, 3.0])  # d(0.5 w.w)/dw = w
    np.testing.assert_allclose(g_data, 2 * np.array([1.0, 2.0, 3.0]) / 3)
    # The other order gives the same two gradients.
    penalty.forward()
    data.forward(**feeds)
    np.testing.assert_allclose(penalty.backward()["w"], g_penalty)
    np.testing.assert_allclose(data.backward()["w"], g_data)


def test_predict_between_forward_and_backward_is_caught() -> None:
    from lecturelib.mlp import MLP

    net = MLP([2, 3, 1], seed=0)
    X = np.random.default_rng(0).normal(size=(4, 2))
    y = X[:, :1] ** 2
    graph = net.loss_graph()
    graph.forward(X=X, y=y)
    net.predict(X[::-1])  # same row count: the shared nodes now hold other values
    with pytest.raises(RuntimeError, match="overwritten by another graph's forward pass"):
        graph.backward()
    net.predict(np.ones((7, 2)))  # another row count: the same clear error, not a shape error
    with pytest.raises(RuntimeError, match=r"Call this graph's forward"):
        graph.backward()
    graph.forward(X=X, y=y)
    g = graph.backward()
    assert check_gradients(graph, {"X": X, "y": y}) < 1e-6
    assert set(g) == set(net.params)


def test_nan_written_into_an_array_fed_before_is_caught() -> None:
    x = Input("x")
    w = Param("w", np.ones(3))
    graph = Graph(ad.sum(x * w))
    data = np.array([1.0, 2.0, 3.0])
    assert graph.forward(x=data) == 6.0
    data[1] = np.nan
    with pytest.raises(ValueError, match=r"Input 'x'.*NaN"):
        graph.forward(x=data)
    data[1] = 5.0
    assert graph.forward(x=data) == 9.0


@pytest.mark.parametrize("where", ["feed", "param", "seed"])
def test_complex_numbers_are_refused(where: str) -> None:
    z = np.array([1.0 + 2.0j, 3.0])
    x = Input("x")
    if where == "param":
        with pytest.raises(TypeError, match=r"complex.*real part"):
            Param("w", z)
        return
    graph = Graph(x * 2.0)
    if where == "feed":
        with pytest.raises(TypeError, match="Input 'x' is complex"):
            graph.forward(x=z)
    else:
        graph.forward(x=np.ones(2))
        with pytest.raises(TypeError, match="seed is complex"):
            graph.backward(seed=z)
