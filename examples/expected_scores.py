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
"questions": {question: score as otter reports it}, "mistakes": {question: [codes]}, "why": one
line}}; only auto-graded questions. `mistakes` lists, per question, the mistake codes its failing
test cases name (nncheck.mistakes), read from the tags of otter's feedback (`Mistake: [code]`,
else `Likely mistake [code]:`, else `Hint [code]:`, in the failure of a `Mistake`): what the
student sees. `autograder grade` records the codes from the exceptions instead, never from text;
tests/examples/test_sample_grades.py proves the mistake report counts what this file says.
(Reading tags from text is sound here only because these are our own synthetic students.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make the checkout's packages importable
    sys.path.insert(0, str(ROOT))

from autograder.authoring.otter_run import grade_notebook  # noqa: E402
from autograder.paths import project_paths  # noqa: E402
from examples.make_submissions import DEFAULT_OUT, Student, assignment_names, plan  # noqa: E402

GRADE_CPU_SECONDS = 300
WORKERS = 2
_CASE = re.compile(r"^ *\S+ - \d+ result:$", re.MULTILINE)
_CODE = r"\[([a-z][a-z0-9_]{1,47})\]"
_TAGS = (  # in the order nncheck picks the code a Mistake carries
    re.compile(rf"^ *Mistake: {_CODE} ", re.MULTILINE),
    re.compile(rf"Likely mistake {_CODE}:"),
    re.compile(rf"Hint {_CODE}:"),
)


def case_code(text: str) -> str:
    """The mistake code one failed test case's feedback shows ("" for none): only a failure
    raised as nncheck's `Mistake` (otter writes `Mistake: ...`) names one."""
    if "Test case failed" not in text or not re.search(r"^ *Mistake: ", text, re.MULTILINE):
        return ""
    return next((m[1] for tag in _TAGS if (m := tag.search(text))), "")


def question_codes(output: str) -> list[str]:
    """The distinct codes the failed test cases of one question's otter output name, in order."""
    cases = _CASE.split(output)[1:]
    return list(dict.fromkeys(code for case in cases if (code := case_code(case))))


@dataclass(frozen=True)
class Graded:
    """One notebook's plain `otter run`: question -> score, and -> mistake codes (failures)."""

    scores: dict[str, float]
    codes: dict[str, list[str]]


def _grade_bytes(name: str, notebook: bytes, root: Path) -> Graded:
    """One notebook graded by `otter run` with NAME's autograder zip."""
    with tempfile.TemporaryDirectory(prefix="expected-scores-") as tmp:
        path = Path(tmp) / f"{name}.ipynb"
        path.write_bytes(notebook)
        zip_path = root / "dist" / name / f"{name}-autograder.zip"
        grade = grade_notebook(path, zip_path, cpu_seconds=GRADE_CPU_SECONDS)
    scores = {question: score for question, (score, _) in grade.questions.items()}
    codes = {
        q: question_codes(grade.output_of(q)) for q, (s, m) in grade.questions.items() if s < m
    }
    return Graded(scores, {q: c for q, c in codes.items() if c})


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
    questions = list(next(iter(scores.values())).scores)
    expected = {}
    for student in students:
        if student.graded_as is None:
            graded = Graded(dict.fromkeys(questions, 0.0), {})
        else:
            graded = scores[hashlib.sha256(student.graded_as).hexdigest()]
        expected[student.student_id] = {
            "status": student.status,
            "total": round(sum(graded.scores.values()), 5),  # otter reports 5 decimals
            "questions": graded.scores,
            "mistakes": graded.codes,
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
