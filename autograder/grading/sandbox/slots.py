"""Sandbox slots: each concurrent grading process gets a uid of its own, held by a lock file.

A uid per slot makes RLIMIT_NPROC bite (a fork bomb meets its own limit) and keeps one student's
files away from another's. What a submission started ends with its PID namespace (pidns.py);
where there is none, `end_processes` kills every process of the slot's uid.
"""

from __future__ import annotations

import fcntl
import os
import signal
from dataclasses import dataclass
from pathlib import Path

FIRST_UID = 61000
MAX_SLOTS = 512
_LOCK_DIR = Path("/tmp/autograder-slots")


@dataclass
class Slot:
    """A held uid (None without root) and the lock that holds it."""

    uid: int | None
    _lock_fd: int | None = None

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


def acquire_slot() -> Slot:
    """Take the first free uid (across processes on this machine); without root, no uid."""
    if os.geteuid() != 0:
        return Slot(None)
    _LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
    for uid in range(FIRST_UID, FIRST_UID + MAX_SLOTS):
        fd = os.open(_LOCK_DIR / f"{uid}.lock", os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return Slot(uid, fd)
    raise RuntimeError(f"all {MAX_SLOTS} sandbox slots are taken")


def _uid(pid: str) -> int | None:
    """The real uid of process `pid` (None if it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    uid = next((ln.split()[1] for ln in status.splitlines() if ln.startswith("Uid:")), None)
    return None if uid is None else int(uid)


def _runs(pid: int) -> bool:
    """Whether a thread of process `pid` still runs. A process whose main thread ended shows as
    a zombie while its other threads run: it is not dead."""
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return False
    for task in tasks:
        try:
            state = task.joinpath("stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state not in "ZX":
            return True
    return False


def _pids_of(uid: int) -> list[int]:
    """Every process of `uid`, zombie-looking ones included."""
    return [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _uid(entry.name) == uid
    ]


def end_processes(slot: Slot, pid: int) -> None:
    """Kill the child `pid` (the first of its PID namespace: the kernel kills the rest), its
    process group and (with a uid) every process of the uid, zombie-looking ones included."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    if slot.uid is None:
        return
    for _ in range(20):
        pids = _pids_of(slot.uid)
        for other in pids:  # a zombie-looking process's live threads die with it
            try:
                os.kill(other, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if not any(_runs(other) for other in pids):
            return
