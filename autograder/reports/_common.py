"""Helpers shared by the report writers: ordering, number and message formatting, status words."""

from __future__ import annotations

from collections.abc import Iterable

from autograder.grading.records import GradeRecord

STATUS_WORDS = {
    "graded": "graded",
    "timeout": "ran out of time",
    "memory": "ran out of memory",
    "error": "could not be graded",
    "invalid": "not a readable notebook",
}
"""A few plain words per `records.STATUSES` entry, for students and gradebooks."""


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


def assignment_questions(records: Iterable[GradeRecord]) -> dict[str, float]:
    """Question name -> points, in order of first appearance over all records.

    A record that stopped early (timeout, invalid) may lack questions; the others supply them.
    """
    points: dict[str, float] = {}
    for record in records:
        for question in record.questions:
            points.setdefault(question.name, question.max_score)
    return points
