"""The mutant catalogue graded by `autograder grade`: the solution notebook with one mutant
appended as its last cell, one notebook per mutant, all in one batch.

Appending the mutant after every cell leaves the notebook in the state the one-process runner
(runner.py) grades: the cells the tests need ran (lean.py, as in the runner), then
`def function(...)` was replaced.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from autograder.grading.records import GradeRecord
from autograder.paths import ProjectPaths
from tests.mutants.catalogue import Mutant
from tests.mutants.lean import lean_notebook
from tests.mutants.runner import autograder_test_files

BASELINE = "baseline"


def notebook_stem(mutant: Mutant) -> str:
    """A file name (and so the student id) for a mutant's notebook."""
    return f"{mutant.function}__{mutant.name}"


def write_notebooks(
    solution: Path, test_files: list[Path], mutants: list[Mutant], out: Path
) -> None:
    """`out/baseline.ipynb` (the lean solution) and `out/STEM.ipynb` per mutant."""
    notebook = lean_notebook(nbformat.read(solution, as_version=4), test_files)
    out.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, out / f"{BASELINE}.ipynb")
    for mutant in mutants:
        mutated = copy.deepcopy(notebook)
        mutated.cells.append(nbformat.v4.new_code_cell(mutant.source))
        nbformat.write(mutated, out / f"{notebook_stem(mutant)}.ipynb")


def grade_catalogue(
    name: str, paths: ProjectPaths, mutants: list[Mutant], folder: Path
) -> dict[str, GradeRecord]:
    """Every mutant (and the baseline) graded in one `autograder grade` batch; records by stem.

    The course's own limits apply, so verdicts are the ones students would get."""
    test_files = autograder_test_files(paths.autograder_zip(name), folder / "zip")
    write_notebooks(paths.solution_notebook(name), test_files, mutants, folder / "notebooks")
    options = GradeOptions(name, [str(folder / "notebooks")], folder / "out", workers=2)
    run_grade(options, paths, load_config(paths.config_file))
    lines = (folder / "out" / RESULTS_FILE).read_text(encoding="utf-8").splitlines()
    records = [GradeRecord.from_json(json.loads(line)) for line in lines]
    return {record.student_id: record for record in records}


def verdicts(record: GradeRecord) -> dict[tuple[str, str], bool]:
    """Pass/fail per (question, test case name)."""
    return {(q.name, t.name): t.passed for q in record.questions for t in q.tests}
