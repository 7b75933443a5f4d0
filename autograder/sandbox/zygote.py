"""The zygote: a process that imports the heavy libraries once, then forks one child per submission.

Started by `autograder.sandbox.launcher.Zygote` with a SOCK_SEQPACKET control socket whose file
descriptor is the one argument.
Requests: `{"config": {...}}` with one file descriptor attached (the child's channel), or
`{"referee": files_dir}` with the referee's control socket attached (a trusted referee process,
see autograder.referee.process: it starts with these imports done and reads the tests and the
answer key only after the fork, in its own memory); reply `{"spawned": pid}`. When a child ends:
`{"exited": pid, "code": c, "signal": s}`. The zygote never imports the answer key (nnref) nor
reads tests, so a child cannot find them in its memory.
"""

from __future__ import annotations

import json
import os
import select
import socket
import sys

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
    import autograder.sandbox.child  # noqa: F401 - imported before any child forks


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


def _reap(control: socket.socket) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = os.waitstatus_to_exitcode(status)
        signal = -code if code < 0 else None
        _send(control, {"exited": pid, "code": None if signal else code, "signal": signal})


def _spawn(control: socket.socket, config: dict, channel_fd: int) -> None:
    pid = os.fork()
    if pid == 0:
        from autograder.sandbox.child import main as child_main

        control.close()
        child_main(channel_fd, config)
    os.close(channel_fd)
    _send(control, {"spawned": pid})


def _spawn_referee(control: socket.socket, files_dir: str, control_fd: int) -> None:
    pid = os.fork()
    if pid == 0:  # never returns into the loop below
        try:
            control.close()
            from autograder.referee.process import main_forked

            main_forked(control_fd, files_dir)
        finally:
            os._exit(1)
    os.close(control_fd)
    _send(control, {"spawned": pid})


def serve(control: socket.socket) -> None:
    """Answer spawn requests until the control socket closes; then exit."""
    while True:
        ready, _, _ = select.select([control], [], [], 0.1)
        _reap(control)
        if not ready:
            continue
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 24, 1)
        if not message:
            return
        request = json.loads(message)
        if "referee" in request:
            _spawn_referee(control, str(request["referee"]), fds[0])
        else:
            _spawn(control, request["config"], fds[0])


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
