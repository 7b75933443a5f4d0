"""The sandbox around a student's process (issue 18): what it may leave behind, see and hold.

Each notebook is the tiny solution with one cell added (tests/autograder/test_engine.py's
fixtures); a score that changes, or the text a cell raises into the record's message, tells what
the student's process could do.
"""

from __future__ import annotations

import ast
import os

import nbformat
import pytest

from autograder.grading.engine import GradingLimits, grade_submission
from autograder.grading.records import Submission
from autograder.grading.sandbox import pidns
from autograder.grading.sandbox.launcher import Zygote
from autograder.grading.sandbox.slots import acquire_slot
from tests.autograder import test_engine as engine_tests
from tests.autograder.test_engine import CHECKOUT, ROOT_ONLY, _scores, _solution, _with_cell

built = engine_tests.built  # the tiny project and its bundle (a fixture)
grade = engine_tests.grade  # grade(notebook_bytes) -> record, one zygote for the module (a fixture)


_WALKER = """
import ctypes, os, platform, signal, threading, time
_real_scale = scale
_started = []
def _walk(parent):
    while os.getppid() == parent:  # wait until this submission's grading is over
        time.sleep(0.01)
    end = time.monotonic() + 20
    while time.monotonic() < end:  # then kill every process of the slot's uid: later students
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        time.sleep(0.01)
def scale(x, a):
    if not _started:  # at test time, after the last cell's clean-up
        _started.append(1)
        parent = os.getpid()
        if os.fork() == 0:
            os.setsid()
            threading.Thread(target=_walk, args=(parent,)).start()
            # the main thread alone ends (raw exit syscall): /proc shows the process as a zombie
            ctypes.CDLL(None).syscall(60 if platform.machine() == "x86_64" else 93, 0)
    return _real_scale(x, a)
"""


@pytest.mark.slow
@ROOT_ONLY
def test_a_process_left_by_a_student_dies_with_its_grading(built, grade):
    """The pid walker (issue 18): a process whose main thread exited while another runs looks
    like a zombie; it must not outlive its submission and kill the next one (same slot uid)."""
    walker = grade(_with_cell(built, _WALKER, after_question=2))
    assert (walker.status, walker.total) == ("graded", 3.0), walker.message
    honest = grade(nbformat.writes(_solution(built)).encode())
    assert (honest.status, honest.total) == ("graded", 3.0), honest.message


_LOOK_AROUND = """
import os
_pids = [p for p in os.listdir("/proc") if p.isdigit()]
_lines = []
for _pid in _pids:
    try:
        with open(f"/proc/{_pid}/cmdline", "rb") as _f:
            _lines.append(_f.read().replace(b"\\0", b" ").decode(errors="replace"))
    except OSError:
        pass
with open("/proc/self/mountinfo") as _f:
    _mounts = sorted({_line.split()[4] for _line in _f})
_leaks = [_m for _m in _mounts if _m.startswith(PROJECT_PARENT)]
_real_scale = scale
def scale(x, a):
    return _real_scale(x, a) * (1.0 if len(_pids) <= 3 and not _leaks else 2.0)
raise ValueError(f"SAW {len(_pids)} processes, {len(_leaks)} leaks: {_lines}")
"""


@pytest.mark.slow
@ROOT_ONLY
def test_student_code_sees_no_other_process_nor_the_mount_table(built, grade):
    """A PID namespace and a root of its own: /proc lists the namespace's init and the student's
    process (and what it started), never the grader's command line (its --out, other students'
    files) nor the referee's; the mount table holds no mount of the grader's (the hidden project
    was a mount point there, named by its path)."""
    paths, _ = built
    cell = _LOOK_AROUND.replace("PROJECT_PARENT", repr(str(paths.root.parent)))
    record = grade(_with_cell(built, cell, after_question=1))
    assert _scores(record)["scale"] == 1.0, record.message
    assert "SAW 2 processes, 0 leaks" in record.message and "pytest" not in record.message


_SECRET_NAME = "GRADER_SECRET_TOKEN"
_STUDENT_VARIABLES = {
    *("PATH", "LANG", "LC_ALL", "MPLBACKEND", "PYTHONDONTWRITEBYTECODE", "HOME", "IPYTHONDIR"),
    *("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"),
}
"""Set by the sandbox (child._clean_environment), not taken from the grader."""
_ENVIRONMENT_HUNT = """
import ctypes, re
ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /proc/self/mem and environ readable
_pattern = re.compile(rb"NAME=([0-9a-f]{32})")
with open("/proc/self/environ", "rb") as _f:
    _found = set(_pattern.findall(_f.read()))
with open("/proc/self/maps") as _maps, open("/proc/self/mem", "rb", 0) as _mem:
    for _line in _maps:
        _span, _perms = _line.split()[:2]
        if not _perms.startswith("r"):
            continue
        _lo, _hi = (int(_x, 16) for _x in _span.split("-"))
        for _at in range(_lo, _hi, 1 << 24):  # the stack, the heap, every mapping
            try:
                _mem.seek(_at)
                _chunk = _mem.read(min(_hi, _at + (1 << 24) + 64) - _at)
            except (OSError, OverflowError, ValueError):
                continue
            _found.update(_pattern.findall(_chunk))
import os
if "/grader-secret-" in os.environ.get("PATH", ""):
    _found.add(b"PATH")
_keys = sorted(os.environ)
_real_scale = scale
def scale(x, a):
    return _real_scale(x, a) * (2.0 if _found else 1.0)
raise ValueError(f"FOUND {sorted(_found)} KEYS {_keys}")
""".replace("NAME", _SECRET_NAME)


@pytest.mark.slow
def test_no_route_to_the_graders_environment(built, tmp_path, monkeypatch):
    """The grader's variables never exist in a student's process: not in os.environ (not even
    its PATH), not in /proc/self/environ after PR_SET_DUMPABLE, not anywhere in its memory (the
    zygote is started with a clean environment, so the block on its stack holds none of them)."""
    paths, bundle = built
    secret = os.urandom(16).hex()
    monkeypatch.setenv(_SECRET_NAME, secret)
    monkeypatch.setenv("PATH", f"{os.environ['PATH']}:/grader-secret-{secret}")
    limits = GradingLimits(time_seconds=60, memory_mb=1024)
    slot = acquire_slot()
    try:
        with Zygote() as zygote:
            sub = Submission("nb.ipynb", _with_cell(built, _ENVIRONMENT_HUNT, 1), "student")
            record = grade_submission(
                sub, bundle, zygote=zygote, slot=slot, limits=limits, hidden=[str(paths.root)]
            ).record
    finally:
        slot.release()
    assert "FOUND []" in record.message, record.message
    assert secret not in record.to_json() and _scores(record)["scale"] == 1.0
    keys = record.message.split("KEYS ")[1].split("]")[0]
    assert set(ast.literal_eval(keys + "]")) <= _STUDENT_VARIABLES, keys


@pytest.mark.slow
def test_a_notebook_with_a_large_cell_is_graded(built, grade):
    """A correct notebook with a 400 KB data cell is graded like any other (it once failed with
    "the grading zygote is gone: Message too long": the notebook went through the zygote's
    socket; it now goes over the child's own channel)."""
    data = ", ".join(str(i % 1000) for i in range(100_000))
    record = grade(_with_cell(built, f"_data = [{data}]", after_question=2))
    assert len(data) > 400_000
    assert (record.status, record.total) == ("graded", 3.0), record.message


_FILL_THE_DISK = """
import os
_wrote, _block = 0, b"x" * (1 << 20)
try:
    for _i in range(1024):  # 1 GB in files of 16 MB (each under the file size limit)
        with open(f"fill{_i // 16}.bin", "ab") as _f:
            _f.write(_block)
        _wrote += len(_block)
except OSError as _err:
    _why = _err.errno
else:
    _why = None
raise ValueError(f"WROTE {_wrote >> 20} MB ({_why})")
"""


@pytest.mark.slow
@ROOT_ONLY
def test_the_working_folder_has_a_disk_quota(built, grade):
    """1 GB written into the working folder stops at its quota (a 256 MB tmpfs); the rest of
    the notebook is graded."""
    record = grade(_with_cell(built, _FILL_THE_DISK, after_question=2))
    assert (record.status, record.total) == ("graded", 3.0), record.message
    wrote = int(record.message.split("WROTE ")[1].split()[0])
    assert 200 <= wrote <= 256 and "(28)" in record.message  # ENOSPC


@pytest.mark.slow
@ROOT_ONLY
def test_pythons_install_stays_importable_inside_a_hidden_folder(built, grade):
    """The checkout is hidden, the virtual environment inside it is not: a module imported for
    the first time in the student's process still loads."""
    cell = "import IPython.core.oinspect, email.mime.text, os\n_seen = os.listdir(os.getcwd())"
    record = grade(_with_cell(built, cell, after_question=2), hidden=[str(CHECKOUT)])
    assert (record.status, record.total) == ("graded", 3.0), record.message


def test_without_root_there_is_no_pid_namespace_and_the_grader_is_told(monkeypatch):
    """Not root: no holder is started, and the reason becomes the child's `missing` (reported
    as the sandbox warning), never a silent gap."""
    monkeypatch.setattr(pidns.os, "geteuid", lambda: 1000)
    assert pidns.new_namespace() == (
        "a PID namespace (not root): student code sees every process on the machine"
    )


@ROOT_ONLY
def test_a_namespace_made_ahead_holds_its_init_until_ended():
    """As root: the holder makes a namespace whose init waits; `end` kills it and the holder
    exits (what the zygote waits for before reporting a child's exit)."""
    namespace = pidns.new_namespace()
    assert isinstance(namespace, pidns.Namespace) and namespace.ready() == ""
    with open(f"/proc/{namespace.init}/status") as status:
        nspid = next(line.split()[1:] for line in status if line.startswith("NSpid:"))
    assert nspid == [str(namespace.init), "1"]  # pid 1 of its own namespace
    namespace.end()
    assert os.waitstatus_to_exitcode(os.waitpid(namespace.holder, 0)[1]) == 0
