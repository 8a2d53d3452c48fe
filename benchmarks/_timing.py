"""Timing shared by the benchmark scripts."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_seconds(job: Callable[[], object], repeat: int = 2) -> float:
    """The shortest of ``repeat`` timings of ``job()``, in seconds (the least disturbed
    by other work on a shared machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)
