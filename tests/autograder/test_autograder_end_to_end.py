"""End to end on the tiny assignment: otter assign, otter run, reproducibility, verify's checks."""

import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from autograder.authoring.build import BuildError, build_assignment
from autograder.authoring.verify import (
    BUILD_CHECK,
    LEAK_CHECK,
    SOLUTION_CHECK,
    STUDENT_CHECK,
    UP_TO_DATE_CHECK,
    verify_assignment,
)

pytestmark = pytest.mark.slow


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def _edit_master(path: Path, old: str, new: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    cell = next(c for c in notebook.cells if old in c.source)
    cell.source = cell.source.replace(old, new)
    nbformat.write(notebook, path)


def test_build_twice_is_byte_identical_and_verify_passes(tiny_paths, tiny_course, capsys):
    first = build_assignment("tiny", paths=tiny_paths, course=tiny_course)  # otter grades it too
    student = _files(first.student_dir)
    assert sorted(student) == [
        "colab/tiny.ipynb",
        "fixtures.npz",
        "nncheck/__init__.py",
        "nncheck/tolerances.json",
        "offsets.csv",
        "tiny.ipynb",
    ]
    assert first.autograder_zip == tiny_paths.dist / "tiny" / "tiny-autograder.zip"
    with zipfile.ZipFile(first.autograder_zip) as archive:
        names = set(archive.namelist())
    assert {"files/tinyref/__init__.py", "tests/scale.py", "run_autograder"} <= names
    assert first.solution_notebook.is_file()
    assert "All autograder tests passed" in first.otter_output
    zip_bytes = first.autograder_zip.read_bytes()

    (first.student_dir / "stale.txt").write_text("left over from an old build")
    second = build_assignment("tiny", paths=tiny_paths, course=tiny_course, run_tests=False)
    assert _files(second.student_dir) == student
    assert second.autograder_zip.read_bytes() == zip_bytes

    report = verify_assignment("tiny", paths=tiny_paths, course=tiny_course)
    assert report.passed, report.format()
    names = [check.name for check in report.checks]
    assert names == [BUILD_CHECK, SOLUTION_CHECK, STUDENT_CHECK, LEAK_CHECK, UP_TO_DATE_CHECK]
    assert "3/3 points" in report.check(SOLUTION_CHECK).details
    assert "0/3 points" in report.check(STUDENT_CHECK).details

    argv = ["--root", str(tiny_paths.root), "verify", "--no-grading", "tiny"]
    assert cli.main(argv) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert f"[ok] {UP_TO_DATE_CHECK}" in out and SOLUTION_CHECK not in out


def test_verify_fails_on_wrong_solution_stale_variant_and_leak(tiny_paths, tiny_course):
    built = build_assignment("tiny", paths=tiny_paths, course=tiny_course, run_tests=False)
    committed = _files(built.student_dir)
    master = tiny_paths.master_notebook("tiny")
    _edit_master(master, "return a * x64", "return a * x64 + 1.0")  # wrong solution
    _edit_master(master, "**Question 1.**", "**Question 1 (edited).**")  # variant now stale

    with pytest.raises(BuildError, match=r"tiny\.ipynb[\s\S]*Some autograder tests failed"):
        build_assignment("tiny", paths=tiny_paths, course=tiny_course)
    assert _files(built.student_dir) == committed  # a failed build leaves outputs alone

    leaked = built.student_dir / "nncheck" / "__init__.py"
    leaked.write_text(leaked.read_text() + "\nx = np.linspace(-3.0, 3.0, 7)\n")
    report = verify_assignment("tiny", paths=tiny_paths, course=tiny_course)
    assert not report.passed
    assert report.check(BUILD_CHECK).passed
    solution = report.check(SOLUTION_CHECK)
    assert not solution.passed and "scale 0/1" in solution.details
    assert report.check(STUDENT_CHECK).passed, report.format()
    leaks = report.check(LEAK_CHECK)
    assert not leaks.passed
    assert "nncheck/__init__.py: hidden test of question 'scale'" in leaks.details
    up_to_date = report.check(UP_TO_DATE_CHECK)
    assert not up_to_date.passed
    assert "differs from a fresh build: tiny.ipynb" in up_to_date.details
    assert "differs from a fresh build: nncheck/__init__.py" in up_to_date.details
