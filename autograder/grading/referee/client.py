"""The grading thread's handle on its referee process (`server.py`): start it, hand it one
student process at a time, read its plain-data reports, restart it when it fails."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import autograder
from autograder.errors import AutograderError
from autograder.grading.events import EventError, parse_event


class RefereeError(AutograderError, RuntimeError):
    """The referee process died or stopped answering."""


class Referee:
    """A referee process for one grading thread; `run` grades one student process."""

    def __init__(self, files_dir: Path) -> None:
        self._files_dir = files_dir
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = autograder.subprocess_env()
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "autograder.grading.referee.server",
                str(theirs.fileno()),
                str(self._files_dir),
            ],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env=env,
        )
        theirs.close()
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
        self, channel: socket.socket, pid: int, request: dict[str, Any], deadline: float
    ) -> Iterator[dict]:
        """Send the student's channel; yield the referee's events until `done`.

        Raises TimeoutError if the referee passes `deadline`, RefereeError if it died or sent
        something that is not an event; either way the referee is restarted for the next
        submission.
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
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
