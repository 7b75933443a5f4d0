"""Who is not in the gradebook as graded, said everywhere the TA looks: unmatched.csv, summary.md
and the terminal.

- unmatched: submitters matched to no roster student (`matching.Unmatched`), never written into
  an LMS file; unmatched.csv has them with the file, the points and the reason, to sort out by
  hand.
- missing: roster students who submitted nothing (a `missing` row, 0 points).
- left out of canvas.csv / moodle.csv (`lms_rows`): rows without an identity that LMS matches on.

Student text is escaped for each sink (`escape.for_spreadsheet` per CSV text cell through
`report.csv_row`, `for_markdown`, `for_terminal`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from autograder.reports.escape import for_markdown, for_terminal
from autograder.reports.lms_rows import LeftOut, canvas_rows, moodle_rows
from autograder.reports.report import Report, csv_row

UNMATCHED_COLUMNS = ["student_id", "name", "email", "file", "total", "status", "reason"]


def write_unmatched_csv(report: Report, path: Path | str) -> Path:
    """Write unmatched.csv (a header only when every submitter was matched); return the path."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row(UNMATCHED_COLUMNS))
        for u in report.unmatched:
            r = u.record
            row = [u.student_id, u.name, u.email, r.file, r.total, r.status, u.reason]
            writer.writerow(csv_row(row))
    return path


def left_out(report: Report) -> dict[str, list[LeftOut]]:
    """Rows left out of each LMS file, by file name."""
    rows = report.by_student
    return {
        "canvas.csv": canvas_rows(rows).left_out,
        "moodle.csv": moodle_rows(rows, report.moodle_identifier).left_out,
    }


def _sections(report: Report, text: Callable[[object], str]) -> list[tuple[str, list[str]]]:
    """(heading, one line per student) for each list, student text through `text`."""
    missing = [r for r in report.by_student if r.status == "missing"]
    sections = [
        (
            f"matched to no roster student, in no LMS file ({len(report.unmatched)}; "
            "see unmatched.csv)",
            [
                f"{text(u.student_id)} ({text(u.record.file)}): {text(u.reason)}"
                for u in report.unmatched
            ],
        ),
        (
            f"on the roster, nothing submitted ({len(missing)})",
            [f"{text(r.student_id)} {text(r.name)}".rstrip() for r in missing],
        ),
    ]
    for name, rows in left_out(report).items():
        sections.append(
            (
                f"left out of {name} ({len(rows)})",
                [f"{text(o.record.student_id)}: {o.reason}" for o in rows],
            )
        )
    return [(heading, lines) for heading, lines in sections if lines]


def terminal_lines(report: Report, shown: int = 10) -> list[str]:
    """What the terminal says after grading: each list with its first `shown` students."""
    lines = []
    for heading, entries in _sections(report, for_terminal):
        lines.append(f"{heading}:")
        lines += [f"  {entry}" for entry in entries[:shown]]
        if len(entries) > shown:
            lines.append(f"  ... and {len(entries) - shown} more (summary.md)")
    return lines


def markdown_lines(report: Report) -> list[str]:
    """summary.md's sections for the same lists, every student listed."""
    lines = []
    for heading, entries in _sections(report, for_markdown):
        lines += ["", f"## {heading[0].upper()}{heading[1:]}", ""]
        lines += [f"- {entry}" for entry in entries]
    return lines
