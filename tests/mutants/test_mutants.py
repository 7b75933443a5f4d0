"""Every catalogued mutant loses points under the assignment's real tests (otter's runner, one
kernel per assignment), the feedback names the mistake where the catalogue knows it, and where
the catalogue says which questions grade a function (QUESTIONS), no other question loses points.

One class per assignment (tests/scheduling.py): the worker that runs it starts that assignment's
kernel. Assignments whose solutions/NAME does not exist yet are skipped.
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.build_once import AssignmentMissing, built
from tests.mutants.catalogue import Mutant, catalogue_names, load_catalogue, owning_questions
from tests.mutants.runner import MutantRunner
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


globals().update(classes_per_assignment(MutantCatalogue, catalogue_names()))
