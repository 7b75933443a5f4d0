"""The sample students of every assignment get exactly their expected scores from grading.

examples/submissions/NAME/expected.json holds, per student, the status, every question's score and
the mistake codes its failures name (derived with plain `otter run` on the equivalent
well-behaved notebook, see examples/expected_scores.py); the mistake report of the same run
(mistakes.md) must count each sample under exactly those codes. Here the real command grades
each folder, 2 workers, as a TA would:
every student of `BEHAVIOUR_ASSIGNMENT`, and of the others the students whose work depends on the
assignment (the crash, loop, memory-hog, os._exit, broken-file, extra-cell and noisy students
behave the same in every assignment; `autograder demo` grades them all).
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.config import load_config
from autograder.demo import (
    SAMPLE_MEMORY_MB,
    SAMPLE_TIME_LIMIT,
    compare_mistakes,
    compare_with_expected,
)
from examples.make_submissions import BEHAVIOUR_STUDENTS
from tests.build_once import built
from tests.scheduling import classes_per_assignment

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "submissions"
ASSIGNMENTS = sorted(p.name for p in SAMPLES.iterdir() if (p / "expected.json").is_file())
BEHAVIOUR_ASSIGNMENT = "01_nn_from_scratch"


def _chosen(name: str, folder: Path) -> dict[str, dict]:
    """Copy the students graded for `name` into `folder`; return their expected.json entries."""
    expected = json.loads((SAMPLES / name / "expected.json").read_text(encoding="utf-8"))
    if name != BEHAVIOUR_ASSIGNMENT:
        expected = {s: e for s, e in expected.items() if s not in BEHAVIOUR_STUDENTS}
    folder.mkdir()
    for student in expected:
        shutil.copyfile(SAMPLES / name / f"{student}.ipynb", folder / f"{student}.ipynb")
    return expected


class SampleGrades:
    """One assignment's samples (`assignment` set by `classes_per_assignment`)."""

    assignment: str

    @pytest.mark.slow
    def test_samples_score_exactly_as_expected(self, tmp_path):
        _grade_and_compare(self.assignment, tmp_path)


globals().update(classes_per_assignment(SampleGrades, ASSIGNMENTS))


def _grade_and_compare(name: str, tmp_path: Path) -> None:
    paths = built(name)
    course = load_config(paths.config_file)
    expected = _chosen(name, tmp_path / "submissions")
    out = tmp_path / "out"
    # the demo's limits: the looping and memory-hungry students are quick to grade
    options = GradeOptions(
        name, [str(tmp_path / "submissions")], out, 2, SAMPLE_TIME_LIMIT, SAMPLE_MEMORY_MB
    )
    run = run_grade(options, paths, course)
    rows = {row["student_id"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == sorted(expected), "every sample notebook has exactly one row"
    assert compare_with_expected(run.records, expected) == []
    assert compare_mistakes(run.report, expected) == []  # mistakes.md counts what expected says
    assert (out / "mistakes.md").is_file() and (out / "mistakes.html").is_file()
    assert len(list((out / "feedback").glob("*.html"))) == len(expected) + 1  # + index.html
    assert (out / "summary.png").stat().st_size > 10_000


def test_behaviour_students_are_in_every_assignments_samples():
    for name in ASSIGNMENTS:
        present = {path.stem for path in (SAMPLES / name).glob("*.ipynb")}
        assert set(BEHAVIOUR_STUDENTS) <= present, name
