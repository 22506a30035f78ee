"""Self-checks for the exercises at the end of each notebook.

A check tests a *property* of the student's answer (for example "the loss is zero at your
b") rather than comparing it with a printed solution, so running it does not give the
answer away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["self_check"]

NOT_ANSWERED = "Not answered yet: replace None with your answer and run this cell again."


def self_check(answer: Any, test: Callable[[Any], bool], hint: str = "") -> None:
    """Print whether ``answer`` passes ``test``; never raises on a wrong answer.

    ``None`` means "not answered yet". A ``test`` that raises on a malformed answer counts as
    "not yet", with the error's message, so a typo never ends in a traceback.
    """
    if answer is None:
        message = NOT_ANSWERED
    else:
        try:
            passed = bool(test(answer))
            problem = ""
        except Exception as error:  # a malformed answer: explain, do not crash
            passed, problem = False, f" ({type(error).__name__}: {error})"
        if passed:
            message = "Correct!"
        else:
            message = "Not yet" + problem + (f". Hint: {hint}" if hint else ".")
    print(message)
