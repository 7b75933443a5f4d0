"""Grade one submission in sandboxed child processes and turn what they report into one record.

A notebook runs as otter runs it: code cells in order, errors do not stop the run, then every test
of the autograder zip against the notebook's variables. Around that:
- time: the notebook gets `time_seconds` to run; the cell running at the limit is interrupted
  and no later cell runs; the tests then get `time_seconds` of their own;
- a cell that ends the process (os._exit, a crash) is skipped and the notebook run again, so the
  rest of the work still counts; a test that ends it fails and the others are run again;
- scores are computed here, by otter's own test-file objects loaded from the zip, from the plain
  pass/fail data the child sent.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat

from autograder.errors import AutograderError
from autograder.grading.bundle import Bundle, GradingLimits, copy_support_files
from autograder.grading.events import EventError, parse_event
from autograder.grading.records import GradeRecord, QuestionRecord, Submission, TestRecord
from autograder.grading.referee.client import Referee, RefereeError
from autograder.grading.sandbox.cases import FAILED, MISTAKE_CODE, PASSED
from autograder.grading.sandbox.cputime import (
    GRACE_SECONDS,
    WALL_FACTOR,
    Deadline,
    cpu_seconds,
    test_budget,
)
from autograder.grading.sandbox.launcher import SandboxError, Zygote
from autograder.grading.sandbox.slots import Slot, end_processes

MAX_CELL_RETRIES = 3
"""Reruns after a cell ended the process (each time without that cell)."""
MAX_TEST_RETRIES = 30
"""Reruns after a test ended the process (each time without the tests already run)..."""
RETRY_BUDGET_FACTOR = 4
"""... as long as the submission's processes have used under this many times `time_seconds` of
CPU (and wall clock under `WALL_FACTOR` times that)."""
_MAX_LINE = 1 << 16


class InvalidNotebook(AutograderError, ValueError):
    """The submission is not a notebook we can run."""


def code_cells(content: bytes) -> list[str]:
    """The code cells' sources of a notebook file's bytes; raise `InvalidNotebook`."""
    if not content.strip():
        raise InvalidNotebook("the file is empty")
    try:
        notebook = nbformat.reads(content.decode("utf-8"), as_version=4)
    except UnicodeDecodeError:
        raise InvalidNotebook("the file is not text (UTF-8): is it really a .ipynb?") from None
    except Exception as err:  # nbformat raises several unrelated types for broken files
        raise InvalidNotebook(f"the file is not a valid notebook ({type(err).__name__})") from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise InvalidNotebook("the notebook has no list of cells")
    return [
        str(c.get("source", ""))
        for c in cells
        if isinstance(c, dict) and c.get("cell_type") == "code"
    ]


class CaseResult(NamedTuple):
    """What one test case reported: passed, otter's message, the referee's mistake code."""

    passed: bool
    message: str
    mistake: str = ""


@dataclass
class _Attempt:
    """What one child reported, and how it ended."""

    isolation_missing: list[str] = field(default_factory=list)
    cell_errors: dict[int, tuple[str, str]] = field(default_factory=dict)
    tests: dict[tuple[str, int], CaseResult] = field(default_factory=dict)
    current_cell: int | None = None
    current_test: tuple[str, int] | None = None
    cells_done: bool = False
    interrupted_cell: int | None = None
    tests_interrupted: bool = False
    done: bool = False
    killed_for_time: bool = False
    memory_cell: int | None = None
    died_in_test: bool = False
    stopped_why: str = ""
    fatal: str = ""


class _Channel:
    """Reads the child's event lines with a deadline (see grading/events.py)."""

    def __init__(self, sock: socket.socket, cells: int) -> None:
        self._sock = sock
        self._cells = cells
        self._buffer = b""

    def read(self, deadline: float) -> dict | None:
        """The next event, None at EOF; raise TimeoutError at the deadline, EventError if bad."""
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            self._sock.settimeout(remaining)
            try:
                data = self._sock.recv(1 << 16)
            except TimeoutError:
                raise
            except OSError:
                return None
            if not data:
                return None
            self._buffer += data
            if len(self._buffer) > _MAX_LINE and b"\n" not in self._buffer:
                raise EventError("the grading process sent an overlong message")
        line, self._buffer = self._buffer.split(b"\n", 1)
        return parse_event(line, cells=self._cells)


_TEST_EVENTS = ("test_start", "test", "done")


def _apply(attempt: _Attempt, event: dict, *, tests_trusted: bool, from_referee: bool) -> None:
    """Record one event, from the child or from the referee. Test events count only when
    `tests_trusted`: from the referee, or from the child when the tests run there (otherwise a
    student who writes to the child's socket could report passed tests). A mistake code is
    kept only `from_referee`: the child shares its process with the student's code."""
    kind = event["event"]
    if kind in _TEST_EVENTS and not tests_trusted:
        return
    if kind == "sandbox" and attempt.current_cell is None:  # before student code runs
        attempt.isolation_missing = [str(m) for m in event["missing"]]
    elif kind == "cell":
        attempt.current_cell = event["index"]
    elif kind == "cell_error":
        attempt.cell_errors[event["index"]] = (event["type"], event["message"])
    elif kind == "cells_done":
        attempt.cells_done = True
        attempt.interrupted_cell = event["interrupted_at"]
    elif kind == "test_start":
        attempt.current_test = (event["file"], event["case"])
    elif kind == "test":
        mistake = (
            event["mistake"] if from_referee and MISTAKE_CODE.fullmatch(event["mistake"]) else ""
        )
        attempt.tests[(event["file"], event["case"])] = CaseResult(
            event["passed"], event["message"], mistake
        )
    elif kind == "done":
        attempt.tests_interrupted = event["interrupted"]
        attempt.died_in_test = event["died"]
        attempt.stopped_why = event["stopped"]
        attempt.done = not event["died"]
    elif kind == "fatal":
        attempt.fatal = f"{event['type']}: {event['message']}"


def _watch(
    channel: _Channel, pid: int, attempt: _Attempt, limits: GradingLimits, *, cells_only: bool
) -> None:
    """Follow the child's events; interrupt it at each phase's time limit, kill it if it ignores.

    `cells_only`: return once the notebook has run (the referee runs the tests).
    """
    deadline = Deadline(pid, limits.time_seconds)
    while not attempt.done:
        try:
            event = channel.read(deadline.at)
        except TimeoutError:
            if deadline.expired() == Deadline.KILLED:
                attempt.killed_for_time = True
                return
            continue
        except EventError as err:
            attempt.fatal = str(err)
            return
        if event is None:
            return
        before = attempt.cells_done
        _apply(attempt, event, tests_trusted=not cells_only, from_referee=False)
        if event["event"] == "cell_error" and "MemoryError" in event["type"]:
            attempt.memory_cell = event["index"]
            os.kill(pid, signal.SIGKILL)
            return
        if attempt.cells_done and not before:
            if cells_only:
                return
            deadline = Deadline(pid, limits.time_seconds)


def _referee_tests(
    referee: Referee, sock: socket.socket, pid: int, attempt: _Attempt, request: dict
) -> None:
    """Let the referee run the tests against the child; record what it reports."""
    deadline = (
        time.monotonic()
        + sum(test_budget(float(request["time_seconds"]))) * WALL_FACTOR
        + GRACE_SECONDS
        + 30
    )
    try:
        for event in referee.run(sock, pid, request, deadline):
            _apply(attempt, event, tests_trusted=True, from_referee=True)
    except (TimeoutError, RefereeError, OSError) as err:
        os.kill(pid, signal.SIGKILL)
        attempt.fatal = f"the referee stopped answering ({type(err).__name__}: {err})"


def _cell_label(cells: list[str], index: int) -> str:
    first = next((line.strip() for line in cells[index].splitlines() if line.strip()), "")
    first = first if len(first) <= 40 else first[:37] + "..."
    return f"code cell {index + 1} (`{first}`)" if first else f"code cell {index + 1}"


class _Grading:
    """The attempts of one submission and what they add up to."""

    def __init__(self, cells: list[str], limits: GradingLimits) -> None:
        self.cells = cells
        self.limits = limits
        self.skip_cells: list[int] = []
        self.stop_before: int | None = None
        self.tests: dict[tuple[str, int], CaseResult] = {}
        self.notes: list[str] = []
        self.memory = False
        self.timeout = False
        self.error = ""
        self.missing_isolation: list[str] = []
        self.cell_errors: dict[int, tuple[str, str]] = {}
        self.troubled_questions: set[str] = set()  # a test of theirs ended the process

    def config(self, bundle_tests: list[str], workdir: Path, slot: Slot, hidden: list[str]) -> dict:
        """The child's configuration; no `bundle_tests` means the referee runs the tests."""
        return {
            "serve": not bundle_tests,
            "workdir": str(workdir),
            "uid": slot.uid,
            "hidden": hidden,
            "limits": {
                "memory_mb": self.limits.memory_mb,
                "cpu_seconds": int(2 * self.limits.time_seconds + 30),
            },
            "cells": self.cells,
            "skip_cells": self.skip_cells,
            "stop_before": self.stop_before,
            "test_files": bundle_tests,
            "skip_tests": [list(key) for key in self.tests],
        }

    def absorb(self, attempt: _Attempt, exit_status: str) -> bool:
        """Take an attempt's results; return True if another attempt should run."""
        self.missing_isolation = attempt.isolation_missing
        self.tests.update(attempt.tests)
        self.cell_errors.update(attempt.cell_errors)
        if attempt.memory_cell is not None:
            self.memory = True
            self.skip_cells.append(attempt.memory_cell)
            self.notes.append(
                f"{_cell_label(self.cells, attempt.memory_cell)} ran out of memory (limit "
                f"{self.limits.memory_mb} MB); graded without it"
            )
            return True
        if attempt.interrupted_cell is not None:
            self.timeout = True
            where = (
                _cell_label(self.cells, attempt.interrupted_cell)
                if attempt.interrupted_cell >= 0
                else "the notebook"
            )
            self.notes.append(
                f"{where} was stopped at the {self.limits.time_seconds:g} s time limit; "
                "no later cell ran"
            )
        if attempt.tests_interrupted:
            self.timeout = True
            self.notes.append("some tests were stopped at their time limit")
        if attempt.done:
            return False
        if attempt.fatal:
            self.error = f"grading failed: {attempt.fatal}"
            return False
        how = "it was stopped for the time limit" if attempt.killed_for_time else exit_status
        if not attempt.cells_done:
            cell = attempt.current_cell
            if cell is None:
                self.error = f"the grading process ended before running the notebook ({how})"
                return False
            label = _cell_label(self.cells, cell)
            if attempt.killed_for_time:
                self.timeout = True
                self.stop_before = cell
                self.notes.append(
                    f"{label} ignored the time limit; graded without it and later cells"
                )
            else:
                self.skip_cells.append(cell)
                self.notes.append(f"{label} ended the grading process ({how}); graded without it")
            return True
        if attempt.killed_for_time:
            self.timeout = True
            self.notes.append(f"the tests were stopped at the {self.limits.time_seconds:g} s limit")
            return False
        if attempt.died_in_test and attempt.current_test is not None:
            self.troubled_questions.add(attempt.current_test[0])
            why = attempt.stopped_why or "it ended the grading process"
            self.notes.append(f"in a test of {attempt.current_test[0]}, {why}; other tests rerun")
            return True
        if attempt.current_test is not None and attempt.current_test not in self.tests:
            name, case = attempt.current_test
            self.tests[attempt.current_test] = CaseResult(
                False,
                f"{FAILED}this test ended the grading process ({how}): "
                "your code must not exit or crash Python",
            )
            self.notes.append(f"a test of {name} ended the grading process ({how})")
            return True
        self.error = f"the grading process ended unexpectedly ({how})"
        return False

    def errors_note(self) -> str:
        """The first few cells that raised, for the student (`code cell 4 raised NameError: x`)."""
        raised = [
            f"{_cell_label(self.cells, i)} raised {kind}: {message[:200]}"
            for i, (kind, message) in sorted(self.cell_errors.items())
            if "MemoryError" not in kind and kind != "KeyboardInterrupt"
        ]
        more = f" (and {len(raised) - 3} more)" if len(raised) > 3 else ""
        return "; ".join(raised[:3]) + more

    def status(self) -> str:
        if self.error:
            return "error"
        if self.timeout:
            return "timeout"
        return "memory" if self.memory else "graded"


def _questions(bundle: Bundle, tests: dict[tuple[str, int], CaseResult], why_missing: str):
    """Score every question with otter's test-file objects from the reported pass/fail data."""
    from otter.test_files.abstract_test import TestCaseResult

    test_files = bundle.load_test_files()
    records = []
    for test_file in test_files:
        test_file.test_case_results = []
        mistakes = []
        for case, test_case in enumerate(test_file.test_cases):
            result = tests.get((test_file.name, case), CaseResult(False, FAILED + why_missing))
            passed = result.passed and result.message == PASSED
            mistakes.append("" if passed else result.mistake)
            test_file.test_case_results.append(
                TestCaseResult(test_case=test_case, message=result.message, passed=passed)
            )
        records.append(
            QuestionRecord(
                name=test_file.name,
                score=float(test_file.score),
                max_score=float(test_file.possible),
                tests=tuple(
                    TestRecord(
                        r.test_case.name, r.passed, bool(r.test_case.hidden), r.message, mistake
                    )
                    for r, mistake in zip(test_file.test_case_results, mistakes, strict=True)
                ),
            )
        )
    return tuple(records), test_files


@dataclass(frozen=True)
class Outcome:
    """The record, plus otter's test-file objects holding the results (for results.json)."""

    record: GradeRecord
    test_files: list
    isolation_missing: tuple[str, ...] = ()


def _record(sub: Submission, bundle: Bundle, status: str, message: str, questions, start: float):
    return GradeRecord(
        file=sub.file,
        student_id=sub.student_id,
        name=sub.name,
        email=sub.email,
        extra=dict(sub.extra),
        status=status,
        message=message,
        questions=questions,
        content_hash=sub.content_hash,
        autograder_hash=bundle.hash,
        seconds=round(time.perf_counter() - start, 3),
    )


def ungraded(
    sub: Submission, bundle: Bundle, status: str, reason: str, start: float | None = None
) -> Outcome:
    """The outcome of a submission none of whose tests ran: each test fails with `reason`, every
    question scores 0 of its points. `start`: `time.perf_counter()` when its grading began."""
    questions, test_files = _questions(bundle, {}, f"not graded: {reason}")
    begun = time.perf_counter() if start is None else start
    return Outcome(_record(sub, bundle, status, reason, questions, begun), test_files)


def grade_submission(
    sub: Submission,
    bundle: Bundle,
    *,
    zygote: Zygote,
    slot: Slot,
    limits: GradingLimits,
    hidden: list[str],
    referee: Referee | None = None,
) -> Outcome:
    """Grade one submission; always returns exactly one record (never raises for bad input).

    With a `referee`, the tests run in that trusted process and only the notebook runs in the
    sandbox (which then holds no test and no answer key); without, the tests run in the sandbox
    after the notebook, as otter runs them.
    """
    start = time.perf_counter()
    try:
        if sub.extra.get("error"):
            raise InvalidNotebook(sub.extra["error"])
        cells = code_cells(sub.content)
    except InvalidNotebook as err:
        return ungraded(sub, bundle, "invalid", str(err), start)
    grading = _Grading(cells, limits)
    test_names = [] if referee else [f"tests/{p.name}" for p in bundle.test_paths]
    retries = {"cells": 0, "tests": 0}
    cpu_spent = 0.0  # by the submission's processes, over every attempt
    while True:
        workdir = Path(tempfile.mkdtemp(prefix="submission-"))
        try:
            copy_support_files(bundle, workdir, with_tests=referee is None)
            _give_to(workdir, slot)
            attempt = _Attempt()
            try:
                pid, sock = zygote.spawn(grading.config(test_names, workdir, slot, hidden))
            except SandboxError as err:
                grading.error = str(err)
                break
            with sock:
                channel = _Channel(sock, len(cells))
                _watch(channel, pid, attempt, limits, cells_only=referee is not None)
                if referee is not None and attempt.cells_done and not attempt.fatal:
                    request = {
                        "tests": [str(p) for p in bundle.test_paths],
                        "skip": [list(key) for key in grading.tests],
                        "defer": sorted(grading.troubled_questions),
                        "time_seconds": limits.time_seconds,
                    }
                    _referee_tests(referee, sock, pid, attempt, request)
            cpu_spent += cpu_seconds(pid) or 0.0
            end_processes(slot, pid)
            status = zygote.wait_exit(pid, timeout=5.0)
            again = grading.absorb(attempt, status.describe() if status else "it vanished")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        if not again:
            break
        phase = "tests" if attempt.cells_done else "cells"
        retries[phase] += 1
        if phase == "cells" and retries[phase] > MAX_CELL_RETRIES:
            grading.error = "the notebook ended the grading process too many times"
            break
        budget = RETRY_BUDGET_FACTOR * limits.time_seconds
        wall = time.perf_counter() - start
        if retries[phase] > MAX_TEST_RETRIES or cpu_spent > budget or wall > WALL_FACTOR * budget:
            grading.timeout = True
            grading.notes.append(
                f"grading stopped after {cpu_spent:.0f} CPU seconds of your code "
                f"({wall:.0f} s in all); later tests did not run"
            )
            break
    why = "not run: " + (grading.error or "the time limit was reached first")
    questions, test_files = _questions(bundle, grading.tests, why)
    notes = dict.fromkeys([grading.error, *grading.notes, grading.errors_note()])
    message = "; ".join(filter(None, notes))
    record = _record(sub, bundle, grading.status(), message, questions, start)
    return Outcome(record, test_files, tuple(grading.missing_isolation))


def _give_to(workdir: Path, slot: Slot) -> None:
    """Make the submission's folder belong to the slot's uid, and no one else."""
    if slot.uid is None:
        return
    for path in [workdir, *workdir.rglob("*")]:
        os.chown(path, slot.uid, slot.uid, follow_symlinks=False)
    workdir.chmod(0o700)
