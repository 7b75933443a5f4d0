"""The zygote: a process that imports the heavy libraries once, then forks one child per submission.

Started by `autograder.grading.sandbox.launcher.Zygote` with a SOCK_SEQPACKET control socket
whose file descriptor is the one argument.
Requests: `{"child": true}` with one file descriptor attached (the child's channel, over which
the grader then hands the child its configuration: the zygote never sees a notebook), or
`{"referee": files_dir}` with the referee's control socket attached (a trusted referee process,
see autograder.grading.referee.server: it starts with these imports done and reads the tests
and the answer key only after the fork, in its own memory); reply `{"spawned": pid}`. When a
child ends: `{"exited": pid, "code": c, "signal": s}`. The zygote never imports the answer key
(nnref) nor reads tests, so a child cannot find them in its memory.

As root, each child is forked into a PID namespace of its own (pidns.py); its `exited` comes
once nothing it started is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys

from autograder.grading.sandbox.pidns import Home, Namespace, new_namespace

_PRELOAD = ("numpy", "IPython.core.interactiveshell", "otter", "otter.test_files", "matplotlib")
_OPTIONAL_PRELOAD = (
    "torch",
    "matplotlib.pyplot",
    "scipy",
    "sklearn",
    "sklearn.datasets",  # the notebooks' make_moons and train_test_split: 0.2 s per child
    "sklearn.model_selection",
)


def _preload() -> None:
    """Import what every submission needs, so forks start warm (torch alone takes ~2 s)."""
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)
    for name in _OPTIONAL_PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    import autograder.grading.sandbox.child  # noqa: F401 - imported before any child forks


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


_namespaces: dict[int, Namespace] = {}
"""child pid -> its PID namespace, until the child has ended."""
_holders: dict[int, tuple[int, int | None]] = {}
"""holder pid -> (its child, the child's wait status once it ended)."""


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        if pid in _namespaces:  # a child in its namespace: end the namespace, report later
            namespace = _namespaces.pop(pid)
            _holders[namespace.holder] = (pid, status)
            namespace.end()
            continue
        if pid in _holders:  # the namespace is empty: report its child
            pid, status = _holders.pop(pid)
            if status is None:  # the holder ended first (it should not): its child is killed
                continue
        _report_exit(control, pid, status)


def _report_exit(control: socket.socket, pid: int, status: int) -> None:
    code = os.waitstatus_to_exitcode(status)
    sig = -code if code < 0 else None
    _send(control, {"exited": pid, "code": None if sig else code, "signal": sig})


_wakeup: list[int] = []
"""The zygote's SIGCHLD self-pipe (read end, write end), which no child keeps."""


def _forked() -> None:
    """In a newly forked process: drop the zygote's SIGCHLD handler and wake-up pipe."""
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    for fd in _wakeup:
        os.close(fd)


_next: list[Namespace | str] = []
"""The PID namespace being made for the next child (or why there is none)."""


def _spawn(control: socket.socket, channel_fd: int, home: Home) -> None:
    namespace = _next.pop() if _next else new_namespace()
    why_not = namespace if isinstance(namespace, str) else namespace.ready()
    if isinstance(namespace, Namespace) and not why_not:
        try:
            namespace.enter()
        except OSError as err:
            namespace.end()
            os.waitpid(namespace.holder, 0)
            why_not = f"a PID namespace ({err}): student code sees every process"
    pid = os.fork()
    if pid == 0:
        _forked()
        from autograder.grading.sandbox.child import main as child_main

        control.close()
        home.close()
        child_main(channel_fd, why_not)
    if isinstance(namespace, Namespace) and not why_not:
        home.back()
        _namespaces[pid] = namespace
    os.close(channel_fd)
    _send(control, {"spawned": pid})
    _next.append(new_namespace())


def _spawn_referee(control: socket.socket, files_dir: str, control_fd: int) -> None:
    pid = os.fork()
    if pid == 0:  # never returns into the loop below
        try:
            _forked()
            control.close()
            from autograder.grading.referee.server import main_forked

            main_forked(control_fd, files_dir)
        finally:
            os._exit(1)
    os.close(control_fd)
    _send(control, {"spawned": pid})


def serve(control: socket.socket) -> None:
    """Answer spawn requests until the control socket closes; then exit.

    Children are reaped as they end (SIGCHLD wakes the loop): the grader waits for each exit.
    """
    home = Home()
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    _wakeup[:] = [wake_read, wake_write]
    signal.signal(signal.SIGCHLD, lambda *_args: None)  # a handler: the signal reaches the pipe
    signal.set_wakeup_fd(wake_write, warn_on_full_buffer=False)
    while True:
        ready, _, _ = select.select([control, wake_read], [], [])
        if wake_read in ready:
            with contextlib.suppress(BlockingIOError):
                os.read(wake_read, 4096)
        _reap(control)
        if control not in ready:
            continue
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 24, 1)
        if not message:
            return
        request = json.loads(message)
        if "referee" in request:
            _spawn_referee(control, str(request["referee"]), fds[0])
        else:
            _spawn(control, fds[0], home)


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    _preload()
    control = socket.socket(fileno=int(sys.argv[1]))
    _send(control, {"ready": os.getpid()})
    serve(control)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)  # tearing down torch, sklearn and the rest would take the grader 1-3 s to wait


if __name__ == "__main__":
    main()
