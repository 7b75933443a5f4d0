"""What a grading run adds to the auto-graded records before writing its outputs: the points
people gave written answers (`--manual-scores`), the late policy (grading.yml, with
`--submitted-at`), and whether the grades are published (`autograder publish`, `--publish`).

`prepare` reads and checks the sheets before anything is graded (a bad sheet stops the run with
every problem listed, and nothing is written); `apply` adds them to the `Report` every output is
written from, by submission (a sheet or a time may name a submission by its own id or by the id
of a row made from it: a roster student's, a group member's); `save_answers` keeps the written
answers for `autograder manual`; `notes` are the terminal lines saying what is not final.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from autograder.config import AssignmentConfig
from autograder.grading.records import GradeRecord, Submission
from autograder.manual import answers
from autograder.manual.command import MANUAL_FOLDER, SHEET_FILE, NoManualQuestions, manual_points
from autograder.manual.grades import ManualGrades, ManualScore
from autograder.manual.scores import ManualScoresError, read_sheet
from autograder.paths import ProjectPaths
from autograder.policy.late import LatePolicy
from autograder.policy.times import late_outcome, policy_zone, read_submitted_at
from autograder.reports.escape import for_terminal
from autograder.reports.report import Report, by_student

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
    roster_ids: list[str] | tuple[str, ...] = (),
    manual_scores: Path | None = None,
    submitted_at: Path | None = None,
    published: bool = False,
) -> Adjustments:
    """Read and check the sheets against the run's students: the submissions' ids and the
    roster's. Raises `SheetError`s (a sheet's every problem) and `ConfigError` (manual questions
    without points)."""
    students = [s.student_id for s in submissions] + list(roster_ids)
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


def _ids_by_file(records: list[GradeRecord], rows: list[GradeRecord]) -> dict[str, list[str]]:
    """Every id naming each submission (by file): its own, then those of the rows made from it
    (a roster student's id, a group member's)."""
    ids = {r.file: [r.student_id] for r in records}
    for row in by_student(rows):
        if row.file in ids and row.student_id not in ids[row.file]:
            ids[row.file].append(row.student_id)
    return ids


def _by_submission(
    grades: ManualGrades, file_of: dict[str, str]
) -> tuple[dict[tuple[str, str], ManualScore], list[str]]:
    """The sheet's scores keyed by submission file; and the sheet's ids that name no submission
    (a roster student who submitted nothing). Raises `ManualScoresError` when two ids of one
    submission were both given a score for the same question."""
    scores: dict[tuple[str, str], ManualScore] = {}
    given_by: dict[tuple[str, str], str] = {}
    ignored, twice = [], []
    for (student, question), score in grades.scores.items():
        if student not in file_of:
            ignored.append(student)
            continue
        key = (file_of[student], question)
        if key in scores:
            twice.append(f"{given_by[key]} and {student} ({question}) name one submission")
        scores[key], given_by[key] = score, student
    if twice:
        raise ManualScoresError(
            "the manual-scores sheet scores one submission twice; keep one row each:\n  "
            + "\n  ".join(twice)
        )
    return scores, sorted(set(ignored))


def apply(adjustments: Adjustments, report: Report, records: list[GradeRecord]) -> Report:
    """`report` (rows made from `records`, one per submission) with the points given by hand,
    the late outcomes (both by submission) and publishing. Sheet rows of students who submitted
    nothing are ignored, with a warning on stderr."""
    ids = _ids_by_file(records, report.records)
    file_of = {r.student_id: r.file for r in records}
    file_of.update({row.student_id: row.file for row in report.records if row.file})
    scores, ignored = _by_submission(adjustments.manual, file_of)
    if ignored:
        print(
            f"warning: manual scores of {_named(ignored)} ignored: no submission of theirs",
            file=sys.stderr,
        )
    late = {
        r.file: late_outcome(r, adjustments.submitted_at, adjustments.policy, ids[r.file])
        for r in records
    }
    return replace(
        report,
        manual=ManualGrades(adjustments.manual.points, scores),
        late=late,
        published=adjustments.published,
    )


def save_answers(
    adjustments: Adjustments, submissions: list[Submission], report: Report, out: Path
) -> Path | None:
    """Save every submission's written answers into `out` for `autograder manual`, under the id
    of the first row made from it (with a roster: the roster student's), else its own; None (and
    nothing written) when the assignment has no manual question."""
    questions = list(adjustments.manual.points)
    if not questions:
        return None
    first_row: dict[str, GradeRecord] = {}
    for row in report.by_student:
        first_row.setdefault(row.file, row)
    named = [
        replace(s, student_id=first_row[s.file].student_id, name=first_row[s.file].name)
        if s.file in first_row
        else s
        for s in submissions
    ]
    return answers.save(answers.collect(named, questions), questions, out / answers.ANSWERS_FILE)


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
