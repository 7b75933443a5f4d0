"""What every output of a grading run is written from (`Report`), and the helpers the writers
share: ordering, number and message formatting, status words, CSV rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.records import GradeRecord
from autograder.manual.grades import ManualGrades, ManualScore
from autograder.policy.late import LateOutcome
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
    (a `lms_rows.MOODLE_IDENTIFIERS` key) shape the LMS files.

    `manual`: the questions graded by hand and the points people gave, and `late`: the late
    policy's outcomes, both by submission (a record's `file`: every row made from one submission,
    such as a group's members, shares them); `published`: the grades are published, so
    hidden-test detail that `after_published` allows is shown (`hidden_detail`)."""

    records: list[GradeRecord]
    points: dict[str, float]
    title: str
    hidden_test_output: str = "never"
    unmatched: list[Unmatched] = field(default_factory=list)
    canvas_assignment_id: str = ""
    moodle_identifier: str = "email"
    manual: ManualGrades = field(default_factory=ManualGrades)
    late: Mapping[str, LateOutcome] = field(default_factory=dict)
    published: bool = False
    titles: Mapping[str, str] = field(default_factory=dict)  # question -> its heading
    templates: Path | None = None  # a course's feedback_templates/ folder

    @property
    def max_points(self) -> float:
        """The assignment's points, auto-graded and graded by hand: every total is out of this."""
        return float(sum(self.points.values()) + sum(self.manual.points.values()))

    @property
    def gradebook(self) -> list[GradeRecord]:
        """The records the gradebook imports get, by student id: all but those with written
        answers not scored yet (their total is not final; the LMS keeps its grade meanwhile)."""
        return [r for r in self.by_student if not self.pending(r)]

    @property
    def hidden_detail(self) -> str:
        """How much hidden-test detail the pages show now: `after_published` is "never" until the
        grades are published."""
        if self.hidden_test_output == "after_published" and not self.published:
            return "never"
        return self.hidden_test_output

    def late_of(self, record: GradeRecord) -> LateOutcome:
        """The late policy's outcome for `record`'s submission (none known: an empty outcome)."""
        return self.late.get(record.file, LateOutcome())

    def manual_score(self, record: GradeRecord, question: str) -> ManualScore:
        """What people gave `record`'s submission for `question` (points None: not yet); a row
        without a submission (a roster student who submitted nothing) has 0."""
        return self.manual.score(record.file, question) if record.file else ManualScore(0.0)

    def pending(self, record: GradeRecord) -> list[str]:
        """`record`'s written answers nobody scored yet (its total is not final); none for a
        row without a submission (a roster student who submitted nothing)."""
        return self.manual.pending(record.file) if record.file else []

    def manual_notes(self, record: GradeRecord) -> list[str]:
        """`question: points/max: comment` for each written answer of `record` given a comment."""
        notes = []
        for question, points in self.manual.points.items():
            score = self.manual_score(record, question)
            if score.comment and score.points is not None:
                given = f"{format_points(score.points)}/{format_points(points)}"
                notes.append(f"{question}: {given}: {one_line(score.comment)}")
        return notes

    def before_penalty(self, record: GradeRecord) -> float:
        """Auto-graded points plus the points given by hand so far."""
        return record.total + self.manual.total(record.file)

    def penalty(self, record: GradeRecord) -> float:
        """Points the late policy takes from `record`."""
        return self.late_of(record).penalty(self.before_penalty(record))

    def total(self, record: GradeRecord) -> float:
        """`record`'s grade: auto-graded plus hand-graded points, less the late penalty."""
        return self.before_penalty(record) - self.penalty(record)

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
