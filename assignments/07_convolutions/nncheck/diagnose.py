"""Name the likely mistake behind a wrong result (the general method of the course's mistakes list).

Compare the student's result s with the expected result r, both float64:
- shapes differ: transposed, keepdims, reduced over the wrong axis, broadcast blow-up, lost or
  gained a dimension;
- same shape: NaN/inf, all zeros, an input returned unchanged, differences only where an input is
  exactly 0, a scalar ratio a = <s, r> / <r, r> (-1, N, 1/N, 2, 1/2, D, 1/D, N*D), a residual
  s - r proportional to an input, probabilities normalised over the wrong axis, right values in
  the wrong order.
Each check returns a `Diagnosis` (a short message for a student with a stable code, see
`nncheck.mistakes`) or None; `diagnose` returns the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nncheck.convert import as_float_array
from nncheck.mistakes import Diagnosis, Mistake, named_mistakes
from nncheck.tolerances import resolve_tolerance

# How exactly s must equal a * r (or r + c * input) to call it that mistake.
_EXACT = 1e-6


@dataclass(frozen=True)
class _Context:
    name: str
    rtol: float
    atol: float
    dtype: np.dtype | None = None
    batch_size: int | None = None
    n_features: int | None = None
    zero_mask: np.ndarray | None = None
    inputs: dict[str, np.ndarray] = field(default_factory=dict)
    mistakes: dict[str, tuple[str, np.ndarray]] = field(default_factory=dict)


Check = Callable[[np.ndarray, np.ndarray, _Context], "Diagnosis | None"]


def _your(name: str) -> str:
    """ "Your NAME" for a message, without a doubled article ("Your the loss" -> "Your loss")."""
    for article in ("the ", "The "):
        if name.startswith(article):
            return f"Your {name[len(article) :]}"
    return f"Your {name}"


def _close(a: np.ndarray, b: np.ndarray, ctx: _Context) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=ctx.rtol, atol=ctx.atol))


def _is_multiple(s: np.ndarray, r: np.ndarray) -> float | None:
    """Return a if s == a * r up to rounding (r not all zero), else None."""
    rr = float(np.vdot(r, r))
    if not np.isfinite(rr) or rr == 0.0:
        return None
    a = float(np.vdot(s, r)) / rr
    residual = float(np.linalg.norm(s - a * r))
    return a if residual <= _EXACT * max(float(np.linalg.norm(s)), 1e-300) else None


# A ratio this close to 1 is an approximation or rounding, never a wrong constant factor.
_NOT_A_FACTOR = 1e-3


def _near(a: float, value: float) -> bool:
    return abs(a - value) <= _EXACT * abs(value)


# ----------------------------------------------------------------------------- shape checks


def _known_mistake(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    for code, (message, wrong) in ctx.mistakes.items():
        if _close(s, wrong, ctx):
            return Diagnosis(code, message)
    return None


def _transposed(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.ndim < 2 or s.shape != r.shape[::-1]:
        return None
    exact = _close(s, r.T, ctx)
    what = "it is transposed (exactly the right answer's .T)" if exact else "it looks transposed"
    return Diagnosis(
        "transposed",
        f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape}: {what}. "
        "Check the order of the operands of the matrix product and where `.T` belongs: "
        "a gradient always has the shape of the thing it is the gradient of.",
    )


def _scalar_expected(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if r.ndim != 0:
        return None
    if s.size == 1:
        right = " (its value is right)" if _close(s.reshape(()), r, ctx) else ""
        return Diagnosis(
            "not_a_scalar",
            f"{_your(ctx.name)} has shape {s.shape} but should be a single number{right}: "
            "return a scalar, e.g. `.mean()` without keepdims, or float(...).",
        )
    per_example = ctx.batch_size is not None and s.shape[:1] == (ctx.batch_size,)
    what = "one value per example" if per_example else "an array"
    return Diagnosis(
        "not_a_scalar",
        f"{_your(ctx.name)} has shape {s.shape} ({what}) but should be a single number: "
        "average over the batch with `.mean()` (or sum and divide by N).",
    )


def _one_value_missing_or_extra(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    """A 1-D result one entry short (long): the right values without (with) a first or last one."""
    if s.ndim != 1 or r.ndim != 1 or abs(s.size - r.size) != 1:
        return None
    short, long = (s, r) if s.size < r.size else (r, s)
    for end, part in (("first", long[1:]), ("last", long[:-1])):
        if np.allclose(short, part, rtol=ctx.rtol, atol=ctx.atol):
            head = f"Your {ctx.name} has {s.size} values but should have {r.size}"
            if s.size < r.size:
                return Diagnosis(
                    "value_missing",
                    f"{head}: it is the right values without the {end} one (it is missing).",
                )
            return Diagnosis(
                "value_extra", f"{head}: it is the right values plus an extra {end} value."
            )
    return None


def _size_one_axes(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.size != r.size or np.squeeze(s).shape != np.squeeze(r).shape:
        return None
    right = "right values, wrong shape" if _close(s.reshape(r.shape), r, ctx) else "wrong shape"
    extra = (
        "drop `keepdims=True` or the extra axis "
        "(e.g. `.sum(axis=0)`, not `.sum(axis=0, keepdims=True)`)"
        if s.ndim > r.ndim
        else "an axis of size 1 went missing (keep it with `keepdims=True` or reshape)"
    )
    return Diagnosis(
        "keepdims" if s.ndim > r.ndim else "axis_missing",
        f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape} ({right}): "
        f"{extra}.",
    )


def _wrong_axis_reduction(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.ndim != 1 or r.ndim != 1:
        return None
    if ctx.batch_size is None:
        return Diagnosis(
            "wrong_axis",
            f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape}: was it summed "
            "over the wrong axis? A bias is shared by every example, so its gradient "
            "sums over the batch.",
        )
    if s.shape[0] != ctx.batch_size:
        return None
    return Diagnosis(
        "wrong_axis",
        f"{_your(ctx.name)} has shape {s.shape}, one value per example (N = {ctx.batch_size}), but "
        f"should have shape {r.shape}: it was summed over the wrong axis. Sum over the batch "
        "axis, axis=0.",
    )


def _broadcast_blowup(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.ndim != r.ndim + 1 or not (s.shape[1:] == r.shape or s.shape[:-1] == r.shape):
        return None
    return Diagnosis(
        "broadcast_blowup",
        f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape}: an extra "
        "dimension appeared, typically by broadcasting a column of shape (N, 1) against a vector "
        "of shape (N,) (which gives (N, N)). Print the shapes of the operands and make them match "
        "(e.g. with .reshape or .ravel()).",
    )


def _dimension_count(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    head = f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape}"
    if s.ndim < r.ndim:
        for axis in range(r.ndim):
            if r.shape[:axis] + r.shape[axis + 1 :] == s.shape:
                return Diagnosis(
                    "axis_missing",
                    f"{head}: axis {axis} (size {r.shape[axis]}) is missing. Did you sum or "
                    f"average over axis {axis}, or index it away (e.g. [0])?",
                )
        return Diagnosis(
            "axis_missing",
            f"{head}: it lost a dimension (a sum/mean over an axis, .ravel() or indexing?).",
        )
    if s.ndim > r.ndim:
        return Diagnosis(
            "extra_axis",
            f"{head}: it gained a dimension (broadcasting arrays of mismatched shapes?).",
        )
    return None


def _shape_fallback(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    return Diagnosis(
        "wrong_shape",
        f"{_your(ctx.name)} has shape {s.shape} but should have shape {r.shape}: print the "
        "shapes of the intermediate arrays and check each matrix product.",
    )


# ----------------------------------------------------------------------------- value checks


def _non_finite(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    bad = ~np.isfinite(s) & np.isfinite(r)
    if not bad.any():
        return None
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    return Diagnosis(
        "non_finite",
        f"{_your(ctx.name)} contains {int(bad.sum())} NaN/inf value(s) (first at index {index}) "
        "where finite values were expected: a numerically unstable step (something was divided "
        "by zero or overflowed). If it comes from np.exp, which overflows for large inputs: "
        "subtract the row maximum before exponentiating (softmax), and compute log(softmax) as "
        "Z - max - log(sum(exp(Z - max))) instead of log of a probability.",
    )


def _low_precision(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if ctx.dtype is None or ctx.dtype.kind != "f" or ctx.dtype.itemsize >= 8:
        return None
    if ctx.rtol >= 10 * np.finfo(ctx.dtype).eps or not np.allclose(s, r, rtol=1e-3, atol=1e-5):
        return None
    return Diagnosis(
        "low_precision",
        f"{_your(ctx.name)} is {ctx.dtype}, which keeps only about "
        f"{np.finfo(ctx.dtype).precision} significant digits: too few to match to "
        f"rtol={ctx.rtol:g}. Compute in float64 (do not cast to float32).",
    )


def _all_zeros(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.any() or not r.any():
        return None
    return Diagnosis(
        "all_zeros",
        f"{_your(ctx.name)} is all zeros: the function does not seem to be implemented yet "
        "(or it returns np.zeros_like(...) / a fresh array it never fills in).",
    )


def _returned_an_input(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    for input_name, value in ctx.inputs.items():
        if value.shape == s.shape and np.array_equal(s, value):
            return Diagnosis(
                "returned_input",
                f"{_your(ctx.name)} is exactly the input `{input_name}`, unchanged: the function "
                "returns its argument instead of the computed result.",
            )
    return None


def _only_where_zero(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    wrong = ~np.isclose(s, r, rtol=ctx.rtol, atol=ctx.atol, equal_nan=True)
    if not wrong.any():
        return None
    masks = {} if ctx.zero_mask is None else {"the input": ctx.zero_mask}
    masks.update({f"`{k}`": v == 0 for k, v in ctx.inputs.items() if v.shape == s.shape})
    for where, mask in masks.items():
        if mask.any() and not (wrong & ~mask).any():
            return Diagnosis(
                "relu_kink",
                f"{_your(ctx.name)} is right everywhere except where {where} is exactly 0 "
                f"({int(wrong.sum())} value(s)). At 0 the derivative is taken as 0, like PyTorch: "
                "for ReLU use `Z > 0`, not `Z >= 0`.",
            )
    return None


def _scale_messages(ctx: _Context) -> list[tuple[float, str, str]]:
    """Known factors a = s / r, their codes and what each one means."""
    n, d = ctx.batch_size, ctx.n_features
    messages: list[tuple[float, str, str]] = []
    if n is not None and n > 1:
        messages += [
            (
                float(n),
                "batch_mean_missing",
                f"is N = {n} times too large: you forgot to average over the batch "
                "(divide by N = X.shape[0])",
            ),
            (
                1.0 / n,
                "batch_mean_twice",
                f"is N = {n} times too small: you divided by the batch size twice "
                "(average once, where the loss is averaged)",
            ),
        ]
    if d is not None and d > 1:
        messages += [
            (
                float(d),
                "feature_mean_missing",
                f"is D = {d} times too large: average over all N * D elements "
                "(like torch's MSELoss), not only over the N rows",
            ),
            (
                1.0 / d,
                "divided_by_features",
                f"is D = {d} times too small: you divided by the number of features D",
            ),
        ]
    if n is not None and d is not None and n * d > 1:
        messages.append(
            (
                float(n * d),
                "sum_not_mean",
                f"is N * D = {n * d} times too large: you summed instead of averaging "
                "over all elements",
            )
        )
    messages += [
        (
            2.0,
            "factor_two_extra",
            "is exactly twice the right value: a factor 2 too many (a term counted twice?)",
        ),
        (
            0.5,
            "factor_two_missing",
            "is exactly half the right value: a factor 2 is missing "
            "(e.g. the derivative of x**2 is 2 * x)",
        ),
    ]
    return messages


def _scalar_ratio(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    a = _is_multiple(s, r)
    if a is None or abs(a - 1.0) <= _NOT_A_FACTOR or a == 0.0:
        return None
    sign = (
        "has the wrong sign (exactly -1 times the right value): e.g. y - p instead of p - y, "
        "or + instead of - in an update"
    )
    if _near(a, -1.0):
        return Diagnosis("sign_flipped", f"{_your(ctx.name)} {sign}.")
    for factor, code, meaning in _scale_messages(ctx):
        if _near(abs(a), factor):
            also = f"; it also {sign}" if a < 0 else ""
            return Diagnosis(code, f"{_your(ctx.name)} {meaning}{also}.")
    if s.size < 2:
        return None  # any single number is some multiple of another: only known factors tell
    return Diagnosis(
        "constant_factor",
        f"{_your(ctx.name)} is {a:.6g} times the right value: a constant factor is wrong "
        "(an average, a learning rate or a scaling constant).",
    )


def _residual_is_input(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    residual = s - r
    for input_name, value in ctx.inputs.items():
        try:
            term = np.broadcast_to(value, s.shape)
        except ValueError:
            continue
        c = _is_multiple(residual, term)
        if c is None or c == 0.0:
            continue
        head = f"{_your(ctx.name)} differs from the right value by"
        if _near(c, -1.0):
            return Diagnosis(
                "term_missing",
                f"{head} exactly -{input_name}: the `+ {input_name}` term is missing.",
            )
        if _near(c, 1.0):
            return Diagnosis(
                "term_extra",
                f"{head} exactly +{input_name}: `{input_name}` is added once too often.",
            )
        return Diagnosis(
            "term_scaled",
            f"{head} {c:.6g} * {input_name}: a term proportional to `{input_name}` is wrong "
            "(e.g. weight decay missing, doubled, or applied to the wrong parameters).",
        )
    return None


def _wrong_normalisation_axis(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if r.ndim != 2 or (r < 0).any() or not np.allclose(r.sum(axis=1), 1.0):
        return None
    if not np.allclose(s.sum(axis=0), 1.0):
        return None
    return Diagnosis(
        "normalised_wrong_axis",
        f"{_your(ctx.name)} sums to 1 down each column (axis 0), but each row (one example) should "
        "sum to 1: normalise with axis=1, keepdims=True.",
    )


def _wrong_order(s: np.ndarray, r: np.ndarray, ctx: _Context) -> Diagnosis | None:
    if s.size < 2 or not _close(np.sort(s, axis=None), np.sort(r, axis=None), ctx):
        return None
    if s.ndim == 2 and _close(s, r.T, ctx):
        return Diagnosis(
            "transposed",
            f"{_your(ctx.name)} is transposed (the right answer's .T; same shape because it is "
            "square): check the order of the matrix product and where `.T` belongs.",
        )
    return Diagnosis(
        "wrong_order",
        f"{_your(ctx.name)} has the right values in the wrong places: rows/columns swapped, "
        "reshape used instead of .T, or an index mix-up.",
    )


_SHAPE_CHECKS: tuple[Check, ...] = (
    _known_mistake,
    _transposed,
    _scalar_expected,
    _size_one_axes,
    _one_value_missing_or_extra,
    _wrong_axis_reduction,
    _broadcast_blowup,
    _dimension_count,
    _shape_fallback,
)
_VALUE_CHECKS: tuple[Check, ...] = (
    _known_mistake,
    _non_finite,
    _low_precision,
    _all_zeros,
    _returned_an_input,
    _only_where_zero,
    _scalar_ratio,
    _residual_is_input,
    _wrong_normalisation_axis,
    _wrong_order,
)


def _float_dict(arrays: Mapping[str, Any] | None) -> dict[str, np.ndarray]:
    return {str(k): np.asarray(v, dtype=np.float64) for k, v in (arrays or {}).items()}


def _float_mistakes(table: Mapping[str, Any] | None) -> dict[str, tuple[str, np.ndarray]]:
    return {
        code: (message, np.asarray(wrong, dtype=np.float64))
        for code, (message, wrong) in named_mistakes(table).items()
    }


def diagnose(
    got: Any,
    expected: Any,
    *,
    name: str = "result",
    batch_size: int | None = None,
    n_features: int | None = None,
    zero_mask: Any = None,
    inputs: Mapping[str, Any] | None = None,
    mistakes: Mapping[str, Any] | None = None,
    rtol: float | None = None,
    atol: float | None = None,
) -> Diagnosis | None:
    """Return a short message naming the likely mistake in `got` (a `Diagnosis`: a str with a
    stable `code`), or None if none is recognised.

    got, expected: arrays (or scalars); expected is the right answer, `got` the student's result.
    batch_size: N, the number of examples (enables the "forgot to average" checks).
    n_features: D, features per example (enables the "mean over features" checks).
    zero_mask: bool array, True where an input is exactly 0 (ReLU kink).
    inputs: {name: array} the function's inputs: used to spot an input returned unchanged,
        differences only where an input is 0, and a missing/extra term proportional to an input.
    mistakes: {code: (message, wrong_result)} results of known wrong formulas, matched first
        (code: see `nncheck.mistakes`).
    rtol, atol: what counts as equal (default: the "backward" tolerance).
    A correct `got` gives None.
    """
    try:
        s = as_float_array(got, name)
    except Mistake as err:
        return Diagnosis(err.mistake_code, err.message)
    dtype = np.asarray(got).dtype if isinstance(got, np.ndarray | np.generic) else None
    r = np.asarray(expected, dtype=np.float64)
    rtol, atol = resolve_tolerance("backward", rtol, atol)
    mask = None if zero_mask is None else np.broadcast_to(np.asarray(zero_mask, bool), r.shape)
    ctx = _Context(
        name=name,
        rtol=rtol,
        atol=atol,
        dtype=dtype,
        batch_size=batch_size,
        n_features=n_features,
        zero_mask=mask,
        inputs=_float_dict(inputs),
        mistakes=_float_mistakes(mistakes),
    )
    if s.shape == r.shape and np.allclose(s, r, rtol=ctx.rtol, atol=ctx.atol, equal_nan=True):
        return None
    checks = _VALUE_CHECKS if s.shape == r.shape else _SHAPE_CHECKS
    for check in checks:
        message = check(s, r, ctx)
        if message is not None:
            return message
    return None
