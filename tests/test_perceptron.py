"""Threshold units, the 16 boolean functions, exact separability, XNOR (slides' tables)."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from lecturelib.perceptron import (
    BOOLEAN_FUNCTIONS,
    INPUTS,
    XNOR,
    best_single_unit_match,
    boolean_function,
    count_solved,
    function_name,
    gate_state,
    hidden_layer_state,
    is_linearly_separable,
    learn_xnor,
    line_in_box,
    separating_unit,
    slide_xnor_network,
    threshold_unit,
    two_layer_state,
)
from lecturelib.widgets.perceptron import gate_explorer, two_layer_explorer, two_layer_table


def test_and_gate_reproduces_the_slide_table() -> None:
    state = gate_state(1, 1, 2)
    assert state.net.tolist() == [0, 1, 1, 2]
    assert state.outputs == (0, 0, 0, 1)
    assert state.name == "AND"
    assert threshold_unit(INPUTS, [1, 1], 2).tolist() == [0, 0, 0, 1]


def test_threshold_unit_fires_at_equality_and_checks_shapes() -> None:
    assert threshold_unit([[1.0, 1.0]], [0.5, 0.5], 1.0).tolist() == [1]
    with pytest.raises(ValueError, match=r"w must have shape \(2,\)"):
        threshold_unit(INPUTS, [1, 1, 1], 0)
    with pytest.raises(ValueError, match="X must have shape"):
        threshold_unit([0, 1], [1, 1], 0)


def test_sixteen_functions_have_distinct_names_and_outputs() -> None:
    assert len(BOOLEAN_FUNCTIONS) == 16
    assert len({f.name for f in BOOLEAN_FUNCTIONS}) == 16
    assert {f.outputs for f in BOOLEAN_FUNCTIONS} == set(itertools.product((0, 1), repeat=4))
    assert [f.index for f in BOOLEAN_FUNCTIONS] == list(range(16))
    assert function_name((0, 1, 1, 1)) == "OR"
    assert function_name((1, 1, 1, 0)) == "NAND"
    assert function_name(XNOR) == "XNOR"
    assert boolean_function("xor").outputs == (0, 1, 1, 0)
    with pytest.raises(ValueError, match="unknown boolean function"):
        boolean_function("IMPLIES")
    with pytest.raises(ValueError, match="outputs must be 4 bits"):
        function_name((0, 1))
    with pytest.raises(ValueError, match="only 0 and 1"):
        function_name((0, 1, 2, 1))


def test_exactly_fourteen_functions_are_separable_not_xor_or_xnor() -> None:
    separable = {f.name for f in BOOLEAN_FUNCTIONS if is_linearly_separable(INPUTS, f.outputs)}
    assert len(separable) == 14
    assert {f.name for f in BOOLEAN_FUNCTIONS} - separable == {"XOR", "XNOR"}


def test_separability_agrees_with_brute_force_over_integer_units() -> None:
    # Independent check: every separable two-input function is computed by some unit with
    # small integer weights; search them all.
    reachable = set()
    for w1, w2, theta in itertools.product(range(-2, 3), range(-2, 3), range(-2, 4)):
        reachable.add(tuple(threshold_unit(INPUTS, [w1, w2], theta).tolist()))
    lp = {f.outputs for f in BOOLEAN_FUNCTIONS if is_linearly_separable(INPUTS, f.outputs)}
    assert reachable == lp


def test_separating_unit_returns_a_certificate_that_works() -> None:
    for f in BOOLEAN_FUNCTIONS:
        unit = separating_unit(INPUTS, f.outputs)
        if f.name in ("XOR", "XNOR"):
            assert unit is None
        else:
            w, theta = unit
            assert tuple(threshold_unit(INPUTS, w, theta).tolist()) == f.outputs


def test_separability_in_higher_dimensions() -> None:
    cube = np.array(list(itertools.product((0, 1), repeat=3)), dtype=float)
    parity = cube.sum(axis=1) % 2
    majority = (cube.sum(axis=1) >= 2).astype(int)
    assert not is_linearly_separable(cube, parity)
    assert is_linearly_separable(cube, majority)
    # Random labels by a random hyperplane in 6-d are separable by construction.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 6))
    y = (X @ rng.normal(size=6) > 0.3).astype(int)
    assert is_linearly_separable(X, y)
    # XNOR becomes separable once the hidden unit h1 = [i1 + i2 >= 2] is added as a 3rd input.
    lifted = np.hstack([INPUTS, (INPUTS.sum(1) >= 2)[:, None]])
    assert is_linearly_separable(lifted, XNOR)
    # One point, or all labels equal: always separable.
    assert is_linearly_separable([[3.0]], [1])
    assert is_linearly_separable(INPUTS, [0, 0, 0, 0])
    # The same point with two labels: never.
    assert not is_linearly_separable([[1.0, 2.0], [1.0, 2.0]], [0, 1])


def test_separability_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(ValueError, match=r"X must have shape \(n, d\)"):
        is_linearly_separable([0, 1, 1, 0], [0, 1, 1, 0])
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        is_linearly_separable(INPUTS, [0, 1, 1])
    with pytest.raises(ValueError, match="only 0 and 1"):
        is_linearly_separable(INPUTS, [0, 1, 2, 0])
    with pytest.raises(ValueError, match="only 0 and 1"):
        is_linearly_separable(INPUTS, [-1, 1, 1, -1])
    with pytest.raises(ValueError, match="finite"):
        is_linearly_separable([[np.nan, 0.0]], [1])
    with pytest.raises(TypeError, match="array of numbers"):
        is_linearly_separable([["a", "b"]], [1])
    assert is_linearly_separable(INPUTS, [False, False, False, True])


def test_no_slider_setting_computes_xnor() -> None:
    values = np.round(np.arange(-20, 21) / 10, 1)
    thetas = np.round(np.arange(-25, 26) / 10, 1)
    best, _ = best_single_unit_match(XNOR, values, thetas)
    assert best == 3
    best_and, _ = best_single_unit_match((0, 0, 0, 1), values, thetas)
    assert best_and == 4


def test_gate_state_avoids_floating_point_surprises() -> None:
    # 0.3 + 0.6 is 0.8999999999999999 in floating point; the explorer still says >= 0.9.
    assert gate_state(0.3, 0.6, 0.9).name == "AND"
    assert gate_state(0, 0, 0).name == "TRUE"
    assert gate_state(0, 0, 0.1).name == "FALSE"
    assert gate_state(0, 0, 0).line[0].size == 0  # no line when w = 0


def test_line_in_box_endpoints_lie_on_the_line() -> None:
    xs, ys = line_in_box(1, 1, 2)  # through (1, 1), slope -1
    assert xs.size == 2
    np.testing.assert_allclose(xs + ys, 2)
    xs, ys = line_in_box(1, 0, 0.5)  # vertical
    np.testing.assert_allclose(xs, 0.5)
    assert line_in_box(1, 1, 10)[0].size == 0  # misses the box


def test_slide_xnor_network_table() -> None:
    state = two_layer_state(**slide_xnor_network())
    assert state.hidden_input[:, 0].tolist() == [0, 1, 1, 2]
    assert state.hidden_input[:, 1].tolist() == [0, -1, -1, -2]
    assert state.hidden_output[:, 0].tolist() == [0, 0, 0, 1]
    assert state.hidden_output[:, 1].tolist() == [1, 0, 0, 0]
    assert state.output.tolist() == [1, 0, 0, 1]
    assert state.computes == "XNOR" and state.correct == 4
    assert state.hidden_separable
    table = two_layer_table(state)
    assert table.column("") == ["x1", "o1", "o2", "x2"]
    assert table.column("h2 input") == ["0", "-1", "-1", "-2"]
    with pytest.raises(ValueError, match=r"W must have shape \(2, 2\)"):
        two_layer_state([1, 1], [2, 0])
    with pytest.raises(ValueError, match="theta must hold the 2 hidden thresholds"):
        two_layer_state(np.eye(2), [1, 2, 3])


def test_gate_explorer_updates_table_figure_and_name() -> None:
    explorer = gate_explorer()
    assert "computes: AND" in explorer.text
    first = explorer.image.value
    state = explorer.set(theta=1.0)
    assert state.name == "OR" and state.outputs == (0, 1, 1, 1)
    assert "computes: OR" in explorer.text
    assert explorer.image.value != first
    state = explorer.set(w1=-1.0, w2=-1.0, theta=-1.5)
    assert state.name == "NAND"
    assert "XNOR rows right: 1 of 4" in explorer.text  # 1110 against 1001
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle and "computes: NAND" in bundle["text/plain"]


@pytest.mark.parametrize("end", [0, 1])
def test_explorers_extreme_sliders_do_not_warn(end) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(?!lecturelib)")
        for explorer in (gate_explorer(), two_layer_explorer()):
            values = {name: (c.min if end == 0 else c.max) for name, c in explorer.controls.items()}
            explorer.set(**values)
            assert explorer.text


def test_two_layer_explorer_updates_both_plots_and_table() -> None:
    explorer = two_layer_explorer()
    assert "network computes: XNOR (4 of 4" in explorer.text
    assert "separable in hidden space: yes" in explorer.text
    first = explorer.image.value
    state = explorer.set(theta1=1.0)  # h1 becomes OR: o1 and o2 now fire too
    assert state.hidden_output[:, 0].tolist() == [0, 1, 1, 1]
    assert state.computes == "TRUE" and not state.hidden_separable
    assert explorer.image.value != first
    assert "separable in hidden space: no" in explorer.text


def test_hidden_layer_state_is_the_slides_output_over_two_hidden_units() -> None:
    slide = slide_xnor_network()
    W, theta = slide["W"], slide["theta"]
    state = hidden_layer_state(W[0, 0], W[0, 1], theta[0], W[1, 0], W[1, 1], theta[1])
    assert state.computes == "XNOR" and state.v.tolist() == [1, 1] and state.theta_out == 1
    xor = hidden_layer_state(1, -1, 1, -1, 1, 1)  # i1 AND NOT i2, NOT i1 AND i2
    assert xor.computes == "XOR"


def test_two_layer_plot_shades_where_each_unit_fires() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.perceptron import TwoLayerPlot

    _, axes = new_figure(1, 2)
    plot = TwoLayerPlot(axes[0, 0], axes[0, 1], hidden_layer_state(1, 1, 2, -1, -1, 0))
    g = plot.gx[0]  # the grid's coordinates along each axis
    h1 = plot.fires[0]
    # h1 = AND fires where i1 + i2 >= 2: the top-right corner only
    assert h1[-1, -1] and not h1[0, 0]
    assert np.array_equal(h1, plot.gx + plot.gy >= 2)
    assert np.array_equal(plot.fires[1], -plot.gx - plot.gy >= 0)
    picture = np.asarray(plot.in_side.get_array())  # (row, column, RGB) over the grid
    green = plot.region_colors[1]  # h1 alone fires
    assert np.array_equal(np.all(picture == green, axis=-1), h1 & ~plot.fires[1])
    out = np.asarray(plot.out_side.get_array())
    assert np.array_equal(out, (plot.gx + plot.gy >= 1).astype(float))
    plot.update(hidden_layer_state(1, 1, 1, -1, -1, 0))  # h1 becomes OR: more of it fires
    assert plot.fires[0].sum() > h1.sum()
    assert np.all(np.asarray(plot.in_side.get_array())[plot.fires[0] & ~plot.fires[1]] == green)
    assert g[0] < 0 < 1 < g[-1]


def test_learned_xnor_success_and_failure() -> None:
    success = learn_xnor(4, seed=0)
    assert success.solved and success.loss <= 1e-3
    assert np.all(success.p_correct > 0.99)
    assert success.hidden.shape == (4, 4)
    runs = count_solved([2], seeds=range(12))
    fails = [f for f in runs[2] if not f.solved]
    assert fails, "with 2 hidden units some seeds should fail"
    for f in fails:
        # A genuine stationary point, not a run stopped too early.
        assert f.grad_norm < 1e-4 and f.loss > 0.3
    with pytest.raises(ValueError, match="hidden must be a whole number"):
        learn_xnor(0)


def test_output_boundary_is_where_p_fire_is_one_half() -> None:
    from lecturelib.perceptron import INPUTS

    on_the_line = 0
    for seed in range(4):  # seed 0 fails with o2 and x2 merged at p = 0.5; seed 3 succeeds
        fit = learn_xnor(2, seed)
        a, c = fit.output_boundary()
        p_fire = fit.net.predict_proba(INPUTS)[:, 1]
        # Softmax of two scores is the logistic function of their difference a . h + c.
        np.testing.assert_allclose(1 / (1 + np.exp(-(fit.hidden @ a + c))), p_fire, atol=1e-12)
        d = fit.boundary_distance()
        assert d.shape == (4,) and np.all(d >= 0)
        half = np.abs(p_fire - 0.5) < 1e-6
        assert np.all(d[half] < 1e-6) and np.all(d[~half] > 1e-3)
        on_the_line += int(half.sum())
    assert on_the_line >= 2  # the failure's two merged points lie on the line


def test_count_solved_progress_bar_can_be_switched_off(capsys, monkeypatch) -> None:
    monkeypatch.setenv("TQDM_DISABLE", "")  # make test sets it: no bars in stored outputs
    quiet = count_solved([2], seeds=range(2), progress=False)
    assert capsys.readouterr().err == ""
    shown = count_solved([2], seeds=range(2), progress=True)
    assert "training" in capsys.readouterr().err
    assert [f.loss for f in quiet[2]] == [f.loss for f in shown[2]]


def test_small_integer_units_include_the_slides_units() -> None:
    from lecturelib.perceptron import small_integer_unit

    assert small_integer_unit((0, 0, 0, 1)) == (1, 1, 2)  # the slide's AND
    assert small_integer_unit((1, 0, 0, 0)) == (-1, -1, 0)  # the slide's h2 (NOR)
    assert small_integer_unit(XNOR) is None
    for f in BOOLEAN_FUNCTIONS:
        unit = small_integer_unit(f.outputs)
        if unit is not None:
            assert tuple(threshold_unit(INPUTS, unit[:2], unit[2]).tolist()) == f.outputs
    with pytest.raises(ValueError, match="limit must be"):
        small_integer_unit((0, 0, 0, 1), limit=-1)


def test_learned_hidden_space_shades_where_the_network_fires() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.perceptron import plot_learned_hidden_space

    fit = next(f for f in count_solved([2], seeds=range(12))[2] if f.solved)
    _, axes = new_figure()
    plot_learned_hidden_space(axes[0, 0], fit)
    (layer,) = axes[0, 0].images
    shade = np.asarray(layer.get_array())
    left, right, bottom, top = layer.get_extent()
    n = shade.shape[0]
    for h, fires in zip(fit.hidden, XNOR, strict=True):  # each point's grid cell
        col = round(float((h[0] - left) / (right - left) * (n - 1)))
        row = round(float((h[1] - bottom) / (top - bottom) * (n - 1)))
        assert shade[row, col] == fires


def _side_colours(ax, points):
    """The colour the figure shows at each data point of ``points`` from the shading alone
    (every other artist hidden, so markers, lines and labels do not get in the way)."""
    from matplotlib.image import AxesImage

    from lecturelib.plots import agg_canvas

    hidden = [a for a in ax.get_children() if not isinstance(a, AxesImage) and a.get_visible()]
    for artist in hidden:
        artist.set_visible(False)
    canvas = agg_canvas(ax.figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba(), dtype=float)[..., :3] / 255
    for artist in hidden:
        artist.set_visible(True)
    xy = ax.transData.transform(np.asarray(points, dtype=float))
    rows = pixels.shape[0] - 1 - np.floor(xy[:, 1]).astype(int)
    return pixels[rows, np.floor(xy[:, 0]).astype(int)]


def _over_white(*layers):
    """The colour of see-through layers (colour, alpha) painted in order over white."""
    from matplotlib.colors import to_rgb

    out = np.ones(3)
    for color, alpha in layers:
        out = alpha * np.array(to_rgb(color)) + (1 - alpha) * out
    return out


def test_gate_plot_shades_both_sides_of_its_line() -> None:
    from lecturelib.plots import new_figure
    from lecturelib.plots.perceptron import _FIRE, GatePlot

    _, axes = new_figure()
    ax = axes[0, 0]
    plot = GatePlot(ax, gate_state(1, 1, 2))  # AND
    fire, quiet = _over_white((_FIRE(1.0), 1.0)), _over_white((_FIRE(0.0), 1.0))
    assert np.abs(fire - quiet).max() > 0.05  # the two sides look different
    rng = np.random.default_rng(0)
    points = rng.uniform(-0.2, 1.2, size=(40, 2))
    for w1, w2, theta in ((1, 1, 2), (1, 1, 1), (-1, 0.5, -0.3)):
        plot.update(gate_state(w1, w2, theta))
        net = points @ [w1, w2] - theta
        away = np.abs(net) > 0.05  # off the line, whose cells may go either way
        shown = _side_colours(ax, points[away])
        expected = np.where((net[away] >= 0)[:, None], fire, quiet)
        np.testing.assert_allclose(shown, expected, atol=0.02)


def test_two_layer_plot_shades_both_sides_of_every_line_and_names_regions() -> None:
    from lecturelib.plots import COLORS, new_figure
    from lecturelib.plots.perceptron import FIRE_ALPHA, QUIET_ALPHA, TwoLayerPlot

    _, axes = new_figure(1, 2, figsize=(8.0, 4.9))
    ax_in, ax_hidden = axes[0]
    green, orange = (COLORS["green"], FIRE_ALPHA), (COLORS["orange"], FIRE_ALPHA)
    grey, purple = (COLORS["grey"], QUIET_ALPHA), (COLORS["purple"], FIRE_ALPHA)
    plot = TwoLayerPlot(ax_in, ax_hidden, hidden_layer_state(1, 1, 2, -1, -1, 0))  # the slide's
    # Input space: h1 = [i1 + i2 >= 2] fires top right, h2 = [-i1 - i2 >= 0] bottom left.
    shown = _side_colours(ax_in, [(1.15, 1.15), (-0.2, -0.2), (0.5, 0.5)])
    for colour, layers in zip(shown, ([green], [orange], [grey]), strict=True):
        np.testing.assert_allclose(colour, _over_white(*layers), atol=0.02)
    # Hidden space: o = [h1 + h2 >= 1] fires above the line, not below.
    shown = _side_colours(ax_hidden, [(1.1, 1.1), (0.2, 0.2)])
    np.testing.assert_allclose(shown, [_over_white(purple), _over_white(grey)], atol=0.02)

    # Each region is named by the code h = (h1, h2) its inputs get; empty codes are hidden.
    def codes_shown():
        named = {}
        for label, (a, b) in zip(plot.code_labels, plot.codes, strict=True):
            if label.get_visible():
                x, y = label.get_position()
                named[(a, b)] = (int(x + y >= plot_state.theta[0]), int(-x - y >= 0))
        return named

    plot_state = hidden_layer_state(1, 1, 2, -1, -1, 0)
    named = codes_shown()
    assert set(named) == {(1, 0), (0, 1), (0, 0)}  # h1 and h2 never fire together here
    assert all(code == where for code, where in named.items())
    # h1 = [i1 + i2 >= -0.5] and h2 = [i1 + i2 <= 0] both fire on the strip between.
    plot_state = hidden_layer_state(1, 1, -0.5, -1, -1, 0)
    plot.update(plot_state)
    shown = _side_colours(ax_in, [(-0.2, 0.0), (1.0, 0.5)])  # both fire; only h1 fires
    np.testing.assert_allclose(shown[0], _over_white(green, orange), atol=0.02)
    np.testing.assert_allclose(shown[1], _over_white(green), atol=0.02)
    named = codes_shown()
    assert (1, 1) in named and (0, 0) not in named
    assert all(code == where for code, where in named.items())


def test_learned_hidden_space_shows_each_side_in_its_colour() -> None:
    from lecturelib.plots import COLORS, new_figure
    from lecturelib.plots.perceptron import FIRE_ALPHA, QUIET_ALPHA, plot_learned_hidden_space

    fit = learn_xnor(2, seed=3)
    assert fit.solved
    _, axes = new_figure()
    plot_learned_hidden_space(axes[0, 0], fit)
    shown = _side_colours(axes[0, 0], fit.hidden)
    fire = _over_white((COLORS["purple"], FIRE_ALPHA))
    quiet = _over_white((COLORS["grey"], QUIET_ALPHA))
    expected = np.where(np.array(XNOR, dtype=bool)[:, None], fire, quiet)
    np.testing.assert_allclose(shown, expected, atol=0.02)


def test_xnor_networks_light_the_units_that_fire_for_each_input() -> None:
    from matplotlib.colors import to_rgba

    from lecturelib.plots import COLORS
    from lecturelib.plots.perceptron import plot_xnor_networks

    state = two_layer_state(**slide_xnor_network())
    fig = plot_xnor_networks(title="what to look at")
    assert fig._suptitle.get_text().startswith("what to look at\n")
    assert len(fig.axes) == 4
    blue, white = to_rgba(COLORS["blue"]), to_rgba("white")
    for index, ax in enumerate(fig.axes):  # x1, o1, o2, x2, as in the slide's table
        circles = list(ax.patches)  # inputs, hidden units, output
        lit = [c.get_facecolor() == pytest.approx(blue) for c in circles]
        dark = [c.get_facecolor() == pytest.approx(white) for c in circles]
        fired = [*INPUTS[index], *state.hidden_output[index], state.output[index]]
        assert lit == [bool(v) for v in fired] and dark == [not v for v in fired]
        assert f"o = {state.output[index]}" in ax.get_title()
        texts = [t.get_text() for t in ax.texts]
        assert r"$\theta = 2$" in texts and r"$\theta = 1$" in texts
