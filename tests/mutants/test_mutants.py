"""Every catalogued mutant loses points under the assignment's real tests (otter's runner, one
kernel per assignment), and the feedback names the mistake where the catalogue knows it.

Assignments whose solutions/NAME does not exist yet are skipped (the notebooks are being written).
"""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.build_once import AssignmentMissing, built
from tests.mutants.catalogue import Mutant, catalogue_names, load_catalogue
from tests.mutants.runner import MutantRunner

pytestmark = pytest.mark.slow

CASES = [(name, mutant) for name in catalogue_names() for mutant in load_catalogue(name)]


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


@pytest.mark.parametrize("name", catalogue_names())
def test_solution_gets_full_marks(name: str, runner_for: Callable[[str], MutantRunner]) -> None:
    runner = runner_for(name)
    baseline = runner.baseline
    assert not runner.notebook_errors, f"solution notebook cells failed: {runner.notebook_errors}"
    assert baseline.error is None
    failures = [case for case in baseline.cases().values() if not case.passed]
    assert not failures, "\n".join(f"{c.name}: {c.message}" for c in failures)
    assert 0 < baseline.score == baseline.possible


@pytest.mark.parametrize(
    "name, mutant", CASES, ids=[f"{name}:{mutant.id}" for name, mutant in CASES]
)
def test_mutant_is_caught(
    name: str, mutant: Mutant, runner_for: Callable[[str], MutantRunner]
) -> None:
    verdict = runner_for(name).judge(mutant)
    assert verdict.caught, f"the tests do not notice this mutant\n{verdict.explain()}"
    if mutant.mistake is not None:
        assert verdict.named, (
            f"the feedback does not contain {mutant.mistake!r}\n{verdict.explain()}"
        )
