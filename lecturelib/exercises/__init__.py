"""The series' exercises: one module per notebook (``nb09`` for notebook 09), each a set of
:class:`~lecturelib.checks.Exercise` checkers.

A notebook cell imports its notebook's checkers and calls one with the student's answer::

    from lecturelib.exercises import nb09
    my_grad = None  # your answer
    nb09.ex1(my_grad)

The reference solutions are not here: they live in ``tests/solutions/`` with a plausible
wrong answer for each exercise, and ``tests/test_exercises.py`` proves that every exercise
is solvable and that its checker rejects the wrong answers.
"""

from __future__ import annotations

import importlib
import pkgutil

from lecturelib.checks import Exercise

__all__ = ["all_exercises"]


def all_exercises() -> dict[str, Exercise]:
    """Every exercise of the series by key (``"09.1"``), from the modules ``nbNN``."""
    found: dict[str, Exercise] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("nb"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, Exercise):
                if value.key in found and found[value.key] is not value:
                    raise ValueError(f"two exercises share the key {value.key!r}")
                found[value.key] = value
    return dict(sorted(found.items()))
