"""Lock the current process into a sandbox before it runs student code (Linux only).

As root: new mount, network, IPC and UTS namespaces; empty tmpfs over the places that hold other
students' work, the answer key and the instructor's files (Python's own install stays visible);
the working folder bind-mounted at `WORK_MOUNT`; then the process drops to an unprivileged uid of
its own, which also gives up every capability. Always: resource limits on address space, CPU
time, file size, processes and open files. Without root only the resource limits apply, and the
returned `Isolation` says what is missing.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

WORK_MOUNT = "/mnt/work"
_SCRATCH = "/mnt"

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC, _CLONE_NEWNET = (
    0x20000,
    0x4000000,
    0x8000000,
    0x40000000,
)
_MS_NOSUID, _MS_NODEV, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
_MNT_DETACH = 2
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38
_TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
_PRIVATE_DIRS = ("/root", "/home", "/autograder", "/work")


@dataclass(frozen=True)
class RLimits:
    """Per-process resource limits: memory on top of what is mapped at the start, in MB."""

    memory_mb: int
    cpu_seconds: int
    file_mb: int = 64
    processes: int = 64
    open_files: int = 256


@dataclass
class Isolation:
    """What was put in place, and what this machine did not allow."""

    applied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


_libc = ctypes.CDLL(None, use_errno=True)


def _call(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _call(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _outermost(paths: list[str]) -> list[str]:
    """Existing real paths, without those inside another one of the list."""
    real = sorted({os.path.realpath(p) for p in paths if os.path.isdir(p)})
    return [p for p in real if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in real)]


def _kept_paths() -> list[str]:
    """Python's install, its standard library and site-packages: must stay readable.

    Not `sys.path`: an editable install puts the project root (with the answer key) on it.
    """
    paths = sysconfig.get_paths()
    libraries = [paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    return _outermost([sys.prefix, sys.base_prefix, *libraries])


def _hide_and_keep(hidden: list[str], workdir: str) -> None:
    """Mount empty tmpfs over `hidden`, keep Python readable, bind `workdir` at WORK_MOUNT."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", _SCRATCH, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
    os.mkdir(WORK_MOUNT)
    _mount(workdir, WORK_MOUNT, None, _MS_BIND | _MS_REC)
    covered = _outermost(hidden)
    keep = [k for k in _kept_paths() if any(k.startswith(h.rstrip("/") + "/") for h in covered)]
    holds = []
    for i, path in enumerate(keep):
        hold = f"{_SCRATCH}/keep{i}"
        os.mkdir(hold)
        _mount(path, hold, None, _MS_BIND | _MS_REC)
        holds.append(hold)
    for path in covered:
        mode = "1777" if path in _TMP_DIRS else "0755"
        _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode={mode},size=256m")
    for path, hold in zip(keep, holds, strict=True):
        os.makedirs(path, exist_ok=True)
        _mount(hold, path, None, _MS_BIND | _MS_REC)
        _call(_libc.umount2(hold.encode(), _MNT_DETACH), f"umount {hold}")


def _drop_privileges(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def _vm_size_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def apply_limits(limits: RLimits, isolation: Isolation) -> None:
    """Set the rlimits (the memory limit counts from what is already mapped)."""
    address_space = _vm_size_bytes() + limits.memory_mb * 2**20
    for name, value in (
        ("RLIMIT_AS", address_space),
        ("RLIMIT_CPU", limits.cpu_seconds),
        ("RLIMIT_FSIZE", limits.file_mb * 2**20),
        ("RLIMIT_NPROC", limits.processes),
        ("RLIMIT_NOFILE", limits.open_files),
        ("RLIMIT_CORE", 0),
    ):
        resource.setrlimit(getattr(resource, name), (value, value))
    isolation.applied.append(
        f"limits: memory {limits.memory_mb} MB, CPU {limits.cpu_seconds} s, "
        f"files {limits.file_mb} MB, {limits.processes} processes"
    )


def isolate(workdir: str, uid: int | None, hidden: list[str], limits: RLimits) -> Isolation:
    """Sandbox this process; afterwards the working folder is `cwd`. Call once, in the child.

    `uid`: the unprivileged uid to become (root only); `hidden`: extra folders to make empty.
    """
    isolation = Isolation()
    _libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)
    _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # setuid programs cannot regain root
    os.setsid()
    if os.geteuid() != 0 or uid is None:
        isolation.missing.append(
            "namespaces and a separate uid (not root): student code can read what this user "
            "can read and may reach the network"
        )
        os.chdir(workdir)
    else:
        try:
            _call(
                _libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS),
                "unshare",
            )
            _hide_and_keep([*_TMP_DIRS, *_PRIVATE_DIRS, *hidden], workdir)
            isolation.applied.append("no network; private /tmp; answer key and other work hidden")
            os.chdir(WORK_MOUNT)
        except OSError as err:
            isolation.missing.append(f"namespaces ({err}): files and network not isolated")
            os.chdir(workdir)
        _drop_privileges(uid)
        isolation.applied.append(f"runs as uid {uid} without privileges")
    apply_limits(limits, isolation)
    return isolation
