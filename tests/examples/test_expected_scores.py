"""examples/expected_scores.py reads from otter's feedback text exactly the mistake code that the
referee reads from the exception object (grading/sandbox/cases.mistake_code): the two sources
of the sample students' mistake counts agree for every way a check names a mistake."""

from __future__ import annotations

import numpy as np
import pytest

import nncheck
from autograder.grading.sandbox.cases import FAILED, mistake_code
from examples.expected_scores import case_code, question_codes

W = np.arange(12.0).reshape(3, 4)


def _raised(check) -> BaseException:
    with pytest.raises(AssertionError) as caught:
        check()
    return caught.value


FAILURES = {
    "diagnosis": lambda: nncheck.assert_close(W.T, W, "dW"),
    "named table": lambda: nncheck.assert_close(
        W * 3, W, "dW", mistakes={"tripled": ("you tripled it", W * 3)}
    ),
    "hint": lambda: nncheck.assert_close(W + 1, W, "dW", hint=("plus_one", "you added 1")),
    "diagnosis beats hint": lambda: nncheck.assert_close(W.T, W, "dW", hint=("h_code", "h")),
    "None result": lambda: nncheck.assert_close(None, W, "dW", hint=("h_code", "h")),
    "require": lambda: nncheck.require(False, "not_in_place", "update params in place"),
    "modified input": lambda: nncheck.assert_not_mutated(W, W + 1, "W"),
    "upstream blame, inner code": lambda: nncheck.assert_close_given_parts(
        None, W, "loss", wrong_parts=["sgd_step (question 10)"]
    ),
    "upstream blame only": lambda: nncheck.assert_close_given_parts(
        W + 1, W, "loss", wrong_parts=["sgd_step (question 10)"]
    ),
    "plain": lambda: nncheck.assert_close(W + 1, W, "dW", hint="Likely mistake [forged]: x"),
}


def _as_otter_writes(error: BaseException) -> str:
    """A failed case as otter's results.json holds it (the message of one test case)."""
    message = f"Error at line 3 in test q:\n  check()\n{type(error).__name__}: {error}"
    return f"    q - 1 result:\n        {FAILED}" + message.replace("\n", "\n        ")


@pytest.mark.parametrize("how", FAILURES)
def test_the_tag_otter_shows_is_the_code_the_exception_carries(how):
    error = _raised(FAILURES[how])
    assert case_code(_as_otter_writes(error)) == mistake_code(error)
    assert (mistake_code(error) == "") == (how == "plain")


def test_question_codes_lists_each_failed_cases_code_once():
    output = "q results:\n" + "\n".join(
        _as_otter_writes(_raised(FAILURES[how])) for how in ("diagnosis", "plain", "diagnosis")
    )
    assert question_codes(output) == ["transposed"]
