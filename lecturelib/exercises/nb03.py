"""Exercises of notebook 03 (XNOR with a hidden layer).

Each checker decides by a property of the answer or by a count it computes inside the test,
so running a check never shows the answer.
"""

from __future__ import annotations

from typing import Any

from lecturelib.checks import Exercise
from lecturelib.perceptron import count_solved, hidden_layer_state

__all__ = ["ex1", "ex2"]


# --------------------------------------------------------------------------------------
# 03.1: hidden units that make the slide's output unit compute XOR
# --------------------------------------------------------------------------------------
def _test_ex1(units: Any) -> bool | str:
    values = [float(v) for v in units]
    if len(values) != 6:
        return "give six numbers: (w11, w12, theta1, w21, w22, theta2)"
    state = hidden_layer_state(*values)
    if state.computes == "XOR":
        return True
    if state.computes == "XNOR":
        return "that is the slide's XNOR; XOR fires on the other two inputs, (0, 1) and (1, 0)"
    return (
        f"your network computes {state.computes}: with o = [h1 + h2 >= 1] it fires when "
        "either hidden unit fires, so each hidden unit must fire on one of XOR's inputs"
    )


ex1 = Exercise(
    "03.1",
    "hidden units (w11, w12, theta1, w21, w22, theta2) for which the network computes XOR",
    _test_ex1,
    hint="XOR = (i1 AND NOT i2) OR (NOT i1 AND i2); notebook 02's table has a unit for each",
)


# --------------------------------------------------------------------------------------
# 03.2: how many of 100 seeds solve XNOR with 2 tanh hidden units
# --------------------------------------------------------------------------------------
def _test_ex2(answer: Any) -> bool | str:
    if isinstance(answer, bool) or float(answer) != int(answer) or not 0 <= int(answer) <= 100:
        return "a count of seeds is a whole number from 0 to 100"
    n = int(answer)
    tanh = sum(f.solved for f in count_solved([2], range(100), "tanh", progress=False)[2])
    if n == tanh:
        return True
    sigmoid = sum(f.solved for f in count_solved([2], range(100), "sigmoid", progress=False)[2])
    if n in (sigmoid, 100 - sigmoid):
        return "that is the sigmoid count from the table; run the count with tanh units"
    if n == 100 - tanh:
        return "that is the number of failed runs; the question asks for the solved ones"
    return False


ex2 = Exercise(
    "03.2",
    "how many of the 100 seeds solve XNOR with 2 tanh hidden units",
    _test_ex2,
    hint="count_solved([2], range(100), activation='tanh') returns the runs; "
    "each run has a .solved flag",
)
