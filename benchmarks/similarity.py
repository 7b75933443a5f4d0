"""How long `autograder similar` takes for a class of 100, against reading the same notebooks.

Run: `.venv/bin/python benchmarks/similarity.py [--students 100] [--repeats 3]`.

The class: `--students - 1` independent students of 01_nn_from_scratch
(`examples.similarity_cases.independent_class`) and one disguised copy of the first (locals
renamed, functions reordered, comments replaced), written as notebooks into a temporary folder.
Timed, in this process, best of `--repeats`:

- baseline: what any comparison pays to read the code: `discover` the folder, `json.loads` every
  notebook and run Python's `tokenize` over every code cell;
- similar: the whole command as `autograder similar` runs it (`run_similar`: discover, own code,
  normalise, fingerprints, every pair, similarity.csv and similarity.html), output to /dev/null.

Prints both, their ratio, and where the copy ranks (goal: first, and the whole run under 60 s).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import sys
import tempfile
import time
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.grading.submissions import discover  # noqa: E402
from autograder.paths import project_paths  # noqa: E402
from autograder.similarity.command import SimilarOptions, run_similar  # noqa: E402
from autograder.similarity.extract import code_cells  # noqa: E402
from examples.similarity_cases import disguised_copy, independent_class  # noqa: E402

ASSIGNMENT = "01_nn_from_scratch"


def _write_class(folder: Path, students: int) -> None:
    paths = project_paths()
    handout = json.loads((paths.student_dir(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb").read_bytes())
    notebooks = independent_class(handout, students - 1, seed=0)
    notebooks.append(disguised_copy(notebooks[0], seed=0))
    for number, notebook in enumerate(notebooks):
        name = "copier" if number == students - 1 else f"student{number:03d}"
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")


def _baseline(folder: Path) -> int:
    """Read and tokenise every code cell; returns the number of tokens (so nothing is skipped)."""
    count = 0
    for submission in discover([folder]).submissions:
        for _, source in code_cells(submission.content):
            count += sum(1 for _ in tokenize.generate_tokens(io.StringIO(source).readline))
    return count


def _best(repeats: int, run) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="similarity-bench-") as tmp:
        folder, out = Path(tmp) / "class", Path(tmp) / "out"
        folder.mkdir()
        _write_class(folder, args.students)
        options = SimilarOptions(ASSIGNMENT, [str(folder)], out)
        paths = project_paths()

        def similar() -> None:
            with contextlib.redirect_stdout(io.StringIO()):
                run_similar(options, paths)

        baseline = _best(args.repeats, lambda: _baseline(folder))
        timed = _best(args.repeats, similar)
        with (out / "similarity.csv").open(encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
    copier = next(
        i for i, row in enumerate(rows, 1) if "copier" in (row["student_a"], row["student_b"])
    )
    best_other = next(r for r in rows if "copier" not in (r["student_a"], r["student_b"]))
    print(f"{args.students} submissions, {len(rows)} pairs sharing code, best of {args.repeats}")
    print(f"  baseline (discover, read, tokenise): {baseline:6.2f} s")
    print(f"  autograder similar:                  {timed:6.2f} s   (goal: under 60 s)")
    print(f"  ratio similar / baseline:            {timed / baseline:6.1f}")
    print(
        f"  the disguised copy ranks {copier} (score {rows[copier - 1]['score']}); best pair "
        f"without it: {best_other['score']}"
    )


if __name__ == "__main__":
    main()
