"""Timing helper shared by the Python benchmark scripts in this folder (run them as scripts)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Calls ``fn`` ``repeat`` times; returns the fastest wall time in seconds and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Calls ``fn`` ``repeat`` times; returns the median wall time in seconds and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out
