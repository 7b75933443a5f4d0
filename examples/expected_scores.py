"""Derive `examples/submissions/NAME/expected.json` by grading with plain `otter run`.

Run (slow, minutes; needs dist/, see `autograder build`):
    .venv/bin/python examples/expected_scores.py [--out DIR] [NAME ...]

For every student of `make_submissions.plan(NAME)` the well-behaved equivalent `Student.graded_as`
is graded with
`autograder.authoring.otter_run.grade_notebook(nb, dist/NAME/NAME-autograder.zip, cpu_seconds=300)`,
two otter processes at a time; identical notebooks are graded once. The equivalents: the notebook
itself for well-behaved students (and the crashing one: otter ignores cell errors); without the
loop cell and every later cell for the infinite loop; without the offending cell for the memory
hog and `os._exit`. Invalid files score 0 on every question.

expected.json: {student_id: {"status": graded|timeout|memory|error|invalid, "total": float,
"questions": {question: score as otter reports it}, "why": one line}}; only auto-graded questions.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make the checkout's packages importable
    sys.path.insert(0, str(ROOT))

from autograder.authoring.otter_run import grade_notebook  # noqa: E402
from autograder.paths import project_paths  # noqa: E402
from examples.make_submissions import DEFAULT_OUT, Student, assignment_names, plan  # noqa: E402

GRADE_CPU_SECONDS = 300
WORKERS = 2


def _grade_bytes(name: str, notebook: bytes, root: Path) -> dict[str, float]:
    """Question -> score of one notebook, graded by `otter run` with NAME's autograder zip."""
    with tempfile.TemporaryDirectory(prefix="expected-scores-") as tmp:
        path = Path(tmp) / f"{name}.ipynb"
        path.write_bytes(notebook)
        zip_path = root / "dist" / name / f"{name}-autograder.zip"
        grade = grade_notebook(path, zip_path, cpu_seconds=GRADE_CPU_SECONDS)
    return {question: score for question, (score, _) in grade.questions.items()}


def expected_for(name: str, students: list[Student], root: Path = ROOT) -> dict[str, dict]:
    """The expected.json mapping of `students` (grades each distinct `graded_as` once)."""
    distinct = {
        hashlib.sha256(s.graded_as).hexdigest(): s.graded_as
        for s in students
        if s.graded_as is not None
    }
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        scores = dict(
            zip(
                distinct,
                pool.map(lambda nb: _grade_bytes(name, nb, root), distinct.values()),
                strict=True,
            )
        )
    questions = list(next(iter(scores.values())))
    expected = {}
    for student in students:
        if student.graded_as is None:
            per_question = dict.fromkeys(questions, 0.0)
        else:
            per_question = scores[hashlib.sha256(student.graded_as).hexdigest()]
        expected[student.student_id] = {
            "status": student.status,
            "total": round(sum(per_question.values()), 5),  # otter reports 5 decimals
            "questions": per_question,
            "why": student.why,
        }
    return expected


def write_expected(name: str, out: Path = DEFAULT_OUT, root: Path = ROOT) -> dict[str, dict]:
    """Grade NAME's students and write `out/NAME/expected.json` (sorted keys); return it."""
    expected = expected_for(name, plan(name, project_paths(root)), root)
    path = out / name / "expected.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(expected, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*", help="assignments (default: all of grading.yml)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="submissions folder")
    args = parser.parse_args(argv)
    for name in args.names or assignment_names():
        start = time.monotonic()
        expected = write_expected(name, args.out)
        totals = ", ".join(f"{sid} {e['total']:g}" for sid, e in expected.items())
        print(f"{name} ({time.monotonic() - start:.0f} s): {totals}", flush=True)


if __name__ == "__main__":
    main()
