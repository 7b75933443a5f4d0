"""Grade a function that builds on the student's earlier functions, so one mistake costs once.

A later question (a network built from `dense_forward` and `relu_forward`, a training loop built
from `train_step`) is judged against two answers: the right one, and the *composition*: what the
student's OWN earlier functions give when put together as the question asks. The test computes
the composition by calling those functions on its inputs and on their own outputs, so nothing of
the answer key reaches the student's code. A result equal to either passes: a wrong earlier
function already costs its own question. When neither matches and an earlier function is wrong,
the message says so first ("Your dense_forward (question 1) is wrong ...: fix it first").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from nncheck.compare import assert_close
from nncheck.convert import as_float_array
from nncheck.mistakes import Mistake
from nncheck.tolerances import resolve_tolerance

EARLIER_PART_WRONG = "earlier_part_wrong"
"""The code of a failure whose only named cause is a wrong earlier function."""


def matches(
    got: Any,
    expected: Any,
    *,
    tol: str = "backward",
    rtol: float | None = None,
    atol: float | None = None,
) -> bool:
    """True when `got` has `expected`'s shape and values (as `assert_close` would pass it).

    got, expected: arrays or numbers; `got` may be anything (a non-numeric value is False).
    """
    rtol, atol = resolve_tolerance(tol, rtol, atol)
    try:
        s = as_float_array(got, "result")
        r = np.asarray(expected, dtype=np.float64)
    except (AssertionError, TypeError, ValueError):
        return False
    return s.shape == r.shape and bool(np.isclose(s, r, rtol=rtol, atol=atol, equal_nan=True).all())


def attempt(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """`(function(*args, **kwargs), None)`, or `(None, "TypeName: message")` when it raises."""
    try:
        return function(*args, **kwargs), None
    except Exception as err:  # noqa: BLE001 - the student's code may raise anything
        return None, f"{type(err).__name__}: {err}"


def holds(check: Callable[[], Any]) -> bool:
    """`bool(check())`, False when it raises (a wrong result may not even have a shape)."""
    try:
        return bool(check())
    except Exception:  # noqa: BLE001 - a check on a wrong result may fail in any way
        return False


def assert_fails_like_parts(
    failure: str | None, composed_failure: str | None, name: str, wrong_parts: Iterable[str]
) -> None:
    """A call that raised (`failure`, from `attempt`) passes only when the composition of the
    student's own earlier functions raised the very same error: then the earlier function that
    raises is the mistake, and its own question costs it. None (no failure) passes."""
    parts = list(wrong_parts)
    if failure is None or (parts and failure == composed_failure):
        return
    blame = fix_first(parts)
    if blame is None:
        raise AssertionError(f"{name} raised {failure}")
    raise Mistake(EARLIER_PART_WRONG, f"{blame}\n{name} raised {failure}")


def fix_first(wrong_parts: Iterable[str]) -> str | None:
    """The sentence that blames earlier functions, e.g. ["dense_forward (question 1)"] ->
    "Your dense_forward (question 1) is wrong, and this check builds on it: fix it first."
    None when the list is empty."""
    parts = list(dict.fromkeys(wrong_parts))
    if not parts:
        return None
    if len(parts) == 1:
        return f"Your {parts[0]} is wrong, and this check builds on it: fix it first."
    names = ", ".join(parts[:-1]) + f" and {parts[-1]}"
    return f"Your {names} are wrong, and this check builds on them: fix them first."


def assert_close_given_parts(
    got: Any,
    expected: Any,
    name: str,
    *,
    composed: Any = None,
    wrong_parts: Iterable[str] = (),
    **kwargs: Any,
) -> None:
    """`assert_close(got, expected, name, **kwargs)` that also accepts the composition.

    composed: what the student's own earlier functions give for this check (None: not
        available, e.g. one of them raised); a `got` equal to it passes when `wrong_parts`
        is not empty (with right parts the composition is the right answer, and a formula
        that is right only on paper, e.g. unstable for large inputs, must not pass).
    wrong_parts: the earlier functions this check found wrong, as the student knows them
        ("dense_forward (question 1)"); a failure message starts by blaming them.
    kwargs: `assert_close`'s options (tol, rtol, atol, batch_size, mistakes, ...).
    """
    wrong_parts = list(wrong_parts)
    tolerance = {k: kwargs[k] for k in ("tol", "rtol", "atol") if k in kwargs}
    if wrong_parts and composed is not None and matches(got, composed, **tolerance):
        return
    try:
        assert_close(got, expected, name, **kwargs)
    except AssertionError as err:
        blame = fix_first(wrong_parts)
        if blame is None:
            raise
        if isinstance(err, Mistake):  # this function's own mistake, named
            raise Mistake(err.mistake_code, f"{blame}\n{err}", tag=False) from None
        raise Mistake(EARLIER_PART_WRONG, f"{blame}\n{err}") from None
