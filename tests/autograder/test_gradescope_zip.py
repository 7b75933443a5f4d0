"""The Gradescope zip grades with the engine: a local `autograder grade` and a Gradescope run of
the same notebook give the same scores.

The end-to-end tests build 01_nn_from_scratch into a temporary folder (the checkout's outputs stay
untouched), lay out Gradescope's /autograder tree in tmp_path (source = the unzipped zip,
submission = the upload, results = where results.json appears) and run `bash
source/run_autograder` with AUTOGRADER_BASE pointing at it. A `sitecustomize.py` in source/ turns
off the venv's editable install of this checkout, so every `autograder` module must come from the
zip, as on Gradescope.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from autograder.grading.bundle import SETTINGS_FILE
from autograder.grading.gradescope_run import find_submission
from autograder.grading.records import GradeRecord
from tests import build_once

ASSIGNMENT = "01_nn_from_scratch"
VENV_BIN = Path(sys.executable).parent
VISIBILITIES = {"hidden", "after_due_date", "after_published", "visible"}
TOP_LEVEL_KEYS = {
    "score",
    "execution_time",
    "output",
    "output_format",
    "test_output_format",
    "test_name_format",
    "visibility",
    "stdout_visibility",
    "extra_data",
    "tests",
    "leaderboard",
}
NO_EDITABLE_INSTALL = """import sys
editable = [f for f in sys.meta_path if getattr(f, "__name__", "").startswith("_Editable")]
sys.meta_path[:] = [f for f in sys.meta_path if f not in editable]
"""


def test_find_submission_takes_the_one_notebook_and_names_the_problem_otherwise(tmp_path):
    folder = tmp_path / "submission"
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / ".ipynb_checkpoints" / "hw-checkpoint.ipynb").write_text("{}")
    assert "no notebook" in find_submission(folder).extra["error"]
    (folder / "hw.ipynb").write_text("{}")
    found = find_submission(folder)
    assert (found.file, found.content, found.extra) == (str(folder / "hw.ipynb"), b"{}", {})
    (folder / "work").mkdir()
    (folder / "work" / "copy.ipynb").write_text("{}")
    error = find_submission(folder).extra["error"]
    assert "2 notebooks" in error and "hw.ipynb" in error and "work/copy.ipynb" in error


def _check_gradescope_schema(results: dict) -> None:
    """results.json as Gradescope reads it: top-level score and tests, each test well formed."""
    assert set(results) <= TOP_LEVEL_KEYS
    assert isinstance(results["score"], int | float)
    assert isinstance(results["execution_time"], int | float)
    for test in results["tests"]:
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert test["visibility"] in VISIBILITIES
        assert test.get("status", "passed") in {"passed", "failed"}
        if "max_score" in test:
            assert 0 <= test["score"] <= test["max_score"]


def _question_scores(results: dict) -> dict[str, float]:
    return {t["name"]: t["score"] for t in results["tests"] if "max_score" in t}


@pytest.fixture(scope="session")
def built():
    """01_nn_from_scratch as this run built it (tests/build_once.py), and the course."""
    paths = build_once.built(ASSIGNMENT)
    return paths, load_config(paths.config_file)


def _notebooks(paths) -> dict[str, bytes]:
    """solution, untouched student variant, and the solution with a dense_forward missing + b."""
    solution = paths.solution_notebook(ASSIGNMENT)
    wrong = nbformat.read(solution, as_version=4)
    cell = next(c for c in wrong.cells if "def dense_forward" in c.source)
    assert "return X @ W + b" in cell.source
    cell.source = cell.source.replace("return X @ W + b", "return X @ W")
    return {
        "solution": solution.read_bytes(),
        "student": (paths.student_dir(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb").read_bytes(),
        "wrong_dense_forward": nbformat.writes(wrong).encode(),
    }


@pytest.fixture(scope="session")
def local_grades(built, tmp_path_factory) -> dict[str, GradeRecord]:
    """`autograder grade` (its run_grade) on the three notebooks: records by notebook stem."""
    paths, course = built
    folder = tmp_path_factory.mktemp("local-grade")
    files = []
    for stem, content in _notebooks(paths).items():
        (folder / f"{stem}.ipynb").write_bytes(content)
        files.append(str(folder / f"{stem}.ipynb"))
    options = GradeOptions(ASSIGNMENT, files, folder / "out", workers=2)
    run_grade(options, paths, course)
    lines = (folder / "out" / RESULTS_FILE).read_text(encoding="utf-8").splitlines()
    records = [GradeRecord.from_json(json.loads(line)) for line in lines]
    return {record.student_id: record for record in records}


def _run_on_gradescope(zip_path: Path, upload: dict[str, bytes], base: Path) -> tuple[dict, str]:
    """Lay out /autograder in `base`, run run_autograder; return results.json and its stdout."""
    source = base / "source"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(source)
    (source / "sitecustomize.py").write_text(NO_EDITABLE_INSTALL)
    for name, content in upload.items():
        (base / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (base / "submission" / name).write_bytes(content)
    (base / "submission").mkdir(exist_ok=True)
    (base / "results").mkdir()
    (base / "results" / "results.json").write_text('{"score": 1000}')  # stale: must go
    env = {**os.environ, "AUTOGRADER_BASE": str(base), "PATH": f"{VENV_BIN}:{os.environ['PATH']}"}
    run = subprocess.run(
        ["bash", str(source / "run_autograder")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(p.name for p in (base / "results").iterdir()) == ["results.json"]
    results = json.loads((base / "results" / "results.json").read_text(encoding="utf-8"))
    _check_gradescope_schema(results)
    return results, run.stdout


@pytest.mark.slow
def test_zip_runs_the_engine_with_grading_yml_limits(built):
    paths, course = built
    with zipfile.ZipFile(paths.autograder_zip(ASSIGNMENT)) as archive:
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in archive.infolist()}
        settings = json.loads(archive.read(SETTINGS_FILE))
        script = archive.read("run_autograder").decode()
        environment = archive.read("environment.yml").decode()
    assert {"autograder/grading/gradescope_run.py", "autograder/grading/engine.py"} <= set(modes)
    assert "autograder/grading/sandbox/zygote.py" in modes and "run_otter.py" not in modes
    assert modes["run_autograder"] == modes["setup.sh"] == 0o755
    assert "-m autograder.grading.gradescope_run" in script and "mamba activate otter-env" in script
    assert settings["limits"] == {
        "time_seconds": course.limits.time_seconds,
        "memory_mb": course.limits.memory_mb,
    }
    assert settings["questions"] == list(course.assignment(ASSIGNMENT).questions)
    assert "download.pytorch.org/whl/cpu" in environment and "torch==" in environment


@pytest.mark.slow
@pytest.mark.parametrize("stem", ["solution", "student", "wrong_dense_forward"])
def test_gradescope_scores_equal_local_grades(built, local_grades, stem, tmp_path):
    paths, course = built
    points = course.assignment(ASSIGNMENT).questions
    upload = {f"{ASSIGNMENT}.ipynb": _notebooks(paths)[stem]}
    results, stdout = _run_on_gradescope(paths.autograder_zip(ASSIGNMENT), upload, tmp_path)
    local = local_grades[stem]
    assert local.status == "graded", local.message
    assert _question_scores(results) == {q.name: q.score for q in local.questions}
    assert [t["name"] for t in results["tests"] if "max_score" in t] == list(points)
    assert {t["name"]: t["max_score"] for t in results["tests"] if "max_score" in t} == points
    assert results["score"] == pytest.approx(local.total)
    assert f"score {local.total:g} / {sum(points.values()):g}" in stdout
    if stem == "solution":
        assert local.total == sum(points.values())
    elif stem == "student":
        assert local.total == 0
    else:
        assert local.score_of("q_dense_forward") == 0
        assert 0 < local.total < sum(points.values())


@pytest.mark.slow
@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ({"notes.txt": b"my notebook is on my laptop"}, "no notebook (.ipynb file)"),
        ({"a.ipynb": b"{}", "b/b.ipynb": b"{}"}, "2 notebooks (a.ipynb, b/b.ipynb)"),
    ],
)
def test_submission_without_exactly_one_notebook_scores_zero_with_a_message(
    built, upload, message, tmp_path
):
    paths, course = built
    results, _ = _run_on_gradescope(paths.autograder_zip(ASSIGNMENT), upload, tmp_path)
    assert results["score"] == 0
    assert "could not be graded" in results["output"] and message in results["output"]
    scores = _question_scores(results)
    assert list(scores) == list(course.assignment(ASSIGNMENT).questions)
    assert set(scores.values()) == {0}


GRADESCOPE_ATTACKS = ("patch_otter_test_file_run", "write_results_files", "forge_grading_events")
"""All on the base `dense_zeros`: three ways around otter, the results file and our own channel."""


@pytest.fixture(scope="module")
def gradescope_scores(built, tmp_path_factory) -> dict[str, dict[str, float]]:
    """Per-question scores from the local Gradescope run of each attack and their honest twin."""
    from tests.integrity.attacks import ATTACKS, BASES
    from tests.integrity.corpus import render

    paths, _ = built
    solution = nbformat.read(paths.solution_notebook(ASSIGNMENT), as_version=4)
    chosen = [a for a in ATTACKS if a.name in GRADESCOPE_ATTACKS]
    assert {a.base for a in chosen} == {"dense_zeros"}
    notebooks = {"twin": render(solution, BASES["dense_zeros"], None)}
    notebooks.update({a.name: render(solution, BASES[a.base], a) for a in chosen})
    scores = {}
    for stem, notebook in notebooks.items():
        upload = {f"{ASSIGNMENT}.ipynb": nbformat.writes(notebook).encode()}
        base = tmp_path_factory.mktemp(stem)
        results, _ = _run_on_gradescope(paths.autograder_zip(ASSIGNMENT), upload, base)
        scores[stem] = _question_scores(results)
    return scores


@pytest.mark.slow
@pytest.mark.parametrize("attack", GRADESCOPE_ATTACKS)
def test_attacks_score_their_honest_twin_on_gradescope(gradescope_scores, attack):
    """The same protection in the Gradescope zip: an attack scores what its honest twin does."""
    assert gradescope_scores[attack] == gradescope_scores["twin"]
    assert sum(gradescope_scores["twin"].values()) < 100
