"""Start the zygote and ask it for sandboxed children (the grading side of the fork server)."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import autograder
from autograder.errors import AutograderError
from autograder.grading.sandbox.handover import HandoverError, encode_config
from autograder.grading.sandbox.isolation import SANDBOX_VARIABLES

_START_TIMEOUT = 120.0
_SYSTEM_PATH = ("/usr/local/bin", "/usr/bin", "/bin")


class SandboxError(AutograderError, RuntimeError):
    """The zygote could not be started or stopped answering."""


@dataclass(frozen=True)
class ExitStatus:
    """How a child ended: an exit code, or the signal that killed it."""

    code: int | None
    signal: int | None

    def describe(self) -> str:
        if self.signal is not None:
            return f"killed by signal {self.signal}"
        return f"exit code {self.code}"


def zygote_env() -> dict[str, str]:
    """The fork server's whole environment, set when it is exec'd: every student process is
    forked from it, so nothing else of the grader's (tokens, paths) exists in its memory or in
    the environment block on its stack, whatever a student's process reads."""
    kept = {k: os.environ[k] for k in SANDBOX_VARIABLES if k in os.environ}
    return {
        **kept,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), *_SYSTEM_PATH]),
        **autograder.ONE_THREAD,
        "MPLBACKEND": "Agg",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONPATH": str(autograder.PACKAGE_PARENT),
    }


class Zygote:
    """One fork server; `spawn` is thread-safe. Use as a context manager."""

    def __init__(self, log_path: Path | None = None) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = zygote_env()
        log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
        self._process = subprocess.Popen(
            [sys.executable, "-m", "autograder.grading.sandbox.zygote", str(theirs.fileno())],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
        )
        theirs.close()
        if log is not subprocess.DEVNULL:
            log.close()
        self._control = ours
        self._spawned: queue.Queue[int] = queue.Queue()
        self._exits: dict[int, ExitStatus] = {}
        self._exited = threading.Condition()
        self._spawn_lock = threading.Lock()
        self._ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True, name="zygote-reader")
        self._reader.start()
        if not self._ready.wait(_START_TIMEOUT):
            self.close()
            raise SandboxError(f"the grading zygote did not start within {_START_TIMEOUT:.0f} s")

    def _read(self) -> None:
        while True:
            try:
                data = self._control.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                with self._exited:
                    self._exited.notify_all()
                self._spawned.put(-1)
                return
            message = json.loads(data)
            if "ready" in message:
                self._ready.set()
            elif "spawned" in message:
                self._spawned.put(int(message["spawned"]))
            elif "exited" in message:
                with self._exited:
                    self._exits[int(message["exited"])] = ExitStatus(
                        message["code"], message["signal"]
                    )
                    self._exited.notify_all()

    def spawn(self, config: dict[str, Any]) -> tuple[int, socket.socket]:
        """Fork a sandboxed child running `child.main` with `config` (handed over the channel,
        see handover.py); return its pid (the first process of its PID namespace, as this
        process numbers it) and our channel. A config over the limit is a `SandboxError`."""
        try:
            data = encode_config(config)
        except HandoverError as err:
            raise SandboxError(str(err)) from None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            pid = self._fork({"child": True}, theirs)
            ours.sendall(data)
        except (SandboxError, OSError) as err:
            ours.close()
            if isinstance(err, SandboxError):
                raise
            raise SandboxError(f"the grading process did not take its notebook: {err}") from err
        return pid, ours

    def spawn_referee(self, files_dir: Path, control: socket.socket) -> int:
        """Fork a trusted referee process (`autograder.grading.referee.server`) for the tests in
        `files_dir`, talking over `control` (closed here); return its pid. It starts with the
        zygote's imports done, before any student code ran, and loads the tests after the fork."""
        return self._fork({"referee": str(files_dir)}, control)

    def _fork(self, request: dict[str, Any], channel: socket.socket) -> int:
        """Send the zygote a request with `channel` (closed here) attached; the new pid."""
        with self._spawn_lock:
            try:
                socket.send_fds(self._control, [json.dumps(request).encode()], [channel.fileno()])
            except OSError as err:
                raise SandboxError(f"the grading zygote is gone: {err}") from err
            finally:
                channel.close()
            pid = self._spawned.get()
        if pid < 0:
            raise SandboxError("the grading zygote exited")
        return pid

    def wait_exit(self, pid: int, timeout: float) -> ExitStatus | None:
        """How child `pid` ended, once the zygote has reaped it (None if not within timeout)."""
        with self._exited:
            self._exited.wait_for(
                lambda: pid in self._exits or not self._reader.is_alive(), timeout
            )
            return self._exits.pop(pid, None)

    def close(self) -> None:
        # shutdown first: close alone leaves the socket open while the reader thread is in recv,
        # so the zygote would not see the end and would be killed only after the timeout below
        try:
            self._control.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._control.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
