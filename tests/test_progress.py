"""Progress bars never reach the outputs nbval compares when TQDM_DISABLE is set."""

from __future__ import annotations

import pytest
import tqdm.notebook

from lecturelib import progress


def test_the_notebook_bar_honours_tqdm_disable(monkeypatch: pytest.MonkeyPatch) -> None:
    # tqdm's own notebook bar ignores TQDM_DISABLE; ours passes disable=True explicitly.
    monkeypatch.setattr(progress, "_tqdm", tqdm.notebook.tqdm)
    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert tqdm.notebook.tqdm(total=3).disable is False  # the behaviour worked around
    assert progress.progress_bar(total=3).disable is True
    monkeypatch.setenv("TQDM_DISABLE", "")
    assert progress.bars_disabled() is False


def test_a_delayed_bar_appears_only_after_its_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TQDM_DISABLE", "1")
    bar = progress.DelayedBar(total=10, desc="work", delay=3600)
    bar.update(5)
    assert bar.bar is None and bar.n == 5
    with progress.DelayedBar(total=10, desc="work", delay=0) as shown:
        shown.update(2)
        assert shown.bar is not None and shown.bar.disable
