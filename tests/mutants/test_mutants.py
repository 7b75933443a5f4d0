"""Every catalogued mutant loses points under the assignment's real tests (otter's runner, one
kernel per assignment), the feedback names the mistake where the catalogue knows it, and where
the catalogue says which questions grade a function (QUESTIONS), no other question loses points;
every catalogued equivalent answer (a right answer written another way) scores full marks; and
`autograder grade` gives every mutant, test case by test case, the verdicts of that one process,
and records a mistake code (nncheck.mistakes) for every mutant whose feedback must name its mistake.

One class per assignment (tests/scheduling.py): the worker that runs it starts that assignment's
kernel. Assignments whose solutions/NAME does not exist yet are skipped.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from autograder.grading.records import GradeRecord
from tests.build_once import AssignmentMissing, built
from tests.mutants.catalogue import (
    Mutant,
    catalogue_names,
    load_catalogue,
    load_equivalents,
    owning_questions,
)
from tests.mutants.runner import Grade, MutantRunner
from tests.mutants.through_grade import BASELINE, grade_catalogue, notebook_stem, verdicts
from tests.scheduling import classes_per_assignment

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def runner_for() -> Iterator[Callable[[str], MutantRunner]]:
    """runner_for(NAME): a started MutantRunner, built and opened once per assignment."""
    runners: dict[str, MutantRunner] = {}
    problems: dict[str, BaseException] = {}
    with ExitStack() as stack:

        def get(name: str) -> MutantRunner:
            if name in problems:
                raise problems[name]
            if name not in runners:
                try:
                    dist_dir = built(name).dist_dir(name)
                    runners[name] = stack.enter_context(MutantRunner.for_dist(dist_dir))
                except AssignmentMissing as err:
                    problems[name] = pytest.skip.Exception(
                        f"{err}: its notebook is still being written (remove this skip once it "
                        "exists)"
                    )
                    raise problems[name] from None
                except Exception as err:
                    problems[name] = err
                    raise
            return runners[name]

        yield get


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`mutant`: every mutant of the class's assignment."""
    if "mutant" in metafunc.fixturenames:
        mutants = load_catalogue(metafunc.cls.assignment)
        metafunc.parametrize("mutant", mutants, ids=[mutant.id for mutant in mutants])
    if "equivalent" in metafunc.fixturenames:
        answers = load_equivalents(metafunc.cls.assignment)
        metafunc.parametrize("equivalent", answers, ids=[answer.id for answer in answers])


class MutantCatalogue:
    """The tests of one assignment's catalogue (`assignment` set by `classes_per_assignment`)."""

    assignment: str

    def test_solution_gets_full_marks(self, runner_for: Callable[[str], MutantRunner]) -> None:
        runner = runner_for(self.assignment)
        baseline = runner.baseline
        assert not runner.notebook_errors, (
            f"solution notebook cells failed: {runner.notebook_errors}"
        )
        assert baseline.error is None
        failures = [case for case in baseline.cases().values() if not case.passed]
        assert not failures, "\n".join(f"{c.name}: {c.message}" for c in failures)
        assert 0 < baseline.score == baseline.possible

    def test_mutant_is_caught(
        self, mutant: Mutant, runner_for: Callable[[str], MutantRunner]
    ) -> None:
        verdict = runner_for(self.assignment).judge(mutant)
        assert verdict.caught, f"the tests do not notice this mutant\n{verdict.explain()}"
        if mutant.mistake is not None:
            assert verdict.named, (
                f"the feedback does not contain {mutant.mistake!r}\n{verdict.explain()}"
            )
        own = owning_questions(self.assignment).get(mutant.function)
        if own is not None:  # one mistake costs once
            others = verdict.questions_losing_points() - own
            assert not others, f"it also costs {sorted(others)}\n{verdict.explain()}"

    def test_equivalent_answer_gets_full_marks(
        self, equivalent: Mutant, runner_for: Callable[[str], MutantRunner]
    ) -> None:
        verdict = runner_for(self.assignment).judge(equivalent)
        assert verdict.grade.error is None, verdict.grade.error
        assert verdict.grade.score == verdict.baseline.score, (
            f"a right answer written another way loses points\n{verdict.explain()}"
        )

    def test_autograder_grade_gives_every_mutant_the_verdicts_of_one_process(
        self, runner_for: Callable[[str], MutantRunner], tmp_path
    ) -> None:
        """The referee is transparent: across the wire, under the course's limits, each test
        case of each mutant passes or fails as it does under otter's runner in one process."""
        runner = runner_for(self.assignment)
        mutants = load_catalogue(self.assignment)
        records = grade_catalogue(self.assignment, built(self.assignment), mutants, tmp_path)
        one_process: dict[str, Grade] = {BASELINE: runner.baseline}
        one_process |= {notebook_stem(m): runner.judge(m).grade for m in mutants}
        differences = []
        for stem, grade in one_process.items():
            record = records[stem]
            expected = {key: case.passed for key, case in grade.cases().items()}
            got = verdicts(record)
            if got != expected:
                messages = {(q.name, t.name): t.message for q in record.questions for t in q.tests}
                differ = [k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k)]
                differences += [
                    f"{stem} {k}: one process {expected.get(k)}, autograder {got.get(k)} "
                    f"({record.status}: {record.message}; {messages.get(k, '')[:300]!r})"
                    for k in sorted(differ)
                ]
        assert not differences, "\n".join(differences)
        unnamed = [  # docs/mistake-codes.md: a mistake the feedback names is recorded by its code
            f"{m.id} (feedback names {m.mistake!r}): no failing test records a mistake code"
            for m in mutants
            if m.mistake is not None and not _codes(records[notebook_stem(m)])
        ]
        assert not unnamed, "\n".join(unnamed)


def _codes(record: GradeRecord) -> list[str]:
    """The mistake codes the referee recorded for the failing tests of `record`."""
    return [t.mistake for q in record.questions for t in q.tests if not t.passed and t.mistake]


globals().update(classes_per_assignment(MutantCatalogue, catalogue_names()))
