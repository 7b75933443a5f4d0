"""The grading thread's handle on its referee process (`server.py`): start it, hand it one
student process at a time, read its plain-data reports, restart it when it fails."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from autograder.errors import AutograderError
from autograder.grading.events import EventError, parse_event
from autograder.grading.sandbox.cputime import CpuBudget
from autograder.grading.sandbox.launcher import SandboxError, Zygote


class RefereeError(AutograderError, RuntimeError):
    """The referee process died or stopped answering."""


class Referee:
    """A referee process for one grading thread, forked by `zygote` (NumPy, PyTorch and otter
    already imported: it starts in a fraction of a second); `run` grades one student process."""

    def __init__(self, files_dir: Path, zygote: Zygote) -> None:
        self._files_dir = files_dir
        self._zygote = zygote
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.pid = self._zygote.spawn_referee(self._files_dir, theirs)
        except SandboxError as err:
            ours.close()
            raise RefereeError(f"the referee process did not start: {err}") from err
        self._control = ours
        ready = self._receive(time.monotonic() + 120)
        if ready is None or ready["event"] != "ready":
            raise RefereeError("the referee process did not start")

    def _receive(self, deadline: float) -> dict | None:
        self._control.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = self._control.recv(1 << 20)
        except TimeoutError:
            raise
        except OSError:
            return None
        return parse_event(data) if data else None

    def run(
        self, channel: socket.socket, pid: int, request: dict[str, Any], seconds: float
    ) -> Iterator[dict]:
        """Send the student's channel; yield the referee's events until `done`.

        The referee and the student's process `pid` get `seconds` of CPU time together (and
        past `WALL_FACTOR` times that of wall clock, only while they still compute; see
        `CpuBudget`). Raises TimeoutError past that budget, RefereeError if the referee died or
        sent something that is not an event; either way the referee is restarted for the next
        submission.
        """
        budget = CpuBudget(self.pid, seconds, with_pid=pid)
        deadline = budget.first_deadline
        try:
            socket.send_fds(
                self._control, [json.dumps({**request, "pid": pid}).encode()], [channel.fileno()]
            )
            while True:
                try:
                    message = self._receive(deadline)
                except TimeoutError:
                    later = budget.later_deadline()
                    if later is None:
                        raise
                    deadline = later
                    continue
                if message is None:
                    raise RefereeError("the referee process ended")
                yield message
                if message["event"] == "done":
                    return
        except (TimeoutError, RefereeError, OSError):
            self.restart()
            raise
        except EventError as err:
            self.restart()
            raise RefereeError(str(err)) from None

    def restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        self._control.close()
        if self._zygote.wait_exit(self.pid, timeout=5) is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._zygote.wait_exit(self.pid, timeout=5)
