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
    scores: (key, question) -> ManualScore, the key a student id (as the sheet names them) or,
    in a `Report`, a submission's file; a pair that is absent is not scored yet.
    """

    points: dict[str, float] = field(default_factory=dict)
    scores: dict[tuple[str, str], ManualScore] = field(default_factory=dict)

    def score(self, key: str, question: str) -> ManualScore:
        """The score of one answer (points None when nobody scored it yet)."""
        return self.scores.get((key, question), ManualScore(None))

    def pending(self, key: str) -> list[str]:
        """The manual questions of `key` nobody scored yet."""
        return [q for q in self.points if self.score(key, q).points is None]

    def total(self, key: str) -> float:
        """The points given to `key`'s written answers so far."""
        return sum(self.score(key, q).points or 0.0 for q in self.points)
