"""The two processes around each sandboxed child, so that whatever it starts ends with it.

The zygote forks a *keeper*; as root, the keeper enters a new PID namespace and forks its *init*
(pid 1 there), which forks the child (pid 2) and runs `child.main` in it. The child writes its
pid as the zygote numbers it to the report pipe (the pid the grader then signals, measures and
waits for). The init reaps whatever ends in the namespace; when the child ends, so does the init,
and the kernel kills every other process of the namespace (a process whose main thread exited
while another thread runs, one that changed its session or uid: all of them). The keeper waits
for the init, which the kernel lets happen only once the namespace is empty, and ends as the
child did: the zygote's `exited` for the child means nothing of it is left. (The child is not
pid 1 itself: signals it sends itself must act as they would anywhere.)

Without root (or without PID namespaces) the keeper runs `child.main` itself, and says so.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from pathlib import Path

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def keep(channel_fd: int, report_fd: int) -> None:
    """The keeper, in a process just forked from the zygote; never returns."""
    from autograder.grading.sandbox.child import main as child_main
    from autograder.grading.sandbox.isolation import enter_pid_namespace

    _die_with_parent()
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    why_not = enter_pid_namespace()
    if why_not:
        os.close(report_fd)  # the zygote then takes this process for the child
        child_main(channel_fd, why_not)
    init = os.fork()
    if init == 0:
        _init(channel_fd, report_fd)
    os.close(channel_fd)
    os.close(report_fd)
    _end_as(os.waitpid(init, 0)[1])


def _init(channel_fd: int, report_fd: int) -> None:
    """Pid 1 of the namespace: fork the child, reap everything, end as the child did."""
    from autograder.grading.sandbox.child import main as child_main

    _die_with_parent()
    child = os.fork()
    if child == 0:
        try:
            os.write(report_fd, str(_outer_pid()).encode())
            os.close(report_fd)
            child_main(channel_fd, "")
        finally:
            os._exit(1)  # only if the pid could not be told: the grader reports the exit
    os.close(channel_fd)
    os.close(report_fd)
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == child:
            _end_as(status)


def _outer_pid() -> int:
    """This process's pid in the zygote's PID namespace (/proc is still the zygote's here)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("NSpid:"):
            return int(line.split()[1])
    raise OSError("no NSpid in /proc/self/status")


def _end_as(status: int) -> None:
    """Exit as a process with wait status `status` did: the same code, or the same signal."""
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)
