"""A test case's clock runs only while the referee waits for the student's process: the time the
referee itself takes (computing expected values, comparing; slow on a busy machine) is never
counted against the student."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time

import pytest

from autograder.grading.referee.remote import RefereePeer, RemoteNamespace
from autograder.grading.sandbox.cputime import WALL_FACTOR, CpuBudget
from autograder.grading.wire.student_side import serve

STUDENT = "import time\ndef slow_double(x):\n    time.sleep(0.1)\n    return 2 * x\n"


@pytest.fixture
def student_pid():
    """A real process standing for the student's (asleep: it uses no CPU); the student's code
    is served on a thread, and the deadlines watch and signal this process."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    time.sleep(0.5)  # its start-up, which computes, is over
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def referee(student_pid):
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    namespace: dict = {}
    exec(STUDENT, namespace)
    server = threading.Thread(target=serve, args=(theirs, namespace), name="student")
    server.start()
    peer = RefereePeer(ours, pid=student_pid.pid)
    yield peer
    peer.send({"op": "bye"}, {})
    server.join(timeout=10)
    ours.close()
    theirs.close()


def test_the_time_the_referee_takes_between_requests_is_not_the_students(referee, student_pid):
    env = RemoteNamespace(referee)
    referee.start_test(0.2)  # 0.2 CPU seconds; 0.6 s of wall clock while the student is idle
    assert env["slow_double"](3) == 6
    time.sleep(WALL_FACTOR * 0.2 + 0.3)  # the referee at work, far past the student's wall cap
    assert env["slow_double"](4) == 8
    assert not referee.timed_out and not referee.stopped
    assert student_pid.poll() is None  # never interrupted


def test_the_wall_clock_still_ends_a_student_that_keeps_the_referee_waiting(referee, student_pid):
    env = RemoteNamespace(referee)
    referee.start_test(0.02)  # 0.06 s of wall clock: the student's 0.1 s sleep is past it
    env["slow_double"](3)  # (the thread serving it is not the process interrupted)
    assert referee.timed_out
    assert student_pid.wait(timeout=10) != 0  # interrupted (SIGINT) at the wall cap


def test_a_paused_budget_does_not_count_wall_time(student_pid):
    budget = CpuBudget(student_pid.pid, 0.1)
    budget.pause()
    time.sleep(WALL_FACTOR * 0.1 + 0.1)
    assert not budget.spent()  # asked while paused (the referee between two test cases)
    assert budget.resume() > WALL_FACTOR * 0.1
    assert budget.later_deadline() is not None


def test_a_budget_over_two_processes_lasts_while_either_computes(student_pid):
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        budget = CpuBudget(student_pid.pid, 30.0, with_pid=spinner.pid)
        budget.wall_end = time.monotonic()  # as if past the wall cap
        time.sleep(0.3)
        assert budget.later_deadline() is not None  # the second process still computes
        assert CpuBudget(student_pid.pid, 30.0).later_deadline() is not None  # within its cap
    finally:
        spinner.kill()
        spinner.wait()
