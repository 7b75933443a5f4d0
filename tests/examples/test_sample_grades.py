"""The sample students of every assignment get exactly their expected scores from grading.

examples/submissions/NAME/expected.json holds, per student, the status and every question's score
(derived with plain `otter run` on the equivalent well-behaved notebook, see
examples/expected_scores.py). Here the real command grades each folder, 2 workers, as a TA would.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.config import load_config
from autograder.grading.records import GradeRecord
from autograder.paths import project_paths
from tests.mutants.runner import ensure_built

SAMPLES = Path(__file__).resolve().parents[2] / "examples" / "submissions"
ASSIGNMENTS = sorted(p.name for p in SAMPLES.iterdir() if (p / "expected.json").is_file())


@pytest.mark.slow
@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_samples_score_exactly_as_expected(name, tmp_path):
    paths = project_paths()
    course = load_config(paths.config_file)
    ensure_built(name, paths.root)  # one build at a time, also across pytest-xdist workers
    out = tmp_path / name
    # limits below grading.yml's keep the looping and memory-hungry students quick to grade;
    # the reference notebooks run in about 3 s within 1 GB
    options = GradeOptions(
        name, [str(SAMPLES / name)], out, workers=2, time_limit=10, memory_limit=1024
    )
    run_grade(options, paths, course)
    expected = json.loads((SAMPLES / name / "expected.json").read_text(encoding="utf-8"))
    rows = {row["student_id"]: row for row in csv.DictReader((out / "grades.csv").open())}
    assert sorted(rows) == sorted(expected), "every sample notebook has exactly one row"
    lines = (out / "results.jsonl").read_text(encoding="utf-8").splitlines()
    records = {r.student_id: r for r in map(GradeRecord.from_json, map(json.loads, lines))}
    wrong = {}
    for student, want in expected.items():
        record = records[student]
        got = {q.name: q.score for q in record.questions}
        # otter's results.json (where the expected scores come from) rounds to 5 decimals
        if record.status != want["status"] or got != pytest.approx(want["questions"], abs=1e-5):
            wrong[student] = (record.status, got, record.message[:300], want)
    assert not wrong, wrong
    assert len(list((out / "feedback").glob("*.html"))) == len(expected) + 1  # + index.html
    assert (out / "summary.png").stat().st_size > 10_000
