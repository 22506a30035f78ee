"""Press Play in JupyterLab + Chromium: the figure moves, and pause stops it.

Every notebook whose code builds a Player (lecturelib.widgets.player) is opened and run;
each Play control is pressed, the figure must change several times, and after pause it
must stop changing. How many frames per second is measured by ``make bench``, not here.
"""

from __future__ import annotations

import json
import time

import pytest

from .conftest import ROOT
from .lab import (
    error_outputs,
    open_notebook,
    play_frames,
    player_count,
    player_image,
    run_all,
    shutdown_kernels,
)


def notebooks_with_players() -> list[str]:
    """Notebooks whose code makes a Player (an explorer with Play, Step and Reset)."""
    names = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        source = "".join(
            "".join(cell["source"])
            for cell in json.loads(path.read_text())["cells"]
            if cell["cell_type"] == "code"
        )
        if "_player(" in source:
            names.append(path.name)
    return names


@pytest.mark.parametrize("name", notebooks_with_players())
def test_play_moves_the_figure_and_pause_stops_it(name: str, lab_server, page) -> None:
    try:
        open_notebook(page, lab_server.notebook_url(name))
        run_all(page)
        assert error_outputs(page) == []
        players = player_count(page)
        assert players >= 1, f"{name} makes a Player, but none shows a Play control"
        for index in range(players):
            frames, _ = play_frames(page, index, seconds=3.0)
            assert frames >= 3, f"{name}, player {index}: {frames} figure updates in 3 s"
            time.sleep(1.0)  # frames already on their way may still land
            paused = player_image(page, index)
            time.sleep(1.5)
            assert player_image(page, index) == paused, f"{name}, player {index}: pause"
        assert error_outputs(page) == []
    finally:
        shutdown_kernels(lab_server)
