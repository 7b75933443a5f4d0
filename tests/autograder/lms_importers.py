"""The matching rules of the real gradebook importers, as shared/reference/formats.md reads them
from their source, to check what our canvas.csv and moodle.csv would do in a real course.

- Canvas `GradebookImporter`: a header row has "Student" in row[0] and "ID" in row[1]; if row[2]
  is "SIS User ID", row[3] must be "SIS Login ID"; the last student-info column contains
  "Section". A row whose first cell contains "Points Possible" sets points possible. A student
  row's "ID" is looked up as the Canvas user id, then the SIS User ID, then the SIS Login ID
  columns, then an exact name; otherwise it is a new (unmatched) student. An assignment header
  `Title (digits)` names the assignment by id, anything else by exact title.
- Moodle `load_data.php`: one column is mapped to one user field; the first row whose user is
  not found aborts the whole import. Email matching is case-sensitive.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

_TITLE_AND_ID = re.compile(r"\A(.*)\s\((\d+)\)\Z", re.DOTALL)


@dataclass(frozen=True)
class LmsUser:
    """A user of the course as the LMS knows them."""

    canvas_id: str
    name: str
    sis_user_id: str = ""
    sis_login_id: str = ""
    email: str = ""
    idnumber: str = ""
    username: str = ""


class ImportRejected(Exception):
    """The importer refuses the file (Canvas: no header; Moodle: the import is aborted)."""


@dataclass(frozen=True)
class CanvasImport:
    assignment_title: str
    assignment_id: str
    points_possible: str
    grades: dict[str, str]  # canvas user id -> score
    new_students: list[list[str]]


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def canvas_import(path: Path, users: list[LmsUser]) -> CanvasImport:
    """What Canvas would do with `path` in a course of `users`."""
    header, *rows = _rows(path)
    if "Student" not in header[0] or "ID" not in header[1]:
        raise ImportRejected("no Canvas header row")
    if header[2] == "SIS User ID" and header[3] != "SIS Login ID":
        raise ImportRejected("SIS User ID without SIS Login ID")
    info = header.index(next(h for h in header if "Section" in h)) + 1
    (assignment,) = header[info:]
    match = _TITLE_AND_ID.match(assignment)
    title, assignment_id = (match[1], match[2]) if match else (assignment, "")
    points, grades, new = "", {}, []
    for row in rows:
        if "Points Possible" in row[0]:
            points = row[info]
            continue
        user = _canvas_student(row, header, users)
        if user is None:
            new.append(row)
        else:
            if user.canvas_id in grades:
                raise ImportRejected(f"two rows for {user.canvas_id}")
            grades[user.canvas_id] = row[info]
    return CanvasImport(title, assignment_id, points, grades, new)


def _canvas_student(row: list[str], header: list[str], users: list[LmsUser]) -> LmsUser | None:
    cell = dict(zip(header, row, strict=True))
    lookups = [
        ("ID", lambda u: u.canvas_id),
        ("SIS User ID", lambda u: u.sis_user_id),
        ("SIS Login ID", lambda u: u.sis_login_id),
        ("Student", lambda u: u.name),
    ]
    for column, field in lookups:
        value = cell.get(column, "")
        found = [u for u in users if value and field(u) == value]
        if found:
            return found[0]
    return None


def moodle_import(path: Path, users: list[LmsUser], column: str, field: str) -> dict[str, str]:
    """What Moodle would do with `path`, `column` mapped to the user field `field` (email,
    idnumber, username): {canvas_id of the user: grade}; `ImportRejected` when it aborts."""
    header, *rows = _rows(path)
    at = header.index(column)
    grade_at = next(i for i, h in enumerate(header) if h.startswith("Assignment: "))
    grades = {}
    for row in rows:
        found = [u for u in users if getattr(u, field) == row[at]]
        if not found:
            raise ImportRejected(f"unknown user {row[at]!r}: import aborted")
        grades[found[0].canvas_id] = row[grade_at]
    return grades
