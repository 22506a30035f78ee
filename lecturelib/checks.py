"""Self-checks for the exercises at the end of each notebook.

A check tests a *property* of the student's answer (for example "the loss is zero at your
b") rather than comparing it with a printed solution, so running it does not give the
answer away.

:func:`claim` is the same idea for the notebook's own text: a sentence that states a number
or a comparison is checked by code right under it, and the printed line is what nbval
compares. A change in ``lecturelib`` that breaks a claim turns its mark into ``✗`` and fails
``make test``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["CORRECT", "NOT_ANSWERED", "NOT_WRITTEN", "Exercise", "claim", "self_check"]

NOT_ANSWERED = "Not answered yet: replace None with your answer and run this cell again."
NOT_WRITTEN = (
    "Not written yet: replace the line that raises NotImplementedError with your code and "
    "run this cell again."
)
CORRECT = "Correct!"
HOLDS, FAILS = "✓", "✗ DOES NOT HOLD:"


def claim(statement: str, holds: Any) -> None:
    """Print ``✓ statement`` if ``holds`` is true, else ``✗ DOES NOT HOLD: statement``.

    Used in notebooks under a sentence of the text that states a number or a comparison,
    e.g. ``claim("the deep network's median error is below the wide one's", m_deep < m_wide)``.
    ``holds`` must be a plain or numpy boolean (not an array: say ``all`` or ``any``).
    Returns nothing, so a cell may end with a claim without echoing a value.
    """
    if not isinstance(statement, str) or not statement:
        raise TypeError(f"claim: statement must be a non-empty string, got {statement!r}")
    if isinstance(holds, np.ndarray) and holds.ndim > 0:
        raise TypeError(
            f"claim {statement!r}: holds is an array of shape {holds.shape}; "
            "reduce it with .all() or .any()"
        )
    if not isinstance(holds, (bool, np.bool_)):
        raise TypeError(
            f"claim {statement!r}: holds must be a boolean (a comparison), "
            f"got {type(holds).__name__} {holds!r}"
        )
    print(f"{HOLDS} {statement}" if holds else f"{FAILS} {statement}")


def self_check(answer: Any, test: Callable[[Any], bool | str], hint: str = "") -> None:
    """Print whether ``answer`` passes ``test``; never raises on a wrong answer.

    ``None`` means "not answered yet"; a skeleton whose code still raises
    ``NotImplementedError`` (a node class whose ``backward`` the student has not written)
    means "not written yet".
    ``test`` returns ``True`` for a right answer,
    ``False`` for a wrong one (then ``hint`` is shown), or a string: a hint made for this
    particular wrong answer ("the sign is flipped", "a child's term is missing"). A ``test``
    that raises on a malformed answer counts as "not yet", with the error's message, so a
    typo never ends in a traceback.
    """
    print(_verdict(answer, test, hint))


def _verdict(answer: Any, test: Callable[[Any], bool | str], hint: str) -> str:
    if answer is None:
        return NOT_ANSWERED
    try:
        result = test(answer)
    except NotImplementedError:  # a code skeleton the student has not filled in yet
        return NOT_WRITTEN
    except Exception as error:  # a malformed answer: explain, do not crash
        return f"Not yet ({type(error).__name__}: {error})" + (f". Hint: {hint}" if hint else ".")
    if isinstance(result, str):
        return f"Not yet. Hint: {result}"
    if bool(result):
        return CORRECT
    return "Not yet" + (f". Hint: {hint}" if hint else ".")


@dataclass(frozen=True)
class Exercise:
    """An exercise's checker, kept in :mod:`lecturelib.exercises` (off the student's screen).

    ``test(answer)`` decides, as for :func:`self_check`: ``True``, ``False`` (then ``hint``
    is shown) or a hint written for that wrong answer. A test checks a *property* of the
    answer, or compares it with a reference computed inside the test, never printed.
    Reference solutions and plausible wrong answers live in ``tests/solutions/``; the tests
    prove that the reference passes and that every wrong answer is rejected.

    Calling the exercise prints the verdict: ``ex(my_answer)`` in a notebook cell.
    """

    key: str  # "NN.k": notebook NN, exercise k
    prompt: str  # what the exercise asks, in one line (for the closing notes and tests)
    test: Callable[[Any], bool | str]
    hint: str = ""

    def verdict(self, answer: Any) -> str:
        """The message a student sees for ``answer``: not answered, not yet (+ hint), correct."""
        return _verdict(answer, self.test, self.hint)

    def __call__(self, answer: Any) -> None:
        print(self.verdict(answer))
