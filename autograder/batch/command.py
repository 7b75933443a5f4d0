"""`autograder grade ASSIGNMENT SUBMISSIONS... --out DIR`: batch grading and its outputs.

Grading runs in threads on this machine, or with `--scheduler ADDRESS` on a Dask cluster
(`autograder.batch.cluster`). Either way DIR receives results.jsonl (one record per submission,
written as they come: a rerun resumes), grades.csv, canvas.csv, moodle.csv, unmatched.csv,
feedback/STUDENT.html (+ index.html), summary.png, summary.md, and for an assignment with
written answers written_answers.json (for `autograder manual`). With `--roster FILE` the outputs
have a row per roster student (`reports.matching`); the roster and the LMS options are checked
before anything is graded. `batch.adjustments` adds the points given by hand
(`--manual-scores`), the late policy (`--submitted-at`) and publishing (`--publish`); their
sheets are checked before anything is graded too.

What reaches the terminal from students (file names, ids in warnings and errors) goes through
`reports.escape.for_terminal`: shown on one line, never run by the terminal.
"""

from __future__ import annotations

import os
import sys
import tempfile
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from autograder.batch import adjustments
from autograder.batch.progress import Progress
from autograder.batch.runner import (
    RESULTS_FILE,
    Graders,
    ResultStore,
    local_grading,
    plan,
    record_all,
)
from autograder.config import CourseConfig
from autograder.errors import AutograderError
from autograder.grading.bundle import Bundle, unpack_bundle
from autograder.grading.engine import GradingLimits
from autograder.grading.records import GradeRecord
from autograder.grading.submissions import Discovery, SubmissionsError, discover
from autograder.paths import ProjectPaths
from autograder.reports import write_reports
from autograder.reports.escape import for_terminal
from autograder.reports.lms_rows import MOODLE_IDENTIFIERS, canvas_assignment_header
from autograder.reports.matching import roll_call
from autograder.reports.report import Report
from autograder.reports.roster import Roster, RosterError, load_roster
from autograder.reports.titles import question_titles


@dataclass(frozen=True)
class GradeOptions:
    """What the command line asked for; `scheduler`: a Dask scheduler's address (grade on that
    cluster; `workers` is then unused)."""

    assignment: str
    inputs: list[str]
    out: Path
    workers: int
    time_limit: float | None = None
    memory_limit: int | None = None
    scheduler: str | None = None
    roster: Path | None = None
    canvas_assignment_id: str = ""
    moodle_identifier: str = "email"
    manual_scores: Path | None = None
    """The filled scores sheet of the written answers (`autograder manual` writes it)."""
    submitted_at: Path | None = None
    """A CSV of submission times (student, submitted_at) for the late policy."""
    publish: bool = False
    """The grades are published: feedback pages show what `after_published` allows."""


def _hidden_paths(paths: ProjectPaths, inputs: list[str], out: Path) -> list[str]:
    """Folders student code must not see: the project, wherever the submissions came from and
    the output folder (other students' results and feedback)."""
    folders = {str(paths.root), str(out.resolve())}
    for item in inputs:
        path = Path(item).resolve()
        folders.add(str(path if path.is_dir() else path.parent))
    return sorted(folders)


def _graders(
    options: GradeOptions, bundle: Bundle, limits: GradingLimits, hidden: list[str], log: Path
) -> AbstractContextManager[Graders]:
    """Threads on this machine, or the Dask cluster at `options.scheduler`."""
    if options.scheduler is None:
        return local_grading(bundle, limits, hidden, log, options.workers)
    from autograder.batch.cluster import cluster_grading  # Dask is imported only for --scheduler

    return cluster_grading(options.scheduler, bundle, limits, hidden)


def discover_and_warn(inputs: list[str], *, warn: bool = True) -> Discovery:
    """`submissions.discover`, its warnings printed on stderr as `warning: ...` lines (unless
    `warn` is false); a `SubmissionsError` is raised again with its lines escaped for the
    terminal."""
    try:
        found = discover(inputs)
    except SubmissionsError as error:
        raise SubmissionsError(*(for_terminal(line) for line in error.lines)) from error
    for warning in found.warnings if warn else []:
        print(f"warning: {for_terminal(warning)}", file=sys.stderr)
    return found


class MissingBuild(AutograderError):
    """The assignment's autograder zip has not been built."""


class LmsOptionError(AutograderError):
    """--canvas-assignment-id or --moodle-identifier cannot give a file that imports."""


def check_lms_options(options: GradeOptions, title: str) -> Roster | None:
    """The roster (its warnings printed), once the LMS options are known to work with `title`;
    raises `RosterError` (lines escaped for the terminal) or `LmsOptionError`."""
    if options.moodle_identifier not in MOODLE_IDENTIFIERS:
        raise LmsOptionError(
            f"--moodle-identifier must be one of {', '.join(MOODLE_IDENTIFIERS)}, "
            f"not {options.moodle_identifier!r}"
        )
    try:
        canvas_assignment_header(title, options.canvas_assignment_id)
    except ValueError as error:
        raise LmsOptionError(f"canvas.csv: {error}") from error
    if options.roster is None:
        return None
    try:
        roster = load_roster(options.roster)
    except RosterError as error:
        raise RosterError(*(for_terminal(line) for line in error.lines)) from error
    for warning in roster.warnings:
        print(f"warning: {for_terminal(warning)}", file=sys.stderr)
    return roster


@dataclass(frozen=True)
class GradeRun:
    """What one `autograder grade` produced: a record per submission, in input order, the
    output files by name and the report they were written from (its rows: one per roster
    student with a roster)."""

    records: list[GradeRecord]
    outputs: dict[str, Path]
    report: Report


def run_grade(options: GradeOptions, paths: ProjectPaths, course: CourseConfig) -> GradeRun:
    """Grade, write the outputs, print the summary. Raises `AutograderError`s for what stops the
    run before it has a record per submission: no build, bad input, an unreachable or lost
    cluster (a rerun resumes)."""
    from autograder.reports.mistakes import class_mistakes
    from autograder.reports.mistakes import terminal_lines as mistake_lines
    from autograder.reports.summary import summary_table
    from autograder.reports.unmatched import terminal_lines

    assignment = course.assignment(options.assignment)
    roster = check_lms_options(options, assignment.title)
    zip_path = paths.autograder_zip(options.assignment)
    if not zip_path.is_file():
        raise MissingBuild(f"{zip_path} is missing: run `autograder build {options.assignment}`")
    found = discover_and_warn(options.inputs)
    adjust = adjustments.prepare(
        assignment,
        paths,
        found.submissions,
        roster_ids=[student.id for student in roster.students] if roster else [],
        manual_scores=options.manual_scores,
        submitted_at=options.submitted_at,
        published=options.publish,
    )
    limits = GradingLimits(
        time_seconds=options.time_limit or course.limits.time_seconds,
        memory_mb=options.memory_limit or course.limits.memory_mb,
    )
    options.out.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 and options.scheduler is None:
        print("sandbox: not root: student code runs with resource limits only", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="autograder-bundle-") as tmp:
        bundle = unpack_bundle(zip_path, Path(tmp) / "bundle", list(assignment.questions))
        store = ResultStore(options.out / RESULTS_FILE)
        submissions = found.submissions
        hidden = _hidden_paths(paths, options.inputs, options.out)
        with _graders(options, bundle, limits, hidden, Path(tmp) / "zygote.log") as graders:
            planned = plan(submissions, store, bundle.hash)
            print(
                f"grading {len(planned.pending)} of {len(submissions)} submissions of "
                f"{options.assignment} {graders.description} ({len(planned.done)} unchanged "
                f"since the last run); limits {limits.time_seconds:g} s, {limits.memory_mb} MB",
                flush=True,
            )
            progress = Progress(len(submissions), done=len(planned.done))
            try:
                records = record_all(
                    submissions,
                    planned,
                    graders.completions,
                    store=store,
                    on_record=lambda record: progress.update(record.status),
                )
            finally:
                progress.close()
        points = bundle.question_points()
    roll = roll_call(records, roster)
    report = Report(
        roll.rows,
        points,
        assignment.title,
        course.feedback.hidden_test_output,
        unmatched=roll.unmatched,
        canvas_assignment_id=options.canvas_assignment_id,
        moodle_identifier=options.moodle_identifier,
        titles=question_titles(paths.student_notebook(options.assignment)),
        templates=paths.feedback_templates,
    )
    report = adjustments.apply(adjust, report, records)
    outputs = write_reports(report, options.out)
    answers = adjustments.save_answers(adjust, submissions, report, options.out)
    outputs.update({"answers": answers} if answers else {})
    print(summary_table(report))
    mistakes = mistake_lines(class_mistakes(report))
    if mistakes:
        print("mistakes (per question: lost points, the most frequent named mistakes):")
        print("\n".join(mistakes))
    for line in terminal_lines(report):
        print(line)
    for name, path in outputs.items():
        print(f"  {name:12s} {path}")
    for line in adjustments.notes(report, options.assignment, options.out):
        print(line)
    return GradeRun(records, outputs, report)
