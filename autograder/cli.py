"""Command-line entry point of the instructor tooling: parses, forwards, maps errors to exit codes.

  autograder build [NAME...]   solutions/NAME -> assignments/NAME (student), dist/NAME (autograder)
  autograder verify [NAME...]  prove each assignment sound (see autograder.authoring.verify)
  autograder grade NAME SUBMISSIONS... --out DIR [--roster FILE]   batch-grade notebooks,
                               folders or LMS zips; a row per roster student
  autograder manual NAME --out DIR   pages and a scores sheet for the written answers of a run
  autograder publish NAME SUBMISSIONS... --out DIR   grade (resumed) with the grades published
  autograder similar NAME SUBMISSIONS... --out DIR   similarity report of the students' own code
  autograder demo              build every assignment, grade the sample submissions, train nnref
Without NAME, every assignment in grading.yml; `--root DIR` points at another project.
Exit status: 0 all good, 1 an assignment failed, 2 bad usage, configuration or input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, AutograderError
from autograder.reports.lms_rows import MOODLE_IDENTIFIERS

if TYPE_CHECKING:
    from autograder.config import CourseConfig
    from autograder.paths import ProjectPaths


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
    _grade_arguments(grade)
    grade.add_argument(
        "--publish",
        action="store_true",
        help="the grades are published: feedback pages show hidden-test detail as grading.yml's "
        "after_published allows (the same as `autograder publish`)",
    )
    publish = commands.add_parser(
        "publish", help="grade --publish: rewrite the outputs with the grades published"
    )
    _grade_arguments(publish)
    manual = commands.add_parser(
        "manual", help="pages and a scores sheet for the written answers graded into --out"
    )
    manual.add_argument("assignment", metavar="NAME")
    manual.add_argument("--out", type=Path, required=True, help="the folder `grade` wrote")
    similar = commands.add_parser("similar", help="rank pairs of submissions by shared code")
    _inputs(similar, out_help="folder for the report")
    similar.add_argument(
        "--pairs", type=int, default=50, help="pairs shown side by side (default: 50)"
    )
    demo = commands.add_parser("demo", help="build, grade the samples, train nnref's demo")
    demo.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    return parser


def _inputs(command: argparse.ArgumentParser, out_help: str) -> None:
    """NAME SUBMISSIONS... --out DIR, as `grade`, `publish` and `similar` take them."""
    command.add_argument("assignment", metavar="NAME")
    command.add_argument(
        "submissions", nargs="+", help=".ipynb files, folders, Gradescope or Canvas zips"
    )
    command.add_argument("--out", type=Path, required=True, help=out_help)


GRADE_OUTPUTS = (
    "Writes into --out: results.jsonl (one record per submission; a rerun grades only new or "
    "changed notebooks), grades.csv, canvas.csv, moodle.csv, unmatched.csv, feedback/ (a page "
    "per student and index.html), summary.md and summary.png, and mistakes.md and "
    "mistakes.html: per question, how many lost points, the named mistakes (stable codes such "
    "as transposed or batch_mean_missing) with counts and links to example pages, and the "
    "failures that name no mistake grouped by message (for instructors: hidden tests included)."
)


def _grade_arguments(grade: argparse.ArgumentParser) -> None:
    """The arguments of `grade` and `publish`."""
    grade.description = GRADE_OUTPUTS
    _inputs(grade, out_help="folder for the results")
    grade.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    grade.add_argument("--time-limit", type=float, help="CPU seconds (default: grading.yml)")
    grade.add_argument("--memory-limit", type=int, help="MB (default: grading.yml)")
    grade.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on the Dask cluster of this scheduler (tcp://HOST:8786); --workers is unused",
    )
    grade.add_argument(
        "--manual-scores",
        type=Path,
        metavar="FILE",
        help="the filled scores sheet of the written answers (`autograder manual` writes it)",
    )
    grade.add_argument(
        "--submitted-at",
        type=Path,
        metavar="FILE",
        help="CSV of submission times (student, submitted_at) for grading.yml's late policy",
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
    grade.add_argument(
        "--similarity", action="store_true", help="also write the similarity report into --out"
    )


def _run(args: argparse.Namespace) -> int:
    from autograder.config import load_config
    from autograder.paths import project_paths

    paths = project_paths(args.root)
    course = load_config(paths.config_file)
    if args.command == "demo":
        from autograder.demo import run_demo

        return EXIT_OK if run_demo(paths, course, max(1, args.workers)) else EXIT_FAILED
    if args.command in ("grade", "publish"):
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
            manual_scores=args.manual_scores,
            submitted_at=args.submitted_at,
            publish=args.command == "publish" or args.publish,
        )
        run_grade(options, paths, course)
        if args.similarity:
            _similar(args, paths, course, warn=False)
        return EXIT_OK
    if args.command == "similar":
        _similar(args, paths, course, warn=True)
        return EXIT_OK
    if args.command == "manual":
        from autograder.manual.command import run_manual

        run = run_manual(args.assignment, args.out, paths, course.assignment(args.assignment))
        print(run.summary())
        return EXIT_OK
    from autograder.authoring.commands import build_all, verify_all

    names = args.names or list(course.assignments)
    course.check_known(names)
    if args.command == "build":
        failed = build_all(names, paths, course, run_tests=not args.no_run_tests)
    else:
        failed = verify_all(names, paths, course, grading=not args.no_grading)
    return EXIT_FAILED if failed else EXIT_OK


def _similar(
    args: argparse.Namespace, paths: ProjectPaths, course: CourseConfig, *, warn: bool
) -> None:
    """`similar`, or `grade --similarity` after grading (its warnings already printed)."""
    from autograder.similarity.command import SimilarOptions, run_similar

    course.check_known([args.assignment])
    options = SimilarOptions(args.assignment, args.submissions, args.out)
    if args.command == "similar":
        options = SimilarOptions(args.assignment, args.submissions, args.out, max(0, args.pairs))
    run_similar(options, paths, warn=warn)


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
