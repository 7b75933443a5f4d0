"""Lock the current process into a sandbox before it runs student code (Linux only).

As root: the process is the first of a PID namespace of its own (`enter_pid_namespace`, in its
parent: it sees no other process, and when it ends the kernel kills everything it started); new
mount, network, IPC and UTS namespaces; its own /proc; empty tmpfs over the places that hold other
students' work, the answer key and the instructor's files (Python's own install stays visible);
a copy of the working folder at `WORK_MOUNT` on a tmpfs of `RLimits.disk_mb` (the disk quota);
then the process drops to an unprivileged uid of its own, which also gives up every capability.
Always: resource limits on address space, CPU time, file size, processes and open files. Without
root only the resource limits apply, and the returned `Isolation` says what is missing.
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

WORK_MOUNT = "/mnt/work"
_SCRATCH = "/mnt"

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC, _CLONE_NEWPID, _CLONE_NEWNET = (
    0x20000,
    0x4000000,
    0x8000000,
    0x20000000,
    0x40000000,
)
_MS_NOSUID, _MS_NODEV, _MS_NOEXEC, _MS_BIND, _MS_REC, _MS_PRIVATE = 2, 4, 8, 4096, 16384, 1 << 18
_MNT_DETACH = 2
_PR_SET_PDEATHSIG, _PR_SET_NO_NEW_PRIVS = 1, 38
_TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")
_PRIVATE_DIRS = ("/root", "/home", "/autograder", "/work")
TMP_MB = 64
"""Size of each private temporary folder (/tmp, /var/tmp, /dev/shm, /run/lock)."""
SANDBOX_VARIABLES = ("PATH", "LANG", "LC_ALL", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE")
"""The only environment variables of the grader that reach the fork server (hence any student
process), beside the BLAS thread counts and the package's PYTHONPATH."""


@dataclass(frozen=True)
class RLimits:
    """Per-process resource limits: memory on top of what is mapped at the start, in MB."""

    memory_mb: int
    cpu_seconds: int
    file_mb: int = 64
    processes: int = 64
    open_files: int = 256
    disk_mb: int = 256
    """The working folder's size (a tmpfs, root only; without root only `file_mb` applies)."""


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


def _hide_and_keep(hidden: list[str], workdir: str, uid: int, disk_mb: int) -> None:
    """Mount empty tmpfs over `hidden`, keep Python readable, copy `workdir` (to `uid`) onto a
    tmpfs of `disk_mb` at WORK_MOUNT (not a bind mount: the host folder stays out of reach)."""
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", _SCRATCH, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
    os.mkdir(WORK_MOUNT)
    _mount("tmpfs", WORK_MOUNT, "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode=0700,size={disk_mb}m")
    shutil.copytree(workdir, WORK_MOUNT, symlinks=True, dirs_exist_ok=True)
    for folder, dirs, files in os.walk(WORK_MOUNT):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            os.chown(name, uid, uid, follow_symlinks=False)
    covered = _outermost(hidden)
    keep = [k for k in _kept_paths() if any(k.startswith(h.rstrip("/") + "/") for h in covered)]
    holds = []
    for i, path in enumerate(keep):
        hold = f"{_SCRATCH}/keep{i}"
        os.mkdir(hold)
        _mount(path, hold, None, _MS_BIND | _MS_REC)
        holds.append(hold)
    for path in covered:
        options = f"mode=1777,size={TMP_MB}m" if path in _TMP_DIRS else "mode=0755,size=1m"
        _mount("tmpfs", path, "tmpfs", _MS_NOSUID | _MS_NODEV, options)
    for path, hold in zip(keep, holds, strict=True):
        os.makedirs(path, exist_ok=True)
        _mount(hold, path, None, _MS_BIND | _MS_REC)
        _call(_libc.umount2(hold.encode(), _MNT_DETACH), f"umount {hold}")


def _own_proc() -> None:
    """A /proc of this PID namespace: no other process, no other command line or environment."""
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)


def _own_proc_or_say(pid_namespace: str, isolation: Isolation) -> None:
    """Mount this PID namespace's /proc (in a new mount namespace), or record why not."""
    if pid_namespace:
        return
    try:
        _own_proc()
    except OSError as err:
        isolation.missing.append(f"its own /proc ({err}): student code sees every process")
    else:
        isolation.applied.append("a PID namespace of its own")


def enter_pid_namespace() -> str:
    """Make this process's next child the first process of a new PID namespace (root only): it
    and everything it starts see only each other, and when it ends the kernel kills them all.
    Returns "" if done, else why not (for `Isolation.missing`)."""
    if os.geteuid() != 0:
        return "a PID namespace (not root): student code sees every process on the machine"
    try:
        _call(_libc.unshare(_CLONE_NEWPID), "unshare")
    except OSError as err:
        return f"a PID namespace ({err}): student code sees every process on the machine"
    return ""


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


def isolate(
    workdir: str, uid: int | None, hidden: list[str], limits: RLimits, pid_namespace: str
) -> Isolation:
    """Sandbox this process; afterwards the working folder is `cwd`. Call once, in the child.

    `uid`: the unprivileged uid to become (root only); `hidden`: extra folders to make empty;
    `pid_namespace`: what `enter_pid_namespace` returned in the parent ("": this process is the
    first of its PID namespace).
    """
    isolation = Isolation(missing=[pid_namespace] if pid_namespace else [])
    _libc.prctl(_PR_SET_PDEATHSIG, 9, 0, 0, 0)
    _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  # setuid programs cannot regain root
    os.setsid()
    if os.geteuid() != 0 or uid is None:
        isolation.missing.append(
            "namespaces and a separate uid (not root): student code can read what this user "
            "can read, may reach the network and has no disk quota (only a file size limit)"
        )
        os.chdir(workdir)
    else:
        try:
            _call(
                _libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS),
                "unshare",
            )
            covered = [*_TMP_DIRS, *_PRIVATE_DIRS, *hidden, workdir]
            _hide_and_keep(covered, workdir, uid, limits.disk_mb)
            isolation.applied.append(
                f"no network; private /tmp; answer key and other work hidden; working folder "
                f"{limits.disk_mb} MB"
            )
            os.chdir(WORK_MOUNT)
        except OSError as err:
            isolation.missing.append(
                f"namespaces ({err}): files and network not isolated, no disk quota"
            )
            os.chdir(workdir)
        else:
            _own_proc_or_say(pid_namespace, isolation)
        _drop_privileges(uid)
        isolation.applied.append(f"runs as uid {uid} without privileges")
    apply_limits(limits, isolation)
    return isolation
