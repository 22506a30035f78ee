"""Explorer frames drawn by blitting (lecturelib.plots.FrameRenderer): the same pixels as a
whole draw, drawn again whenever anything but the animated artists changes."""

from __future__ import annotations

import io

import numpy as np
import pytest

from lecturelib.plots import PIXEL_DENSITY, FrameRenderer, compact_png, new_figure, to_png
from lecturelib.widgets.approximation import approximation_explorer, gradient_descent_player
from lecturelib.widgets.classification import playground_player
from lecturelib.widgets.features import degree_explorer
from lecturelib.widgets.landscape import descent_player, landscape_explorer
from lecturelib.widgets.linear_models import lambda_explorer, step_size_explorer
from tests.test_figures import _pixels


def _whole(fig) -> np.ndarray:
    """The figure drawn whole, as savefig draws it (the reference picture)."""
    resolution = fig.dpi * PIXEL_DENSITY
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=resolution)
    width, height = (int(n * resolution) for n in fig.get_size_inches())
    return np.frombuffer(raw.getvalue(), np.uint8).reshape(height, width, 4)


def _line_figure():
    fig, axes = new_figure(1, 2, figsize=(5.0, 2.5))
    left, right = axes[0]
    (line,) = left.plot([0, 1], [0, 1], linewidth=3)
    left.plot([0, 1], [1, 0], color="black", linewidth=3)  # static, drawn above the line
    left.set(xlim=(0, 1), ylim=(-2, 2), title="fixed title")
    right.plot([0, 1], [0, 1])
    return fig, left, right, line


def test_a_frame_is_the_whole_picture_pixel_for_pixel() -> None:
    fig, _, _, line = _line_figure()
    frames = FrameRenderer(fig, [line])
    for a in (1.5, -1.0, 0.3):
        line.set_data([0, 1], [0, a])
        assert np.array_equal(frames.rgba(), _whole(fig))
    assert frames.redraws == 1  # one background, three frames
    # Its PNG is that picture with the palette of to_png.
    assert np.array_equal(_pixels(frames.png()), _pixels(to_png(fig)))


def test_a_static_artist_drawn_above_the_moving_one_stays_above() -> None:
    fig, left, _, line = _line_figure()
    frames = FrameRenderer(fig, [line])
    frames.rgba()
    crossing = [a for a in frames._layers(fig.canvas.get_renderer()) if a is not line]
    assert left.lines[1] in crossing  # the black line is drawn after the moving one
    assert left.title not in crossing  # the fixed title lies outside the moving line's box


@pytest.mark.parametrize(
    "change",
    [
        lambda fig, left, right: left.set_ylim(-5, 5),
        lambda fig, left, right: right.set_xlabel("a new label"),
        lambda fig, left, right: left.set_title("a new title"),
        lambda fig, left, right: right.lines[0].set_color("red"),
        lambda fig, left, right: right.plot([0, 1], [1, 1]),
        lambda fig, left, right: right.lines[0].remove(),
        lambda fig, left, right: fig.set_size_inches(6.0, 2.5),
        lambda fig, left, right: right.set_yscale("log"),
    ],
    ids=["limits", "label", "title", "colour", "added", "removed", "size", "scale"],
)
def test_the_background_is_drawn_again_when_anything_else_changes(change) -> None:
    fig, left, right, line = _line_figure()
    frames = FrameRenderer(fig, [line])
    frames.rgba()
    change(fig, left, right)
    assert np.array_equal(frames.rgba(), _whole(fig))
    assert frames.redraws == 2
    frames.rgba()
    assert frames.redraws == 2  # and then kept again


def test_animated_artists_must_belong_to_the_figure() -> None:
    fig, _, _, _ = _line_figure()
    _, _, _, stranger = _line_figure()
    with pytest.raises(ValueError, match=r"artists of this figure.*1 of another"):
        FrameRenderer(fig, [stranger])
    with pytest.raises(ValueError, match="got 0 artist"):
        FrameRenderer(fig, [])


def test_compact_png_keeps_the_pixels_and_is_smaller() -> None:
    fig, _, _, _ = _line_figure()
    frame = to_png(fig, frame=True)
    stored = compact_png(frame)
    assert np.array_equal(_pixels(stored), _pixels(frame))
    assert len(stored) < len(frame)


def _players():
    return [
        ("playground", playground_player, {"depth": 1, "width": 3, "data": "circles"}),
        ("gradient descent", gradient_descent_player, {"target": "abs"}),
        ("descent", descent_player, {"landscape": "saddle", "x0": 0.5}),
    ]


def _play(make, settings, picture) -> list[np.ndarray]:
    """Four pictures of a player: two frames, new settings, two frames."""
    player = make()
    pictures = []
    for k in range(4):
        player.step(2)
        pictures.append(picture(player).copy())
        if k == 1:
            player.set(**settings)
    return pictures


@pytest.mark.parametrize("name, make, settings", _players(), ids=[p[0] for p in _players()])
def test_every_player_frame_is_the_whole_picture(name, make, settings) -> None:
    # Two players side by side, so that no whole draw touches the blitted one's figure.
    blitted = _play(make, settings, lambda p: p.frame_renderer.rgba())
    whole = _play(make, settings, lambda p: _whole(p.figure))
    for k, (frame, reference) in enumerate(zip(blitted, whole, strict=True)):
        assert np.array_equal(frame, reference), (name, k)


def _moves(make, moves, picture) -> list[np.ndarray]:
    explorer = make()
    pictures = []
    for move in moves:
        explorer.set(**move)
        pictures.append(picture(explorer).copy())
    return pictures


EXPLORERS = [
    ("ridge", lambda_explorer, [{"log10_lam": v} for v in (-5.0, -1.0, 0.5)], 1),
    ("degree", degree_explorer, [{"degree": d} for d in (3, 9, 12, 0)], 1),
    (
        "approximation",
        approximation_explorer,
        [{"w1": 0.5}, {"v2": -3.0}, {"w3": 6.0}, {"target": "sin"}, {"b1": 0.2}],
        2,  # the start, and the parts' range stepping up for w3 = 6
    ),
    ("step size", step_size_explorer, [{"log10_lr": v} for v in (-3.0, -1.0, 0.25)], 1),
    (
        "landscape",
        landscape_explorer,
        [{"log10_lr": -1.0}, {"clip": 1.0}, {"landscape": "two minima"}, {"log10_lr": -2.0}],
        2,  # the start, and the new landscape
    ),
]


@pytest.mark.parametrize("name, make, moves, backgrounds", EXPLORERS, ids=[e[0] for e in EXPLORERS])
def test_explorer_frames_are_the_whole_picture(name, make, moves, backgrounds) -> None:
    explorer = make()
    frames = []
    for move in moves:
        explorer.set(**move)
        frames.append(explorer.frame_renderer.rgba())
    whole = _moves(make, moves, lambda e: _whole(e.figure))
    for move, frame, reference in zip(moves, frames, whole, strict=True):
        assert np.array_equal(frame, reference), (name, move)
    assert explorer.frame_renderer.redraws == backgrounds


def test_a_diverging_run_redraws_the_title_it_changes() -> None:
    from lecturelib.widgets.approximation import GD_LEARNING_RATES

    def run(picture):
        player = gradient_descent_player(lr=max(GD_LEARNING_RATES))
        pictures = []
        for _ in range(6):
            player.step(1)
            pictures.append(picture(player).copy())
        assert player.state.diverged
        return pictures

    blitted, whole = run(lambda p: p.frame_renderer.rgba()), run(lambda p: _whole(p.figure))
    for k, (frame, reference) in enumerate(zip(blitted, whole, strict=True)):
        assert np.array_equal(frame, reference), k
