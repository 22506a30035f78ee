"""Mutation testing of the engine and the optimisers: ``make mutants`` (by hand, not in CI).

mutmut changes the code one small edit at a time (``<`` to ``<=``, ``+`` to ``-``, a constant
to another, ...) and runs the tests against each such *mutant*. A mutant no test catches is a
wrong answer the tests would let through. This runs mutmut on a scratch copy of the project
(never on your tree) and prints the kill rate per module.

    python .ci/mutants.py                  # engine, autodiff, optim, gradcheck (20 min+, 2 cores)
    python .ci/mutants.py lecturelib/optim.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "lecturelib/engine.py",
    "lecturelib/autodiff.py",
    "lecturelib/optim.py",
    "lecturelib/gradcheck.py",
]
TESTS = [
    "tests/test_autodiff.py",
    "tests/test_engine_contracts.py",
    "tests/test_mutants.py",
    "tests/test_optim.py",
    "tests/test_levenberg_marquardt.py",
    "tests/test_mlp.py",
    "tests/test_torch_crosscheck.py",
]


def scratch_copy(target: Path, modules: list[str]) -> None:
    """The package, its tests and a pyproject.toml that tells mutmut what to mutate."""
    for name in ("lecturelib", "tests"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "conftest.py", target / "conftest.py")
    others = sorted(
        str(p.relative_to(target))
        for p in (target / "lecturelib").rglob("*.py")
        if str(p.relative_to(target)) not in modules
    )
    quoted = ", ".join(f'"{p}"' for p in others)
    tests = ", ".join(f'"{t}"' for t in TESTS)
    (target / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        'addopts = "-p no:cacheprovider"\n'
        'filterwarnings = ["error::RuntimeWarning:lecturelib"]\n\n'
        "[tool.mutmut]\n"
        'source_paths = ["lecturelib/"]\n'
        f"do_not_mutate = [{quoted}]\n"
        f"pytest_add_cli_args_test_selection = [{tests}]\n"
        'also_copy = ["conftest.py", "tests"]\n'
    )


def main(argv: list[str]) -> int:
    modules = argv or MODULES
    mutmut = Path(sys.executable).with_name("mutmut")
    if not mutmut.exists():
        print("mutmut is not installed: pip install -e '.[dev,mutants]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lecturelib-mutants-") as tmp:
        work = Path(tmp)
        scratch_copy(work, modules)
        subprocess.run([str(mutmut), "run"], cwd=work, check=False)
        listing = subprocess.run(
            [str(mutmut), "results", "--all", "true"],
            cwd=work,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    counts: dict[str, Counter] = {}
    survivors: list[str] = []
    for line in listing.splitlines():
        match = re.match(r"\s*lecturelib\.(\w+)\.(\S+): (.+)$", line)
        if match:
            counts.setdefault(match[1], Counter())[match[3].strip()] += 1
            if match[3].strip() == "survived":
                survivors.append(f"lecturelib.{match[1]}.{match[2]}")
    # A mutant that makes the tests time out (an endless loop, say) is caught too.
    print("\nmodule      killed  timeout  survived  no tests  kill rate (caught / all)")
    for module, c in sorted(counts.items()):
        total = sum(c.values())
        caught = c["killed"] + c["timeout"]
        print(
            f"{module:10s}  {c['killed']:6d}  {c['timeout']:7d}  {c['survived']:8d}  "
            f"{c['no tests']:8d}  {caught / total:.1%} of {total}"
        )
    print(f"\n{len(survivors)} survivors, e.g.:", *survivors[:20], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
