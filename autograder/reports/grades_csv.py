"""grades.csv: one row per submission (with a roster: per roster student), one column per
question, for the course staff.

Columns: student_id, name, email, file, <question>... (the auto-graded ones in the report's order,
then those graded by hand), total, max, status, message, matched_by (with a roster: the
`matching.MATCH_ORDER` step that matched the row's submission; "" for a `missing` row or without
a roster), then `<question> comment` per question graded by hand, submitted_at, days_late,
penalty, late_note. Rows sorted by student_id; UTF-8; csv module quoting. An auto-graded question
a record lacks scores 0; a written answer nobody scored yet has an empty cell, never 0. `total`
is `Report.total` (auto-graded and hand-graded points, less the late penalty; for timeout/memory
the working parts' score), `max` the report's max points, `penalty` the points the late policy
took; `message` is on one line. Every text cell is guarded (`report.csv_row`): no student id,
name, email, file name, comment or message starts a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.grading.records import GradeRecord
from autograder.reports.report import Report, csv_row, one_line

LATE_COLUMNS = ["submitted_at", "days_late", "penalty", "late_note"]


def _manual_cells(report: Report, record: GradeRecord) -> tuple[list[str | float], list[str]]:
    """(points cells, comment cells) of `record`'s written answers; "" where not scored yet."""
    scores = [report.manual_score(record, q) for q in report.manual.points]
    points: list[str | float] = ["" if s.points is None else s.points for s in scores]
    return points, [s.comment for s in scores]


def _late_cells(report: Report, record: GradeRecord) -> list[str | float]:
    late = report.late_of(record)
    days: str | float = "" if late.days_late is None else late.days_late
    return [late.submitted_at, days, report.penalty(record), late.note]


def write_grades_csv(report: Report, path: Path | str) -> Path:
    """Write grades.csv to `path` and return the path."""
    path = Path(path)
    manual = list(report.manual.points)
    header = ["student_id", "name", "email", "file", *report.points, *manual]
    header += ["total", "max", "status", "message", "matched_by"]
    header += [f"{q} comment" for q in manual]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row(header + LATE_COLUMNS))
        for r in report.by_student:
            scores = [r.score_of(q) for q in report.points]
            manual_points, comments = _manual_cells(report, r)
            writer.writerow(
                csv_row(
                    [r.student_id, r.name, r.email, r.file, *scores, *manual_points]
                    + [report.total(r), report.max_points, r.status, one_line(r.message)]
                    + [r.extra.get("matched_by", ""), *map(one_line, comments)]
                    + _late_cells(report, r)
                )
            )
    return path
