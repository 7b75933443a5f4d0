"""Time limits counted in the CPU seconds of the student's process, so a busy machine does not
cut honest work short.

A phase (the notebook, one test case) gets `seconds` of CPU time. When that much wall-clock time
has passed, the process is stopped only if it really used its CPU seconds; if it was waiting for
a CPU (other submissions, other jobs), it gets the rest. Wall-clock time is capped at
`WALL_FACTOR` times the limit, which is also what ends code that sleeps or waits.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

WALL_FACTOR = 3.0
_MIN_EXTENSION = 0.2


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` and its waited-for children (None if gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, from field 3 (state)
    utime, stime, cutime, cstime = (int(fields[i]) for i in (11, 12, 13, 14))
    return (utime + stime + cutime + cstime) / os.sysconf("SC_CLK_TCK")


class CpuBudget:
    """`seconds` of CPU time for process `pid` from now, within `WALL_FACTOR * seconds` of wall."""

    def __init__(self, pid: int, seconds: float) -> None:
        self.pid, self.seconds = pid, seconds
        now = time.monotonic()
        self.wall_end = now + WALL_FACTOR * seconds
        self._start_cpu = cpu_seconds(pid)
        self.first_deadline = now + seconds

    def later_deadline(self) -> float | None:
        """At a deadline: a later one if the process still has CPU seconds left, else None."""
        used = cpu_seconds(self.pid)
        if used is None or self._start_cpu is None:
            return None
        left = self.seconds - (used - self._start_cpu)
        now = time.monotonic()
        if left <= 0 or now >= self.wall_end:
            return None
        return min(now + max(left, _MIN_EXTENSION), self.wall_end)

    def spent(self) -> bool:
        """Whether the budget is used up (its CPU seconds, or its wall-clock cap)."""
        return time.monotonic() >= self.first_deadline and self.later_deadline() is None


def test_budget(time_seconds: float) -> tuple[float, float]:
    """(seconds per test case, seconds for all the tests), CPU seconds of the student's process
    (see `CpuBudget`): a hanging function costs the test cases that call it, not every
    later question."""
    return max(10.0, time_seconds / 3), 3 * time_seconds
