"""grades.csv: one row per submission, one column per question, for the course staff.

Columns: student_id, name, email, file, <question>... (in `question_points` order), total, max,
status, message. Rows sorted by student_id; UTF-8; csv module quoting. A question a record lacks
scores 0; `total` is the record's total (the working parts' score also for timeout/memory);
`max` is the sum of `question_points`; `message` is on one line.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

from autograder.grading.records import GradeRecord
from autograder.reports._common import by_student, format_points, one_line

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _spreadsheet_safe(text: str) -> str:
    """Prefix "'" to text a spreadsheet would run as a formula (messages come from student code)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_grades_csv(
    records: Iterable[GradeRecord], question_points: Mapping[str, float], path: Path | str
) -> Path:
    """Write grades.csv to `path` and return the path."""
    path = Path(path)
    max_points = format_points(sum(question_points.values()))
    header = ["student_id", "name", "email", "file", *question_points]
    header += ["total", "max", "status", "message"]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for r in by_student(records):
            scores = [format_points(r.score_of(q)) for q in question_points]
            writer.writerow(
                [r.student_id, r.name, r.email, r.file, *scores, format_points(r.total)]
                + [max_points, r.status, _spreadsheet_safe(one_line(r.message))]
            )
    return path
