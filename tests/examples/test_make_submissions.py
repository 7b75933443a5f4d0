"""The committed example submissions are what the generator writes, and expected.json fits them."""

import json

import pytest

from autograder.config import load_config
from autograder.grading.records import STATUSES
from examples.make_submissions import (
    DEFAULT_OUT,
    ROOT,
    ROSTER_FILE,
    assignment_names,
    plan,
    write_submissions,
)
from nncheck.mistakes import CODE
from tests.build_once import built

NAMES = assignment_names()
REGENERATE = ".venv/bin/python examples/make_submissions.py"


def _notebooks(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.ipynb"))}


@pytest.mark.parametrize("name", NAMES)
def test_regenerating_gives_the_committed_bytes(name, tmp_path):
    write_submissions(name, tmp_path, built(name))  # the generator reads the solution variant
    fresh, committed = _notebooks(tmp_path / name), _notebooks(DEFAULT_OUT / name)
    assert sorted(fresh) == sorted(committed), f"students differ: run {REGENERATE} {name}"
    changed = sorted(file for file in fresh if fresh[file] != committed[file])
    assert not changed, f"{changed} differ from a fresh run: run {REGENERATE} {name}"
    roster = (tmp_path / name / ROSTER_FILE).read_bytes()
    assert roster == (DEFAULT_OUT / name / ROSTER_FILE).read_bytes(), f"run {REGENERATE} {name}"


@pytest.mark.parametrize("name", NAMES)
def test_expected_json_describes_exactly_the_notebooks(name):
    folder = DEFAULT_OUT / name
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    assert set(expected) == {path.stem for path in folder.glob("*.ipynb")}
    planned = {student.student_id: student for student in plan(name, built(name))}
    auto_graded = set(expected["alice_correct"]["questions"])
    points = load_config(ROOT / "grading.yml").assignment(name).questions
    assert auto_graded <= set(points)
    assert expected["alice_correct"]["total"] == pytest.approx(sum(points[q] for q in auto_graded))
    for student_id, entry in expected.items():
        assert entry["status"] in STATUSES
        assert (entry["status"], entry["why"]) == (
            planned[student_id].status,
            planned[student_id].why,
        ), f"{student_id}: rerun examples/expected_scores.py {name}"
        assert set(entry["questions"]) == auto_graded
        assert entry["total"] == pytest.approx(sum(entry["questions"].values()))
        assert set(entry["mistakes"]) <= auto_graded, f"{student_id}: mistakes of no question"
        codes = [code for codes in entry["mistakes"].values() for code in codes]
        assert all(CODE.fullmatch(code) for code in codes), f"{student_id}: {codes}"
        lost = {q for q, score in entry["questions"].items() if score < points[q]}
        assert set(entry["mistakes"]) <= lost, f"{student_id}: a mistake on a full-marks question"
