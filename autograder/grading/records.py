"""Plain records that flow through batch grading: a submission in, one grade record out.

A `GradeRecord` holds only plain data (strings, numbers, booleans), so it can be written to
`results.jsonl`, shipped back from a cluster worker and read again on resume.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

STATUSES = ("graded", "timeout", "memory", "error", "invalid", "missing")
"""graded: ran to the end; timeout/memory: a limit was hit (working parts still score);
error: the grading process died or the notebook could not be graded; invalid: not a notebook;
missing: a roster student who submitted nothing (a gradebook row only, never graded nor in
results.jsonl)."""


@dataclass(frozen=True)
class Submission:
    """One student's notebook as found in the inputs.

    `file` names where it came from (a path, or `archive.zip!member`); `student_id` is read from
    the input's format (Gradescope sid, Canvas user id) or else the file's stem.
    """

    file: str
    content: bytes
    student_id: str
    name: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True)
class TestRecord:
    """One test case: passed or not, whether students see it, the feedback message, and the
    code of the mistake it names ("" for none; see nncheck.mistakes), as the referee recorded
    it from the failure the test raised."""

    name: str
    passed: bool
    hidden: bool
    message: str
    mistake: str = ""


@dataclass(frozen=True)
class QuestionRecord:
    """One auto-graded question's score out of its points, with its test cases."""

    name: str
    score: float
    max_score: float
    tests: tuple[TestRecord, ...] = ()


@dataclass(frozen=True)
class GradeRecord:
    """The one result row of one submission."""

    file: str
    student_id: str
    status: str
    message: str
    questions: tuple[QuestionRecord, ...]
    content_hash: str
    autograder_hash: str
    name: str = ""
    email: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")

    @property
    def total(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    def score_of(self, question: str) -> float:
        return next((q.score for q in self.questions if q.name == question), 0.0)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradeRecord:
        questions = tuple(
            QuestionRecord(
                name=q["name"],
                score=float(q["score"]),
                max_score=float(q["max_score"]),
                tests=tuple(TestRecord(**t) for t in q.get("tests", ())),
            )
            for q in data["questions"]
        )
        return cls(**{**data, "questions": questions})
