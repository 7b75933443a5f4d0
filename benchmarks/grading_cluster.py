"""Throughput of `autograder grade` locally and on a Dask LocalCluster, on the same notebooks.

    python benchmarks/grading_cluster.py [--assignment 01_nn_from_scratch] [--limit N] [--all]
                                         [--copies 4] [--time-limit S] [--repeats 2]

Submissions: examples/submissions/NAME/*.ipynb, leaving out the students expected.json expects
to time out or run out of memory (they mostly measure the time limit; `--all` keeps them); without
that folder, the solution and the student variant, `--copies` times each.

Runs, one after the other, each grading every submission into a fresh results store:
1. local, 2 workers: `local_grading` (what `autograder grade` runs);
2. LocalCluster, 1 worker process of 1 thread: `cluster_grading` (what `--scheduler` runs);
3. LocalCluster, 2 worker processes of 1 thread each.
A run's seconds go from asking for the graders to the last record, so they include starting the
local zygote or, on the cluster, the workers' unpacking of the zip and starting of their zygotes;
starting the LocalCluster itself is printed apart. `--repeats` rounds of the three (the machine
is shared: the best run of each counts). Prints seconds, submissions per second, the ratio of each
run's throughput to local grading's, and whether every run's records equal the local ones
(seconds aside).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from distributed import LocalCluster

from autograder.batch.cluster import cluster_grading
from autograder.batch.command import _hidden_paths
from autograder.batch.runner import (
    RESULTS_FILE,
    Graders,
    ResultStore,
    local_grading,
    plan,
    record_all,
)
from autograder.config import load_config
from autograder.grading.bundle import Bundle, unpack_bundle
from autograder.grading.engine import GradingLimits
from autograder.grading.records import GradeRecord, Submission
from autograder.grading.submissions import discover
from autograder.paths import ProjectPaths, project_paths

UNTIMED_STATUSES = ("timeout", "memory")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01_nn_from_scratch")
    parser.add_argument("--limit", type=int, help="only the first N submissions (by name)")
    parser.add_argument("--all", action="store_true", help="keep the timeout and memory students")
    parser.add_argument(
        "--copies", type=int, default=4, help="copies of solution and student without samples"
    )
    parser.add_argument("--time-limit", type=float, help="seconds (default: grading.yml)")
    parser.add_argument("--repeats", type=int, default=2, help="rounds; the best run counts")
    return parser.parse_args(argv)


def submissions(paths: ProjectPaths, args: argparse.Namespace) -> tuple[list[Submission], str]:
    """The notebooks to grade and where they come from (for `_hidden_paths`)."""
    folder = paths.root / "examples" / "submissions" / args.assignment
    if list(folder.glob("*.ipynb")):
        found = discover([str(folder)]).submissions
        expected_file = folder / "expected.json"
        if not args.all and expected_file.is_file():
            expected = json.loads(expected_file.read_text(encoding="utf-8"))
            found = [
                s
                for s in found
                if expected.get(s.student_id, {}).get("status") not in UNTIMED_STATUSES
            ]
        return found[: args.limit], str(folder)
    notebooks = [
        paths.solution_notebook(args.assignment),
        paths.student_dir(args.assignment) / f"{args.assignment}.ipynb",
    ]
    found = [
        Submission(str(path), path.read_bytes(), f"{kind}_{copy}")
        for copy in range(args.copies)
        for kind, path in zip(("solution", "student"), notebooks, strict=True)
    ]
    return found[: args.limit], str(paths.dist_dir(args.assignment))


@dataclass(frozen=True)
class Run:
    """One configuration's records by student id, its seconds and the cluster's start-up."""

    name: str
    records: dict[str, GradeRecord]
    seconds: float
    startup: float = 0.0


def timed_run(
    name: str,
    subs: list[Submission],
    bundle: Bundle,
    graders: Callable[[], AbstractContextManager[Graders]],
) -> Run:
    """Grade `subs` with the graders `graders()` opens, into a fresh results store."""
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as tmp:
        start = time.perf_counter()
        with graders() as ready:
            store = ResultStore(Path(tmp) / RESULTS_FILE)
            records = record_all(
                subs,
                plan(subs, store, bundle.hash),
                ready.completions,
                store=store,
            )
        seconds = time.perf_counter() - start
    print(f"  {name}: {seconds:.1f} s (load average {os.getloadavg()[0]:.1f})", flush=True)
    return Run(name, {r.student_id: r for r in records}, seconds)


def cluster_run(
    name: str,
    workers: int,
    subs: list[Submission],
    bundle: Bundle,
    limits: GradingLimits,
    hidden: list[str],
) -> Run:
    """`timed_run` on a fresh LocalCluster of `workers` one-thread worker processes."""
    start = time.perf_counter()
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        startup = time.perf_counter() - start
        address = cluster.scheduler_address
        run = timed_run(
            name, subs, bundle, lambda: cluster_grading(address, bundle, limits, hidden)
        )
    return Run(run.name, run.records, run.seconds, startup)


def _plain(record: GradeRecord) -> dict:
    data = record.to_json()
    data.pop("seconds")
    return json.loads(json.dumps(data))


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    paths = project_paths()
    course = load_config(paths.config_file)
    zip_path = paths.autograder_zip(args.assignment)
    if not zip_path.is_file():
        raise SystemExit(f"{zip_path} is missing: run `autograder build {args.assignment}`")
    subs, source = submissions(paths, args)
    limits = GradingLimits(
        time_seconds=args.time_limit or course.limits.time_seconds,
        memory_mb=course.limits.memory_mb,
    )
    hidden = _hidden_paths(paths, [source], Path(tempfile.gettempdir()))  # results go there
    print(
        f"{args.assignment}: {len(subs)} submissions from {source}; time limit "
        f"{limits.time_seconds:g} s; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f}",
        flush=True,
    )
    questions = list(course.assignment(args.assignment).questions)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-bundle-") as tmp:
        bundle = unpack_bundle(zip_path, Path(tmp) / "bundle", questions)
        log = Path(tmp) / "zygote.log"
        configurations: dict[str, Callable[[str], Run]] = {
            "local, 2 workers": lambda name: timed_run(
                name, subs, bundle, lambda: local_grading(bundle, limits, hidden, log, workers=2)
            ),
            "LocalCluster, 1 worker": lambda name: cluster_run(
                name, 1, subs, bundle, limits, hidden
            ),
            "LocalCluster, 2 workers": lambda name: cluster_run(
                name, 2, subs, bundle, limits, hidden
            ),
        }
        runs: dict[str, list[Run]] = {name: [] for name in configurations}
        for round_ in range(1, args.repeats + 1):
            print(f"round {round_}/{args.repeats}", flush=True)
            for name, run in configurations.items():
                runs[name].append(run(name))
    local = min(runs["local, 2 workers"], key=lambda run: run.seconds)
    n = len(subs)
    print(
        f"\nbest of {args.repeats} rounds\n"
        f"{'run':26s} {'seconds':>8s} {'subs/s':>7s} {'ratio':>6s}  cluster start  records"
    )
    for name, tries in runs.items():
        best = min(tries, key=lambda run: run.seconds)
        same = all(
            _plain(run.records[sid]) == _plain(local.records[sid])
            for run in tries
            for sid in local.records
        )
        startup = f"{best.startup:10.1f} s" if best.startup else f"{'-':>12s}"
        print(
            f"{name:26s} {best.seconds:8.1f} {n / best.seconds:7.3f} "
            f"{local.seconds / best.seconds:6.2f}  {startup}   {'= local' if same else 'DIFFER'}"
        )
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return {name: n / min(run.seconds for run in tries) for name, tries in runs.items()}


if __name__ == "__main__":
    main()
