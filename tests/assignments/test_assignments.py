"""The assignments, as instructors and students rely on them.

Fast checks read the committed files: every assignment in grading.yml has a master and a
committed student variant, students get no answer key, and no solution line or hidden test leaks.
The slow check runs `autograder verify` on this run's build of each assignment
(tests/build_once.py, made from the current sources outside the checkout): the solution scores
100% through the real autograder zip, the untouched student variant scores 0 without error, and
the committed student variant equals the fresh build (fixtures.npz: its arrays, up to rounding).
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.authoring.leaks import find_secrets
from autograder.authoring.master import parse_master
from autograder.authoring.verify import released_leaks, verify_assignment
from autograder.config import load_config
from autograder.paths import project_paths
from tests.build_once import built
from tests.scheduling import classes_per_assignment

PATHS = project_paths()
COURSE = load_config(PATHS.config_file)
NAMES = list(COURSE.assignments)
EXPECTED = [
    "00_introduction",
    "01_nn_from_scratch",
    "02_nn_pytorch",
    "03_experiments_and_visualizations",
    "04_optimizers",
    "05_regularization",
    "06_normalization_and_schedules",
    "07_convolutions",
]


def test_grading_yml_lists_every_assignment_in_course_order() -> None:
    assert NAMES == EXPECTED


@pytest.mark.parametrize("name", NAMES)
def test_every_assignment_has_a_master_and_a_committed_student_variant(name: str) -> None:
    assert PATHS.master_notebook(name).is_file()
    assert (PATHS.master_dir(name) / "fixtures.py").is_file()
    student = PATHS.student_dir(name)
    assert (student / f"{name}.ipynb").is_file()
    assert (student / "fixtures.npz").is_file()
    assert (student / "nncheck" / "__init__.py").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_students_never_receive_the_answer_key(name: str) -> None:
    student = PATHS.student_dir(name)
    assert not (student / "nnref").exists()
    offending = [
        str(path.relative_to(student))
        for path in student.rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".ipynb"}
        and ("import nnref" in path.read_text() or "from nnref" in path.read_text())
    ]
    assert offending == []


@pytest.mark.parametrize("name", NAMES)
def test_no_solution_line_or_hidden_test_appears_in_a_student_variant_released_so_far(
    name: str,
) -> None:
    master = parse_master(PATHS.master_notebook(name))
    assert find_secrets(master), "the master has solutions and hidden tests, so it has secrets"
    assert released_leaks(PATHS, COURSE, name, master) == []


class Verify:
    """`autograder verify` of one assignment (`assignment` set by `classes_per_assignment`)."""

    assignment: str

    @pytest.mark.slow
    def test_autograder_verify_passes(self) -> None:
        fresh = built(self.assignment)
        report = verify_assignment(self.assignment, paths=PATHS, course=COURSE, fresh=fresh)
        assert report.passed, report.format()


globals().update(classes_per_assignment(Verify, NAMES))


@pytest.mark.parametrize("name", NAMES)
def test_the_nncheck_copy_students_get_is_the_current_nncheck(name: str) -> None:
    """assignments/NAME/nncheck is written by the build alone; a change to nncheck/ needs a
    rebuild (`autograder build NAME`) committed with it."""
    source = PATHS.root / "nncheck"
    copy = PATHS.student_dir(name) / "nncheck"
    modules = sorted(path.name for path in source.glob("*.py"))
    assert sorted(path.name for path in copy.glob("*.py")) == modules
    stale = [m for m in modules if (copy / m).read_bytes() != (source / m).read_bytes()]
    assert not stale, (
        f"assignments/{name}/nncheck is stale ({stale}): run `autograder build {name}`"
    )


@pytest.mark.parametrize("name", NAMES)
def test_each_question_has_one_check_cell_in_the_student_notebook(name):
    notebook = nbformat.read(PATHS.student_notebook(name), as_version=4)
    checks = [
        cell.source.strip()
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.source.strip().startswith("grader.check(")
    ]
    duplicated = sorted({c for c in checks if checks.count(c) > 1})
    assert not duplicated, f"{name}: the same check cell more than once: {duplicated}"
