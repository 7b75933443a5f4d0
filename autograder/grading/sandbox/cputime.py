"""Time limits counted in the CPU seconds of the student's process, so a busy machine does not
cut honest work short.

A phase (the notebook, one test case) gets `seconds` of CPU time. When that much wall-clock time
has passed, the process is stopped only if it really used its CPU seconds; if it was waiting for
a CPU (other submissions, other jobs), it gets the rest. Past `WALL_FACTOR` times the limit of
wall clock, a process that is still computing (at least `IDLE_CPU_SHARE` of a core since the last
check, however slowly the machine lets it) keeps its CPU seconds; one that is not (it sleeps or
waits) is stopped: the wall clock ends idle code only, never slow honest work.

While the tests run, the student's process mostly waits for the referee, which computes the
expected values and compares: that wall time is the referee's, not the student's. A budget is
`pause`d while the referee works and `resume`d when it waits for the student again, so a slow
referee on a busy machine never uses up the student's wall clock.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

WALL_FACTOR = 3.0
IDLE_CPU_SHARE = 0.02
"""Below this share of one core since the last check, a process past the wall cap is idle."""
_RECHECK_SECONDS = 1.0
GRACE_SECONDS = 5.0
"""How long an interrupted process gets to stop before it is killed."""
_MIN_EXTENSION = 0.2


def _stat(pid: int | str) -> list[str] | None:
    """/proc/PID/stat's fields from field 3 (state) on, or None if the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces


def _ticks(fields: list[str]) -> int:
    """utime + stime + cutime + cstime: the process's CPU and its waited-for children's."""
    return sum(int(fields[i]) for i in (11, 12, 13, 14))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process `pid` and its waited-for children (None if gone)."""
    fields = _stat(pid)
    return None if fields is None else _ticks(fields) / os.sysconf("SC_CLK_TCK")


def session_cpu_seconds(sid: int) -> float | None:
    """CPU seconds of every live process of session `sid` and of the children they waited for
    (a program and the kernels it started), or None when none is left."""
    ticks = [
        _ticks(fields)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and (fields := _stat(entry.name)) is not None
        and int(fields[3]) == sid
    ]
    return sum(ticks) / os.sysconf("SC_CLK_TCK") if ticks else None


def _sum_of(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b


class CpuBudget:
    """`seconds` of CPU time for process `pid` from now, within `WALL_FACTOR * seconds` of wall.

    `whole_session`: count every process of the session `pid` leads (it was started with
    `start_new_session`), e.g. otter and the Jupyter kernels it starts. `with_pid`: count that
    process too (the referee and the student's process it tests); gone when either is gone.
    """

    def __init__(
        self, pid: int, seconds: float, *, whole_session: bool = False, with_pid: int | None = None
    ) -> None:
        self.pid, self.seconds = pid, seconds
        if whole_session:
            self._measure = session_cpu_seconds
        elif with_pid is not None:
            self._measure = lambda p: _sum_of(cpu_seconds(p), cpu_seconds(with_pid))
        else:
            self._measure = cpu_seconds
        now = time.monotonic()
        self.wall_end = now + WALL_FACTOR * seconds
        self._start_cpu = self._measure(pid)
        self._last = (self._start_cpu, now)
        self.first_deadline = now + seconds
        self._paused_at: float | None = None

    def pause(self) -> None:
        """Stop counting wall time (the student's process is not the one at work)."""
        if self._paused_at is None:
            self._paused_at = time.monotonic()

    def resume(self) -> float:
        """Count wall time again; returns the seconds the budget was paused (0 if it was not)."""
        if self._paused_at is None:
            return 0.0
        gap = time.monotonic() - self._paused_at
        self._paused_at = None
        self.wall_end += gap
        self.first_deadline += gap
        used, last = self._last
        self._last = (used, last + gap)
        return gap

    def later_deadline(self) -> float | None:
        """At a deadline: a later one if the process still has CPU seconds left and, past the
        wall cap, is still computing; else None."""
        used = self._measure(self.pid)
        if used is None or self._start_cpu is None:
            return None
        left = self.seconds - (used - self._start_cpu)
        now = self._now()
        last_used, last_time = self._last
        self._last = (used, now)
        if left <= 0:
            return None
        later = now + max(left, _MIN_EXTENSION)
        if now < self.wall_end:
            return min(later, self.wall_end)
        share = (used - last_used) / max(now - last_time, 1e-3)
        return min(later, now + _RECHECK_SECONDS) if share >= IDLE_CPU_SHARE else None

    def spent(self) -> bool:
        """Whether the budget is used up (its CPU seconds, or its wall-clock cap)."""
        return self._now() >= self.first_deadline and self.later_deadline() is None

    def _now(self) -> float:
        """The wall clock as this budget counts it: standing still while paused."""
        return time.monotonic() if self._paused_at is None else self._paused_at


class Deadline:
    """The time limit of one phase of process `pid` (the notebook, a test case): `seconds` of its
    CPU time (`CpuBudget`); past them, interrupt it (SIGINT), and kill it (SIGKILL) if it has not
    stopped `grace` seconds later. Wait until `at`, then call `expired`."""

    EXTENDED, INTERRUPTED, KILLED = "extended", "interrupted", "killed"

    def __init__(self, pid: int, seconds: float, grace: float = GRACE_SECONDS) -> None:
        self.pid, self.grace = pid, grace
        self._budget = CpuBudget(pid, seconds)
        self.at = self._budget.first_deadline
        self.interrupted = False

    def pause(self) -> None:
        """The referee is at work, not the student's process: its wall time does not count."""
        self._budget.pause()

    def resume(self) -> None:
        """Waiting for the student's process again: `at` moves by the time paused (the grace
        period of an interrupted process does not)."""
        gap = self._budget.resume()
        if not self.interrupted:
            self.at += gap

    def expired(self) -> str:
        """At `at`: a later `at` if the process still has CPU seconds (it was waiting for a CPU),
        else interrupt it, or kill it if it was interrupted already; returns which was done."""
        if self.interrupted:
            _signal(self.pid, signal.SIGKILL)
            return self.KILLED
        later = self._budget.later_deadline()
        if later is not None:
            self.at = later
            return self.EXTENDED
        self.interrupted = True
        _signal(self.pid, signal.SIGINT)
        self.at = time.monotonic() + self.grace
        return self.INTERRUPTED


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:  # it ended by itself meanwhile
        pass


def test_budget(time_seconds: float) -> tuple[float, float]:
    """(seconds per test case, seconds for all the tests), CPU seconds of the student's process
    (see `CpuBudget`): a hanging function costs the test cases that call it, not every
    later question. At least 20 s a test case: a test may train a small network with the
    student's functions, and a right answer written with plain loops (07's textbook
    convolution: 11 CPU s for the training test) must pass."""
    return max(20.0, time_seconds / 3), 3 * time_seconds
