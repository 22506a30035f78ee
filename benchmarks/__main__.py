"""``python -m benchmarks``: run every benchmark, print a table, write benchmarks/RESULTS.md."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
from pathlib import Path

import numpy as np

from benchmarks.engines import NETWORKS, run_engines
from benchmarks.fits import run_fits
from benchmarks.series import run_series
from benchmarks.threads import run_threads

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = [f"Python {platform.python_version()}", f"numpy {np.__version__}"]
    for module in ("torch", "sklearn", "scipy"):
        try:
            versions.append(f"{module} {__import__(module).__version__}")
        except ImportError:
            versions.append(f"{module} not installed")
    return f"{cpu}, {os.cpu_count()} cores; " + ", ".join(versions)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell (``|x|`` would end the cell)."""
    return text.replace("|", "\\|")


def engine_table(rows: list[dict]) -> list[str]:
    out = [
        "| network | engine | median time per forward+backward | ratio to numpy by hand |",
        "|---|---|---:|---:|",
    ]
    for name, *_ in NETWORKS:
        base = next(
            r["seconds"] for r in rows if r["network"] == name and r["engine"] == "numpy (by hand)"
        )
        for r in rows:
            if r["network"] == name:
                out.append(
                    f"| {name} | {r['engine']} | {r['seconds'] * 1e6:,.1f} µs | "
                    f"{r['seconds'] / base:,.2f}x |"
                )
    return out


def fit_table(rows: list[dict]) -> list[str]:
    out = [
        "| target | activation | lecturelib median MSE | scikit-learn median MSE | "
        "lecturelib ms/fit | scikit-learn ms/fit | time ratio |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    keys = sorted({(r["target"], r["activation"]) for r in rows}, key=lambda k: (k[0], k[1]))
    for target, activation in keys:
        ours = next(
            r
            for r in rows
            if (r["target"], r["activation"]) == (target, activation)
            and r["fitter"].startswith("lecturelib")
        )
        theirs = next(
            r
            for r in rows
            if (r["target"], r["activation"]) == (target, activation)
            and r["fitter"].startswith("scikit")
        )
        out.append(
            f"| {_cell(target)} | {activation} | {ours['median_mse']:.2e} | "
            f"{theirs['median_mse']:.2e} | {ours['median_ms']:.1f} | {theirs['median_ms']:.1f} | "
            f"{ours['median_ms'] / theirs['median_ms']:.2f} |"
        )
    return out


def goals(
    engines: list[dict],
    fits: list[dict],
    series: dict | None,
    latency: list[dict] | None,
    threads: dict | None = None,
    play: list[dict] | None = None,
) -> list[str]:
    """The issue's goals, each marked met or missed from the numbers above."""

    def mark(ok: bool) -> str:
        return "met" if ok else "**missed**"

    out = ["| goal | case | measured | |", "|---|---|---:|---|"]
    for name, *_ in NETWORKS:
        t = {r["engine"]: r["seconds"] for r in engines if r["network"] == name}
        ratio = t["lecturelib"] / t["numpy (by hand)"]
        out.append(
            f"| within 1.5x of numpy by hand | {name} | {ratio:.2f}x | {mark(ratio <= 1.5)} |"
        )
        student = t["lecturelib, a student's graph"] / t["numpy (by hand)"]
        out.append(
            f"| a student's graph (operators, data partials) at most 1.3x numpy | {name} | "
            f"{student:.2f}x | {mark(student <= 1.3)} |"
        )
        if "micrograd" in t:
            speedup = t["micrograd"] / t["lecturelib"]
            out.append(
                f"| at least 100x faster than micrograd | {name} | {speedup:,.0f}x | "
                f"{mark(speedup >= 100)} |"
            )
    for target, activation in sorted({(r["target"], r["activation"]) for r in fits}):
        ours = next(
            r
            for r in fits
            if (r["target"], r["activation"]) == (target, activation)
            and r["fitter"].startswith("lecturelib")
        )
        theirs = next(
            r
            for r in fits
            if (r["target"], r["activation"]) == (target, activation)
            and r["fitter"].startswith("scikit")
        )
        case = f"{_cell(target)}, {activation}"
        better = ours["median_mse"] <= theirs["median_mse"]
        quick = ours["median_ms"] <= theirs["median_ms"] / 3
        out.append(
            f"| fit: MSE no worse than scikit-learn's | {case} | "
            f"{ours['median_mse']:.1e} vs {theirs['median_mse']:.1e} | {mark(better)} |"
        )
        out.append(
            f"| fit: at most 1/3 of scikit-learn's time | {case} | "
            f"{ours['median_ms']:.1f} vs {theirs['median_ms']:.1f} ms | {mark(quick)} |"
        )
    if series is not None:
        out.append(
            f"| whole series under 60 s | {series['notebooks']} notebooks | "
            f"{series['seconds']:.1f} s | {mark(series['seconds'] < 60 and series['ok'])} |"
        )
    if threads is not None:
        out.append(
            f"| as fast without make: time without / with OPENBLAS_NUM_THREADS=1 at most 1.2 | "
            f"nbconvert --execute, every notebook | {threads['ratio']:.2f} | "
            f"{mark(threads['ratio'] <= 1.2)} |"
        )
    if latency is not None:
        for r in latency:
            ok = r["median_ms"] < 150 and r["worst_ms"] < 400
            out.append(
                f"| explorer: median < 150 ms, worst < 400 ms | {r['notebook']} | "
                f"{r['median_ms']:.0f} / {r['worst_ms']:.0f} ms | {mark(ok)} |"
            )
    for r in play or []:
        out.append(
            f"| Play: at least 10 figure updates per second | {r['notebook']} "
            f"(player {r['player']}) | {r['fps']:.1f} | {mark(r['fps'] >= 10)} |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-series", action="store_true", help="skip the notebook run")
    parser.add_argument(
        "--skip-browser", action="store_true", help="skip the explorers' latency in Chromium"
    )
    args = parser.parse_args(argv)
    print("1. forward + backward, float64 (numpy and PyTorch on one thread each)")
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings threadpoolctl
        engines = run_engines()
    else:
        with threadpool_limits(limits=1):
            engines = run_engines()
    print("2. fitting Bishop's curves (10 seeds each)")
    fits = run_fits()
    series = None
    if not args.skip_series:
        print("3. the whole series under nbval ...")
        series = run_series()
        print(
            f"  {series['notebooks']} notebooks in {series['seconds']:.1f} s ({series['summary']})"
        )
    threads = None
    if not args.skip_series:
        print("3b. the series as a student starts it: without and with OPENBLAS_NUM_THREADS=1 ...")
        threads = run_threads()
        print(
            f"  {threads['without']:.1f} s without, {threads['with']:.1f} s with: "
            f"ratio {threads['ratio']:.2f}"
        )
    latency = None
    if not args.skip_browser:
        from benchmarks.browser_latency import latency_table, run_latency

        print("4. explorers in JupyterLab + Chromium: key press to new figure")
        latency = run_latency()
    play = None
    if not args.skip_browser:
        from benchmarks.browser_latency import play_table, run_play_fps

        print("5. Play in JupyterLab + Chromium: figure updates per second")
        play = run_play_fps()
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine()}.",
        "Written by `make bench` (`python -m benchmarks`); numbers vary by a few percent from "
        "run to run.",
        "",
        "## 1. One forward + backward pass of mean squared error (float64)",
        "",
        *engine_table(engines),
        "",
        "## 2. Fitting Bishop's curves with 3 hidden units (median over 10 seeds)",
        "",
        *fit_table(fits),
        "",
    ]
    if series is not None:
        lines += [
            "## 3. The whole series",
            "",
            f"{series['notebooks']} notebooks executed and compared under strict nbval in "
            f"{series['seconds']:.1f} s ({series['summary']}).",
            "",
        ]
    if threads is not None:
        lines += [
            "## 3b. As fast without make",
            "",
            "Every notebook executed with `jupyter nbconvert --execute` (best of 2), as a "
            "student or a hub starts it: without `OPENBLAS_NUM_THREADS` in the environment "
            f"{threads['without']:.1f} s, with `OPENBLAS_NUM_THREADS=1` {threads['with']:.1f} s; "
            f"ratio {threads['ratio']:.2f} (`lecturelib` limits BLAS threads itself).",
            "",
        ]
    if latency is not None:
        lines += [
            "## 4. Explorers in the browser: key press to updated figure (10 presses each)",
            "",
            "Goal: median under 150 ms, worst under 400 ms.",
            "",
            *latency_table(latency),
            "",
        ]
    if play is not None:
        lines += [
            "## 5. Play: a network learning, frame by frame",
            "",
            "Play pressed for 6 s in JupyterLab + Chromium; every new picture the page shows "
            "is counted. Goal: at least 10 per second.",
            "",
            *play_table(play),
            "",
        ]
    lines += ["## Goals", "", *goals(engines, fits, series, latency, threads, play), ""]
    RESULTS.write_text("\n".join(lines))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
