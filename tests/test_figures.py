"""Pictures at PIXEL_DENSITY (lecturelib.plots.to_png and friends): 2x pixels, shown at 1x.

A notebook stores each figure as a palette PNG with twice the pixels of its displayed size,
and the displayed (1x) size as the output's ``width``/``height`` metadata; an explorer's
image is laid out at its 1x width. These tests check the pixel counts, the sizes, the file
size against a full-colour 1x picture, the metadata IPython writes, and that the HTML export
(nbconvert) honours it.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import IPython
import nbformat
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from PIL import Image

from lecturelib.htmlexport import export_notebook
from lecturelib.plots import (
    DPI,
    PIXEL_DENSITY,
    SeriesFigure,
    css_size,
    figure_png,
    new_figure,
    png_size,
    register_png_display,
    to_png,
)
from lecturelib.plots.activations import plot_activations
from lecturelib.widgets import Explorer, _snapshot_png, slider


def _typical(figsize: tuple[float, float] = (6.0, 3.5)) -> SeriesFigure:
    """A figure like the notebooks': three curves, a legend, a title and mathtext labels."""
    fig, axes = new_figure(figsize=figsize)
    ax = axes[0, 0]
    x = np.linspace(-3, 3, 400)
    for k in (1, 2, 3):
        ax.plot(x, np.sin(k * x), label=rf"$\sin({k}x)$")
    ax.set_xlabel("$x$")
    ax.set_ylabel(r"$\hat{y}$")
    ax.set_title("Three curves: higher k, more wiggles")
    ax.legend(frameon=False)
    return fig


def _full_colour_1x(fig) -> bytes:
    """What the series stored before: a full-colour PNG at the displayed resolution."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi)
    return buffer.getvalue()


def test_to_png_has_pixel_density_times_the_1x_pixels() -> None:
    fig = _typical((6.0, 3.5))
    assert isinstance(fig, SeriesFigure) and fig.dpi == DPI == 80 and PIXEL_DENSITY == 2
    png = to_png(fig)
    assert png_size(png) == (960, 560)  # 6 x 3.5 inches at 80 px/inch, twice over
    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (960, 560)
        assert image.mode == "P"  # a palette picture
        assert len(image.getcolors(maxcolors=256) or []) <= 256
    assert png_size(to_png(fig, dpi=40)) == (480, 280)  # dpi is the displayed resolution


@pytest.mark.parametrize("figsize", [(6.0, 3.5), (6.33, 2.71), (9.99, 3.01)])
def test_frame_is_the_saved_picture_pixel_for_pixel(figsize: tuple[float, float]) -> None:
    # An explorer's frame skips writing and reading a PNG: the same pixels as the figure
    # saved at 2x and reduced to the same palette, also for sizes that are not whole pixels.
    fig = _typical(figsize)
    saved = io.BytesIO()
    fig.savefig(saved, format="png", dpi=PIXEL_DENSITY * fig.dpi)
    with Image.open(saved) as image:
        expected = np.asarray(
            image.quantize(256, Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).convert("RGBA")
        )
    with Image.open(io.BytesIO(to_png(fig))) as image:
        assert image.size == (int(160 * figsize[0]), int(160 * figsize[1]))
        np.testing.assert_array_equal(np.asarray(image.convert("RGBA")), expected)


def test_css_size_is_the_1x_size() -> None:
    fig = _typical((6.0, 3.5))
    assert css_size(to_png(fig)) == (480, 280)
    assert css_size(to_png(fig)) == png_size(_full_colour_1x(fig))
    with pytest.raises(ValueError, match="not a PNG"):
        png_size(b"GIF89a" + bytes(30))


@pytest.mark.parametrize("make", [_typical, plot_activations], ids=["lines", "activations"])
def test_palette_2x_is_smaller_than_full_colour_1x(make) -> None:
    # Measured: 27 KB against 41 KB (three curves), 47 KB against 63 KB (notebook 04's
    # 2 x 4 panels of activations); the palette keeps flat colours flat, so it compresses.
    fig = make()
    palette_2x, full_1x = to_png(fig), _full_colour_1x(fig)
    assert png_size(palette_2x) == tuple(PIXEL_DENSITY * n for n in png_size(full_1x))
    assert len(palette_2x) < len(full_1x)
    assert len(to_png(fig, optimize=True)) <= len(palette_2x)


def test_palette_keeps_the_figures_colours() -> None:
    # No dithering and up to 256 colours: the Okabe-Ito line colours survive exactly.
    fig, axes = new_figure(figsize=(2.0, 2.0))
    axes[0, 0].axhspan(0, 1, color="#0072B2")  # blue, a flat area
    axes[0, 0].set_axis_off()
    with Image.open(io.BytesIO(to_png(fig))) as image:
        colours = {rgba for _, rgba in image.convert("RGBA").getcolors(maxcolors=256)}
    assert (0, 0x72, 0xB2, 255) in colours


def test_figure_png_stores_2x_pixels_with_1x_metadata() -> None:
    fig = _typical()
    data, metadata = figure_png(fig)
    png = base64.b64decode(data)
    width, height = png_size(png)
    assert set(metadata) == {"width", "height"}
    assert metadata == {"width": round(width / 2), "height": round(height / 2)}
    # Cropped to what is drawn (bbox_inches="tight"), so near but not exactly 480 x 280.
    assert abs(metadata["width"] - 480) < 30 and abs(metadata["height"] - 280) < 30
    assert (width, height) != png_size(to_png(fig))


def _pixels(png) -> np.ndarray:
    """A PNG's pixels as RGBA (a palette picture and a full-colour one compare equal)."""
    with Image.open(io.BytesIO(png)) as image:
        return np.asarray(image.convert("RGBA"))


def _explorer(figsize: tuple[float, float] = (5.0, 2.5)) -> Explorer:
    fig, axes = new_figure(figsize=figsize)
    (line,) = axes[0, 0].plot([], [])
    axes[0, 0].set_xlim(0, 1)
    axes[0, 0].set_ylim(-3, 3)

    def redraw(a: float) -> None:
        line.set_data([0, 1], [0, a])

    return Explorer({"a": slider(1.0, -2, 2)}, lambda a: a, fig, redraw, lambda a: f"a = {a}")


def test_explorer_image_is_laid_out_at_its_1x_width() -> None:
    explorer = _explorer((5.0, 2.5))
    assert png_size(explorer.image.value) == (800, 400)
    assert explorer.image.layout.width == "400px"  # 5 inches at 80 px/inch
    assert explorer.image.layout.max_width == "100%"
    explorer.set(a=-1.5)
    assert explorer.image.layout.width == "400px"
    data, metadata = _snapshot_png(explorer)
    stored = base64.b64decode(data)
    # The stored snapshot is the live frame's picture, compressed tightly.
    assert np.array_equal(_pixels(stored), _pixels(explorer.image.value))
    assert len(stored) < len(explorer.image.value)
    assert metadata == {"width": 400, "height": 200}


def test_register_png_display_outside_ipython_does_nothing() -> None:
    assert IPython.get_ipython() is None
    assert register_png_display(SeriesFigure, figure_png) is False


class _Shell:
    def __init__(self) -> None:
        self.display_formatter = DisplayFormatter()


def test_in_ipython_a_figure_and_an_explorer_get_their_1x_size(monkeypatch) -> None:
    shell = _Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    assert register_png_display(SeriesFigure, figure_png) is True
    assert register_png_display(Explorer, _snapshot_png) is True
    data, metadata = shell.display_formatter.format(_typical())
    width, height = png_size(base64.b64decode(data["image/png"]))
    assert metadata["image/png"] == {"width": round(width / 2), "height": round(height / 2)}
    # The hook wins over the explorer's own _repr_mimebundle_ picture (which has no size).
    explorer = _explorer((5.0, 2.5))
    data, metadata = shell.display_formatter.format(explorer)
    assert base64.b64decode(data["image/png"]) == explorer.snapshot()
    assert metadata["image/png"] == {"width": 400, "height": 200}
    assert data["text/plain"] == "a = 1.0"


def test_html_export_shows_a_picture_at_its_metadata_size(tmp_path: Path) -> None:
    data, metadata = figure_png(_typical())
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("fig")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"image/png": data}, metadata={"image/png": metadata}
        )
    ]
    nb.cells = [cell]
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    page = export_notebook(path, tmp_path / "html").read_text(encoding="utf-8")
    (img,) = re.findall(r"<img [^>]*>", page)
    assert f"width={metadata['width']}" in img.replace('"', "")
    assert f"height={metadata['height']}" in img.replace('"', "")
