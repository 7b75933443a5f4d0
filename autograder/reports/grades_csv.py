"""grades.csv: one row per submission (with a roster: per roster student), one column per
question, for the course staff.

Columns: student_id, name, email, file, <question>... (in the report's order), total, max,
status, message, matched_by (with a roster: the `matching.MATCH_ORDER` step that matched the
row's submission; "" for a `missing` row or without a roster). Rows sorted by student_id;
UTF-8; csv module quoting. A question a record lacks scores 0; `total` is the record's total
(the working parts' score also for timeout/memory); `max` is the report's max points; `message`
is on one line. Every text cell is guarded (`report.csv_row`): no student id, name, email, file
name or message starts a formula.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.reports.report import Report, csv_row, one_line


def write_grades_csv(report: Report, path: Path | str) -> Path:
    """Write grades.csv to `path` and return the path."""
    path = Path(path)
    header = ["student_id", "name", "email", "file", *report.points]
    header += ["total", "max", "status", "message", "matched_by"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row(header))
        for r in report.by_student:
            scores = [r.score_of(q) for q in report.points]
            writer.writerow(
                csv_row(
                    [r.student_id, r.name, r.email, r.file, *scores, r.total, report.max_points]
                    + [r.status, one_line(r.message), r.extra.get("matched_by", "")]
                )
            )
    return path
