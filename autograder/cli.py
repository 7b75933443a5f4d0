"""Command-line entry point of the instructor tooling.

  autograder build [NAME...]   solutions/NAME -> assignments/NAME (student), dist/NAME (autograder)
  autograder verify [NAME...]  prove each assignment sound (see autograder.authoring.verify)
  autograder grade NAME SUBMISSIONS... --out DIR   batch-grade notebooks, folders or LMS zips
  autograder demo              build every assignment, grade the sample submissions, train nnref
Without NAME, every assignment in grading.yml; `--root DIR` points at another project.
Exit status: 0 all good, 1 an assignment failed, 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.authoring.build import build_assignment
from autograder.authoring.verify import BUILD_ERRORS, verify_assignment
from autograder.batch.command import GradeOptions, run_grade
from autograder.config import ConfigError, CourseConfig, load_config
from autograder.paths import ProjectPaths, project_paths

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _relative(path: Path, paths: ProjectPaths) -> str:
    return str(path.relative_to(paths.root)) if path.is_relative_to(paths.root) else str(path)


def _summary(verb: str, names: list[str], failed: list[str]) -> int:
    """Print how many assignments succeeded and return the exit status."""
    print(f"{verb} {len(names) - len(failed)}/{len(names)}", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "", flush=True)
    return EXIT_FAILED if failed else EXIT_OK


def _build(names: list[str], paths: ProjectPaths, course: CourseConfig, run_tests: bool) -> int:
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
            f"  ok ({result.seconds:.1f} s): {_relative(result.student_dir, paths)}, "
            f"{_relative(result.autograder_zip, paths)}, "
            f"{_relative(result.solution_notebook, paths)}",
            flush=True,
        )
    return _summary("built", names, failed)


def _verify(names: list[str], paths: ProjectPaths, course: CourseConfig, grading: bool) -> int:
    failed = []
    for i, name in enumerate(names, 1):
        print(f"[{i}/{len(names)}] verify {name} ...", flush=True)
        report = verify_assignment(name, paths=paths, course=course, grading=grading)
        print(report.format(), flush=True)
        if not report.passed:
            failed.append(name)
    return _summary("verified", names, failed)


def _demo(paths: ProjectPaths, course: CourseConfig, workers: int) -> int:
    """Build every assignment, grade the sample submissions, train the reference MLP."""
    from nnref.demo import run_demo  # scikit-learn and matplotlib load only for the demo

    status = _build(list(course.assignments), paths, course, run_tests=True)
    out = paths.root / "out" / "demo"
    samples = paths.root / "examples" / "submissions"
    for name in course.assignments:
        if not (samples / name).is_dir():
            continue
        print(f"\n== grading the sample submissions of {name}", flush=True)
        options = GradeOptions(name, [str(samples / name)], out / name, workers)
        status = max(status, run_grade(options, paths, course))
    print(f"running nnref.demo.run_demo({_relative(out, paths)!r}) ...", flush=True)
    run_demo(str(out))
    print(f"demo outputs: {out}")
    print(f"student variants: {paths.assignments}; autograders: {paths.dist}")
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, help="project root (default: this checkout)")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build student variants and autograder zips")
    build.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    build.add_argument(
        "--no-run-tests", action="store_true", help="skip otter's grading of the solutions"
    )
    verify = commands.add_parser("verify", help="prove assignments sound")
    verify.add_argument("names", nargs="*", metavar="NAME", help="assignments (default: all)")
    verify.add_argument(
        "--no-grading", action="store_true", help="skip grading the solution and student variants"
    )
    grade = commands.add_parser("grade", help="batch-grade submissions (see grade_command)")
    grade.add_argument("assignment", metavar="NAME")
    grade.add_argument(
        "submissions", nargs="+", help=".ipynb files, folders, Gradescope or Canvas zips"
    )
    grade.add_argument("--out", type=Path, required=True, help="folder for the results")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    grade.add_argument("--time-limit", type=float, help="seconds (default: grading.yml)")
    grade.add_argument("--memory-limit", type=int, help="MB (default: grading.yml)")
    grade.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on the Dask cluster of this scheduler (tcp://HOST:8786); --workers is unused",
    )
    demo = commands.add_parser("demo", help="build, grade the samples, train nnref's demo")
    demo.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the `autograder` command; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        paths = project_paths(args.root)
        course = load_config(paths.config_file)
    except (ConfigError, FileNotFoundError) as err:
        print(f"autograder: {err}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "demo":
        return _demo(paths, course, args.workers)
    if args.command == "grade":
        if args.assignment not in course.assignments:
            print(f"autograder: unknown assignment {args.assignment!r}", file=sys.stderr)
            return EXIT_USAGE
        options = GradeOptions(
            args.assignment,
            args.submissions,
            args.out,
            max(1, args.workers),
            args.time_limit,
            args.memory_limit,
            args.scheduler,
        )
        return run_grade(options, paths, course)
    names = args.names or list(course.assignments)
    unknown = [n for n in names if n not in course.assignments]
    if unknown:
        print(
            f"autograder: unknown assignment(s) {unknown}; grading.yml has "
            f"{list(course.assignments)}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.command == "build":
        return _build(names, paths, course, run_tests=not args.no_run_tests)
    return _verify(names, paths, course, grading=not args.no_grading)


if __name__ == "__main__":
    sys.exit(main())
