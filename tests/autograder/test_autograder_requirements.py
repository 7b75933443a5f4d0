"""The grading image's pinned requirements (autograder.authoring.requirements)."""

import os
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from autograder.authoring.commands import build_all
from autograder.authoring.requirements import (
    GRADING_PACKAGES,
    ROLE_FILES,
    ROLES,
    TORCH_CPU_INDEX,
    RequirementsError,
    grading_requirements,
    read_pins,
    role_file_text,
    role_requirements,
    unexplained_pins,
)
from autograder.config import load_config
from autograder.paths import project_paths
from tests.notebook_imports import imported_modules, notebook_sources

PINS = Path(__file__).resolve().parents[2] / "requirements.txt"
PATHS = project_paths()


def test_grading_requirements_are_the_projects_pins_for_grading_and_their_dependencies():
    lines = grading_requirements(PINS, "3.11")
    pins = read_pins(PINS)
    assert lines[0] == TORCH_CPU_INDEX
    for package in GRADING_PACKAGES:
        assert pins[package] in lines
    # transitive needs: matplotlib -> contourpy, scikit-learn -> threadpoolctl, torch -> sympy
    for dependency in ("contourpy", "threadpoolctl", "sympy"):
        assert pins[dependency] in lines
    assert all("==" in line for line in lines[1:])
    # not needed for grading, or added by otter itself
    for other in ("pytest", "ruff", "sphinx", "otter-grader", "playwright"):
        assert pins[other] not in lines
    assert lines[1:] == sorted(lines[1:], key=str.lower)


def test_a_needed_package_without_a_pin_is_an_error(tmp_path):
    pins = tmp_path / "requirements.txt"
    text = PINS.read_text()
    pins.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("contourpy"))
    )
    with pytest.raises(
        RequirementsError, match=r"contourpy \(needed by matplotlib\) is not pinned"
    ):
        grading_requirements(pins, "3.11")


def test_read_pins_skips_comments_and_reports_bad_lines(tmp_path):
    pins = tmp_path / "requirements.txt"
    pins.write_text("# comment\n\nNumPy==2.4.6  # inline\n")
    assert read_pins(pins) == {"numpy": "NumPy==2.4.6"}
    pins.write_text("numpy==2.4.6\nnot a requirement ==\n")
    with pytest.raises(RequirementsError, match="requirements.txt:2"):
        read_pins(pins)


@pytest.mark.parametrize("role", ROLE_FILES)
def test_each_roles_committed_file_is_the_one_the_build_writes(role):
    python = load_config(PATHS.config_file).python_version
    committed = PATHS.role_requirements(role)
    assert committed.read_text(encoding="utf-8") == role_file_text(role, PINS, python), (
        f"{committed} is out of date: run `autograder build` and commit it"
    )


def test_roles_share_the_locks_versions_and_the_lock_holds_nothing_unexplained():
    pins = read_pins(PINS)
    for role in ROLES:
        lines = role_requirements(role, PINS, "3.11")
        assert lines[0] == TORCH_CPU_INDEX
        assert set(lines[1:]) <= set(pins.values()), role
    student = set(role_requirements("student", PINS, "3.11"))
    grader = set(role_requirements("grader", PINS, "3.11"))
    assert {"numpy", "torch", "otter-grader", "scikit-learn"} <= {
        line.split("==")[0].lower() for line in student & grader
    }
    assert unexplained_pins(PINS, "3.11") == []


def test_the_student_environment_has_a_notebook_front_end_and_no_developer_tools():
    names = {line.split("==")[0].lower() for line in role_requirements("student", PINS, "3.11")}
    assert {"jupyterlab", "torch", "otter-grader", "matplotlib"} <= names
    assert not names & {"pytest", "pytest-xdist", "ruff", "dask", "distributed"}


def test_the_student_environment_has_everything_the_student_notebooks_import():
    """Each module a student notebook or the shipped nncheck imports comes from the standard
    library, the assignment folder, or a distribution in the student requirements."""
    sources = [
        s for notebook in PATHS.assignments.glob("*/*.ipynb") for s in notebook_sources(notebook)
    ]
    sources += [
        module.read_text(encoding="utf-8") for module in (PATHS.root / "nncheck").glob("*.py")
    ]
    modules = {name.split(".")[0] for source in sources for name in imported_modules(source)}
    student = {
        canonicalize_name(line.split("==")[0])
        for line in role_requirements("student", PINS, "3.11")[1:]
    }
    distributions = packages_distributions()
    missing = {
        module: distributions.get(module)
        for module in modules - sys.stdlib_module_names - {"nncheck"}
        if not {canonicalize_name(d) for d in distributions.get(module, [])} & student
    }
    assert not missing, f"imported by student notebooks but not in the student role: {missing}"


def test_build_leaves_a_current_role_file_untouched_and_rewrites_a_stale_one(tmp_path):
    paths = PATHS.with_outputs(tmp_path / "assignments", tmp_path / "dist")
    course = load_config(PATHS.config_file)
    student = paths.role_requirements("student")
    assert build_all([], paths, course, run_tests=False) == []
    written = student.read_text()
    assert written == PATHS.role_requirements("student").read_text()
    os.utime(student, ns=(0, 0))  # the student environment is made from it: keep it current
    build_all([], paths, course, run_tests=False)
    assert student.stat().st_mtime_ns == 0
    student.write_text(written.replace("numpy==", "numpy>="))
    build_all([], paths, course, run_tests=False)
    assert student.read_text() == written
