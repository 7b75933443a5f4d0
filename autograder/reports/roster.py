"""The course roster (`autograder grade ... --roster FILE`): who should have a row.

Two layouts, told apart by the header row:

- a Canvas gradebook export: `Student, ID, SIS User ID, SIS Login ID, [Integration ID,]
  [Root Account,] Section, <assignments>...`. Columns are read by name up to `Section` (the
  assignment columns after it are ignored); a column there that Canvas does not write is
  reported and ignored. The `Points Possible` row, rows without a name (Canvas's "muted" /
  "read only" rows) and Canvas's "Test Student" are skipped.
- a plain CSV with an `id` column and any of `name`, `email`, `canvas_user_id`, `sis_user_id`
  (or `idnumber`), `sis_login_id` (or `login`, `username`), `section`; names match ignoring case,
  spaces and `_`. In a plain roster `id` is the course's own student id: it is also the SIS User
  ID unless a `sis_user_id` column is given. Other columns are reported and ignored.

Every identity must be unique: two students with one id, Canvas user id, SIS User ID, SIS Login
ID or email (ignoring case) make the roster an error naming the lines, before anything is
graded. A Canvas user id must be digits. Errors and warnings hold the file's text: callers
escape them for their sink.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from autograder.errors import AutograderError

CANVAS_IDENTITY_COLUMNS = {
    "Student": "name",
    "ID": "canvas_user_id",
    "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id",
    "Section": "section",
}
CANVAS_IGNORED_COLUMNS = {"Integration ID", "Root Account"}
"""Columns Canvas writes before `Section` that identify nobody we match."""
CANVAS_TEST_STUDENTS = {"Student, Test", "Test Student"}

PLAIN_COLUMNS = {
    "id": "id",
    "name": "name",
    "email": "email",
    "emailaddress": "email",
    "canvasuserid": "canvas_user_id",
    "sisuserid": "sis_user_id",
    "idnumber": "sis_user_id",
    "sisloginid": "sis_login_id",
    "login": "sis_login_id",
    "username": "sis_login_id",
    "section": "section",
}


class RosterError(AutograderError, ValueError):
    """The roster cannot be used: unreadable, no id column, duplicate identities.

    `lines`: the message, a line each (the file's text: callers escape each for their sink).
    """

    def __init__(self, *lines: str) -> None:
        super().__init__("\n  ".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Student:
    """One roster student. `id` is the roster's key (a Canvas export: the Canvas user id), unique;
    every other field may be "". `line`: the roster's line number, for messages."""

    id: str
    name: str = ""
    email: str = ""
    canvas_user_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""
    line: int = 0


UNIQUE_FIELDS = ("id", "canvas_user_id", "sis_user_id", "sis_login_id", "email")


@dataclass(frozen=True)
class Roster:
    """The students in the roster's order; `kind` "canvas" or "plain"; `warnings` for the TA."""

    students: tuple[Student, ...]
    kind: str
    source: str
    warnings: tuple[str, ...] = ()


def load_roster(path: Path | str) -> Roster:
    """Read a roster file (see module doc); raises `RosterError` on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterError(f"cannot read the roster {path}: {error}") from error
    rows = [(n, row) for n, row in enumerate(csv.reader(text.splitlines()), start=1) if any(row)]
    if not rows:
        raise RosterError(f"the roster {path} is empty")
    (_, header), body = rows[0], rows[1:]
    header = [cell.strip() for cell in header]
    if len(header) > 1 and "Student" in header[0] and "ID" in header[1]:
        roster = _canvas(header, body, str(path))
    else:
        roster = _plain(header, body, str(path))
    _check_unique(roster)
    return roster


def _canvas(header: list[str], body: list[tuple[int, list[str]]], source: str) -> Roster:
    if "Section" not in header:
        raise RosterError(
            f"{source}: a Canvas gradebook export needs a Section column (Canvas writes "
            f"{', '.join(CANVAS_IDENTITY_COLUMNS)} first); found: {', '.join(header)}"
        )
    identity = header[: header.index("Section") + 1]
    warnings = [
        f"{source}: column {name!r} is not one Canvas writes before Section: ignored"
        for name in identity
        if name not in CANVAS_IDENTITY_COLUMNS and name not in CANVAS_IGNORED_COLUMNS
    ]
    where = {
        field: identity.index(name)
        for name, field in CANVAS_IDENTITY_COLUMNS.items()
        if name in identity
    }
    students, problems = [], []
    for line, row in body:
        cells = {field: _cell(row, i) for field, i in where.items()}
        name = cells.get("name", "")
        if not name or "Points Possible" in row[0] or name in CANVAS_TEST_STUDENTS:
            continue
        user_id = cells.get("canvas_user_id", "")
        if not user_id.isdigit():
            problems.append(f"line {line}: {name!r} has no Canvas user id (ID {user_id!r})")
            continue
        students.append(Student(id=user_id, line=line, **cells))
    if problems:
        raise RosterError(f"{source}: not a usable Canvas gradebook export", *problems)
    return Roster(tuple(students), "canvas", source, tuple(warnings))


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _plain(header: list[str], body: list[tuple[int, list[str]]], source: str) -> Roster:
    keys = [PLAIN_COLUMNS.get(re.sub(r"[\s_]", "", name.lower())) for name in header]
    if "id" not in keys:
        raise RosterError(
            f"{source}: the roster needs an `id` column (a plain CSV: id, name, email, ...) or "
            f"to be a Canvas gradebook export (Student, ID, SIS User ID, SIS Login ID, Section, "
            f"...); found: {', '.join(header)}"
        )
    taken = [k for k in keys if k]
    twice = sorted({k for k in taken if taken.count(k) > 1})
    if twice:
        raise RosterError(f"{source}: more than one column for {', '.join(twice)}")
    warnings = [
        f"{source}: column {name!r} ignored (not one of id, name, email, canvas_user_id, "
        "sis_user_id, sis_login_id, section)"
        for name, key in zip(header, keys, strict=True)
        if key is None
    ]
    students, problems = [], []
    for line, row in body:
        cells = {key: _cell(row, i) for i, key in enumerate(keys) if key}
        if not cells["id"]:
            problems.append(f"line {line}: no id")
            continue
        cells.setdefault("sis_user_id", "")
        cells["sis_user_id"] = cells["sis_user_id"] or cells["id"]
        if cells.get("canvas_user_id") and not cells["canvas_user_id"].isdigit():
            problems.append(
                f"line {line}: canvas_user_id {cells['canvas_user_id']!r} is not digits"
            )
        students.append(Student(line=line, **cells))
    if problems:
        raise RosterError(f"{source}: rows without a usable identity", *problems)
    return Roster(tuple(students), "plain", source, tuple(warnings))


def _check_unique(roster: Roster) -> None:
    """Raise `RosterError` listing every identity that two or more students share."""
    problems = []
    for field in UNIQUE_FIELDS:
        holders: dict[str, list[Student]] = defaultdict(list)
        for student in roster.students:
            value = getattr(student, field)
            if value:
                holders[value.casefold() if field == "email" else value].append(student)
        problems += [
            f"{field} {value!r} on lines {', '.join(str(s.line) for s in students)}"
            for value, students in holders.items()
            if len(students) > 1
        ]
    if problems:
        raise RosterError(
            f"{roster.source}: students share an identity (which one a submission belongs to "
            "would be a guess); fix the roster",
            *problems,
        )
