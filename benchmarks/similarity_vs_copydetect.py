"""Why the similarity report fingerprints normalised Python tokens itself instead of using
copydetect: both on the same synthetic classes, the disguised copy's score and rank, the best
independent pair and the time.

Run: `.venv/bin/pip install copydetect==0.5.0 && .venv/bin/python
benchmarks/similarity_vs_copydetect.py [--students 30] [--seeds 3]` (copydetect is not a
dependency of the kit; this script is the record of the comparison, see benchmarks/README.md).

Each seed: `--students` independent students of 01_nn_from_scratch and a disguised copy of the
first (`examples.similarity_cases`). Compared:

- ours: `similarity.extract.own_code` + `compare.fingerprints` + `compare.rank`;
- copydetect (own): copydetect's `CodeFingerprint` (k = 25 characters, window 1, its defaults)
  and `compare_files` on the same own lines (starter code removed the same way), score = the
  mean of its two similarities;
- copydetect (whole): on every code cell, the handout's code given as boilerplate (copydetect's
  own way to remove starter code).
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from autograder.grading.records import Submission  # noqa: E402
from autograder.paths import project_paths  # noqa: E402
from autograder.similarity.compare import fingerprints, rank  # noqa: E402
from autograder.similarity.extract import Code, Handout, code_cells, own_code  # noqa: E402
from examples.similarity_cases import disguised_copy, independent_class  # noqa: E402

ASSIGNMENT = "01_nn_from_scratch"


def _ours(submissions: list[Submission], handout: Handout) -> dict[tuple[int, int], float]:
    codes = [own_code(s, handout) for s in submissions]
    assert all(isinstance(code, Code) for code in codes)
    return {(p.a, p.b): p.score for p in rank([fingerprints(c.tokens) for c in codes])}


def _copydetect(texts: list[str], boilerplate: str) -> dict[tuple[int, int], float]:
    from copydetect import CodeFingerprint, compare_files

    hashes = (
        list(CodeFingerprint("h.py", 25, 1, fp=io.StringIO(boilerplate)).hashes)
        if boilerplate
        else []
    )
    prints = [
        CodeFingerprint(f"s{i}.py", 25, 1, boilerplate=hashes, fp=io.StringIO(text))
        for i, text in enumerate(texts)
    ]
    scores = {}
    for a in range(len(prints)):
        for b in range(a + 1, len(prints)):
            _, (score_a, score_b), _ = compare_files(prints[a], prints[b])
            scores[a, b] = (score_a + score_b) / 2
    return scores


def _line(label: str, scores: dict[tuple[int, int], float], copy: int, seconds: float) -> str:
    copied = scores.get((0, copy), 0.0)
    independent = max(v for (a, b), v in scores.items() if b != copy)
    place = 1 + sum(1 for v in scores.values() if v > copied)
    return (
        f"  {label:20s} copy {copied:.3f} (rank {place}), best independent "
        f"{independent:.3f}, margin {copied - independent:+.3f}, {seconds:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    if importlib.util.find_spec("copydetect") is None:
        sys.exit("copydetect is not installed: .venv/bin/pip install copydetect==0.5.0")
    logging.disable(logging.WARNING)  # copydetect logs every file it reads
    handout_file = project_paths().student_dir(ASSIGNMENT) / f"{ASSIGNMENT}.ipynb"
    handout_bytes = handout_file.read_bytes()
    handout = Handout.from_notebook(handout_bytes)
    handout_code = "\n\n".join(source for _, source in code_cells(handout_bytes))
    for seed in range(args.seeds):
        notebooks = independent_class(json.loads(handout_bytes), args.students, seed)
        notebooks.append(disguised_copy(notebooks[0], seed))
        subs = [
            Submission(f"s{i}.ipynb", json.dumps(nb).encode(), f"s{i}")
            for i, nb in enumerate(notebooks)
        ]
        copy = len(subs) - 1
        print(f"seed {seed}: {args.students} independent students + 1 disguised copy")
        start = time.perf_counter()
        print(_line("ours", _ours(subs, handout), copy, time.perf_counter() - start))
        codes = [own_code(s, handout) for s in subs]
        own = [
            "\n".join(cell.lines[i] for cell in code.cells for i in sorted(cell.own))
            for code in codes
            if isinstance(code, Code)
        ]
        start = time.perf_counter()
        scores = _copydetect(own, "")
        print(_line("copydetect (own)", scores, copy, time.perf_counter() - start))
        whole = ["\n\n".join(source for _, source in code_cells(s.content)) for s in subs]
        start = time.perf_counter()
        scores = _copydetect(whole, handout_code)
        print(_line("copydetect (whole)", scores, copy, time.perf_counter() - start))


if __name__ == "__main__":
    main()
