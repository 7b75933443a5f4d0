"""What every output of a grading run is written from (`Report`), and the helpers the writers
share: ordering, number and message formatting, status words, CSV rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from autograder.grading.records import GradeRecord
from autograder.reports.escape import for_spreadsheet
from autograder.reports.matching import Unmatched

STATUS_WORDS = {
    "graded": "graded",
    "timeout": "ran out of time",
    "memory": "ran out of memory",
    "error": "could not be graded",
    "invalid": "not a readable notebook",
    "missing": "nothing submitted",
}
"""A few plain words per `records.STATUSES` entry, for students and gradebooks."""


@dataclass(frozen=True)
class Report:
    """A grading run as the writers see it: the records (input order), the points of each
    auto-graded question (the autograder zip's order), the assignment's title and how much
    hidden-test detail students may see (grading.yml's `feedback.hidden_test_output`).

    With a roster the records are its rows (`matching.roll_call`: `missing` rows included) and
    `unmatched` the submitters matched to nobody; `canvas_assignment_id` and `moodle_identifier`
    (a `lms_rows.MOODLE_IDENTIFIERS` key) shape the LMS files."""

    records: list[GradeRecord]
    points: dict[str, float]
    title: str
    hidden_test_output: str = "never"
    unmatched: list[Unmatched] = field(default_factory=list)
    canvas_assignment_id: str = ""
    moodle_identifier: str = "email"

    @property
    def max_points(self) -> float:
        """The assignment's auto-graded points: every total is out of this."""
        return float(sum(self.points.values()))

    @property
    def by_student(self) -> list[GradeRecord]:
        """The records sorted by student id."""
        return by_student(self.records)


def by_student(records: Iterable[GradeRecord]) -> list[GradeRecord]:
    """The records sorted by student_id (plain string order)."""
    return sorted(records, key=lambda r: r.student_id)


def format_points(value: float) -> str:
    """Points as a gradebook wants them: <= 4 decimals, no trailing zeros (7.5, 8, 2.3333)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def one_line(text: str) -> str:
    """`text` on one line: its non-blank lines stripped and joined by ' | '."""
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def csv_row(cells: Iterable[str | float]) -> list[str]:
    """A CSV row: numbers (the tool's own points) as `format_points`, every text cell through
    `escape.for_spreadsheet`, so no text cell of any CSV starts a formula and numbers stay
    numbers. Pass points as numbers, everything else (ids, names, headers, messages) as text."""
    return [
        for_spreadsheet(cell) if isinstance(cell, str) else format_points(cell) for cell in cells
    ]
