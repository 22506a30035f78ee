"""Speed and accuracy benchmarks of lecturelib against what a user would pick instead.

Run with ``make bench`` (or ``python -m benchmarks``); results go to benchmarks/RESULTS.md.
Benchmarks are measurements, never timed tests.
"""
