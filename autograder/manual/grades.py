"""What people gave the written answers: the data every output reads (no file format here; the
sheet is `manual.scores`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ManualScore:
    """What a person gave one answer: points (None: not scored yet) and a comment."""

    points: float | None
    comment: str = ""


@dataclass(frozen=True)
class ManualGrades:
    """The questions graded by hand with their points, and the scores given so far.

    points: question -> its points (grading.yml), in the master's order.
    scores: (student_id, question) -> ManualScore; a pair that is absent is not scored yet.
    """

    points: dict[str, float] = field(default_factory=dict)
    scores: dict[tuple[str, str], ManualScore] = field(default_factory=dict)

    def score(self, student_id: str, question: str) -> ManualScore:
        """The score of one answer (points None when nobody scored it yet)."""
        return self.scores.get((student_id, question), ManualScore(None))

    def pending(self, student_id: str) -> list[str]:
        """The manual questions of `student_id` nobody scored yet."""
        return [q for q in self.points if self.score(student_id, q).points is None]

    def total(self, student_id: str) -> float:
        """The points given to `student_id`'s written answers so far."""
        return sum(self.score(student_id, q).points or 0.0 for q in self.points)
