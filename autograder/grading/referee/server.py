"""The referee process: runs an assignment's tests against one student process at a time.

Started once per grading thread (`Referee`: forked by the grading zygote, whose imports it
reuses, or else a new Python), in the unpacked autograder's `files/` folder so the tests find
the fixtures and the answer key; student code never runs here. Per submission it
receives the student process's socket and pid, runs every test case with `RemoteNamespace` as
the notebook's globals, and reports over its control socket in grading's one event format
(grading/events.py): `ready` once, then per submission `test_start`, `test` per case and `done`.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import traceback
from pathlib import Path
from typing import Any

from autograder.grading.events import event
from autograder.grading.referee.remote import RefereePeer, RemoteNamespace
from autograder.grading.sandbox.cases import load_test_file, run_case
from autograder.grading.sandbox.cputime import CpuBudget, test_budget


def _send(control: socket.socket, kind: str, **fields: Any) -> None:
    control.send(event(kind, **fields))


def run_tests(control: socket.socket, request: dict, channel: socket.socket) -> None:
    """Run the requested test files against the student process on `channel`.

    Stops early (reporting `died`) when the student process ended or had to be killed, so the
    grader can run the remaining tests against a fresh one; the questions in `defer` (whose
    tests ended a process before) run last, so the others are not held up by them.
    """
    peer = RefereePeer(channel, int(request["pid"]))
    per_test, total = test_budget(float(request["time_seconds"]))
    phase = CpuBudget(peer.pid, total)
    namespace = RemoteNamespace(peer)
    skip = {tuple(key) for key in request["skip"]}
    defer = set(request.get("defer", []))
    cases = [
        (test_file, case, test_case)
        for test_file in map(load_test_file, request["tests"])
        for case, test_case in enumerate(test_file.test_cases)
        if (test_file.name, case) not in skip
    ]
    cases.sort(key=lambda item: item[0].name in defer)  # questions that crashed before go last
    for test_file, case, test_case in cases:
        if peer.stopped or phase.spent():
            break
        _send(control, "test_start", file=test_file.name, case=case)
        peer.start_test(per_test)
        passed, message, mistake = run_case(test_file, test_case, namespace)
        _send(
            control,
            "test",
            file=test_file.name,
            case=case,
            passed=passed,
            message=message,
            mistake=mistake,
        )
    if not peer.stopped:
        try:
            peer.send({"op": "bye"}, {})
        except OSError:
            pass
    _send(
        control,
        "done",
        interrupted=peer.timed_out,
        died=bool(peer.stopped),
        stopped=peer.stopped,
    )


REFEREE_MEMORY_MB = 4096


def _limit_memory() -> None:
    """Cap the referee's address space (after the big imports): hostile data cannot exhaust it."""
    import resource

    status = Path("/proc/self/status").read_text()
    size_kb = next(
        int(line.split()[1]) for line in status.splitlines() if line.startswith("VmSize")
    )
    limit = size_kb * 1024 + REFEREE_MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main_forked(control_fd: int, files_dir: str) -> None:
    """`serve` in a process forked by the zygote (`Zygote.spawn_referee`); never returns."""
    code = 1
    try:
        serve(socket.socket(fileno=control_fd), files_dir)
        code = 0
    except BaseException:  # noqa: BLE001 - reported in the zygote's log; the grader sees EOF
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def serve(control: socket.socket, files_dir: str) -> None:
    """Run the tests of `files_dir` for each student process sent over `control`, until it
    closes."""
    os.chdir(files_dir)
    sys.path.insert(0, files_dir)
    import numpy  # noqa: F401 - warm start
    import otter.test_files  # noqa: F401

    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    _limit_memory()
    _send(control, "ready")
    while True:
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 1)
        if not message:
            return
        with socket.socket(fileno=fds[0]) as channel:
            run_tests(control, json.loads(message), channel)
