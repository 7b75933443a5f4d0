"""Prove an assignment sound; each check is reported with pass/fail and details.

- fresh build: the sources build, into a temporary folder (committed outputs stay untouched);
- solution scores 100%: the fresh solution variant, graded through the fresh autograder zip,
  gets full marks, with exactly grading.yml's questions and points;
- untouched student variant scores 0: the committed student notebook grades without error, to 0;
- no leaks: no secret line (a solution line otter replaced or removed, a hidden-test line) occurs
  in any text file of the assignment's student variant or of one released before it;
- up to date: the committed assignments/NAME is byte-identical to the fresh student variant,
  except that .npz files need only hold the same arrays up to rounding (`npz_differences`: BLAS
  rounds the last bits differently on another CPU).
`verify_assignment` returns a `VerifyReport` (it never exits), so pytest can assert on it;
`grading=False` skips the two grading checks (the slow part).
"""

from __future__ import annotations

import filecmp
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from autograder.authoring.build import BuildError, build_assignment
from autograder.authoring.fixtures import FixturesError, npz_differences
from autograder.authoring.leaks import Leak, find_leaks, find_secrets
from autograder.authoring.master import Master, MasterError, parse_master
from autograder.authoring.otter_cli import OtterError
from autograder.authoring.otter_run import Grade, grade_notebook
from autograder.authoring.requirements import RequirementsError
from autograder.config import ConfigError, CourseConfig, load_config
from autograder.paths import ProjectPaths, project_paths

BUILD_ERRORS = (BuildError, ConfigError, FixturesError, MasterError, RequirementsError)
BUILD_CHECK = "fresh build"
SOLUTION_CHECK = "solution scores 100%"
STUDENT_CHECK = "untouched student variant scores 0"
LEAK_CHECK = "no solution or hidden test leaks"
UP_TO_DATE_CHECK = "committed student variant is up to date"
_MAX_LISTED = 10


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it passed, and what was found."""

    name: str
    passed: bool
    details: str


@dataclass
class VerifyReport:
    """All checks of one assignment."""

    name: str
    checks: list[CheckResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)

    def check(self, name: str) -> CheckResult:
        """The check called `name` (KeyError if it did not run)."""
        return next(c for c in self.checks if c.name == name)

    def format(self) -> str:
        """A human-readable report, one line per check plus indented details."""
        lines = [f"{self.name}: {'PASS' if self.passed else 'FAIL'} ({self.seconds:.1f} s)"]
        for check in self.checks:
            lines.append(f"  [{'ok' if check.passed else 'FAIL'}] {check.name}")
            lines += [f"      {line}" for line in check.details.splitlines()]
        return "\n".join(lines)


def _listed(items: list[str]) -> str:
    shown = items[:_MAX_LISTED]
    more = len(items) - len(shown)
    return "\n".join(shown + ([f"... and {more} more"] if more else []))


def _autograded_points(master: Master, points: dict[str, float]) -> dict[str, float]:
    """grading.yml's points without the questions the master marks `manual: true`.

    otter leaves manual questions out of results.json: a person grades them from the submission.
    """
    manual = {q for q, question in master.questions.items() if question.config.get("manual")}
    return {q: p for q, p in points.items() if q not in manual}


def _check_solution(grade: Grade, points: dict[str, float]) -> CheckResult:
    expected = {q: float(p) for q, p in points.items()}
    maxima = {q: maximum for q, (_, maximum) in grade.questions.items()}
    problems = [f"points {maxima} differ from grading.yml {expected}"] if maxima != expected else []
    problems += [
        f"{q} scored {s:g}/{m:g}:\n{grade.output_of(q)}"
        for q, (s, m) in grade.questions.items()
        if s != m
    ]
    passed = not problems and grade.possible > 0
    return CheckResult(SOLUTION_CHECK, passed, "\n".join([grade.summary(), *problems]))


def _check_student(grade: Grade, points: dict[str, float]) -> CheckResult:
    missing = sorted(set(points) - set(grade.questions))
    passed = not missing and grade.total == 0
    details = grade.summary() + (f"\nno result for questions {missing}" if missing else "")
    return CheckResult(STUDENT_CHECK, passed, details)


def released_leaks(
    paths: ProjectPaths, course: CourseConfig, name: str, master: Master
) -> list[Leak]:
    """Secrets of `name` found in its own student variant or in any released before it.

    Assignments are released in grading.yml's order, so a later assignment may hand out an
    earlier one's solutions as provided code (its deadline has passed); an earlier one must never
    reveal a later one's.
    """
    secrets = find_secrets(master)
    released = list(course.assignments)
    folders = [paths.student_dir(n) for n in released[: released.index(name) + 1]]
    return [leak for folder in folders if folder.is_dir() for leak in find_leaks(secrets, folder)]


def _check_leaks(
    paths: ProjectPaths, course: CourseConfig, name: str, master: Master
) -> CheckResult:
    leaks = released_leaks(paths, course, name, master)
    details = _listed(
        [
            f"{leak.path.relative_to(paths.assignments.parent)}: {leak.origin}: {leak.secret}"
            for leak in leaks
        ]
    )
    return CheckResult(LEAK_CHECK, not leaks, details or "none found")


def _file_differences(committed: Path, fresh: Path, path: Path) -> list[str]:
    """How `committed / path` differs from `fresh / path` ([] if alike): bytes, or .npz arrays."""
    if filecmp.cmp(committed / path, fresh / path, shallow=False):
        return []
    where = f"differs from a fresh build: {path}"
    if path.suffix != ".npz":
        return [where]
    return [f"{where}: {diff}" for diff in npz_differences(committed / path, fresh / path)]


def _differences(committed: Path, fresh: Path) -> list[str]:
    """Files missing, extra or different between two folders (relative paths)."""
    if not committed.is_dir():
        return [f"{committed} does not exist: run `autograder build`"]
    ours = {p.relative_to(committed) for p in committed.rglob("*") if p.is_file()}
    theirs = {p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file()}
    diffs = [f"missing (a fresh build has it): {p}" for p in sorted(theirs - ours)]
    diffs += [f"stale (a fresh build does not make it): {p}" for p in sorted(ours - theirs)]
    diffs += [
        diff for p in sorted(ours & theirs) for diff in _file_differences(committed, fresh, p)
    ]
    return diffs


def _grading_check(
    check: str,
    notebook: Path,
    autograder_zip: Path,
    cpu_seconds: float,
    judge: Callable[[Grade], CheckResult],
) -> CheckResult:
    """Grade `notebook` and let `judge` decide; a missing notebook or otter error fails."""
    if not notebook.is_file():
        return CheckResult(check, False, f"{notebook} does not exist: run `autograder build`")
    try:
        grade = grade_notebook(notebook, autograder_zip, cpu_seconds=cpu_seconds)
    except OtterError as err:
        return CheckResult(check, False, str(err))
    return judge(grade)


def verify_assignment(
    name: str,
    *,
    paths: ProjectPaths | None = None,
    course: CourseConfig | None = None,
    grading: bool = True,
    fresh: ProjectPaths | None = None,
) -> VerifyReport:
    """Run the checks for assignment `name` and return the report.

    `grading=False` skips the two checks that run otter on notebooks (the slow part), leaving the
    fresh build, the leak scan and the up-to-date comparison. `fresh`: project paths whose outputs
    already hold a build of `name` from the current sources (a test run builds each assignment
    once); without it, verify builds into a temporary folder.
    """
    start = time.perf_counter()
    paths = paths or project_paths()
    course = course or load_config(paths.config_file)
    report = VerifyReport(name)
    with ExitStack() as stack:
        if fresh is None:
            tmp = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="autograder-verify-"))
            )
            fresh = paths.with_outputs(tmp / "assignments", tmp / "dist")
            try:
                build = build_assignment(name, paths=fresh, course=course, run_tests=False)
            except BUILD_ERRORS as err:
                report.checks.append(CheckResult(BUILD_CHECK, False, str(err)))
                report.seconds = time.perf_counter() - start
                return report
            report.checks.append(CheckResult(BUILD_CHECK, True, f"built in {build.seconds:.1f} s"))
        else:
            made = fresh.autograder_zip(name).is_file()
            report.checks.append(
                CheckResult(BUILD_CHECK, made, f"built beforehand in {fresh.dist}")
            )
        master = parse_master(paths.master_notebook(name))
        points = _autograded_points(master, course.assignment(name).questions)
        if grading:
            report.checks += [
                _grading_check(
                    SOLUTION_CHECK,
                    fresh.solution_notebook(name),
                    fresh.autograder_zip(name),
                    course.otter_cpu_seconds,
                    lambda grade: _check_solution(grade, points),
                ),
                _grading_check(
                    STUDENT_CHECK,
                    paths.student_dir(name) / f"{name}.ipynb",
                    fresh.autograder_zip(name),
                    course.otter_cpu_seconds,
                    lambda grade: _check_student(grade, points),
                ),
            ]
        report.checks.append(_check_leaks(paths, course, name, master))
        diffs = _differences(paths.student_dir(name), fresh.student_dir(name))
        details = _listed(diffs) or "identical to a fresh build"
        report.checks.append(CheckResult(UP_TO_DATE_CHECK, not diffs, details))
    report.seconds = time.perf_counter() - start
    return report
