"""The two install paths (pip and conda) list the same packages; the package imports cleanly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENT = re.compile(r"^\s*-\s+([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", line)
        assert match, line
        specs[_normalise(match[1])] = match[2].replace(" ", "")
    return specs


def _conda_requirements() -> dict[str, str]:
    specs = {}
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = lines.index("dependencies:") + 1  # the channels list above is not packages
    for line in lines[start:]:
        if line.startswith("      "):  # the nested pip: list
            continue
        match = REQUIREMENT.match(line)
        if match and match[1] not in ("python", "pip"):
            specs[_normalise(match[1])] = (match[2] or "").replace(" ", "")
    return specs


def test_environment_yml_matches_pyproject() -> None:
    pip, conda = _pyproject_requirements(), _conda_requirements()
    assert sorted(pip) == sorted(conda), (
        f"only in pyproject.toml: {sorted(set(pip) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pip))}"
    )
    differing = {k: (pip[k], conda[k]) for k in pip if pip[k] != conda[k]}
    assert not differing, f"version specifiers differ (pyproject, environment.yml): {differing}"


def test_environment_yml_pins_a_python_that_lecturelib_supports() -> None:
    """repo2docker (Binder) builds with the Python of a ``python=X.Y`` line, else its default.

    Its parser is the regex below (repo2docker's ``PYTHON_REGEX``): ``python>=3.11`` does not
    match it, and the image would get Python 3.10, which ``requires-python`` refuses.
    """
    lines = (ROOT / "environment.yml").read_text().splitlines()
    found = [m[1] for line in lines if (m := re.match(r"^\s*-\s*python\s*=+\s*([\d.]*)$", line))]
    assert len(found) == 1, f"environment.yml needs one 'python=X.Y' line, found {found}"
    major, minor = (int(part) for part in found[0].split(".")[:2])
    floor = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    low = re.fullmatch(r">=(\d+)\.(\d+)", floor)
    assert low, f"requires-python is {floor!r}; this test reads a '>=X.Y' floor"
    assert (major, minor) >= (int(low[1]), int(low[2])), (found[0], floor)
    assert (major, minor) == sys.version_info[:2] or not os.environ.get("CI"), (
        f"environment.yml pins Python {found[0]}, but CI tests {sys.version_info[:2]}: "
        "pin the version the tests run on"
    )


def test_parsers_see_the_packages() -> None:
    # Guards the test above against parsing nothing and passing vacuously.
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "nbval"} <= set(
        _conda_requirements()
    )
    assert len(_pyproject_requirements()) >= 10


@pytest.mark.parametrize(
    "module", ["autodiff", "gradcheck", "mlp", "optim", "regression", "tables", "plots"]
)
def test_library_below_widgets_does_not_import_ipywidgets(module: str) -> None:
    """Arrows point down: only lecturelib.widgets may import ipywidgets."""
    code = (
        f"import sys, lecturelib.{module}; "
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_engine_does_not_import_matplotlib() -> None:
    code = (
        "import sys, lecturelib.autodiff, lecturelib.mlp, lecturelib.optim; "
        "assert 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
