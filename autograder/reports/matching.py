"""Graded submissions to gradebook rows: every roster student one row, nobody under a guess.

`roll_call(records, roster)` turns the grading run's records (one per submission, input order)
into `Roll.rows` (the records the outputs are written from) and `Roll.unmatched`:

- Each submitter of a record is a claimant: the record's own identity, or, for a Gradescope group
  (`extra["submitters"]`), every member, each getting the group's grade.
- With a roster, a claimant is matched by the first of `MATCH_ORDER` that names exactly one roster
  student: Gradescope SID (against SIS User ID), email (against email or an email-like SIS Login
  ID, ignoring case), Canvas user id, and, for an id the file's own place gives (a notebook's
  stem, a folder entry, never a name inside a zip), SIS User ID, SIS Login ID, roster id. The
  matched row carries the roster's identity (id, name, email, Canvas and SIS ids, section) and
  `extra["matched_by"]` (the step) and `extra["submitted_as"]` (the claimant's id). A student
  claimed by several submissions gets the last one in input order; the earlier ones are
  unmatched, saying so. A roster student nobody claimed gets a `missing` row (0 points, no
  file). A claimant no step matches is unmatched, with the reason.
- Without a roster every claimant is a row; group members after the first get their sid (else
  email) as student id, numbered `#2`... if that id is taken.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from autograder.grading.records import GradeRecord
from autograder.reports.roster import Roster, Student


@dataclass(frozen=True)
class Claimant:
    """Someone a record says submitted it, with the identities it gives them ("" = none).
    `file_id`: the record's id when the file's own place gave it (not LMS metadata, not a name
    inside a zip)."""

    record: GradeRecord
    student_id: str
    name: str = ""
    email: str = ""
    sid: str = ""
    canvas_user_id: str = ""
    file_id: str = ""


@dataclass(frozen=True)
class Unmatched:
    """A submitter matched to no roster student (or not the one whose row it is), and why."""

    record: GradeRecord
    student_id: str
    name: str
    email: str
    reason: str


@dataclass(frozen=True)
class Roll:
    """The rows to write (one per roster student, or per submitter without a roster) and the
    submitters that got no row."""

    rows: list[GradeRecord]
    unmatched: list[Unmatched]


def _email_like_login(student: Student) -> str:
    return student.sis_login_id if "@" in student.sis_login_id else ""


MatchStep = tuple[str, Callable[[Claimant], str], Callable[[Student], Sequence[str]], bool]
MATCH_ORDER: tuple[MatchStep, ...] = (
    ("gradescope sid", lambda c: c.sid, lambda s: [s.sis_user_id], False),
    ("email", lambda c: c.email, lambda s: [s.email, _email_like_login(s)], True),
    ("canvas user id", lambda c: c.canvas_user_id, lambda s: [s.canvas_user_id], False),
    ("sis user id", lambda c: c.file_id, lambda s: [s.sis_user_id], False),
    ("sis login id", lambda c: c.file_id, lambda s: [s.sis_login_id], True),
    ("file name", lambda c: c.file_id, lambda s: [s.id], False),
)
"""(name, the claimant's value, the roster values it may equal, whether case is ignored)."""


def claimants(record: GradeRecord) -> list[Claimant]:
    """Who submitted `record`: its identity, or every member of a Gradescope group."""
    extra = record.extra
    from_lms = "gradescope_folder" in extra or "canvas_user_id" in extra
    inside_zip = extra.get("named_inside_zip") == "true"
    own = Claimant(
        record,
        record.student_id,
        record.name,
        record.email,
        sid=extra.get("gradescope_sid", ""),
        canvas_user_id=extra.get("canvas_user_id", ""),
        file_id="" if from_lms or inside_zip else record.student_id,
    )
    members = _submitters(extra.get("submitters", ""))
    if not members:
        return [own]
    first, *others = members
    group = [replace(own, name=first["name"] or own.name, email=first["email"] or own.email)]
    for member in others:
        member_id = member["sid"] or member["email"] or member["name"]
        group.append(
            Claimant(record, member_id, member["name"], member["email"], sid=member["sid"])
        )
    return group


def _submitters(text: str) -> list[dict[str, str]]:
    """`extra["submitters"]` (JSON written by `grading.submissions`) as dicts of strings."""
    if not text:
        return []
    try:
        loaded = json.loads(text)
    except ValueError:
        return []
    keys = ("name", "email", "sid")
    return (
        [{k: str(m.get(k, "")) for k in keys} for m in loaded if isinstance(m, dict)]
        if isinstance(loaded, list)
        else []
    )


def _key(value: str, fold: bool) -> str:
    return value.strip().casefold() if fold else value.strip()


def match(claimant: Claimant, roster: Roster) -> tuple[Student | None, str]:
    """The roster student `claimant` is, and the step that said so; or None and why not."""
    tried = []
    for step, claimed, offered, fold in MATCH_ORDER:
        value = _key(claimed(claimant), fold)
        if not value:
            continue
        tried.append(f"{step} {claimed(claimant)!r}")
        found = [s for s in roster.students if value in {_key(v, fold) for v in offered(s) if v}]
        if len(found) == 1:
            return found[0], step
        if len(found) > 1:
            ids = ", ".join(repr(s.id) for s in found)
            return None, f"{step} {claimed(claimant)!r} names several roster students ({ids})"
    if not tried:
        why = (
            "its id is a name inside a zip, which identifies nobody"
            if claimant.record.extra.get("named_inside_zip") == "true"
            else "it carries no identity (no LMS metadata)"
        )
        return None, why
    return None, "on no roster line: tried " + ", ".join(tried)


def _row(claimant: Claimant, student: Student, step: str) -> GradeRecord:
    record = claimant.record
    extra = {
        **record.extra,
        "canvas_user_id": student.canvas_user_id or claimant.canvas_user_id,
        "sis_user_id": student.sis_user_id,
        "sis_login_id": student.sis_login_id,
        "section": student.section,
        "matched_by": step,
        "submitted_as": claimant.student_id,
    }
    return replace(
        record,
        student_id=student.id,
        name=student.name or claimant.name,
        email=student.email or claimant.email,
        extra=extra,
    )


def missing_record(student: Student) -> GradeRecord:
    """The row of a roster student who submitted nothing: status `missing`, 0 points."""
    return GradeRecord(
        file="",
        student_id=student.id,
        status="missing",
        message="nothing submitted",
        questions=(),
        content_hash="",
        autograder_hash="",
        name=student.name,
        email=student.email,
        extra={
            "canvas_user_id": student.canvas_user_id,
            "sis_user_id": student.sis_user_id,
            "sis_login_id": student.sis_login_id,
            "section": student.section,
        },
    )


def _unmatched(claimant: Claimant, reason: str) -> Unmatched:
    return Unmatched(claimant.record, claimant.student_id, claimant.name, claimant.email, reason)


def roll_call(records: Sequence[GradeRecord], roster: Roster | None) -> Roll:
    """The rows and unmatched submitters of a grading run (see module doc)."""
    if roster is None:
        return Roll(_unique_rows(records), [])
    everyone = [c for record in records for c in claimants(record)]
    chosen: dict[str, tuple[Claimant, str]] = {}  # roster id -> the last claimant, its step
    unmatched = []
    for claimant in everyone:
        student, why = match(claimant, roster)
        if student is None:
            unmatched.append(_unmatched(claimant, why))
            continue
        if student.id in chosen:
            earlier, _ = chosen[student.id]
            unmatched.append(
                _unmatched(
                    earlier,
                    f"roster student {student.id!r} also submitted {claimant.record.file}, "
                    "later in the input: the row has that one",
                )
            )
        chosen[student.id] = (claimant, why)
    rows = [
        _row(chosen[s.id][0], s, chosen[s.id][1]) if s.id in chosen else missing_record(s)
        for s in roster.students
    ]
    return Roll(rows, unmatched)


def _unique_rows(records: Sequence[GradeRecord]) -> list[GradeRecord]:
    """Without a roster: a row per claimant, group members after the first under their own
    (unique) id."""
    taken = {record.student_id for record in records}
    rows = list(records)
    for record in records:
        for claimant in claimants(record)[1:]:
            rows.append(_member_row(claimant, taken))
    return rows


def _member_row(claimant: Claimant, taken: set[str]) -> GradeRecord:
    """A group member's row (without a roster) under an id not in `taken` (which it joins)."""
    record = claimant.record
    student_id, n = claimant.student_id, 1
    while student_id in taken:
        n += 1
        student_id = f"{claimant.student_id}#{n}"
    taken.add(student_id)
    extra = {**record.extra, "gradescope_sid": claimant.sid, "submitted_as": record.student_id}
    return replace(
        record, student_id=student_id, name=claimant.name, email=claimant.email, extra=extra
    )
