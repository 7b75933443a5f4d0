"""Assertions for tests: compare a student's result with the expected one and explain failures."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np

from nncheck.convert import as_float_array
from nncheck.diagnose import diagnose
from nncheck.mistakes import Diagnosis, Mistake, named_mistakes, tagged
from nncheck.tolerances import resolve_tolerance


def relative_error(a: Any, b: Any) -> float:
    """Largest elementwise relative error (CS231n): max(|a - b| / max(1e-8, |a| + |b|)).

    a, b: arrays of the same shape (or scalars). Returns 0.0 for empty arrays.
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        raise ValueError(f"relative_error: shapes differ: {x.shape} and {y.shape}")
    if x.size == 0:
        return 0.0
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def _show(array: np.ndarray) -> str:
    text = np.array2string(
        array, precision=6, threshold=12, edgeitems=2, separator=", ", max_line_width=88
    )
    return textwrap.indent(text, " " * 4)


Hint = str | tuple[str, str] | None
"""A test's hint: plain advice, or (code, text) when the advice names a mistake."""


def _hint_diagnosis(hint: Hint) -> Diagnosis | None:
    return None if hint is None or isinstance(hint, str) else Diagnosis(*hint)


def _with_hint(message: str, hint: Hint) -> str:
    if hint is None:
        return message
    named = _hint_diagnosis(hint)
    return f"{message}\n" + (tagged("Hint", named) if named else f"Hint: {hint}")


def _fail(message: str, diagnosis: Diagnosis | None, hint: Hint) -> AssertionError:
    """The failure to raise: it carries the diagnosis's code, else the hint's (if any)."""
    named = diagnosis or _hint_diagnosis(hint)
    text = _with_hint(message, hint)
    return AssertionError(text) if named is None else Mistake(named.code, text, tag=False)


def assert_close(
    got: Any,
    expected: Any,
    name: str,
    *,
    tol: str = "backward",
    rtol: float | None = None,
    atol: float | None = None,
    batch_size: int | None = None,
    n_features: int | None = None,
    zero_mask: Any = None,
    inputs: Mapping[str, Any] | None = None,
    mistakes: Mapping[str, Any] | None = None,
    hint: Hint = None,
) -> None:
    """Raise `AssertionError` with feedback for a student unless `got` matches `expected`.

    Elementwise test: |got - expected| <= atol + rtol * |expected| (NaN matches NaN).
    tol: "forward", "backward", "update", "torch_float64" or "torch_float32" picks (rtol, atol)
        from tolerances.json / grading.yml; explicit `rtol` / `atol` override it.
    got is converted with np.asarray(got, float64) first; None, tuples, lists and non-numeric
    results are rejected with a message. batch_size, n_features, zero_mask, inputs and mistakes
    are passed to `diagnose` to name the likely mistake (mistakes: {code: (message, wrong)});
    `hint` is appended to the message: plain text, or (code, text) naming the mistake when
    `diagnose` names none. A failure that names a mistake is a `nncheck.Mistake` carrying its code.
    """
    rtol, atol = resolve_tolerance(tol, rtol, atol)
    named_mistakes(mistakes)  # a malformed table is the test's bug: refuse it even on a pass
    try:
        s = as_float_array(got, name)
    except Mistake as err:
        raise _fail(str(err), Diagnosis(err.mistake_code, err.message), hint) from None
    r = np.asarray(expected, dtype=np.float64)
    if s.shape == r.shape:
        close = np.isclose(s, r, rtol=rtol, atol=atol, equal_nan=True)
        if close.all():
            return
        error = np.where(close, 0.0, np.abs(s - r))
        error[np.isnan(error)] = np.inf
        worst = np.unravel_index(int(np.argmax(error)), s.shape)
        index = tuple(int(i) for i in worst)
        lines = [
            f"{name} is not close enough to the expected result: {int((~close).sum())} of "
            f"{close.size} values differ (rtol={rtol:g}, atol={atol:g}).",
            f"  largest error at index {index}: expected {r[worst]:.8g}, got {s[worst]:.8g}",
        ]
    else:
        lines = [f"{name} has the wrong shape: expected {r.shape}, got {s.shape}."]
    lines += [
        f"  expected, shape {r.shape}:\n{_show(r)}",
        f"  got, shape {s.shape}:\n{_show(s)}",
    ]
    mistake = diagnose(
        got,
        r,
        name=name,
        batch_size=batch_size,
        n_features=n_features,
        zero_mask=zero_mask,
        inputs=inputs,
        mistakes=mistakes,
        rtol=rtol,
        atol=atol,
    )
    if mistake is not None:
        lines.insert(1, tagged("Likely mistake", mistake))
    raise _fail("\n".join(lines), mistake, hint)


def assert_shape(got: Any, shape: tuple[int | None, ...], name: str) -> None:
    """Raise `AssertionError` unless `got` (converted to float64) has `shape` (None = any size)."""
    s = as_float_array(got, name)
    expected = tuple(shape)
    matches = s.ndim == len(expected) and all(
        want is None or have == want for have, want in zip(s.shape, expected, strict=True)
    )
    if not matches:
        shown = "(" + ", ".join("any" if n is None else str(n) for n in expected) + ")"
        raise Mistake("wrong_shape", f"{name} has shape {s.shape} but should have shape {shown}.")


_MUTATION_ADVICE = (
    "Work on a copy: write `Z = Z - Z.max(axis=1, keepdims=True)` instead of `Z -= ...`, "
    "or `P = P.copy()` before `P[...] -= 1`."
)


_ROUNDING_ADVICE = (
    "The values changed only in their last digits: a value was changed and then changed back "
    "by arithmetic (e.g. `x[i] += h` then `x[i] -= h`), which does not always give back the "
    "very same float. Save the old value and assign it back (`x[i] = old`)."
)


def _distinct(was: float, now: float) -> tuple[str, str]:
    """Two different floats written so that they read differently (8 digits, or all of them)."""
    short = (f"{was:.8g}", f"{now:.8g}")
    return short if short[0] != short[1] else (repr(was), repr(now))


def _only_rounding(before: np.ndarray, after: np.ndarray) -> bool:
    """Every change is within a few units in the last place of the value."""
    both = np.isfinite(before) & np.isfinite(after)
    if not both.all():
        return False
    return bool(np.all(np.abs(after - before) <= 8 * np.spacing(np.abs(before))))


def _assert_array_unchanged(before: Any, after: Any, name: str) -> None:
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    if a.shape != b.shape:
        raise Mistake(
            "modified_input",
            f"Your function changed the shape of {name} in place from {b.shape} to {a.shape}. "
            + _MUTATION_ADVICE,
        )
    changed = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    if changed.any():
        first = tuple(int(i) for i in np.argwhere(changed)[0])
        was, now = _distinct(float(b[first]), float(a[first]))
        raise Mistake(
            "modified_input",
            f"Your function modified its input {name} in place: {int(changed.sum())} of "
            f"{changed.size} values changed (first at index {first}: was {was}, now {now}). "
            + (_ROUNDING_ADVICE if _only_rounding(b, a) else _MUTATION_ADVICE),
        )


def assert_not_mutated(before: Any, after: Any, name: str) -> None:
    """Raise `AssertionError` if `after` differs from the copy `before` taken before the call.

    before, after: arrays, or dicts of arrays (e.g. a grads dict); compared exactly.
    """
    if isinstance(before, Mapping):
        if not isinstance(after, Mapping) or set(after) != set(before):
            raise Mistake(
                "modified_input",
                f"Your function changed the keys of {name}: before {sorted(before)}, "
                f"after {sorted(after) if isinstance(after, Mapping) else type(after).__name__}.",
            )
        for key in before:
            _assert_array_unchanged(before[key], after[key], f"{name}[{key!r}]")
        return
    _assert_array_unchanged(before, after, name)
