"""A PID namespace per sandboxed child, so that whatever the child starts ends with it.

For each child (root only) the zygote starts a *holder*, a small Python that is no copy of the
zygote (`_HOLDER`, about 15 ms): it enters a new PID namespace and forks its init (pid 1 there),
which only reaps the orphans the kernel hands it. The zygote joins that namespace for one fork
(`setns`), so the child is pid 2 there and a warm copy of the zygote, then returns to its own.
When the child has ended, `end` kills the init: the kernel kills every other process of the
namespace (a process whose main thread exited while another thread runs, one that changed its
session or uid: all of them) and lets the holder reap the init only once the namespace is empty;
the holder then exits. The zygote reports the child's exit only after the holder's, so the
grader's "exited" means nothing of the child is left. (The child is not pid 1 itself: signals it
sends itself must act as they would anywhere.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from dataclasses import dataclass

_CLONE_NEWPID = 0x20000000
_HOLDER = """
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG: dies with the zygote
if libc.unshare(0x20000000) != 0:
    os.write(1, ("unshare: " + os.strerror(ctypes.get_errno())).encode())
    sys.exit(1)
init = os.fork()
if init == 0:
    os.close(1)
    libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # dies with the holder
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        signal.sigwait({signal.SIGCHLD})
os.write(1, str(init).encode())
os.close(1)
os.waitpid(init, 0)
"""

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass
class Namespace:
    """A PID namespace made for one child: its holder (the zygote's child) and its init, whose
    pid the holder writes to `_answer` once the namespace exists."""

    holder: int
    _answer: int
    init: int = 0

    def ready(self) -> str:
        """Wait for the namespace; "" when it is there, else why not (the holder is reaped)."""
        with os.fdopen(self._answer, "rb") as said:
            answer = said.read().decode(errors="replace")
        if answer.isdigit():
            self.init = int(answer)
            return ""
        os.waitpid(self.holder, 0)
        return f"a PID namespace ({answer or 'no answer'}): student code sees every process"

    def enter(self) -> None:
        """Make this process's next fork the namespace's next process (raise OSError)."""
        fd = os.open(f"/proc/{self.init}/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
        try:
            if _libc.setns(fd, _CLONE_NEWPID) != 0:
                raise OSError(ctypes.get_errno(), f"setns: {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(fd)

    def end(self) -> None:
        """Kill the init, hence every process of the namespace; the holder then exits."""
        try:
            os.kill(self.init, signal.SIGKILL)
        except ProcessLookupError:
            pass


def new_namespace() -> Namespace | str:
    """Start making a PID namespace for the next child (`Namespace.ready` waits for it), or say
    why there will be none (for `Isolation.missing`). Started ahead, it costs a child no wait."""
    if os.geteuid() != 0:
        return "a PID namespace (not root): student code sees every process on the machine"
    read, write = os.pipe2(os.O_CLOEXEC)
    try:
        holder = os.posix_spawn(
            sys.executable,
            [sys.executable, "-I", "-S", "-c", _HOLDER],
            {},
            file_actions=[(os.POSIX_SPAWN_DUP2, write, 1)],
        )
    finally:
        os.close(write)
    return Namespace(holder, read)


class Home:
    """This process's own PID namespace, to return to after forking into another."""

    def __init__(self) -> None:
        self._fd = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)

    def back(self) -> None:
        """Make this process's next fork a process of its own namespace again."""
        if _libc.setns(self._fd, _CLONE_NEWPID) != 0:
            raise OSError(ctypes.get_errno(), f"setns: {os.strerror(ctypes.get_errno())}")

    def close(self) -> None:
        """In a forked child: drop the descriptor (a student's process holds none of ours)."""
        os.close(self._fd)
