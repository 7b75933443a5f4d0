"""Lock the current process into a sandbox before it runs student code (Linux only).

As root: the process was forked into a PID namespace of its own (pidns.py: it sees only itself
and what it starts; when it ends, the kernel kills everything it started); new mount, network,
IPC and UTS namespaces; a root of its own (`_new_root`: the system folders and Python's install,
a copy of the working folder at `WORK_MOUNT` on a tmpfs of `RLimits.disk_mb`, the disk quota,
private temporary folders, a few devices, the namespace's /proc; nothing else of the machine);
then the process drops to an unprivileged uid of its own, which also gives up every capability.
Always: resource limits on address space, CPU time, file size, processes and open files. Without
root only the resource limits apply, and the returned `Isolation` says what is missing.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import shutil
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

WORK_MOUNT = "/mnt/work"
_NEW_ROOT = "/mnt"
"""Where the new root is built (a tmpfs over the machine's /mnt), then pivoted to."""
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
_DEVICES = ("null", "zero", "full", "random", "urandom")
_DEVICE_LINKS = (
    ("fd", "/proc/self/fd"),
    ("stdin", "/proc/self/fd/0"),
    ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"),
)
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(platform.machine(), -1)

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
TMP_MB = 64
"""Size of each private temporary folder (/tmp, /var/tmp, /dev/shm, /run/lock)."""
SANDBOX_VARIABLES = ("LANG", "LC_ALL")
"""The only environment variables of the grader that reach the fork server (hence any student
process); launcher.zygote_env sets the others (PATH, BLAS threads, PYTHONPATH, ...)."""


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


def _bind(path: str, root: str) -> None:
    """Make `path` (a folder, or a symlink to one) appear at the same place under `root`."""
    inside = root + path
    if os.path.islink(path):
        os.makedirs(os.path.dirname(inside), exist_ok=True)
        if not os.path.lexists(inside):
            os.symlink(os.readlink(path), inside)
        return
    os.makedirs(inside, exist_ok=True)
    _mount(path, inside, None, _MS_BIND | _MS_REC)


def _devices(root: str) -> None:
    """A /dev of a few harmless devices and the usual symlinks (/dev/shm: a private tmpfs)."""
    os.makedirs(f"{root}/dev")
    _mount("tmpfs", f"{root}/dev", "tmpfs", _MS_NOSUID, "mode=0755,size=1m")
    for name in _DEVICES:
        open(f"{root}/dev/{name}", "w").close()  # noqa: SIM115 - an empty mount point
        _mount(f"/dev/{name}", f"{root}/dev/{name}", None, _MS_BIND)
    for name, target in _DEVICE_LINKS:
        os.symlink(target, f"{root}/dev/{name}")


def _working_folder(workdir: str, root: str, uid: int, disk_mb: int) -> None:
    """A copy of `workdir`, owned by `uid`, on a tmpfs of `disk_mb` at WORK_MOUNT (not a bind
    mount: the host folder stays out of reach, and its size is the disk quota)."""
    inside = root + WORK_MOUNT
    os.makedirs(inside)
    _mount("tmpfs", inside, "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode=0700,size={disk_mb}m")
    shutil.copytree(workdir, inside, symlinks=True, dirs_exist_ok=True)
    for folder, dirs, files in os.walk(inside):
        for name in (folder, *(os.path.join(folder, n) for n in (*dirs, *files))):
            os.chown(name, uid, uid, follow_symlinks=False)


def _kept_folders() -> list[str]:
    """The system folders (symlinks as such) and Python's install, without those inside
    another one."""
    folders = [p for p in _SYSTEM_DIRS if os.path.isdir(p) and not os.path.islink(p)]
    folders = _outermost([*folders, *_kept_paths()])
    links = [p for p in _SYSTEM_DIRS if os.path.islink(p)]
    return [*folders, *links]


def _private_tmp(paths: list[str]) -> None:
    """An empty tmpfs of TMP_MB at each of `paths` under the new root."""
    for path in paths:
        os.makedirs(_NEW_ROOT + path, exist_ok=True)
        options = f"mode=1777,size={TMP_MB}m"
        _mount("tmpfs", _NEW_ROOT + path, "tmpfs", _MS_NOSUID | _MS_NODEV, options)


def _new_root(workdir: str, uid: int, disk_mb: int, hidden: list[str]) -> list[str]:
    """Build a root of its own and pivot into it: the system folders and Python's install (at
    their own paths), the working folder, private temporary folders, a few devices, this PID
    namespace's /proc; nothing else of the machine's files or mounts (its mount table lists
    these alone). Folders of `hidden` inside them are covered. Returns what could not be done."""
    missing = []
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    _mount("tmpfs", _NEW_ROOT, "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
    # before the binds: Python's install may live inside one of them (a venv under /tmp)
    _private_tmp([p for p in _TMP_DIRS if not p.startswith("/dev/")])
    kept = _kept_folders()
    for path in kept:
        _bind(path, _NEW_ROOT)
    for path in _outermost(hidden):  # only inside a kept folder is there anything to cover
        if any(path.startswith(k.rstrip("/") + "/") for k in kept) and os.path.isdir(path):
            _mount("tmpfs", _NEW_ROOT + path, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m")
    _working_folder(workdir, _NEW_ROOT, uid, disk_mb)
    _devices(_NEW_ROOT)
    _private_tmp([p for p in _TMP_DIRS if p.startswith("/dev/")])
    os.makedirs(f"{_NEW_ROOT}/proc")
    try:
        _mount("proc", f"{_NEW_ROOT}/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    except OSError as err:
        missing.append(f"its own /proc ({err}): student code sees every process")
        _mount("/proc", f"{_NEW_ROOT}/proc", None, _MS_BIND | _MS_REC)
    os.chdir(_NEW_ROOT)
    _call(_libc.syscall(_SYS_PIVOT_ROOT, b".", b"."), "pivot_root")
    _call(_libc.umount2(b".", _MNT_DETACH), "umount the old root")
    os.chdir("/")
    return missing


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
    `pid_namespace`: "" if the zygote forked this process into a PID namespace of its own, else
    why not (pidns.new_namespace).
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
            isolation.missing += _new_root(workdir, uid, limits.disk_mb, hidden)
            isolation.applied.append(
                "no network; a root of its own (system folders, Python, the working folder of "
                f"{limits.disk_mb} MB, private /tmp)"
            )
            os.chdir(WORK_MOUNT)
        except OSError as err:
            isolation.missing.append(
                f"namespaces ({err}): files and network not isolated, no disk quota"
            )
            os.chdir(workdir)
        if not pid_namespace:
            isolation.applied.append("a PID namespace of its own")
        _drop_privileges(uid)
        isolation.applied.append(f"runs as uid {uid} without privileges")
    apply_limits(limits, isolation)
    return isolation
