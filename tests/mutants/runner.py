"""Run mutants against a built assignment in ONE Jupyter kernel and judge each one.

Setup (once per assignment): unpack the autograder zip's `files/` and `tests/` into a temporary
folder, start a kernel there, execute the solution notebook's code cells (otter's grader cells
skipped), load `harness.py` into the kernel and snapshot the notebook state. Then each mutant is
exec'd over the graded function and every test file runs through otter's own test runner
(`otter.test_files.create_test_file(path).run(globals())`); the harness restores the state after.

A mutant is *caught* when it scores fewer points than the unmutated baseline; a known mistake must
also be *named*: some newly failing test case's message contains `Mutant.mistake`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from types import TracebackType
from typing import Any

import nbformat
from jupyter_client.manager import KernelManager

from tests.mutants import harness
from tests.mutants.catalogue import Mutant
from tests.mutants.harness import MARKER
from tests.mutants.lean import GRADER_CELL, lean_notebook

# The project whose solutions/ and dist/ are used: $AUTOGRADER_ROOT (as for the autograder CLI)
# or this checkout.
PROJECT_ROOT = Path(os.environ.get("AUTOGRADER_ROOT") or Path(__file__).resolve().parents[2])
HARNESS_SOURCE = Path(harness.__file__).read_text()
HARNESS_NAME = "__mutant_harness__"


@dataclass(frozen=True)
class CaseResult:
    """One otter test case: its name, visibility, outcome and message (the feedback)."""

    name: str
    hidden: bool
    passed: bool
    message: str


@dataclass(frozen=True)
class QuestionResult:
    """One test file (question): points earned, points possible and its test cases."""

    question: str
    score: float
    possible: float
    cases: tuple[CaseResult, ...]


@dataclass(frozen=True)
class Grade:
    """The grading of one notebook state: per-question results, or the error that stopped it."""

    questions: tuple[QuestionResult, ...]
    error: str | None = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def possible(self) -> float:
        return sum(q.possible for q in self.questions)

    def cases(self) -> dict[tuple[str, str], CaseResult]:
        """Test cases keyed by (question, case name)."""
        return {(q.question, c.name): c for q in self.questions for c in q.cases}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Grade:
        questions = tuple(
            QuestionResult(
                q["question"], q["score"], q["possible"], tuple(CaseResult(**c) for c in q["cases"])
            )
            for q in data["questions"]
        )
        return cls(questions, data["error"])


@dataclass(frozen=True)
class Verdict:
    """How the tests treated one mutant, compared with the unmutated baseline."""

    mutant: Mutant
    baseline: Grade
    grade: Grade

    @property
    def new_failures(self) -> tuple[CaseResult, ...]:
        """Test cases that fail for the mutant but pass for the baseline."""
        passed_before = {key for key, case in self.baseline.cases().items() if case.passed}
        return tuple(
            case
            for key, case in self.grade.cases().items()
            if not case.passed and key in passed_before
        )

    @property
    def caught(self) -> bool:
        """The mutant lost points."""
        return self.grade.score < self.baseline.score

    @property
    def caught_publicly(self) -> bool:
        """A public (student-visible) test case fails that passes for the solution."""
        return any(not case.hidden for case in self.new_failures)

    @property
    def named(self) -> bool | None:
        """The feedback names the known mistake (None: the mutant has no known mistake)."""
        if self.mutant.mistake is None:
            return None
        wanted = self.mutant.mistake.lower()
        return any(wanted in case.message.lower() for case in self.new_failures)

    def questions_losing_points(self) -> frozenset[str]:
        """The questions on which the mutant scores less than the baseline."""
        before = {q.question: q.score for q in self.baseline.questions}
        return frozenset(
            q.question for q in self.grade.questions if q.score < before.get(q.question, 0.0)
        )

    @property
    def points_lost(self) -> float:
        """How many points the mistake costs."""
        return self.baseline.score - self.grade.score

    def explain(self) -> str:
        """A short account for a failing pytest: scores and the feedback that was shown."""
        lines = [
            f"mutant {self.mutant.id}: score {self.grade.score:g}/{self.grade.possible:g}, "
            f"baseline {self.baseline.score:g}/{self.baseline.possible:g}"
        ]
        if self.grade.error:
            lines.append(f"grading error: {self.grade.error}")
        lines += [f"--- {case.name}:\n{case.message.strip()}" for case in self.new_failures]
        return "\n".join(lines)


def dist_layout(dist_dir: Path) -> tuple[Path, Path]:
    """Return (autograder zip, solution notebook) of a built assignment folder dist/NAME."""
    zips = sorted(dist_dir.glob("*autograder*.zip"))
    notebooks = sorted((dist_dir / "solution").glob("*.ipynb"))
    if len(zips) != 1 or len(notebooks) != 1:
        raise FileNotFoundError(
            f"{dist_dir}: expected one *autograder*.zip and one solution/*.ipynb, "
            f"found {[p.name for p in zips]} and {[p.name for p in notebooks]}"
        )
    return zips[0], notebooks[0]


def unpack_autograder(zip_path: Path, workdir: Path) -> None:
    """Copy the zip's files/ contents to workdir and its tests/ to workdir/tests."""
    with zipfile.ZipFile(zip_path) as archive:
        for member in archive.infolist():
            parts = Path(member.filename).parts
            if member.is_dir() or not parts or parts[0] not in ("files", "tests"):
                continue
            relative = Path(*parts[1:]) if parts[0] == "files" else Path(*parts)
            target = workdir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)


def autograder_test_files(zip_path: Path, workdir: Path) -> list[Path]:
    """The test files (`tests/*.py`) of an autograder zip, unpacked into `workdir`."""
    unpack_autograder(zip_path, workdir)
    return sorted((workdir / "tests").glob("*.py"))


class MutantRunner:
    """One kernel holding the executed solution notebook; grades mutants one after another.

    Use as a context manager: `with MutantRunner(zip_path, notebook) as runner: runner.judge(m)`.
    """

    def __init__(self, autograder_zip: Path, solution_notebook: Path, timeout: float = 300.0):
        self.autograder_zip = Path(autograder_zip)
        self.solution_notebook = Path(solution_notebook)
        self.timeout = timeout
        self.notebook_errors: list[str] = []
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._manager: KernelManager | None = None
        self._client: Any = None
        self._baseline: Grade | None = None
        self._verdicts: dict[str, Verdict] = {}

    @classmethod
    def for_dist(cls, dist_dir: Path, timeout: float = 300.0) -> MutantRunner:
        """A runner for a built assignment folder dist/NAME."""
        return cls(*dist_layout(Path(dist_dir)), timeout=timeout)

    def __enter__(self) -> MutantRunner:
        self._tmp = tempfile.TemporaryDirectory(prefix="mutants-")
        workdir = Path(self._tmp.name)
        try:
            unpack_autograder(self.autograder_zip, workdir)
            self._start_kernel(workdir)
            self._run_notebook(workdir)
            self._execute(f"{HARNESS_NAME} = {{}}\nexec({HARNESS_SOURCE!r}, {HARNESS_NAME})")
            self._execute(f"{HARNESS_NAME}['snapshot'](globals())")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the kernel and delete the working folder."""
        if self._client is not None:
            self._client.stop_channels()
            self._client = None
        if self._manager is not None:
            self._manager.shutdown_kernel(now=True)
            self._manager = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _start_kernel(self, workdir: Path) -> None:
        env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1")
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = "1"
        # IPC transport: no TCP ports to race for when several kernels start at once.
        self._manager = KernelManager(kernel_name="python3", transport="ipc")
        self._manager.ip = str(workdir / "kernel-ipc")
        self._manager.connection_file = str(workdir / "kernel.json")
        self._manager.start_kernel(cwd=str(workdir), env=env)
        self._client = self._manager.blocking_client()
        self._client.start_channels()
        self._client.wait_for_ready(timeout=60)

    def _execute(self, code: str) -> tuple[str, str | None]:
        """Run code in the kernel; return (stdout, error or None)."""
        chunks: list[str] = []

        def keep_output(message: dict[str, Any]) -> None:
            if message["msg_type"] == "stream" and message["content"]["name"] == "stdout":
                chunks.append(message["content"]["text"])

        try:
            reply = self._client.execute_interactive(
                code, timeout=self.timeout, output_hook=keep_output, store_history=False
            )
        except (TimeoutError, Empty):
            self._manager.interrupt_kernel()
            self._client.get_shell_msg(timeout=30)  # the interrupted request's reply
            return "".join(chunks), f"timed out after {self.timeout:g} s"
        content = reply["content"]
        error = None if content["status"] == "ok" else f"{content['ename']}: {content['evalue']}"
        return "".join(chunks), error

    def _run_notebook(self, workdir: Path) -> None:
        """The solution's code cells that the tests need (see lean.py), grader cells skipped."""
        notebook = nbformat.read(self.solution_notebook, as_version=4)
        notebook = lean_notebook(notebook, sorted((workdir / "tests").glob("*.py")))
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code" or GRADER_CELL.search(cell.source):
                continue
            _, error = self._execute(cell.source)
            if error is not None:
                self.notebook_errors.append(f"cell {index}: {error}")

    def grade(self, mutant: Mutant | None = None) -> Grade:
        """Grade the notebook with `mutant` in place (None: the solution as it is)."""
        function = None if mutant is None else mutant.function
        source = None if mutant is None else mutant.source
        code = f"{HARNESS_NAME}['grade'](globals(), {function!r}, {source!r}, 'tests/*.py')"
        stdout, error = self._execute(code)
        for line in stdout.splitlines():
            if line.startswith(MARKER):
                return Grade.from_json(json.loads(line[len(MARKER) :]))
        return Grade((), error or "the harness printed no result")

    @property
    def baseline(self) -> Grade:
        """The unmutated solution's grade (computed once)."""
        if self._baseline is None:
            self._baseline = self.grade()
        return self._baseline

    def judge(self, mutant: Mutant) -> Verdict:
        """Grade `mutant` (once) and compare with the baseline."""
        if mutant.id not in self._verdicts:
            self._verdicts[mutant.id] = Verdict(mutant, self.baseline, self.grade(mutant))
        return self._verdicts[mutant.id]
