"""`autograder demo`: build every assignment, grade its shipped sample students, train nnref's
demo, and end with one table saying whether every sample got its expected grade.

The samples (`examples/submissions/NAME/`) come with `expected.json`: per student the status,
every question's score and the mistake codes its failures name (see examples/expected_scores.py;
the mistake report must count exactly those), and `roster.csv`, the class list they
are graded against: one roster student submitted nothing (a `missing` row), one sample is from
someone not on it (unmatched.csv); the table shows both. An assignment with written answers has
a filled scores sheet, `examples/manual_scores/NAME.csv`: the samples are graded with it, and the
pages for grading the written answers are written too (`out/demo/NAME/manual/`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.authoring.commands import build_all, relative
from autograder.batch.command import GradeOptions, run_grade
from autograder.config import CourseConfig
from autograder.grading.records import GradeRecord
from autograder.manual.command import run_manual
from autograder.paths import ProjectPaths
from autograder.reports.mistakes import RAN, class_mistakes
from autograder.reports.report import Report

SAMPLE_TIME_LIMIT = 10
"""CPU seconds per sample notebook in the demo (grading.yml's limit applies to real grading): the
reference notebooks need about 3 s, and the looping sample student costs only this much."""
SAMPLE_MEMORY_MB = 1024
SCORE_TOLERANCE = 1e-5
"""otter's results.json, where the expected scores come from, rounds to 5 decimals."""


@dataclass
class SampleCheck:
    """How one assignment's samples were graded against expected.json."""

    name: str
    graded: int = 0
    matching: int = 0
    problems: list[str] = field(default_factory=list)
    out: Path | None = None
    missing: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def compare_with_expected(records: list[GradeRecord], expected: dict[str, dict]) -> list[str]:
    """One line per sample whose record differs from `expected` (by student id): a missing or
    extra record, another status, or a question score off by more than `SCORE_TOLERANCE`."""
    got = {record.student_id: record for record in records}
    problems = [f"{student}: no record" for student in sorted(set(expected) - set(got))]
    problems += [f"{student}: not in expected.json" for student in sorted(set(got) - set(expected))]
    for student in sorted(set(expected) & set(got)):
        want, record = expected[student], got[student]
        scores = {q.name: q.score for q in record.questions}
        wrong = {
            q: (scores.get(q), points)
            for q, points in want["questions"].items()
            if scores.get(q) is None or abs(scores[q] - points) > SCORE_TOLERANCE
        }
        if record.status != want["status"]:
            problems.append(f"{student}: status {record.status}, expected {want['status']}")
        if wrong or set(scores) != set(want["questions"]):
            problems.append(f"{student}: (got, expected) per question {wrong or scores}")
    return problems


def compare_mistakes(report: Report, expected: dict[str, dict]) -> list[str]:
    """One line per sample and question where the mistake report (`reports.mistakes`, from the
    codes the referee recorded) differs from expected.json (from plain otter run's feedback):
    whether the sample lost points on the question, and which mistake codes it is counted
    under (none: among the unnamed failures). Samples whose notebook did not run are skipped, as
    the report skips them."""
    problems = []
    for q in class_mistakes(report):
        points = report.points[q.question]
        named = {g.code: set(g.students) for g in q.named}
        for student in sorted(set(expected) & {r.student_id for r in report.records}):
            want = expected[student]
            if want["status"] not in RAN:
                continue
            failed = want["questions"].get(q.question, 0.0) < points - SCORE_TOLERANCE
            codes = sorted(want.get("mistakes", {}).get(q.question, [])) if failed else []
            got = sorted(code for code, students in named.items() if student in students)
            if (student in q.failed) != failed or got != codes:
                problems.append(
                    f"{student}: {q.question} in the mistake report: "
                    f"{'failed' if student in q.failed else 'passed'} {got}, expected "
                    f"{'failed' if failed else 'passed'} {codes}"
                )
    return problems


def _grade_samples(
    name: str, folder: Path, out: Path, paths: ProjectPaths, course: CourseConfig, workers: int
) -> SampleCheck:
    """Grade `folder`'s samples into `out` and compare them with its expected.json."""
    check = SampleCheck(name, out=out)
    roster = folder / "roster.csv"
    sheet = paths.root / "examples" / "manual_scores" / f"{name}.csv"
    manual = sheet if sheet.is_file() else None
    options = GradeOptions(
        name,
        [str(folder)],
        out,
        workers,
        SAMPLE_TIME_LIMIT,
        SAMPLE_MEMORY_MB,
        roster=roster if roster.is_file() else None,
        manual_scores=manual,
    )
    run = run_grade(options, paths, course)
    check.missing = [r.student_id for r in run.report.by_student if r.status == "missing"]
    check.unmatched = [u.student_id for u in run.report.unmatched]
    if manual is not None:
        print(run_manual(name, out, paths, course.assignment(name)).summary())
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    check.graded = len(run.records)
    check.problems = compare_with_expected(run.records, expected)
    check.problems += compare_mistakes(run.report, expected)
    flagged = {line.split(":", 1)[0] for line in check.problems}
    check.matching = sum(1 for record in run.records if record.student_id not in flagged)
    return check


def _table(checks: list[SampleCheck], failed_builds: list[str], paths: ProjectPaths) -> str:
    rows = [("assignment", "samples graded", "as expected", "missing", "unmatched", "outputs")]
    for check in checks:
        where = relative(check.out, paths) if check.out else "-"
        rows.append(
            (
                check.name,
                str(check.graded),
                str(check.matching),
                ", ".join(check.missing) or "-",
                ", ".join(check.unmatched) or "-",
                where,
            )
        )
    rows += [(name, "-", "build failed", "-", "-", "-") for name in failed_builds]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def run_demo(paths: ProjectPaths, course: CourseConfig, workers: int) -> bool:
    """Build, grade the samples, train nnref's demo, print the table; True when every build
    succeeded and every sample got exactly its expected grade."""
    from nnref.demo import run_demo as train_reference  # scikit-learn, matplotlib: demo only

    failed = build_all(list(course.assignments), paths, course, run_tests=True)
    out = paths.root / "out" / "demo"
    samples = paths.root / "examples" / "submissions"
    checks = []
    for name in course.assignments:
        folder = samples / name
        if name in failed or not (folder / "expected.json").is_file():
            continue
        print(f"\n== grading the sample submissions of {name}", flush=True)
        checks.append(_grade_samples(name, folder, out / name, paths, course, workers))
    print(f"\nrunning nnref's training demo into {relative(out, paths)} ...", flush=True)
    train_reference(str(out))
    print(
        f"\nstudent variants: {relative(paths.assignments, paths)}/; autograder zips and "
        f"solutions: {relative(paths.dist, paths)}/; plots: {relative(out, paths)}/\n"
    )
    print(_table(checks, failed, paths))
    for check in checks:
        for problem in check.problems:
            print(f"  {check.name}: {problem}")
    ok = not failed and all(not check.problems for check in checks)
    print("demo: every sample got its expected grade" if ok else "demo: FAILED (see above)")
    return ok
