"""nncheck.upstream: a later question passes with the right answer or with the composition of
the student's own earlier functions, and its failure blames a wrong earlier function first."""

import numpy as np
import pytest

import nncheck

RIGHT = np.array([[1.0, 2.0], [3.0, 4.0]])
COMPOSED = RIGHT * 2  # what a wrong earlier function gives when composed correctly


def test_the_right_answer_passes_with_or_without_a_composition() -> None:
    nncheck.assert_close_given_parts(RIGHT.copy(), RIGHT, "logits")
    nncheck.assert_close_given_parts(RIGHT.copy(), RIGHT, "logits", composed=COMPOSED)


def test_the_composition_of_wrong_parts_passes() -> None:
    nncheck.assert_close_given_parts(
        COMPOSED.copy(), RIGHT, "logits", composed=COMPOSED, wrong_parts=["dense_forward (q1)"]
    )


def test_the_composition_passes_only_when_a_part_is_wrong() -> None:
    with pytest.raises(AssertionError):
        nncheck.assert_close_given_parts(COMPOSED.copy(), RIGHT, "logits", composed=COMPOSED)


def test_a_result_matching_neither_fails_and_blames_the_wrong_parts_first() -> None:
    with pytest.raises(AssertionError) as caught:
        nncheck.assert_close_given_parts(
            RIGHT * 3,
            RIGHT,
            "the logits",
            composed=COMPOSED,
            wrong_parts=["dense_forward (question 1)", "relu_forward (question 3)"],
            tol="forward",
        )
    message = str(caught.value)
    assert message.startswith(
        "Your dense_forward (question 1) and relu_forward (question 3) are wrong, and this "
        "check builds on them: fix them first.\n"
    )
    assert "three times" not in message and "is not close enough" in message


def test_without_wrong_parts_the_message_is_assert_close_s() -> None:
    with pytest.raises(AssertionError) as caught:
        nncheck.assert_close_given_parts(RIGHT * 3, RIGHT, "logits", composed=None)
    assert str(caught.value).startswith("logits is not close enough")


def test_matches_takes_anything() -> None:
    assert nncheck.matches(RIGHT.copy(), RIGHT)
    assert not nncheck.matches(RIGHT.tolist(), RIGHT)  # as assert_close: a list is refused
    assert not nncheck.matches(None, RIGHT)
    assert not nncheck.matches("text", RIGHT)
    assert not nncheck.matches(RIGHT.T, RIGHT.T[:1])
    assert nncheck.matches(1.0 + 1e-12, 1.0, tol="forward")


def test_fix_first_names_one_part() -> None:
    assert nncheck.fix_first([]) is None
    assert nncheck.fix_first(["sigmoid (question 2)"] * 2) == (
        "Your sigmoid (question 2) is wrong, and this check builds on it: fix it first."
    )


def _raises() -> None:
    raise ValueError("shapes (3,) and (4,) not aligned")


def test_attempt_and_holds_turn_errors_into_data() -> None:
    assert nncheck.attempt(lambda a, b: a + b, 1, b=2) == (3, None)
    assert nncheck.attempt(_raises) == (None, "ValueError: shapes (3,) and (4,) not aligned")
    assert nncheck.holds(lambda: True) and not nncheck.holds(_raises)


def test_a_call_that_raises_passes_only_like_the_composition_of_wrong_parts() -> None:
    failure = nncheck.attempt(_raises)[1]
    nncheck.assert_fails_like_parts(None, None, "train_step(...)", [])
    nncheck.assert_fails_like_parts(failure, failure, "train_step(...)", ["sgd_step (q10)"])
    with pytest.raises(AssertionError, match=r"^train_step\(...\) raised ValueError"):
        nncheck.assert_fails_like_parts(failure, failure, "train_step(...)", [])
    with pytest.raises(
        AssertionError,
        match=r"^\[earlier_part_wrong\] Your sgd_step \(q10\) is wrong.*\n.*raised",
    ):
        nncheck.assert_fails_like_parts(
            failure, "KeyError: 'W'", "train_step(...)", ["sgd_step (q10)"]
        )
