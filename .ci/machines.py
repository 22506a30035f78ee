"""Run strict nbval on the notebooks as other machines would: ``make machines``.

A student's laptop computes with other kernels than this machine: OpenBLAS picks its matrix
kernels from the CPU (``OPENBLAS_CORETYPE`` forces one) and numpy picks SIMD loops for
``exp``, ``tanh``, ... (``NPY_DISABLE_CPU_FEATURES`` switches the wider ones off). Both
change the last bits of results. Every printed number must survive that, so this runs the
notebooks once per profile below and fails if any stored output differs.

    python .ci/machines.py                 # every profile this CPU can run
    python .ci/machines.py Prescott        # one profile (what CI adds to make test)
    python .ci/machines.py Haswell -- notebooks/06_universal_approximation_and_depth.ipynb
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

# profile -> (OpenBLAS kernel, numpy's widest SIMD level: "all", "avx2" or "baseline")
PROFILES = {
    "SkylakeX": ("SkylakeX", "all"),  # AVX-512 desktops and servers
    "Zen": ("Zen", "avx2"),  # AMD laptops
    "Haswell": ("Haswell", "avx2"),  # most Intel laptops
    "Sandybridge": ("Sandybridge", "baseline"),  # AVX without AVX2
    "Prescott": ("Prescott", "baseline"),  # the most generic x86-64 kernel
}


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def runnable() -> list[str]:
    """The profiles this CPU can run (SkylakeX needs AVX-512, Haswell and Zen need AVX2)."""
    flags = _cpu_flags()
    names = []
    for name, (_, level) in PROFILES.items():
        if name == "SkylakeX" and "avx512f" not in flags:
            continue
        if level == "avx2" and "avx2" not in flags:
            continue
        names.append(name)
    return names


def numpy_disabled(level: str, python: str) -> str:
    """The numpy CPU features to disable so numpy computes as a CPU of ``level`` would."""
    if level == "all":
        return ""
    code = (
        "import numpy\n"
        "try:\n    from numpy._core import _multiarray_umath as m\n"
        "except ImportError:\n    from numpy.core import _multiarray_umath as m\n"
        "print(' '.join(f for f in m.__cpu_dispatch__ if m.__cpu_features__.get(f) and ("
        f"{level!r} == 'baseline' or '512' in f or 'V4' in f)))"
    )
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()


def environment(name: str, python: str) -> dict[str, str]:
    kernel, level = PROFILES[name]
    env = dict(os.environ, OPENBLAS_CORETYPE=kernel, MPLBACKEND="Agg")
    disabled = numpy_disabled(level, python)
    if disabled:
        env["NPY_DISABLE_CPU_FEATURES"] = disabled
    else:
        env.pop("NPY_DISABLE_CPU_FEATURES", None)
    return env


def main(argv: list[str]) -> int:
    if "--" in argv:
        at = argv.index("--")
        names, targets = argv[:at], argv[at + 1 :]
    else:
        names, targets = argv, []
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        print(f"unknown profile(s) {unknown}; choose from {list(PROFILES)}", file=sys.stderr)
        return 2
    names = names or runnable()
    python = sys.executable
    failed = []
    for name in names:
        env = environment(name, python)
        start = time.perf_counter()
        print(
            f"== {name}: OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']} "
            f"NPY_DISABLE_CPU_FEATURES={env.get('NPY_DISABLE_CPU_FEATURES', '(none)')!r}",
            flush=True,
        )
        command = [
            python,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *(targets or ["notebooks"]),
        ]
        result = subprocess.run(command, env=env)
        print(
            f"== {name}: exit {result.returncode} in {time.perf_counter() - start:.0f} s",
            flush=True,
        )
        if result.returncode:
            failed.append(name)
    if failed:
        print(f"stored outputs differ under: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"every notebook's outputs hold under: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
