"""Grade one notebook with an autograder zip through `otter run`, and read its results.json."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.authoring.otter_cli import run_otter


@dataclass(frozen=True)
class Grade:
    """Scores read from otter's results.json: question name -> (score, max_score)."""

    questions: dict[str, tuple[float, float]]
    results: dict

    @property
    def total(self) -> float:
        return sum(score for score, _ in self.questions.values())

    @property
    def possible(self) -> float:
        return sum(maximum for _, maximum in self.questions.values())

    def summary(self) -> str:
        """`total/possible` followed by each question's score."""
        parts = ", ".join(f"{q} {s:g}/{m:g}" for q, (s, m) in self.questions.items())
        return f"{self.total:g}/{self.possible:g} points ({parts})"

    def output_of(self, question: str) -> str:
        """otter's feedback text for `question` (what failed and why)."""
        return next(
            (t.get("output", "") for t in self.results["tests"] if t.get("name") == question), ""
        )


def grade_notebook(notebook: Path, autograder_zip: Path, *, cpu_seconds: float) -> Grade:
    """Grade `notebook` with `autograder_zip` (no containers); raise `OtterError` on failure.

    Only the notebook is submitted; the zip's `files/` are placed beside it, as on Gradescope.
    otter and its kernel get `cpu_seconds` of CPU time (see `run_otter`).
    """
    with tempfile.TemporaryDirectory(prefix="autograder-grade-") as tmp:
        zip_path, notebook_path = Path(autograder_zip).resolve(), Path(notebook).resolve()
        run_otter(
            ["run", "--no-logo", "-a", str(zip_path), "-o", tmp, str(notebook_path)],
            cwd=Path(tmp),
            cpu_seconds=cpu_seconds,
            what=f"grading {notebook}",
        )
        results = json.loads((Path(tmp) / "results.json").read_text(encoding="utf-8"))
    questions = {
        t["name"]: (float(t["score"]), float(t["max_score"]))
        for t in results.get("tests", [])
        if "max_score" in t and "score" in t
    }
    return Grade(questions, results)
