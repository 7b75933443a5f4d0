"""grades.csv: one row per submission, one column per question, for the course staff.

Columns: student_id, name, email, file, <question>... (in the report's order), total, max,
status, message. Rows sorted by student_id; UTF-8; csv module quoting. A question a record lacks
scores 0; `total` is the record's total (the working parts' score also for timeout/memory);
`max` is the report's max points; `message` is on one line.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.reports.report import Report, format_points, one_line

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(text: str) -> str:
    """Prefix "'" to text a spreadsheet would run as a formula (messages come from student code)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_grades_csv(report: Report, path: Path | str) -> Path:
    """Write grades.csv to `path` and return the path."""
    path = Path(path)
    max_points = format_points(report.max_points)
    header = ["student_id", "name", "email", "file", *report.points]
    header += ["total", "max", "status", "message"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for r in report.by_student:
            scores = [format_points(r.score_of(q)) for q in report.points]
            writer.writerow(
                [r.student_id, r.name, r.email, r.file, *scores, format_points(r.total)]
                + [max_points, r.status, _spreadsheet_safe(one_line(r.message))]
            )
    return path
