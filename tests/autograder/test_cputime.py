"""Time limits in CPU seconds: waiting for a CPU (or sleeping, up to the wall cap) does not use
up a process's budget; computing does."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from autograder.grading.sandbox.cputime import WALL_FACTOR, CpuBudget, cpu_seconds


def _python(code: str):
    """A Python process running `code`, killed afterwards."""
    process = subprocess.Popen([sys.executable, "-c", code])
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def sleeper():
    """A process asleep (its start-up, which computes, is over before the test begins)."""
    for process in _python("import time; time.sleep(60)"):
        time.sleep(0.5)
        yield process


@pytest.fixture
def spinner():
    yield from _python("while True: pass")


def test_a_process_that_waits_keeps_its_cpu_seconds(sleeper):
    budget = CpuBudget(sleeper.pid, 0.3)
    time.sleep(0.35)
    later = budget.later_deadline()
    assert later is not None and later <= budget.wall_end
    assert not budget.spent()


def test_the_wall_clock_cap_ends_even_a_waiting_process(sleeper):
    budget = CpuBudget(sleeper.pid, 0.1)
    time.sleep(WALL_FACTOR * 0.1 + 0.05)
    assert budget.later_deadline() is None
    assert budget.spent()


@pytest.fixture
def slow_worker():
    """Computes a fifth of the time, as a process on a machine five times oversubscribed does."""
    yield from _python(
        "import time\n"
        "while True:\n"
        "    t = time.perf_counter()\n"
        "    while time.perf_counter() - t < 0.02:\n"
        "        pass\n"
        "    time.sleep(0.08)\n"
    )


def test_past_the_wall_cap_a_process_still_computing_keeps_its_cpu_seconds(slow_worker):
    start = cpu_seconds(slow_worker.pid)
    budget = CpuBudget(slow_worker.pid, 0.5)
    time.sleep(WALL_FACTOR * 0.5 + 0.3)
    later = budget.later_deadline()
    assert later is not None and later > budget.wall_end
    assert cpu_seconds(slow_worker.pid) - start < 0.5


def test_a_process_that_computes_uses_up_its_cpu_seconds(spinner):
    budget = CpuBudget(spinner.pid, 0.3)
    start = cpu_seconds(spinner.pid)
    while cpu_seconds(spinner.pid) - start < 0.4:
        time.sleep(0.05)
    assert budget.later_deadline() is None


def test_a_process_that_is_gone_has_no_time_left(sleeper):
    budget = CpuBudget(sleeper.pid, 5.0)
    sleeper.kill()
    sleeper.wait()
    assert cpu_seconds(sleeper.pid) is None
    assert budget.later_deadline() is None
