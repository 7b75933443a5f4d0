"""The attack corpus graded by `autograder grade`, one batch per assignment: no attack scores above
its honest twin, an attack that cannot hurt its author scores exactly the twin's score, a hostile
message fails its own submission alone, and no attack changes what the other submissions of the
batch get (the solution still gets full marks).

One batch per catalogue (2 workers, 10 s, 1024 MB) holds its attacks, its twins and the solution,
with the answer server of `network_answers` listening on 127.0.0.1. Test ids start with the
assignment. It needs root: the sandbox's own uid is what stops the fork bomb, and its namespaces
are what hide the answer key.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from autograder.grading.records import GradeRecord
from autograder.grading.sandbox.isolation import RLimits
from tests.build_once import built
from tests.integrity.answer_server import answer_server
from tests.integrity.attacks import AT_MOST, EQUAL, ERROR, Base, Catalogue
from tests.integrity.attacks_shared import HOSTILE_TEXT
from tests.integrity.catalogues import CATALOGUES
from tests.integrity.corpus import twin_name, write_corpus
from tests.mutants.runner import autograder_test_files
from tests.scheduling import classes_per_assignment

pytestmark = pytest.mark.slow

CANARY = ("INTEGRITY_CANARY_SECRET", "canary-5e1f0c2a")
"""An environment variable of the grader that `leak_environment` looks for."""

Records = dict[str, GradeRecord]

RAW_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
"""Control characters but the line feed (rows and lines end with it)."""


@dataclass(frozen=True)
class Batch:
    """A graded batch: the records by student id, the output folder, what went to the terminal."""

    records: Records
    out: Path
    terminal: str


def _grade_batch(catalogue: Catalogue, folder: Path) -> Batch:
    """Every notebook of `catalogue`'s corpus graded in one batch."""
    paths = built(catalogue.assignment)
    test_files = None
    if catalogue.lean:
        test_files = autograder_test_files(
            paths.autograder_zip(catalogue.assignment), folder / "zip"
        )
    terminal = io.StringIO()
    with answer_server() as port, pytest.MonkeyPatch.context() as env:
        env.setenv(*CANARY)
        solution = paths.solution_notebook(catalogue.assignment)
        corpus = write_corpus(catalogue, solution, folder / "corpus", port, test_files)
        options = GradeOptions(
            catalogue.assignment,
            [str(path) for path in corpus.values()],
            folder / "out",
            workers=2,
            time_limit=10,
            memory_limit=1024,
        )
        with contextlib.redirect_stdout(terminal), contextlib.redirect_stderr(terminal):
            run_grade(options, paths, load_config(paths.config_file))
    lines = (folder / "out" / RESULTS_FILE).read_text(encoding="utf-8").splitlines()
    records = [GradeRecord.from_json(json.loads(line)) for line in lines]
    return Batch({r.student_id: r for r in records}, folder / "out", terminal.getvalue())


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> Callable[[str], Batch]:
    """An assignment's batch, graded the first time a test asks for it."""
    if os.geteuid() != 0:
        pytest.skip("the sandbox needs root (own uid, namespaces) to contain these attacks")
    batches: dict[str, Batch] = {}

    def batch(assignment: str) -> Batch:
        if assignment not in batches:
            folder = tmp_path_factory.mktemp(f"integrity-{assignment}")
            batches[assignment] = _grade_batch(CATALOGUES[assignment], folder)
        return batches[assignment]

    return batch


def _scores(record: GradeRecord) -> dict[str, float]:
    return {q.name: q.score for q in record.questions}


def _unaffected(scores: dict[str, float], base: Base) -> dict[str, float]:
    return {name: score for name, score in scores.items() if name not in base.affected}


class AttackCorpus:
    """One assignment's attack batch (`assignment` set by `classes_per_assignment`): the worker
    that runs the class grades the batch once."""

    assignment: str

    def test_the_solution_graded_beside_the_attacks_gets_full_marks(self, graded):
        record = graded(self.assignment).records["solution"]
        assert record.status == "graded", record.message
        assert record.total == record.max_score > 0

    def test_a_twin_loses_points_only_on_the_questions_of_its_wrong_function(self, graded, base):
        record = graded(self.assignment).records[twin_name(base.name)]
        assert record.status == "graded", record.message
        full = {q.name: q.max_score for q in record.questions}
        assert _unaffected(_scores(record), base) == _unaffected(full, base)
        assert record.total < record.max_score

    def test_an_attack_scores_what_its_honest_twin_deserves(self, graded, attack):
        records = graded(self.assignment).records
        record, twin = records[attack.student_id], records[twin_name(attack.base)]
        context = (
            f"{attack.title} ({attack.why or attack.expect}): {record.status}: {record.message}"
        )
        if attack.expect == ERROR:
            assert record.status == "error", context
            assert "the grading process" in record.message, context
            return
        got, deserved = _scores(record), _scores(twin)
        assert set(got) == set(deserved), context
        if attack.expect == EQUAL:
            assert got == deserved, context
        else:
            assert attack.expect == AT_MOST
            assert record.total <= twin.total, context
            base = CATALOGUES[self.assignment].bases[attack.base]
            assert _unaffected(got, base) == _unaffected(deserved, base), context

    def test_no_feedback_carries_the_graders_environment(self, graded):
        """Nor its command line (here pytest's: the batch runs in it) or its folders."""
        for student_id, record in graded(self.assignment).records.items():
            texts = [record.message, *(t.message for q in record.questions for t in q.tests)]
            assert not any(CANARY[1] in text for text in texts), student_id
            assert not any("pytest" in text for text in texts), (student_id, record.message)

    def test_the_disk_fills_only_to_the_working_folders_quota(self, graded):
        record = graded(self.assignment).records.get("fill_the_disk")
        if record is None:
            pytest.skip(f"no fill_the_disk attack for {self.assignment}")
        wrote = int(record.message.split("wrote ")[1].split()[0])
        assert wrote <= RLimits.disk_mb, record.message

    def test_student_text_reaches_every_output_escaped(self, graded):
        """`hostile_text`'s file name and message: no raw control character on the terminal or
        in any file written, no spreadsheet cell that starts a formula, no live HTML or
        Markdown heading."""
        batch = graded(self.assignment)
        hostile = next((r for r in batch.records.values() if "hostile_text" in r.student_id), None)
        if hostile is None:
            pytest.skip(f"no hostile_text attack for {self.assignment}")
        assert hostile.student_id.startswith(HOSTILE_TEXT) and "pwned" in hostile.message
        assert not RAW_CONTROLS.search(batch.terminal)
        for path in sorted(batch.out.rglob("*")):
            if path.suffix not in (".csv", ".md", ".html"):
                continue
            text = path.read_text(encoding="utf-8")
            assert not RAW_CONTROLS.search(text), path.name
            if path.suffix == ".html":
                assert "<img src=x" not in text, path.name
            if path.suffix == ".md":
                assert not re.search(r"^# forged heading", text, re.MULTILINE), path.name
            if path.suffix == ".csv":
                for row in csv.reader(io.StringIO(text)):
                    assert not [c for c in row if c.startswith(("=", "+", "@")) or "\n" in c], (
                        path.name
                    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`base` and `attack`: the bases and attacks of the class's assignment's catalogue."""
    catalogue = CATALOGUES[metafunc.cls.assignment] if metafunc.cls else None
    if "base" in metafunc.fixturenames:
        bases = list(catalogue.bases.values())
        metafunc.parametrize("base", bases, ids=[b.name for b in bases])
    if "attack" in metafunc.fixturenames:
        metafunc.parametrize("attack", catalogue.attacks, ids=[a.name for a in catalogue.attacks])


globals().update(classes_per_assignment(AttackCorpus, CATALOGUES))
