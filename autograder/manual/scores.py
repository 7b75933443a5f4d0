"""The scores sheet of the questions graded by hand: written by `autograder manual`, filled in by
people, read back by `autograder grade ... --manual-scores FILE`.

The sheet is a CSV with the columns `student, name, question, max_points, points, comment`, one
row per student and manual question (`points` and `comment` are the ones to fill in; `name` and
`max_points` are there to help and are not read back). Its text cells are guarded against
formulas like every CSV of the tool (`report.csv_row`); reading undoes that guard.

Reading is strict, and reports every problem at once (`ManualScoresError`, nothing graded yet):
a missing column, a student who is not among the graded submissions, a question that is not graded
by hand, a student and question twice, points that are not a number or lie outside 0..max. An
empty `points` cell is not a zero: the answer is not scored yet (`ManualGrades.pending`), which
the grading run reports and the gradebook files leave out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from autograder.manual.grades import ManualGrades, ManualScore
from autograder.reports.escape import for_spreadsheet
from autograder.reports.sheets import LINE, SheetError, listed, read_rows

SHEET_COLUMNS = ("student", "name", "question", "max_points", "points", "comment")
READ_COLUMNS = ("student", "question", "points", "comment")


class ManualScoresError(SheetError):
    """The scores sheet cannot be used as it is; the message lists every problem."""


def _points(text: str, maximum: float) -> tuple[float | None, str]:
    """(points, "") or (None, why not); "" is (None, "") (not scored yet)."""
    if not text:
        return None, ""
    try:
        value = float(text.replace(",", ".") if text.count(",") == 1 else text)
    except ValueError:
        return None, f"points {text!r} is not a number"
    if not math.isfinite(value) or not 0 <= value <= maximum:
        return None, f"points {text!r} is outside 0..{maximum:g}"
    return value, ""


def read_sheet(path: Path, points: Mapping[str, float], students: Iterable[str]) -> ManualGrades:
    """The filled scores sheet at `path` for the manual questions `points` (question -> points)
    of the submissions `students` (their ids). Raises `ManualScoresError` listing every problem."""
    known = {for_spreadsheet(s): s for s in students} | {s: s for s in students}
    scores: dict[tuple[str, str], ManualScore] = {}
    problems: list[str] = []
    for row in read_rows(path, READ_COLUMNS):
        where = f"line {row[LINE]}"
        student, question = row.get("student", ""), row.get("question", "")
        if student not in known:
            problems.append(f"{where}: student {student!r} is not among the graded submissions")
        if question not in points:
            problems.append(
                f"{where}: question {question!r} is not graded by hand (those are {list(points)})"
            )
        if student not in known or question not in points:
            continue
        value, why = _points(row.get("points", ""), points[question])
        key = (known[student], question)
        if why:
            problems.append(f"{where}: {student} {question}: {why}")
        elif key in scores:
            problems.append(f"{where}: {student} {question} is in the sheet twice")
        else:
            scores[key] = ManualScore(value, row.get("comment", ""))
    if problems:
        raise ManualScoresError(
            f"{path}: {len(problems)} problem(s), nothing was graded:\n  {listed(problems)}"
        )
    return ManualGrades(dict(points), scores)


@dataclass(frozen=True)
class SheetRow:
    """One row of the sheet to write; `points` is the text already filled in (or "")."""

    student: str
    name: str
    question: str
    max_points: float
    points: str = ""
    comment: str = ""


def merge_rows(fresh: list[SheetRow], existing: list[dict[str, str]]) -> tuple[list[SheetRow], int]:
    """`fresh` rows (one per student and question of this run) with the points and comments of
    an existing sheet's rows kept; rows of the existing sheet for anything else are kept too, so
    nothing anyone typed is lost. Returns (rows, how many kept rows are not in this run)."""
    typed = {(r.get("student", ""), r.get("question", "")): r for r in existing}
    rows = []
    for row in fresh:
        old = typed.pop((for_spreadsheet(row.student), row.question), None)
        old = old or typed.pop((row.student, row.question), None)
        if old is not None:
            row = SheetRow(
                row.student, row.name, row.question, row.max_points,
                old.get("points", ""), old.get("comment", ""),
            )  # fmt: skip
        rows.append(row)
    for old in typed.values():
        rows.append(
            SheetRow(
                old.get("student", ""),
                old.get("name", ""),
                old.get("question", ""),
                _points(old.get("max_points", ""), math.inf)[0] or 0.0,
                old.get("points", ""),
                old.get("comment", ""),
            )  # fmt: skip
        )
    return rows, len(typed)
