"""`autograder build` and `autograder verify` over several assignments, with their progress lines.

Each returns the names that failed; one assignment's failure never stops the others.
"""

from __future__ import annotations

from pathlib import Path

from autograder.authoring.build import build_assignment
from autograder.authoring.requirements import ROLE_FILES, role_file_text
from autograder.authoring.verify import BUILD_ERRORS, verify_assignment
from autograder.config import CourseConfig
from autograder.paths import ProjectPaths


def relative(path: Path, paths: ProjectPaths) -> str:
    """`path` relative to the project root when it is inside it."""
    return str(path.relative_to(paths.root)) if path.is_relative_to(paths.root) else str(path)


def print_summary(verb: str, names: list[str], failed: list[str]) -> None:
    """`built 5/6; failed: 03_...`."""
    print(f"{verb} {len(names) - len(failed)}/{len(names)}", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "", flush=True)


def build_all(
    names: list[str], paths: ProjectPaths, course: CourseConfig, run_tests: bool
) -> list[str]:
    """Write the roles' requirements files, then build each assignment in turn, printing where
    its outputs went; return those that failed. A role file already current is left untouched,
    so what is made from it (the Makefile's student environment) is not made again."""
    for role in ROLE_FILES:
        target = paths.role_requirements(role)
        text = role_file_text(role, paths.requirements_file, course.python_version)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    print(f"requirements by role: {', '.join(ROLE_FILES)}", flush=True)
    failed = []
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] build {name} ...", flush=True)
        try:
            result = build_assignment(name, paths=paths, course=course, run_tests=run_tests)
        except BUILD_ERRORS as err:
            print(f"  FAILED: {err}", flush=True)
            failed.append(name)
            continue
        print(
            f"  ok ({result.seconds:.1f} s): {relative(result.student_dir, paths)}, "
            f"{relative(result.autograder_zip, paths)}, "
            f"{relative(result.solution_notebook, paths)}",
            flush=True,
        )
    print_summary("built", names, failed)
    return failed


def verify_all(
    names: list[str], paths: ProjectPaths, course: CourseConfig, grading: bool
) -> list[str]:
    """Verify each assignment in turn, printing its report; return those that failed."""
    failed = []
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] verify {name} ...", flush=True)
        report = verify_assignment(name, paths=paths, course=course, grading=grading)
        print(report.format(), flush=True)
        if not report.passed:
            failed.append(name)
    print_summary("verified", names, failed)
    return failed
