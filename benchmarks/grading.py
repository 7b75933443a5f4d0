"""Grade the sample submissions with plain `otter run` and with `autograder grade`, in one run.

    python benchmarks/grading.py [--assignment 01_nn_from_scratch] [--limit N] [--all]
                                 [--time-limit S] [--workers 2] [--repeat 3] [--copies 1]

Submissions: examples/submissions/NAME/*.ipynb, with expected.json beside them.
1. Baseline: one `python -m otter run -a dist/NAME/NAME-autograder.zip -o TMP NB` process per
   submission, one after the other, each in its own temporary folder
   (`autograder.authoring.otter_run.grade_notebook`). otter run has no time limit: it gets the
   time limit in CPU seconds and a submission that runs out of it scores 0; one that otter run
   fails on scores 0.
   It has no memory limit either: it runs under RLIMIT_AS = OTTER_BASE_MB + the memory limit, so
   that a memory hog is stopped there instead of taking the shared machine's RAM.
2. Ours: `local_grading` + `record_all` (what `autograder grade` runs) with 1 worker, then with
   `--workers` workers, alternately, `--repeat` times; each run unpacks the zip, starts its
   zygote and writes a fresh results store in a temporary folder, all inside the measured time.
   Each run's CPU seconds (this process and its children: zygote, sandboxed children, referees)
   and the load average at its start and end are printed beside its wall-clock seconds.
   `--copies N` grades the timed submissions N times over in each of these runs (a bigger batch,
   over which the zygote's start-up weighs less); otter run still grades each once.
Students whose expected status is timeout or memory are left out of the timed runs (they mostly
measure the time limit) and graded afterwards both ways, untimed; `--all` times them too.

Prints per-submission seconds and scores of both, the ratio ours / otter run of the seconds per
submission (start-up included; median of the 1-worker runs) and the speed-up of `--workers`
workers over 1 in each pair of runs: of the whole run, and of the grading once the zygote is up
(the zygote's imports, about 3 s on one core, are the part no worker count shortens).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import otter

from autograder.authoring.otter_cli import OtterError
from autograder.authoring.otter_run import grade_notebook
from autograder.batch.runner import RESULTS_FILE, ResultStore, local_grading, plan, record_all
from autograder.config import load_config
from autograder.grading.bundle import unpack_bundle
from autograder.grading.engine import GradingLimits
from autograder.grading.records import GradeRecord, Submission
from autograder.grading.submissions import discover
from autograder.paths import project_paths

UNTIMED_STATUSES = ("timeout", "memory")
OTTER_BASE_MB = 4096
"""Address space for otter run's own processes; its kernel maps about 1.9 GB for assignment 01."""
RATIO_GOAL, SPEEDUP_GOAL = 0.15, 1.8
SCORE_TOLERANCE = 1e-4  # otter reports 5 decimals


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_nn_from_scratch")
    parser.add_argument("--limit", type=int, help="only the first N submissions (by name)")
    parser.add_argument(
        "--all", action="store_true", help="time the timeout and memory students too"
    )
    parser.add_argument("--time-limit", type=float, help="seconds (default: grading.yml)")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel run")
    parser.add_argument(
        "--repeat", type=int, default=3, help="pairs of runs (1 worker, --workers workers)"
    )
    parser.add_argument(
        "--copies", type=int, default=1, help="grade the timed submissions N times per run"
    )
    return parser.parse_args(argv)


@dataclass(frozen=True)
class OtterOutcome:
    """One `otter run`: question -> score ({} when it left no results), seconds, what went wrong."""

    questions: dict[str, float]
    seconds: float
    problem: str = ""


@contextmanager
def otter_environment(tmp: Path, address_space_mb: int) -> Iterator[None]:
    """otter run's processes inherit TMPDIR=tmp (a killed run leaves its files there) and a soft
    RLIMIT_AS of `address_space_mb`; both are restored afterwards."""
    old_tmpdir = os.environ.get("TMPDIR")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    os.environ["TMPDIR"] = str(tmp)
    resource.setrlimit(resource.RLIMIT_AS, (address_space_mb * 2**20, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
        if old_tmpdir is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = old_tmpdir


def otter_grade(
    sub: Submission, zip_path: Path, time_limit: float, address_space_mb: int
) -> OtterOutcome:
    """Grade one notebook file with plain `otter run` (the time limit in CPU seconds)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-otter-") as tmp:
        with otter_environment(Path(tmp), address_space_mb):
            try:
                grade = grade_notebook(Path(sub.file), zip_path, cpu_seconds=time_limit)
            except OtterError as err:
                seconds = time.perf_counter() - start
                if seconds >= time_limit:
                    problem = f"otter run stopped at the {time_limit:g} s limit"
                else:
                    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
                    error = ": ".join(lines[-1].split(": ")[:2])  # exception type: message
                    problem = f"otter run failed, no results.json: {error[:90]}"
                return OtterOutcome({}, seconds, problem)
    questions = {q: score for q, (score, _) in grade.questions.items()}
    return OtterOutcome(questions, time.perf_counter() - start)


def otter_stage(
    subs: list[Submission], zip_path: Path, time_limit: float, address_space_mb: int
) -> dict[str, OtterOutcome]:
    """`otter run` on each submission in turn; prints each one's seconds as it finishes."""
    outcomes = {}
    for i, sub in enumerate(subs, 1):
        outcomes[sub.student_id] = otter_grade(sub, zip_path, time_limit, address_space_mb)
        seconds = outcomes[sub.student_id].seconds
        print(f"  otter run [{i}/{len(subs)}] {sub.student_id}: {seconds:.1f} s", flush=True)
    return outcomes


@dataclass(frozen=True)
class EngineRun:
    """One batch of our engine: records and seconds per student, start-up and total seconds,
    the CPU seconds of this process and its children, the load average at start and end."""

    records: dict[str, GradeRecord]
    seconds: dict[str, float]
    startup: float
    wall: float
    cpu: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)

    def describe(self) -> str:
        return (
            f"{self.wall:6.1f} s wall ({self.startup:.1f} s start-up), {self.cpu:5.1f} s CPU "
            f"({self.cpu / self.wall:.2f} cores busy), "
            f"load {self.load[0]:.1f} -> {self.load[1]:.1f}"
        )


def cpu_used() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def engine_stage(
    subs: list[Submission],
    zip_path: Path,
    questions: list[str],
    limits: GradingLimits,
    hidden: list[str],
    workers: int,
) -> EngineRun:
    """Grade `subs` as `autograder grade` does (`local_grading` + `record_all`), from unpacking
    the zip to the last record; a submission's seconds are those its record holds."""
    load, cpu = os.getloadavg()[0], cpu_used()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        bundle = unpack_bundle(zip_path, Path(tmp) / "bundle", questions)
        with local_grading(bundle, limits, hidden, Path(tmp) / "zygote.log", workers) as graders:
            startup = time.perf_counter() - start
            store = ResultStore(Path(tmp) / RESULTS_FILE)
            records = record_all(
                subs,
                plan(subs, store, bundle.hash),
                graders.completions,
                store=store,
            )
            wall = time.perf_counter() - start
    seconds = {r.student_id: r.seconds for r in records}
    cpu = cpu_used() - cpu  # the zygote (and so its children) counts once waited for, at close
    records_by_id = {r.student_id: r for r in records}
    return EngineRun(records_by_id, seconds, startup, wall, cpu, (load, os.getloadavg()[0]))


def differing_questions(a: dict[str, float], b: dict[str, float]) -> list[str]:
    """Questions whose scores differ (a missing question counts as 0)."""
    return sorted(
        q for q in a.keys() | b.keys() if abs(a.get(q, 0.0) - b.get(q, 0.0)) > SCORE_TOLERANCE
    )


def print_table(
    subs: list[Submission],
    expected: dict[str, dict],
    otter_runs: dict[str, OtterOutcome],
    ours: EngineRun,
    timed_ids: set[str],
) -> list[str]:
    """The per-student table; returns the notes explaining every flagged row."""
    print(
        f"\n{'student':24s} {'expected':>15s} {'otter run':>10s} {'ours (1 worker)':>17s} "
        f"{'otter s':>8s} {'ours s':>7s}  flags"
    )
    notes = []
    for sub in subs:
        sid = sub.student_id
        want, run, record = expected[sid], otter_runs[sid], ours.records[sid]
        mine = {q.name: q.score for q in record.questions}
        otter_total = f"{sum(run.questions.values()):g}" if run.questions else "lost"
        flags = []
        if differing_questions(run.questions, mine):
            flags.append("otter!=ours")
            if not run.problem:
                differ = ", ".join(differing_questions(run.questions, mine))
                notes.append(f"{sid}: otter run and ours differ on {differ}")
        if run.problem:
            notes.append(f"{sid}: {run.problem}")
        wrong = differing_questions(want["questions"], mine)
        if wrong or record.status != want["status"]:
            flags.append("ours!=expected")
            notes.append(
                f"{sid}: ours {record.status} {record.total:g}, expected {want['status']} "
                f"{want['total']:g} (questions {', '.join(wrong) or 'equal'}): {record.message}"
            )
        if sid not in timed_ids:
            flags.append("untimed")
        print(
            f"{sid:24s} {want['status']:>8s} {want['total']:6g} {otter_total:>10s} "
            f"{record.status:>10s} {record.total:6g} {run.seconds:8.1f} {ours.seconds[sid]:7.1f}"
            f"  {' '.join(flags)}"
        )
    return notes


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    paths = project_paths()
    course = load_config(paths.config_file)
    questions = list(course.assignment(args.assignment).questions)
    zip_path = paths.autograder_zip(args.assignment)
    if not zip_path.is_file():
        raise SystemExit(f"{zip_path} is missing: run `autograder build {args.assignment}`")
    folder = paths.root / "examples" / "submissions" / args.assignment
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    subs = discover([folder]).submissions[: args.limit]
    limits = GradingLimits(
        time_seconds=args.time_limit or course.limits.time_seconds,
        memory_mb=course.limits.memory_mb,
    )
    address_space_mb = OTTER_BASE_MB + limits.memory_mb
    hidden = [str(paths.root)]  # what student code must not see; the submissions lie inside
    timed = [
        s for s in subs if args.all or expected[s.student_id]["status"] not in UNTIMED_STATUSES
    ]
    untimed = [s for s in subs if s not in timed]
    if not timed:
        raise SystemExit("no submission left to time: raise --limit or pass --all")

    print(
        f"{args.assignment}: {len(subs)} submissions, {len(timed)} timed; time limit "
        f"{limits.time_seconds:g} s, memory {limits.memory_mb} MB (otter run: RLIMIT_AS "
        f"{address_space_mb} MB); otter-grader {otter.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    if untimed:
        print(
            "not timed (expected timeout/memory; graded both ways after the timed runs; "
            f"--all times them): {', '.join(s.student_id for s in untimed)}"
        )
    print(f"\n1. otter run, one process per submission, sequential ({len(timed)})", flush=True)
    otter_runs = otter_stage(timed, zip_path, limits.time_seconds, address_space_mb)
    batch = timed * max(1, args.copies)
    print(
        f"2. ours ({len(batch)} submissions), 1 worker and {args.workers} workers, alternately, "
        f"{args.repeat} times"
    )
    ones, manys = [], []
    for _ in range(max(1, args.repeat)):
        ones.append(engine_stage(batch, zip_path, questions, limits, hidden, workers=1))
        print(f"  1 worker:  {ones[-1].describe()}", flush=True)
        manys.append(engine_stage(batch, zip_path, questions, limits, hidden, args.workers))
        print(f"  {args.workers} workers: {manys[-1].describe()}", flush=True)
    one = ones[0]
    if untimed:
        print("4. the untimed students, both ways", flush=True)
        otter_runs |= otter_stage(untimed, zip_path, limits.time_seconds, address_space_mb)
        extra = engine_stage(untimed, zip_path, questions, limits, hidden, workers=args.workers)
        shown = EngineRun(one.records | extra.records, one.seconds | extra.seconds, 0.0, 0.0)
    else:
        shown = one

    notes = print_table(subs, expected, otter_runs, shown, {s.student_id for s in timed})
    unstable = sorted(
        {
            sid
            for run in [*ones, *manys]
            for sid, record in run.records.items()
            if differing_questions(
                {q.name: q.score for q in record.questions},
                {q.name: q.score for q in one.records[sid].questions},
            )
        }
    )
    for note in notes:
        print(f"  - {note}")
    print(
        f"the {len(ones) + len(manys)} runs' scores equal the first 1-worker run's: "
        + (f"NO, differ for {', '.join(unstable)}" if unstable else "yes")
    )

    n = len(timed)
    otter_total = sum(otter_runs[s.student_id].seconds for s in timed)
    one_wall = statistics.median(run.wall for run in ones)
    otter_each, ours_each = otter_total / n, one_wall / len(batch)
    ratio = ours_each / otter_each
    speedups = [a.wall / b.wall for a, b in zip(ones, manys, strict=True)]
    after_startup = [
        (a.wall - a.startup) / (b.wall - b.startup) for a, b in zip(ones, manys, strict=True)
    ]
    median_ratio = statistics.median(
        one.seconds[s.student_id] / otter_runs[s.student_id].seconds for s in timed
    )
    print(f"\ntimed: {n} submissions")
    print(f"otter run:        {otter_total:7.1f} s, {otter_each:5.2f} s per submission")
    print(
        f"ours, 1 worker:   {one_wall:7.1f} s, {ours_each:5.2f} s per submission (median of "
        f"{len(ones)} runs of {len(batch)}, start-up included)"
    )
    print(
        f"ratio ours/otter run (s per submission, 1 worker) = {ratio:.2f} (goal <= {RATIO_GOAL}); "
        f"median of the per-submission ratios {median_ratio:.2f}"
    )
    print(
        f"throughput {args.workers} workers / 1 worker, each pair of runs: whole run "
        + ", ".join(f"{x:.2f}x" for x in speedups)
        + f" (median {statistics.median(speedups):.2f}x, goal >= {SPEEDUP_GOAL}); once the "
        "zygote is up "
        + ", ".join(f"{x:.2f}x" for x in after_startup)
        + f" (median {statistics.median(after_startup):.2f}x)"
    )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return {
        "otter_each": otter_each,
        "ours_each": ours_each,
        "ratio": ratio,
        "speedup": statistics.median(speedups),
        "speedup_after_startup": statistics.median(after_startup),
    }


if __name__ == "__main__":
    main()
