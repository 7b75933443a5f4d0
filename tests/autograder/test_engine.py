"""The grading engine on the tiny course: scores, limits, crashes and the sandbox, end to end.

Each notebook is the tiny solution with one cell added; `scale` is worth 1 point, `add_offsets` 2.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.build import build_assignment
from autograder.batch.runner import LocalGrader, ResultStore, grade_all
from autograder.config import load_config
from autograder.grading.bundle import unpack_bundle
from autograder.grading.engine import GradingLimits, InvalidNotebook, code_cells, grade_submission
from autograder.grading.records import Submission
from autograder.grading.sandbox.launcher import Zygote
from autograder.grading.sandbox.slots import acquire_slot
from autograder.paths import project_paths

DATA = Path(__file__).parent / "data"
CHECKOUT = Path(__file__).resolve().parents[2]
LIMITS = GradingLimits(time_seconds=4, memory_mb=512)
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="the full sandbox needs root")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny project, built once: its paths and its unpacked autograder bundle."""
    root = tmp_path_factory.mktemp("engine") / "project"
    shutil.copytree(DATA / "project", root, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copyfile(CHECKOUT / "requirements.txt", root / "requirements.txt")
    paths = project_paths(root)
    build_assignment("tiny", paths=paths, course=load_config(paths.config_file), run_tests=False)
    bundle = unpack_bundle(paths.autograder_zip("tiny"), root.parent / "bundle", ["scale"])
    return paths, bundle


@pytest.fixture(scope="module")
def grade(built):
    """grade(notebook_bytes, limits=LIMITS) -> GradeRecord, with one zygote for the module."""
    paths, bundle = built
    slot = acquire_slot()
    with Zygote() as zygote:

        def run(content: bytes, limits: GradingLimits = LIMITS, hidden=()):
            sub = Submission("nb.ipynb", content, "student")
            hidden = [str(paths.root), *hidden]
            return grade_submission(
                sub, bundle, zygote=zygote, slot=slot, limits=limits, hidden=hidden
            ).record

        yield run
    slot.release()


def _solution(built) -> nbformat.NotebookNode:
    paths, _ = built
    return nbformat.read(paths.solution_notebook("tiny"), as_version=4)


def _with_cell(built, source: str, after_question: int) -> bytes:
    """The solution with a code cell inserted after the cell defining question 1 or 2."""
    notebook = _solution(built)
    defines = "def scale" if after_question == 1 else "def add_offsets"
    index = next(i for i, c in enumerate(notebook.cells) if defines in c.source)
    notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return nbformat.writes(notebook).encode()


def _scores(record) -> dict[str, float]:
    return {q.name: q.score for q in record.questions}


@pytest.mark.slow
def test_solution_full_marks_and_student_variant_zero(built, grade):
    paths, _ = built
    solution = grade(paths.solution_notebook("tiny").read_bytes())
    assert (solution.status, solution.total, solution.max_score) == ("graded", 3.0, 3.0)
    assert [q.name for q in solution.questions] == ["scale", "add_offsets"]
    blank = grade((paths.student_dir("tiny") / "tiny.ipynb").read_bytes())
    assert (blank.status, blank.total) == ("graded", 0.0)
    failed = [t for q in blank.questions for t in q.tests if not t.passed]
    assert failed and all(t.message.startswith("❌ Test case failed") for t in failed)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b'{"cells": [', "not a valid notebook"), (b"\xff\xfe\x00", "not text")],
)
def test_not_a_notebook_is_invalid_with_the_reason(grade, content, reason):
    record = grade(content)
    assert record.status == "invalid" and reason in record.message
    assert record.total == 0 and record.max_score == 3.0


def test_code_cells_rejects_what_is_not_a_notebook():
    with pytest.raises(InvalidNotebook):
        code_cells(b'{"not": "a notebook"}')


@pytest.mark.slow
def test_infinite_loop_is_interrupted_and_earlier_work_counts(built, grade):
    record = grade(_with_cell(built, "while True:\n    pass", after_question=1))
    assert record.status == "timeout"
    assert _scores(record) == {"scale": 1.0, "add_offsets": 0.0}
    assert "time limit" in record.message and "while True" in record.message


@pytest.mark.slow
def test_loop_that_ignores_interrupts_is_killed_and_graded_without_it(built, grade):
    cell = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    record = grade(_with_cell(built, cell, after_question=1))
    assert record.status == "timeout"
    assert _scores(record) == {"scale": 1.0, "add_offsets": 0.0}


@pytest.mark.slow
@pytest.mark.parametrize(
    "cell", ["import os\nos._exit(0)", "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)"]
)
def test_cell_that_ends_the_process_is_skipped_and_the_rest_counts(built, grade, cell):
    record = grade(_with_cell(built, cell, after_question=1))
    assert (record.status, record.total) == ("graded", 3.0)
    assert "ended the grading process" in record.message


@pytest.mark.slow
def test_memory_hog_cell_is_skipped_with_status_memory(built, grade):
    cell = "import numpy as np\nhog = []\nwhile True:\n    hog.append(np.ones(10**7))"
    # a CPU budget the hog cannot reach first, even on a busy machine: this is about memory
    limits = GradingLimits(time_seconds=60, memory_mb=LIMITS.memory_mb)
    record = grade(_with_cell(built, cell, after_question=1), limits)
    assert (record.status, record.total) == ("memory", 3.0), record.message
    assert "ran out of memory (limit 512 MB)" in record.message


@pytest.mark.slow
def test_huge_output_and_sys_exit_do_not_matter(built, grade):
    cell = "print('x' * 50_000_000)\nimport sys\nsys.exit(0)"
    record = grade(_with_cell(built, cell, after_question=1))
    assert (record.status, record.total) == ("graded", 3.0)


@pytest.mark.slow
def test_a_test_that_kills_the_process_fails_alone(built, grade):
    cell = "import os\n_real = add_offsets\ndef add_offsets(X, b):\n    os._exit(3)"
    record = grade(_with_cell(built, cell, after_question=2))
    assert record.status == "graded"
    assert _scores(record) == {"scale": 1.0, "add_offsets": 0.0}
    assert "ended the grading process (exit code 3)" in record.message


@pytest.mark.slow
@ROOT_ONLY
def test_fork_bomb_is_contained(built, grade):
    cell = (
        "import os\nfor _ in range(10_000):\n    try:\n        os.fork()\n"
        "    except OSError:\n        pass\n"
    )
    record = grade(_with_cell(built, cell, after_question=2))
    assert record.total == 3.0 and record.status in {"graded", "timeout"}


@pytest.mark.slow
@ROOT_ONLY
def test_student_code_sees_neither_the_project_nor_the_network(built, grade, tmp_path):
    """`scale` is right only if the project, other files in /tmp and the network are out of
    reach, so the score tells."""
    paths, _ = built
    other = tmp_path / "another_students_work.txt"
    other.write_text("answers")
    cell = f"""
import os, socket
_real_scale = scale
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2)
    _reached = True
except OSError:
    _reached = False
_seen = any(os.path.exists(p) for p in {[str(paths.root / "grading.yml"), str(other)]!r})
def scale(x, a):
    return _real_scale(x, a) * (2.0 if (_reached or _seen) else 1.0)
"""
    record = grade(_with_cell(built, cell, after_question=1))
    assert _scores(record)["scale"] == 1.0, record.to_json()


@ROOT_ONLY
def test_the_students_process_holds_no_socket_but_its_channel(built, tmp_path):
    """The zygote forks the referees too: neither their control sockets nor the zygote's (nor
    its SIGCHLD pipe) may reach a student's process (it could forge verdicts), whichever thread
    graded it."""
    paths, bundle = built
    assert bundle.uses_referee
    cell = """
import os, socket, stat
_streams = _others = 0
for _fd in os.listdir("/proc/self/fd"):
    try:
        if stat.S_ISFIFO(os.fstat(int(_fd)).st_mode):
            _others += 1
            continue
        _sock = socket.socket(fileno=os.dup(int(_fd)))
    except OSError:  # not a socket, or the folder listing's descriptor, closed by now
        continue
    if _sock.type == socket.SOCK_STREAM:
        _streams += 1
    else:
        _others += 1
    _sock.close()
_real_scale = scale
def scale(x, a):
    return _real_scale(x, a) * (1.0 if (_streams, _others) == (1, 0) else 2.0)
"""
    content = _with_cell(built, cell, after_question=1)
    subs = [Submission(f"nb{i}.ipynb", content, f"student{i}") for i in range(4)]
    grader = LocalGrader(
        bundle, LIMITS, [str(paths.root)], tmp_path / "zygote.log", use_referee=True
    )
    try:
        store = ResultStore(tmp_path / "results.jsonl")
        records = grade_all(subs, grader.grade, workers=2, store=store, autograder_hash="h")
    finally:
        grader.close()
    assert [(r.status, _scores(r)) for r in records] == [
        ("graded", {"scale": 1.0, "add_offsets": 2.0})
    ] * 4, [r.message for r in records]


def test_resume_grades_only_what_changed(tmp_path):
    calls = []

    def fake_grade(sub: Submission):
        from autograder.grading.records import GradeRecord

        calls.append(sub.student_id)
        status = "error" if sub.student_id == "flaky" and calls.count("flaky") == 1 else "graded"
        return GradeRecord(sub.file, sub.student_id, status, "", (), sub.content_hash, "h")

    subs = [Submission(f"{n}.ipynb", n.encode(), n) for n in ("a", "b", "c")]
    store = ResultStore(tmp_path / "results.jsonl")
    first = grade_all(subs, fake_grade, workers=2, store=store, autograder_hash="h")
    assert sorted(calls) == ["a", "b", "c"] and [r.student_id for r in first] == ["a", "b", "c"]
    with store.path.open("a") as out:
        out.write('{"cut short by a kill')
    changed = [*subs[:2], Submission("c.ipynb", b"new", "c"), Submission("d.ipynb", b"a", "d")]
    second = grade_all(changed, fake_grade, workers=2, store=store, autograder_hash="h")
    assert sorted(calls) == ["a", "b", "c", "c"]  # d has a's content: reused, relabelled
    assert [r.student_id for r in second] == ["a", "b", "c", "d"]
    again = grade_all(changed, fake_grade, workers=1, store=store, autograder_hash="other")
    assert len(calls) == 8 and len(again) == 4
    flaky = [Submission("f.ipynb", b"f", "flaky")]
    assert (
        grade_all(flaky, fake_grade, workers=1, store=store, autograder_hash="h")[0].status
        == "error"
    )
    retried = grade_all(flaky, fake_grade, workers=1, store=store, autograder_hash="h")
    assert retried[0].status == "graded" and calls.count("flaky") == 2  # errors are retried


@pytest.mark.slow
@pytest.mark.parametrize(
    "forged",
    [
        {"event": "cell", "index": "X"},
        {"event": "cell_error", "index": 999999, "type": "E", "message": "m"},
        {"event": "no_such_event"},
    ],
)
def test_a_malformed_event_from_student_code_fails_that_submission_alone(built, grade, forged):
    """A notebook that writes a malformed event on its socket gets an error record with the
    reason; the grader goes on (the next grade in this module uses the same grader)."""
    cell = (
        "import json, os, socket\n"
        f"_line = (json.dumps({forged!r}) + '\\n').encode()\n"
        "for _fd in range(3, 64):\n"
        "    try:\n"
        "        _s = socket.socket(fileno=os.dup(_fd))\n"
        "    except OSError:\n"
        "        continue\n"
        "    try:\n"
        "        if _s.family == socket.AF_UNIX and _s.type == socket.SOCK_STREAM:\n"
        "            _s.sendall(_line)\n"
        "    except OSError:\n"
        "        pass\n"
        "    finally:\n"
        "        _s.close()\n"
    )
    record = grade(_with_cell(built, cell, after_question=1))
    assert record.status == "error"
    assert "grading failed" in record.message and "the grading process" in record.message
    assert grade(nbformat.writes(_solution(built)).encode()).status == "graded"
