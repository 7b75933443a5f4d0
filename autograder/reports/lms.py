"""Gradebook imports: a Canvas gradebook CSV and a Moodle grade import CSV.

Every row gets a number (a timeout/memory/error record its working parts' score, an invalid or
missing one 0): an LMS needs a score for every student. Only rows with an identity that LMS
matches on are written (`lms_rows`: from the roster or the LMS's own export, never a file name);
the others are left out and listed by `lms_rows`. Rows sorted by student_id; UTF-8. Every text
cell (names, ids, emails, the LMS identity columns, headers) is guarded against formula injection
(`report.csv_row`); the points stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.reports.lms_rows import (
    MOODLE_IDENTIFIERS,
    canvas_assignment_header,
    canvas_rows,
    moodle_rows,
)
from autograder.reports.report import STATUS_WORDS, Report, csv_row, format_points

CANVAS_FIXED_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_canvas_csv(report: Report, path: Path | str) -> Path:
    """Write a Canvas gradebook import to `path` and return the path.

    Header `Student,ID,SIS User ID,SIS Login ID,Section,<title> (<canvas assignment id>)`, then
    the row `    Points Possible,,,,,<max>`. Student: name, else student_id; ID, SIS User ID,
    SIS Login ID: `lms_rows.canvas_identity`; Section: extra["section"] or "".
    """
    path = Path(path)
    header = canvas_assignment_header(report.title, report.canvas_assignment_id)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row([*CANVAS_FIXED_COLUMNS, header]))
        writer.writerow(csv_row(["    Points Possible", "", "", "", "", report.max_points]))
        for r, identity in canvas_rows(report.by_student).rows:
            row = [r.name or r.student_id, *identity, r.extra.get("section", ""), r.total]
            writer.writerow(csv_row(row))
    return path


def _split_name(name: str) -> tuple[str, str]:
    """(first, last): "Last, First" (Canvas's sortable name) split on the comma, otherwise on the
    last space; a one-word name is all first name."""
    if "," in name:
        last, _, first = name.partition(",")
        return first.strip(), last.strip()
    first, _, last = name.strip().rpartition(" ")
    return (first.strip(), last) if first else (last, "")


def write_moodle_csv(report: Report, path: Path | str) -> Path:
    """Write a Moodle grade import to `path` and return the path.

    Columns `First name,Last name,<identifier>,Assignment: <title> (Real),Feedback: <title>`,
    the identifier column as `report.moodle_identifier` chooses (`Email address`, `ID number`
    or `Username`: map it in Moodle's import); the feedback is one line such as
    "31/40 points; ran out of time", out of the report's max points.
    """
    path = Path(path)
    max_points = format_points(report.max_points)
    identifier, _ = MOODLE_IDENTIFIERS[report.moodle_identifier]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            csv_row(
                ["First name", "Last name", identifier]
                + [f"Assignment: {report.title} (Real)", f"Feedback: {report.title}"]
            )
        )
        for r, (value,) in moodle_rows(report.by_student, report.moodle_identifier).rows:
            feedback = f"{format_points(r.total)}/{max_points} points; {STATUS_WORDS[r.status]}"
            writer.writerow(csv_row([*_split_name(r.name), value, r.total, feedback]))
    return path
