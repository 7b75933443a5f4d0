"""Measure the corpus for the README table: plain `otter run` and `autograder grade` per notebook.

    python -m tests.integrity.measure OUT [--assignment NAME] [--otter] [--engine] [--only NAME ...]
                                          [--jobs N]
    python -m tests.integrity.measure OUT [--assignment NAME] --table
    python -m tests.integrity.measure OUT [--assignment NAME] --results RESULTS_JSONL

writes the assignment's corpus (default 01_nn_from_scratch; the answer server running for
`network_answers`) to OUT/corpus, the plain otter totals to OUT/otter.json (`grade_notebook(nb,
zip, cpu_seconds=60)`; running out of time is "hung/lost", an otter failure or missing results.json
is "lost"), the engine totals to OUT/engine.json (`autograder grade`, 2 workers, 10 s, 1024 MB),
and prints the table `attack | plain otter run | autograder grade | deserved` (deserved: the twin's
engine total).
OUT holds one assignment: use one OUT per assignment. `--results` takes the engine totals from a
batch graded already (test_attacks.py's own, in pytest's temporary folder `integrity-NAME*/out/`)
instead of grading again; a submission that was not graded shows its status (`error`).

Plain otter runs student code as the user running it, without any limit: run the fork and
memory bombs only inside a process and memory cgroup (see README.md).
"""

from __future__ import annotations

import argparse
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.authoring.otter_cli import OUT_OF_TIME, OtterError
from autograder.authoring.otter_run import grade_notebook
from autograder.batch.command import GradeOptions, run_grade
from autograder.config import load_config
from autograder.grading.records import GradeRecord
from tests.build_once import built
from tests.integrity.answer_server import answer_server
from tests.integrity.attacks import ASSIGNMENT, Catalogue
from tests.integrity.catalogues import CATALOGUES
from tests.integrity.corpus import twin_name, write_corpus
from tests.mutants.runner import autograder_test_files

OTTER_CPU_SECONDS = 60.0
ENGINE_OPTIONS = {"workers": 2, "time_limit": 10, "memory_limit": 1024}


def otter_total(notebook: Path, zip_path: Path) -> str:
    """Plain `otter run`'s total for one notebook, or why there is none."""
    try:
        return f"{grade_notebook(notebook, zip_path, cpu_seconds=OTTER_CPU_SECONDS).total:g}"
    except OtterError as err:
        return "hung/lost" if OUT_OF_TIME in str(err) else "lost"
    except (FileNotFoundError, ValueError):
        return "lost"


def engine_records(assignment: str, notebooks: list[Path], out: Path) -> dict[str, GradeRecord]:
    """`autograder grade` on `notebooks` of `assignment` in one batch; records by notebook stem."""
    paths = built(assignment)
    options = GradeOptions(assignment, [str(p) for p in notebooks], out, **ENGINE_OPTIONS)
    run = run_grade(options, paths, load_config(paths.config_file))
    return {record.student_id: record for record in run.records}


def engine_total(record: GradeRecord) -> str:
    """A record's total for the table, or its status when it was not graded."""
    if record.status != "graded":
        return record.status
    return f"{sum(q.score for q in record.questions):g}"


def _load(path: Path) -> dict[str, str]:
    return json.loads(path.read_text()) if path.is_file() else {}


def _save(path: Path, found: dict[str, str]) -> None:
    path.write_text(json.dumps({**_load(path), **found}, indent=1, sort_keys=True) + "\n")


def table(catalogue: Catalogue, out: Path) -> str:
    """The README table of `catalogue` from OUT/otter.json and OUT/engine.json."""
    otter, engine = _load(out / "otter.json"), _load(out / "engine.json")
    rows = [
        "| attack | plain `otter run` | `autograder grade` | deserved (twin) |",
        "|---|---|---|---|",
    ]
    stems: list[tuple[str, ...]] = [("solution", "the solution, unchanged", "solution")]
    stems += [
        (twin_name(b.name), f"honest twin: {b.description}", twin_name(b.name))
        for b in catalogue.bases.values()
    ]
    stems += [(a.name, a.title, twin_name(a.base), a.student_id) for a in catalogue.attacks]
    for stem, title, twin, *student_id in stems:
        key, deserved = (student_id or [stem])[0], engine.get(twin, "?")
        cells = [f"`{stem}`: {title}", otter.get(key, "?"), engine.get(key, "?"), deserved]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--assignment", default=ASSIGNMENT, choices=sorted(CATALOGUES))
    parser.add_argument("--otter", action="store_true", help="measure plain otter run")
    parser.add_argument("--engine", action="store_true", help="measure autograder grade")
    parser.add_argument("--only", nargs="*", default=None, help="these stems only")
    parser.add_argument("--jobs", type=int, default=2, help="parallel otter runs")
    parser.add_argument("--table", action="store_true", help="print the table")
    parser.add_argument("--results", type=Path, help="a graded batch's results.jsonl")
    args = parser.parse_args(argv)
    catalogue = CATALOGUES[args.assignment]
    paths = built(catalogue.assignment)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.otter or args.engine:
        with answer_server() as port:
            solution = paths.solution_notebook(catalogue.assignment)
            tests = autograder_test_files(
                paths.autograder_zip(catalogue.assignment), args.out / "zip"
            )
            corpus = write_corpus(catalogue, solution, args.out / "corpus", port, tests)
            chosen = {s: p for s, p in corpus.items() if args.only is None or s in args.only}
            if args.otter:
                zip_path = paths.autograder_zip(catalogue.assignment)
                with ThreadPoolExecutor(args.jobs) as pool:
                    totals = pool.map(lambda p: otter_total(p, zip_path), chosen.values())
                    found = dict(zip(chosen, totals, strict=True))
                _save(args.out / "otter.json", found)
            if args.engine:
                records = engine_records(
                    catalogue.assignment, list(chosen.values()), args.out / "engine"
                )
                _save(args.out / "engine.json", {s: engine_total(r) for s, r in records.items()})
    if args.results:
        lines = args.results.read_text(encoding="utf-8").splitlines()
        records = [GradeRecord.from_json(json.loads(line)) for line in lines]
        _save(args.out / "engine.json", {r.student_id: engine_total(r) for r in records})
    print(table(catalogue, args.out))


if __name__ == "__main__":
    main()
