"""Progress bars for work longer than about 2 s, kept out of the outputs nbval compares.

One home for the series' progress bars. :func:`progress_bar` is tqdm's (the widget bar in
Jupyter, text elsewhere) with one fix: it honours ``TQDM_DISABLE=1`` in Jupyter too. tqdm's
notebook bar ignores that variable, so on a slow or busy machine a bar would appear in a
stored output and strict nbval would fail; ``make test`` and ``make execute`` set it.
:class:`DelayedBar` builds no bar at all until the work has run for ``delay`` seconds.
"""

from __future__ import annotations

import os
import time
from typing import Any

from tqdm.auto import tqdm as _tqdm

__all__ = ["DelayedBar", "bars_disabled", "progress_bar"]


def bars_disabled() -> bool:
    """Whether ``TQDM_DISABLE`` asks for no progress bars (``1``, ``true``, ``yes``)."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() in ("1", "true", "yes")


def progress_bar(*args: Any, **kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(*args, **kwargs)``, switched off when ``TQDM_DISABLE`` is set."""
    if bars_disabled():
        kwargs["disable"] = True
    return _tqdm(*args, **kwargs)


class DelayedBar:
    """A progress bar that appears only once work has run longer than ``delay`` seconds.

    Like tqdm's own ``delay``, but the tqdm bar is not even built before then: a fit that
    takes a millisecond should not spend a tenth of it on a bar nobody sees.
    """

    def __init__(self, total: int, desc: str, delay: float = 2.0) -> None:
        self.total, self.desc, self.delay = total, desc, delay
        self.n = 0
        self.bar: Any = None
        self.start = time.perf_counter()
        if delay <= 0:
            self._show()

    def _show(self) -> None:
        self.bar = progress_bar(total=self.total, desc=self.desc, initial=self.n, leave=False)

    def update(self, n: int = 1) -> None:
        self.n += n
        if self.bar is not None:
            self.bar.update(n)
        elif time.perf_counter() - self.start > self.delay:
            self._show()

    def __enter__(self) -> DelayedBar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
