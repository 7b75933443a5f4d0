"""The mutant runner on a tiny assignment of its own (data/tiny/tiny.ipynb, built by otter assign).

tiny has q1 `double(x)` (2 points: a public test and a hidden one that checks DATA is not
mutated) and q2 `total(x)` (1 point).
"""

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mutants.catalogue import Mutant
from tests.mutants.report import format_table
from tests.mutants.runner import MutantRunner, dist_layout

HERE = Path(__file__).resolve().parent
NNCHECK = HERE.parents[1] / "nncheck"

TRIPLE = Mutant("double", "triple", "def double(x):\n    return 3 * x\n", mistake="1.5 times")
IN_PLACE = Mutant(
    "double", "in_place", "def double(x):\n    x *= 2\n    return x\n", mistake="in place"
)
EQUIVALENT = Mutant("double", "equivalent", "def double(x):\n    return x + x\n")
NO_RETURN = Mutant("double", "no_return", "def double(x):\n    2 * x\n", mistake="forget `return`")
HANGS = Mutant("double", "hangs", "def double(x):\n    while True:\n        pass\n")


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MutantRunner]:
    """tiny built with otter assign into the dist/NAME layout, loaded in a runner."""
    stage = tmp_path_factory.mktemp("stage")
    shutil.copy(HERE / "data" / "tiny" / "tiny.ipynb", stage)
    shutil.copytree(NNCHECK, stage / "nncheck", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "otter", "assign", "tiny.ipynb", "out"],
        cwd=stage,
        check=True,
        capture_output=True,
    )
    dist = tmp_path_factory.mktemp("dist")
    (dist / "solution").mkdir()
    for built in (stage / "out" / "autograder").glob("*.zip"):
        shutil.copy(built, dist / "tiny-autograder.zip")
    shutil.copy(stage / "out" / "autograder" / "tiny.ipynb", dist / "solution")
    with MutantRunner.for_dist(dist, timeout=8) as started:
        yield started


def test_dist_layout_needs_one_zip_and_one_notebook(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="expected one"):
        dist_layout(tmp_path)


@pytest.mark.slow
def test_baseline_gets_full_marks(runner: MutantRunner) -> None:
    assert runner.notebook_errors == []  # otter's grader cells were skipped
    baseline = runner.baseline
    assert baseline.error is None
    assert [(q.question, q.score, q.possible) for q in baseline.questions] == [
        ("q1", 2.0, 2.0),
        ("q2", 1.0, 1.0),
    ]
    assert [c.hidden for c in baseline.questions[0].cases] == [False, True]


@pytest.mark.slow
def test_wrong_mutant_is_caught_and_named(runner: MutantRunner) -> None:
    verdict = runner.judge(TRIPLE)
    assert verdict.caught and verdict.caught_publicly and verdict.named
    assert verdict.grade.score == 1.0  # q2 untouched, q1 lost both test cases
    message = verdict.new_failures[0].message
    assert re.search(r"Likely mistake \[[a-z_]+\]: Your double\(x\) is 1\.5 times", message), (
        message
    )


@pytest.mark.slow
def test_missing_return_is_named(runner: MutantRunner) -> None:
    verdict = runner.judge(NO_RETURN)
    assert verdict.named, verdict.explain()


@pytest.mark.slow
def test_equivalent_mutant_survives_even_after_an_in_place_mutant(runner: MutantRunner) -> None:
    in_place = runner.judge(IN_PLACE)
    assert in_place.caught and in_place.named, in_place.explain()
    hidden = [case for case in in_place.new_failures if case.hidden]
    assert hidden and "modified its input DATA in place" in hidden[0].message
    survivor = runner.judge(EQUIVALENT)  # DATA was restored, the original double is back
    assert not survivor.caught and survivor.named is None
    assert survivor.grade == runner.baseline


@pytest.mark.slow
def test_hanging_mutant_times_out_and_the_kernel_recovers(runner: MutantRunner) -> None:
    verdict = runner.judge(HANGS)
    assert verdict.caught and verdict.grade.error is not None
    assert "timed out" in verdict.grade.error
    assert runner.grade() == runner.baseline


@pytest.mark.slow
def test_report_table(runner: MutantRunner) -> None:
    verdicts = [runner.judge(TRIPLE), runner.judge(EQUIVALENT)]
    lines = format_table("tiny", verdicts).splitlines()
    assert lines[0] == "tiny: 2 mutants"
    assert lines[2].split() == ["double", "triple", "1/3", "yes", "yes", "yes", "?"]
    assert lines[3].split() == ["double", "equivalent", "3/3", "NO", "no", "-", "?"]
    assert lines[-2] == (
        "caught 1/2 (50%), by public tests 1/2 (50%), known mistakes named 1/1 (100%), "
        "all mutants named 1/2 (50%)"
    )
    assert lines[-1] == (
        "worst single mistake: double:triple loses 2 of 3; mutants costing other questions "
        "too: unknown (no QUESTIONS table)"
    )
    lines = format_table("tiny", verdicts, {"double": frozenset({"q1"})}).splitlines()
    assert lines[2].split()[-1] == "-"
    assert lines[-1].endswith("mutants costing other questions too: 0/2")
