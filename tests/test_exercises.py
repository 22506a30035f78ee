"""Every exercise is solvable, rejects plausible wrong answers, and hides its answer.

The checkers live in ``lecturelib.exercises`` (``nbNN`` modules), the references and wrong
answers in ``tests/solutions`` (``nbNN`` modules).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from lecturelib.checks import CORRECT, NOT_ANSWERED
from lecturelib.exercises import all_exercises
from tests.solutions import all_solutions

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
EXERCISES = all_exercises()
SOLUTIONS = all_solutions()


def test_every_exercise_has_a_reference_and_a_wrong_answer() -> None:
    assert set(EXERCISES) == set(SOLUTIONS), (
        f"no solution for {sorted(set(EXERCISES) - set(SOLUTIONS))}; "
        f"no exercise for {sorted(set(SOLUTIONS) - set(EXERCISES))}"
    )
    for key, solution in SOLUTIONS.items():
        assert solution.right and solution.wrong, key


@pytest.mark.parametrize("key", sorted(SOLUTIONS))
def test_the_reference_passes_and_wrong_answers_fail(key: str) -> None:
    exercise, solution = EXERCISES[key], SOLUTIONS[key]
    assert exercise.verdict(None) == NOT_ANSWERED
    for answer in solution.right:
        assert exercise.verdict(answer) == CORRECT, (key, answer)
    for answer in solution.wrong:
        verdict = exercise.verdict(answer)
        assert verdict.startswith("Not yet"), (key, answer, verdict)
        for right in solution.right:  # a hint never gives the answer away
            if isinstance(right, (float, np.floating)) and not float(right).is_integer():
                assert f"{right:.3g}" not in verdict, (key, verdict)


def _notebook_text(path: Path) -> tuple[str, str]:
    """(code and markdown, text outputs) of a committed notebook."""
    nb = json.loads(path.read_text())
    sources, outputs = [], []
    for cell in nb["cells"]:
        sources.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            if "text" in out:
                outputs.append("".join(out["text"]))
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in out.get("data", {}):
                    outputs.append("".join(out["data"][key]))
    return "\n".join(sources), "\n".join(outputs)


CALL = re.compile(r"\bnb(\d\d)\.(ex\w*)\(")


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_notebook_exercises_are_registered_unanswered_and_not_on_screen(path: Path) -> None:
    source, outputs = _notebook_text(path)
    for number, name in CALL.findall(source):
        module = __import__(f"lecturelib.exercises.nb{number}", fromlist=[name])
        assert hasattr(module, name), f"{path.name} calls nb{number}.{name}, which is missing"
    assert CORRECT not in outputs, f"{path.name} was committed with an answered exercise"
    number = path.name[:2]
    for key, solution in SOLUTIONS.items():
        if not key.startswith(number + "."):
            continue
        for right in solution.right:  # a numeric answer must not be printed in its notebook
            if isinstance(right, (float, np.floating)) and not float(right).is_integer():
                for shown in {f"{right:.3g}", f"{right:.2f}", f"{right:.4g}"}:
                    assert shown not in outputs, f"{key}'s answer {shown} is printed in {path.name}"
