"""Sandbox slots: each concurrent grading process gets a uid of its own, held by a lock file.

A uid per slot makes RLIMIT_NPROC bite (a fork bomb meets its own limit), keeps one student's
files away from another's, and lets the grader end every process a submission left behind.
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


def _pids_of(uid: int) -> list[int]:
    """Live processes of `uid` (zombies are already dead: they only wait to be reaped)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uids, state = fields.get("Uid", "").split(), fields.get("State", "").strip()
        if uids and int(uids[0]) == uid and not state.startswith("Z"):
            pids.append(int(entry.name))
    return pids


def end_processes(slot: Slot, pid: int) -> None:
    """Kill the child `pid`, its process group and (with a uid) everything running as the uid."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    if slot.uid is None:
        return
    for _ in range(20):
        pids = _pids_of(slot.uid)
        if not pids:
            return
        for other in pids:
            try:
                os.kill(other, signal.SIGKILL)
            except ProcessLookupError:
                pass
