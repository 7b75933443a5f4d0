"""Gradebook imports: a Canvas gradebook CSV and a Moodle grade import CSV.

Every record gets a number (a timeout/memory/error record its working parts' score, an invalid
one 0): an LMS needs a score for every student. The number is `Report.total` (with the points
given by hand, less the late penalty); a record whose written answers are not all scored yet is
left out (`Report.gradebook`), so the LMS keeps its grade until the total is final. Rows sorted
by student_id; UTF-8. Every text cell (names, ids, emails, the LMS identity columns, headers) is
guarded against formula injection (`report.csv_row`); the points stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.reports.report import STATUS_WORDS, Report, csv_row, format_points

CANVAS_FIXED_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


def write_canvas_csv(report: Report, path: Path | str) -> Path:
    """Write a Canvas gradebook import to `path` and return the path.

    Header `Student,ID,SIS User ID,SIS Login ID,Section,<title>`, then the row
    `    Points Possible,,,,,<max>`.
    Student: name, else student_id; ID: extra["canvas_user_id"], else student_id; SIS User ID,
    SIS Login ID, Section: extra["sis_user_id"], extra["sis_login_id"], extra["section"] or "".
    """
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row([*CANVAS_FIXED_COLUMNS, report.title]))
        writer.writerow(csv_row(["    Points Possible", "", "", "", "", report.max_points]))
        for r in report.gradebook:
            writer.writerow(
                csv_row(
                    [
                        r.name or r.student_id,
                        r.extra.get("canvas_user_id", r.student_id),
                        r.extra.get("sis_user_id", ""),
                        r.extra.get("sis_login_id", ""),
                        r.extra.get("section", ""),
                        report.total(r),
                    ]
                )
            )
    return path


def _split_name(name: str) -> tuple[str, str]:
    """(first, last) split on the last space; a one-word name is all first name."""
    first, _, last = name.strip().rpartition(" ")
    return (first.strip(), last) if first else (last, "")


def write_moodle_csv(report: Report, path: Path | str) -> Path:
    """Write a Moodle grade import to `path` and return the path.

    Columns `First name,Last name,ID number,Email address,Assignment: <title> (Real),
    Feedback: <title>`; ID number is the student_id; the feedback is one line such as
    "31/40 points; ran out of time", out of the report's max points, then the late note and the
    comments given by hand ("q_written: 4/5: cite your numbers").
    """
    path = Path(path)
    max_points = format_points(report.max_points)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            csv_row(
                ["First name", "Last name", "ID number", "Email address"]
                + [f"Assignment: {report.title} (Real)", f"Feedback: {report.title}"]
            )
        )
        for r in report.gradebook:
            total, late = report.total(r), report.late_of(r).note
            feedback = f"{format_points(total)}/{max_points} points; {STATUS_WORDS[r.status]}"
            feedback += f"; {late}" if late else ""
            feedback += "".join(f"; {note}" for note in report.manual_notes(r))
            writer.writerow(csv_row([*_split_name(r.name), r.student_id, r.email, total, feedback]))
    return path
