"""The referee process: runs an assignment's tests against one student process at a time.

Started once per grading thread (`Referee`: forked by the grading zygote, whose imports it
reuses, or else a new Python), in the unpacked autograder's `files/` folder so the tests find
the fixtures and the answer key; student code never runs here. Per submission it
receives the student process's socket and pid, runs every test case with `RemoteNamespace` as
the notebook's globals, and reports each result as plain data over its control socket:

  {"start": [file, case]}  {"test": [file, case], "passed": bool, "message": str}
  {"done": true, "timed_out": bool, "stopped": str}
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import autograder
from autograder.referee.remote import RefereePeer, RemoteNamespace
from autograder.sandbox.cases import load_test_file, run_case
from autograder.sandbox.cputime import CpuBudget
from autograder.sandbox.launcher import SandboxError, Zygote

_ONE_THREAD = {v: "1" for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _send(control: socket.socket, message: dict) -> None:
    control.send(json.dumps(message).encode())


def test_budget(time_seconds: float) -> tuple[float, float]:
    """(seconds per test case, seconds for all the tests), CPU seconds of the student's process
    (see sandbox/cputime.py): a hanging function costs the test cases that call it, not every
    later question."""
    return max(10.0, time_seconds / 3), 3 * time_seconds


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
        _send(control, {"start": [test_file.name, case]})
        peer.start_test(per_test)
        passed, message = run_case(test_file, test_case, namespace)
        _send(control, {"test": [test_file.name, case], "passed": passed, "message": message})
    if not peer.stopped:
        try:
            peer.send({"op": "bye"}, {})
        except OSError:
            pass
    _send(
        control,
        {
            "done": True,
            "timed_out": peer.timed_out,
            "died": bool(peer.stopped),
            "stopped": peer.stopped,
        },
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


def main() -> None:
    serve(socket.socket(fileno=int(sys.argv[1])), sys.argv[2])


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
    _send(control, {"ready": True})
    while True:
        message, fds, _flags, _addr = socket.recv_fds(control, 1 << 20, 1)
        if not message:
            return
        with socket.socket(fileno=fds[0]) as channel:
            run_tests(control, json.loads(message), channel)


class RefereeError(RuntimeError):
    """The referee process died or stopped answering."""


class Referee:
    """A referee process for one grading thread; `run` grades one student process.

    With a `zygote`, the process is forked from it (a fraction of a second: NumPy, PyTorch and
    otter are already imported); else it is a new Python.
    """

    def __init__(self, files_dir: Path, zygote: Zygote | None = None) -> None:
        self._files_dir = files_dir
        self._zygote = zygote
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._process: subprocess.Popen | None = None
        try:
            if self._zygote is not None:
                self.pid = self._zygote.spawn_referee(self._files_dir, theirs)
            else:
                self.pid = self._popen(theirs)
        except SandboxError as err:
            ours.close()
            raise RefereeError(f"the referee process did not start: {err}") from err
        self._control = ours
        ready = self._receive(time.monotonic() + 120)
        if ready is None or not ready.get("ready"):
            raise RefereeError("the referee process did not start")

    def _popen(self, theirs: socket.socket) -> int:
        package_parent = str(Path(autograder.__file__).resolve().parent.parent)
        env = {**os.environ, **_ONE_THREAD, "MPLBACKEND": "Agg"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_parent, env.get("PYTHONPATH")]))
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder.referee.process",
                str(theirs.fileno()),
                str(self._files_dir),
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
        return self._process.pid

    def _receive(self, deadline: float) -> dict | None:
        self._control.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = self._control.recv(1 << 20)
        except TimeoutError:
            raise
        except OSError:
            return None
        return json.loads(data) if data else None

    def run(
        self, channel: socket.socket, pid: int, request: dict[str, Any], deadline: float
    ) -> Iterator[dict]:
        """Send the student's channel; yield the referee's messages until `done`.

        Raises TimeoutError if the referee passes `deadline`, RefereeError if it died; either
        way the referee is restarted for the next submission.
        """
        try:
            socket.send_fds(
                self._control, [json.dumps({**request, "pid": pid}).encode()], [channel.fileno()]
            )
            while True:
                message = self._receive(deadline)
                if message is None:
                    raise RefereeError("the referee process ended")
                yield message
                if message.get("done"):
                    return
        except (TimeoutError, RefereeError, OSError):
            self.restart()
            raise

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        self._control.close()
        if self._zygote is not None:
            if self._zygote.wait_exit(self.pid, timeout=5) is None:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._zygote.wait_exit(self.pid, timeout=5)
            return
        assert self._process is not None
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


if __name__ == "__main__":
    main()
