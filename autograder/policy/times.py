"""When each submission came in, and what the late policy makes of it.

Where a time comes from, first found wins:
1. `--submitted-at FILE`: a CSV with the columns `student, submitted_at` (ISO 8601; a time
   without an offset is in the late policy's time zone, UTC without a policy);
2. a Gradescope export's `created_at` (submission_metadata.yml, kept in `extra["created_at"]`);
3. a Canvas download's `late` flag (`extra["late"]`, from the file name): late, time unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from autograder.grading.records import GradeRecord
from autograder.policy.late import (
    DEFAULT_TIMEZONE,
    LateOutcome,
    LatePolicy,
    TimeFormatError,
    parse_time,
)
from autograder.reports.escape import for_spreadsheet
from autograder.reports.sheets import LINE, SheetError, listed, read_rows

TIMES_COLUMNS = ("student", "submitted_at")


def policy_zone(policy: LatePolicy | None) -> ZoneInfo:
    """The time zone of times written without an offset."""
    return policy.zone if policy is not None else ZoneInfo(DEFAULT_TIMEZONE)


def read_submitted_at(path: Path, students: Iterable[str], zone: ZoneInfo) -> dict[str, datetime]:
    """student id -> submission time from the CSV at `path` (see module doc). Raises `SheetError`
    listing every unknown student, repeated student and unreadable time."""
    students = list(students)
    known = {for_spreadsheet(s): s for s in students} | {s: s for s in students}
    times: dict[str, datetime] = {}
    problems: list[str] = []
    for row in read_rows(path, TIMES_COLUMNS):
        where, student = f"line {row[LINE]}", row.get("student", "")
        if student not in known:
            problems.append(f"{where}: student {student!r} is not among the graded submissions")
            continue
        try:
            when = parse_time(row.get("submitted_at", ""), zone)
        except TimeFormatError as error:
            problems.append(f"{where}: {student}: {error}")
            continue
        if known[student] in times:
            problems.append(f"{where}: {student} is in the file twice")
        times[known[student]] = when
    if problems:
        raise SheetError(
            f"{path}: {len(problems)} problem(s), nothing was graded:\n  {listed(problems)}"
        )
    return times


def late_outcome(
    record: GradeRecord,
    given: dict[str, datetime],
    policy: LatePolicy | None,
    ids: Sequence[str] = (),
) -> LateOutcome:
    """The late outcome of one record's submission: its time from `given` (under the record's
    id or one of `ids`, the other ids naming the submission), else its LMS metadata; the latest
    extension any of those ids has applies."""
    zone = policy_zone(policy)
    names = [record.student_id, *ids]
    when = next((given[i] for i in names if i in given), None)
    created = record.extra.get("created_at", "")
    if when is None and created:
        try:
            when = parse_time(created, zone)
        except TimeFormatError:
            return LateOutcome(
                note=f"the export's submission time {created!r} could not be read; not penalised"
            )
    if when is None:
        if record.extra.get("late") == "true":
            return LateOutcome(
                note="Canvas marks this submission late but gives no time, so nothing was "
                "taken (give the time with --submitted-at)"
            )
        return LateOutcome()
    if policy is None:
        return LateOutcome(when.isoformat(timespec="seconds"))
    extended = [i for i in names if i in policy.extensions]
    return policy.assess(max(extended, key=policy.due_for) if extended else names[0], when)
