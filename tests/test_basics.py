"""Tables, self-checks, the least-squares example and the start notebook's explorer."""

from __future__ import annotations

import numpy as np
import pytest

from lecturelib.checks import NOT_ANSWERED, NOT_WRITTEN, Exercise, self_check
from lecturelib.regression import regression_graph, slide_partials, tangent_state
from lecturelib.tables import Table, fmt, graph_table
from lecturelib.widgets.regression import tangent_explorer
from tests.conftest import own_warnings


def test_fmt_rounds_and_never_prints_negative_zero() -> None:
    assert fmt(2.0) == "2"
    assert fmt(1 / 3) == "0.3333"
    assert fmt(-1e-17, 3) == "-1e-17"
    assert fmt(-0.00001, 2) == "-1e-05"
    assert fmt(np.float64(-0.0)) == "0"
    assert fmt([0.5, -0.25]) == "[0.5, -0.25]"
    assert [fmt(v) for v in (np.inf, -np.inf, np.nan)] == ["inf", "-inf", "nan"]


def test_table_text_and_html() -> None:
    table = Table(["a", "b"], [[1, 2.5], ["x<y", 3]], title="T")
    assert repr(table).splitlines() == ["T", "  a    b", "---  ---", "  1  2.5", "x<y    3"]
    assert "<td>x&lt;y</td>" in table._repr_html_()
    assert table.column("b") == ["2.5", "3"]
    with pytest.raises(ValueError, match="a row has 1 cells but there are 2 columns"):
        Table(["a", "b"], [[1]])


def test_self_check_messages(capsys) -> None:
    def said(answer, test, hint=""):
        self_check(answer, test, hint)
        return capsys.readouterr().out.strip()

    assert said(None, lambda a: a == 1) == NOT_ANSWERED
    assert said(1, lambda a: a == 1) == "Correct!"
    assert said(2, lambda a: a == 1, "think of one") == "Not yet. Hint: think of one"
    assert said("x", lambda a: a + 1 > 0).startswith("Not yet (TypeError")
    # a hint written for one wrong answer replaces the general one
    sign = lambda a: True if a == 1 else ("check the sign" if a == -1 else False)  # noqa: E731
    assert said(-1, sign, "think of one") == "Not yet. Hint: check the sign"
    assert said(5, sign, "think of one") == "Not yet. Hint: think of one"

    def skeleton(a):
        raise NotImplementedError  # the student's code still says "write this"

    assert said(1, skeleton) == NOT_WRITTEN


def test_an_exercise_prints_its_verdict(capsys) -> None:
    ex = Exercise("99.1", "give one", lambda a: a == 1 or ("too big" if a > 1 else False), "one")
    ex(None)
    ex(1)
    ex(3)
    ex(0)
    assert capsys.readouterr().out.splitlines() == [
        NOT_ANSWERED,
        "Correct!",
        "Not yet. Hint: too big",
        "Not yet. Hint: one",
    ]


@pytest.mark.parametrize("lam", [None, 0.4])
def test_regression_graph_matches_slide_formulas(lam) -> None:
    model = regression_graph([0.5, -1.0, 2.0], b=0.3, lam=lam)
    x = np.array([1.0, -2.0, 0.5])
    value = model.run(x, 1.5)
    f = slide_partials(x, 1.5, model.w.value, 0.3, lam or 0.0)
    assert model.r.grad == pytest.approx(f["dl/dr"])  # dJ/dr = 2r with or without R
    assert model.b.grad == pytest.approx(f["dl/db"])
    np.testing.assert_allclose(model.w.grad, f["dJ/dw"], rtol=1e-14)
    expected = f["r"] ** 2 + (lam or 0.0) * model.w.value @ model.w.value
    assert value == pytest.approx(expected)
    names = [n.name for n in model.graph.nodes]
    assert names[-1] == ("l" if lam is None else "J")


def test_regression_graph_batch_mode_takes_the_mean() -> None:
    model = regression_graph([1.0, 1.0], batch=True)
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    assert model.run(X, np.array([0.0, 0.0])) == pytest.approx((1 + 4) / 2)


def test_tangent_state_is_backprop_and_agrees_with_formulas() -> None:
    state = tangent_state(0.5, -0.25, 1.0)
    # x = (1, 2), y = 3: y_hat = 0.5 - 0.5 + 1 = 1, r = 2, l = 4, dl/db = -4.
    assert state.loss == 4.0 and state.slope == -4.0
    assert state.max_formula_gap == 0.0
    # The tangent slope is the derivative of the plotted curve at b.
    i = np.argmin(np.abs(state.b_grid - 1.0))
    numeric = np.gradient(state.loss_curve, state.b_grid)[i]
    assert numeric == pytest.approx(state.slope, rel=1e-6)


def test_graph_table_lists_nodes_in_order() -> None:
    model = regression_graph([0.5, -0.25], b=1.0)
    model.run(np.array([1.0, 2.0]), 3.0)
    table = graph_table(model.graph)
    assert table.column("node")[-1] == "l"
    assert table.column("dl/d(node)")[table.column("node").index("r")] == "4"


def test_tangent_explorer_updates_from_sliders() -> None:
    explorer = tangent_explorer()
    first_png = explorer.image.value
    assert "loss l = 4" in explorer.text
    state = explorer.set(b=3.0)
    # y_hat = 0.5 - 0.5 + 3 = 3 = y: the residual, the loss and every partial vanish.
    assert state.loss == 0.0 and state.slope == 0.0
    assert "loss l = 0" in explorer.text
    assert explorer.image.value != first_png
    bundle = explorer._repr_mimebundle_()
    assert bundle["text/plain"].startswith("Least squares for one example")
    assert "image/png" in bundle and "application/vnd.jupyter.widget-view+json" in bundle
    with pytest.raises(ValueError, match="unknown control"):
        explorer.set(c=1.0)


@pytest.mark.parametrize("values", [dict(w1=-3, w2=-3, b=-5), dict(w1=3, w2=3, b=5)])
def test_tangent_explorer_extremes_do_not_warn(values, recwarn) -> None:
    explorer = tangent_explorer()
    explorer.set(**values)
    assert np.isfinite(explorer.state.loss)
    assert own_warnings(recwarn) == []


class _Clock:
    """A clock the test moves by hand (the explorer's echo window is in seconds)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_explorer_keeps_exact_values_the_browser_rounds() -> None:
    """A value set from Python (a trained weight) survives the slider's rounding echo."""
    explorer = tangent_explorer()
    explorer.clock = clock = _Clock()
    explorer.set(b=1.23456)
    assert "loss l = 3.117" in explorer.text  # r = 3 - 1.23456 = 1.76544
    explorer.controls["b"].value = 1.25  # the browser snaps to the 0.05 step and echoes it
    assert explorer.values["b"] == 1.23456
    assert "loss l = 3.117" in explorer.text
    explorer.set(b=1.23456)
    explorer.set(b=0.5)  # set twice in quick succession: the first echo arrives late
    explorer.controls["b"].value = 1.25  # a late echo of the older value: undone
    assert explorer.values["b"] == 0.5 and explorer.controls["b"].value == 0.5
    clock.now += 0.1
    explorer.controls["b"].value = 2.0  # a student moves the slider: that value counts
    assert explorer.values["b"] == 2.0
    assert "loss l = 1" in explorer.text


def test_a_students_move_is_never_undone() -> None:
    """Train, move another slider, train again, then press the arrow key: the move counts.

    The flow that once undid 16 of 480 single key presses in notebook 05's explorer: a move
    within half a step of a value set earlier from Python was taken for a late echo of it.
    """
    explorer = tangent_explorer()
    explorer.clock = clock = _Clock()
    explorer.set(b=1.2733)  # "train from here" sets a weight the slider shows as 1.25
    explorer.controls["b"].value = 1.25  # its echo
    clock.now += 5.0
    explorer.set(b=1.3133)  # trained again, from a nearby start
    explorer.controls["b"].value = 1.3  # its echo
    clock.now += 5.0
    explorer.controls["b"].value = 1.25  # the student presses the left arrow once
    assert explorer.values["b"] == 1.25 and explorer.controls["b"].value == 1.25
    for _ in range(20):  # and every further press counts too
        clock.now += 0.3
        explorer.controls["b"].value = round(explorer.controls["b"].value - 0.05, 2)
    assert explorer.values["b"] == explorer.controls["b"].value == 0.25
    # The same right after training, within the echo window, once the echo has arrived.
    explorer.set(b=1.2733)
    explorer.controls["b"].value = 1.25  # echo
    explorer.controls["b"].value = 1.2  # the student's press, 0 s later
    assert explorer.values["b"] == 1.2


def test_explorer_refuses_values_its_controls_cannot_show() -> None:
    explorer = tangent_explorer()
    low, high = explorer.controls["b"].min, explorer.controls["b"].max
    with pytest.raises(
        ValueError, match=rf"b=50 is outside the slider's range \[{low:g}, {high:g}\]"
    ):
        explorer.set(b=50)
    assert explorer.values["b"] == explorer.controls["b"].value  # nothing changed
    with pytest.raises(TypeError, match="b must be a number"):
        explorer.set(b="high")


def test_claim_prints_a_mark_nbval_can_compare(capsys) -> None:
    from lecturelib.checks import claim

    assert claim("two is more than one", 2 > 1) is None  # a cell may end with it
    claim("one is more than two", np.float64(1) > 2)
    out = capsys.readouterr().out.splitlines()
    assert out == ["✓ two is more than one", "✗ DOES NOT HOLD: one is more than two"]
    with pytest.raises(TypeError, match="reduce it"):
        claim("all positive", np.array([1.0, 2.0]) > 0)
    with pytest.raises(TypeError, match="boolean"):
        claim("a number is not a claim", 0.5)


def test_a_wrong_choice_lists_the_choices() -> None:
    from lecturelib.widgets.chainrule import paths_explorer

    explorer = paths_explorer()
    name = next(n for n, c in explorer.controls.items() if hasattr(c, "options"))
    with pytest.raises(ValueError, match=rf"{name}=99 is not one of the choices; choose one of"):
        explorer.set(**{name: 99})


def test_execute_joins_consecutive_prints_to_one_stream() -> None:
    from lecturelib.execute import _joined_streams

    outputs = [
        {"output_type": "stream", "name": "stdout", "text": "a\n"},
        {"output_type": "stream", "name": "stdout", "text": "b\n"},
        {"output_type": "stream", "name": "stderr", "text": "c\n"},
        {"output_type": "display_data", "data": {}},
        {"output_type": "stream", "name": "stdout", "text": "d\n"},
    ]
    assert _joined_streams(outputs) == [
        {"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
        {"output_type": "stream", "name": "stderr", "text": "c\n"},
        {"output_type": "display_data", "data": {}},
        {"output_type": "stream", "name": "stdout", "text": "d\n"},
    ]
