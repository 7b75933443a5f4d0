"""Which rows may go into canvas.csv and moodle.csv, under which identity, and who is left out.

A row reaches an LMS file only with an identity that LMS matches on, taken from a roster line or
from the LMS's own export, never from a file or folder name:

- Canvas: `ID` is the Canvas user id (a roster's Canvas export, or a Canvas download), `SIS User
  ID` and `SIS Login ID` the roster's; Canvas looks them up in that order. A row with none of the
  three is left out. A Gradescope SID is not a Canvas identity.
- Moodle: the one identifier column the instructor chooses (`MOODLE_IDENTIFIERS`): email (the
  roster's, or Gradescope's), idnumber (the roster's SIS User ID) or username (its SIS Login ID).
  Moodle aborts the whole import at the first unknown user, so a row without one is left out.

Also left out, with the reason: a row whose identity a spreadsheet guard would change (it starts
like a formula or holds a control character: the LMS would see another value), and rows sharing
one identity (the LMS would write one student's grade twice; which one wins is not ours to
guess). Left-out rows are listed in summary.md and on the terminal.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from autograder.grading.records import GradeRecord
from autograder.reports.escape import for_spreadsheet

MOODLE_IDENTIFIERS: dict[str, tuple[str, Callable[[GradeRecord], str]]] = {
    "email": ("Email address", lambda r: r.email),
    "idnumber": ("ID number", lambda r: r.extra.get("sis_user_id", "")),
    "username": ("Username", lambda r: r.extra.get("sis_login_id", "")),
}
"""--moodle-identifier choice -> (the column's header, the row's value)."""

_TITLE_WITH_ID = re.compile(r".*\s\([0-9]+\)")


@dataclass(frozen=True)
class LeftOut:
    """A row an LMS file leaves out, and why."""

    record: GradeRecord
    reason: str


@dataclass(frozen=True)
class LmsRows:
    """The rows an LMS file holds (with their identity cells) and the rows it leaves out."""

    rows: list[tuple[GradeRecord, tuple[str, ...]]]
    left_out: list[LeftOut]


def canvas_identity(record: GradeRecord) -> tuple[str, str, str]:
    """(Canvas user id, SIS User ID, SIS Login ID) of a row; "" where unknown."""
    extra = record.extra
    return (
        extra.get("canvas_user_id", ""),
        extra.get("sis_user_id", ""),
        extra.get("sis_login_id", ""),
    )


def _select(
    records: list[GradeRecord], identity: Callable[[GradeRecord], tuple[str, ...]], lacking: str
) -> LmsRows:
    with_identity = [(r, identity(r)) for r in records]
    counts = Counter((i, v) for _, cells in with_identity for i, v in enumerate(cells) if v)
    rows, left_out = [], []
    for record, cells in with_identity:
        if not any(cells):
            left_out.append(LeftOut(record, lacking))
        elif any(for_spreadsheet(c) != c for c in cells):
            left_out.append(
                LeftOut(
                    record,
                    "its identity starts like a spreadsheet formula or holds a "
                    "control character: enter this grade by hand",
                )
            )
        elif any(counts[i, c] > 1 for i, c in enumerate(cells) if c):
            left_out.append(
                LeftOut(record, "another row has the same identity: enter the right grade by hand")
            )
        else:
            rows.append((record, cells))
    return LmsRows(rows, left_out)


def canvas_rows(records: list[GradeRecord]) -> LmsRows:
    """The rows of canvas.csv with (ID, SIS User ID, SIS Login ID), and those left out."""
    return _select(
        records,
        canvas_identity,
        "no Canvas identity (no Canvas user id, SIS User ID or SIS Login ID: use --roster)",
    )


def moodle_rows(records: list[GradeRecord], identifier: str) -> LmsRows:
    """The rows of moodle.csv with their `identifier` value, and those left out."""
    header, value = MOODLE_IDENTIFIERS[identifier]
    return _select(records, lambda r: (value(r),), f"no {header} (Moodle would abort the import)")


def canvas_assignment_header(title: str, assignment_id: str) -> str:
    """The assignment column's header: `Title (id)`, or the title alone without an id.

    Raises ValueError for an id that is not digits, or, without one, a title Canvas would read
    as `Title (id)` (it ends in a number in parentheses)."""
    if assignment_id:
        if not assignment_id.isdigit():
            raise ValueError(f"a Canvas assignment id is digits, not {assignment_id!r}")
        return f"{title} ({assignment_id})"
    if _TITLE_WITH_ID.fullmatch(title):
        raise ValueError(
            f"Canvas would read the end of the title {title!r} as an assignment id and import "
            "into another assignment: pass --canvas-assignment-id"
        )
    return title
