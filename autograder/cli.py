"""Command-line entry point of the instructor tooling: parses, forwards, maps errors to exit codes.

  autograder build [NAME...]   solutions/NAME -> assignments/NAME (student), dist/NAME (autograder)
  autograder verify [NAME...]  prove each assignment sound (see autograder.authoring.verify)
  autograder grade NAME SUBMISSIONS... --out DIR [--roster FILE]   batch-grade notebooks,
                               folders or LMS zips; a row per roster student
  autograder demo              build every assignment, grade the sample submissions, train nnref
Without NAME, every assignment in grading.yml; `--root DIR` points at another project.
Exit status: 0 all good, 1 an assignment failed, 2 bad usage, configuration or input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from autograder.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, AutograderError
from autograder.reports.lms_rows import MOODLE_IDENTIFIERS


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
    grade = commands.add_parser("grade", help="batch-grade submissions (see batch.command)")
    grade.add_argument("assignment", metavar="NAME")
    grade.add_argument(
        "submissions", nargs="+", help=".ipynb files, folders, Gradescope or Canvas zips"
    )
    grade.add_argument("--out", type=Path, required=True, help="folder for the results")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    grade.add_argument("--time-limit", type=float, help="CPU seconds (default: grading.yml)")
    grade.add_argument("--memory-limit", type=int, help="MB (default: grading.yml)")
    grade.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on the Dask cluster of this scheduler (tcp://HOST:8786); --workers is unused",
    )
    grade.add_argument(
        "--roster",
        type=Path,
        help="class list: a Canvas gradebook export or a CSV with id, name, email, ... "
        "(every student gets a row; submissions from nobody on it go to unmatched.csv)",
    )
    grade.add_argument(
        "--canvas-assignment-id",
        default="",
        metavar="ID",
        help="the Canvas assignment's id, for canvas.csv's 'Title (ID)' column",
    )
    grade.add_argument(
        "--moodle-identifier",
        choices=list(MOODLE_IDENTIFIERS),
        default="email",
        help="the user field moodle.csv identifies students by (default: email)",
    )
    demo = commands.add_parser("demo", help="build, grade the samples, train nnref's demo")
    demo.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return parser


def _run(args: argparse.Namespace) -> int:
    from autograder.config import load_config
    from autograder.paths import project_paths

    paths = project_paths(args.root)
    course = load_config(paths.config_file)
    if args.command == "demo":
        from autograder.demo import run_demo

        return EXIT_OK if run_demo(paths, course, max(1, args.workers)) else EXIT_FAILED
    if args.command == "grade":
        from autograder.batch.command import GradeOptions, run_grade

        course.check_known([args.assignment])
        options = GradeOptions(
            args.assignment,
            args.submissions,
            args.out,
            max(1, args.workers),
            args.time_limit,
            args.memory_limit,
            args.scheduler,
            roster=args.roster,
            canvas_assignment_id=args.canvas_assignment_id,
            moodle_identifier=args.moodle_identifier,
        )
        run_grade(options, paths, course)
        return EXIT_OK
    from autograder.authoring.commands import build_all, verify_all

    names = args.names or list(course.assignments)
    course.check_known(names)
    if args.command == "build":
        failed = build_all(names, paths, course, run_tests=not args.no_run_tests)
    else:
        failed = verify_all(names, paths, course, grading=not args.no_grading)
    return EXIT_FAILED if failed else EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the `autograder` command; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except AutograderError as err:  # raised before the work could be done: usage, config, input
        print(f"autograder: {err}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
