"""What a grading run adds to the auto-graded records before writing its outputs: the points
people gave written answers (`--manual-scores`), the late policy (grading.yml, with
`--submitted-at`), and whether the grades are published (`autograder publish`, `--publish`).

`prepare` reads and checks the sheets before anything is graded (a bad sheet stops the run with
every problem listed, and nothing is written); `report` combines them with the records into the
`Report` every output is written from; `notes` are the terminal lines saying what is not final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.config import AssignmentConfig, CourseConfig
from autograder.grading.records import GradeRecord, Submission
from autograder.manual import answers
from autograder.manual.command import MANUAL_FOLDER, SHEET_FILE, NoManualQuestions, manual_points
from autograder.manual.scores import ManualGrades, read_sheet
from autograder.paths import ProjectPaths
from autograder.policy.late import LatePolicy
from autograder.policy.times import late_outcome, policy_zone, read_submitted_at
from autograder.reports.escape import for_terminal
from autograder.reports.report import Report

_MAX_NAMED = 10


@dataclass(frozen=True)
class Adjustments:
    """The checked inputs of one run (see module doc)."""

    manual: ManualGrades = field(default_factory=ManualGrades)
    submitted_at: dict[str, datetime] = field(default_factory=dict)
    policy: LatePolicy | None = None
    published: bool = False


def prepare(
    assignment: AssignmentConfig,
    paths: ProjectPaths,
    submissions: list[Submission],
    *,
    manual_scores: Path | None = None,
    submitted_at: Path | None = None,
    published: bool = False,
) -> Adjustments:
    """Read and check the sheets against the run's submissions. Raises `SheetError`s (a sheet's
    every problem) and `ConfigError` (manual questions without points)."""
    students = [s.student_id for s in submissions]
    points = manual_points(paths, assignment)
    grades = ManualGrades(points)
    if manual_scores is not None:
        if not points:
            raise NoManualQuestions(
                f"--manual-scores {manual_scores}: {assignment.name} has no question graded by "
                "hand (manual: true)"
            )
        grades = read_sheet(manual_scores, points, students)
    times = {}
    if submitted_at is not None:
        times = read_submitted_at(submitted_at, students, policy_zone(assignment.late))
    return Adjustments(grades, times, assignment.late, published)


def save_answers(adjustments: Adjustments, submissions: list[Submission], out: Path) -> Path | None:
    """Save every submission's written answers into `out` for `autograder manual`; None (and
    nothing written) when the assignment has no manual question."""
    questions = list(adjustments.manual.points)
    if not questions:
        return None
    return answers.save(
        answers.collect(submissions, questions), questions, out / answers.ANSWERS_FILE
    )


def report(
    adjustments: Adjustments,
    records: list[GradeRecord],
    points: dict[str, float],
    course: CourseConfig,
    assignment: AssignmentConfig,
) -> Report:
    """The report every output is written from."""
    late = {
        r.student_id: late_outcome(r, adjustments.submitted_at, adjustments.policy) for r in records
    }
    return Report(
        records,
        points,
        assignment.title,
        course.feedback.hidden_test_output,
        manual=adjustments.manual,
        late=late,
        published=adjustments.published,
    )


def _named(ids: list[str]) -> str:
    shown = ", ".join(for_terminal(i) for i in ids[:_MAX_NAMED])
    return shown + (f" and {len(ids) - _MAX_NAMED} more" if len(ids) > _MAX_NAMED else "")


def notes(report: Report, name: str, out: Path) -> list[str]:
    """Terminal lines on what is not final or was taken: written answers not scored yet, late
    penalties, Canvas late flags without a time, hidden-test detail withheld until publishing."""
    lines = []
    pending = [r.student_id for r in report.by_student if report.pending(r)]
    if pending:
        sheet = out / MANUAL_FOLDER / SHEET_FILE
        lines.append(
            f"written answers: {len(pending)} of {len(report.records)} students not scored yet "
            f"({_named(pending)}); they are left out of canvas.csv and moodle.csv. Run "
            f"`autograder manual {name} --out {out}`, fill in {sheet}, then grade again with "
            f"--manual-scores {sheet}"
        )
    late = [r for r in report.by_student if report.late_of(r).note]
    penalised = [r.student_id for r in late if report.late_of(r).percent > 0]
    if penalised:
        lines.append(f"late: {len(penalised)} penalised ({_named(penalised)}); see grades.csv")
    unknown = [r for r in late if report.late_of(r).days_late is None]
    if unknown:
        ids, why = [r.student_id for r in unknown], report.late_of(unknown[0]).note
        lines.append(f"late: {len(ids)} not assessed ({_named(ids)}): {for_terminal(why)}")
    if report.hidden_test_output == "after_published" and not report.published:
        lines.append(
            "feedback pages: hidden-test details are left out until the grades are published "
            f"(`autograder publish {name} ...` with the same arguments)"
        )
    return lines
