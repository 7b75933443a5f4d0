"""Turn whatever a student's function returned into a plain float64 array, or explain why not.

Only `np.asarray` touches the student's object: ndarray subclasses come out as base ndarrays, so
an overridden `__eq__` or `__array_function__` cannot influence any later comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nncheck.mistakes import Mistake

_NUMERIC_KINDS = "biuf"  # bool, signed and unsigned integers, floats


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def as_float_array(value: Any, name: str) -> np.ndarray:
    """Return `value` as a new base-class float64 ndarray, with the same shape.

    Accepts NumPy arrays (and subclasses), NumPy/Python numbers and CPU tensors without grad.
    Raises `Mistake` (an AssertionError with a code) with a student-facing message for None,
    tuples, lists, strings, dicts, complex or object data: e.g. "dense_forward returned None:
    did you forget `return`?"
    """
    if value is None:
        raise Mistake(
            "returned_none", f"{name} is None: did you forget `return` at the end of the function?"
        )
    if isinstance(value, tuple):
        raise Mistake(
            "returned_tuple",
            f"{name} is a tuple of {tuple.__len__(value)} item(s), but a single array was "
            "expected: return the array itself (or unpack the tuple, e.g. `loss, grad = ...`).",
        )
    if isinstance(value, list):
        raise Mistake(
            "returned_list",
            f"{name} is a Python list, but a NumPy array was expected: compute it with NumPy "
            "operations (or wrap it with np.array(...)).",
        )
    if isinstance(value, str | bytes | dict | set):
        raise Mistake(
            "not_an_array", f"{name} should be a numeric array, got a {_type_name(value)}."
        )
    try:
        array = np.asarray(value)
    except Exception as err:  # noqa: BLE001 - any failure of a foreign object becomes feedback
        raise Mistake(
            "not_an_array",
            f"{name} (a {_type_name(value)}) could not be turned into a NumPy array: {err}",
        ) from None
    if array.dtype.kind == "c":
        raise Mistake("not_an_array", f"{name} has complex values; real numbers were expected.")
    if array.dtype.kind not in _NUMERIC_KINDS:
        raise Mistake(
            "not_an_array",
            f"{name} should be a numeric array, got a {_type_name(value)} "
            f"(NumPy sees dtype {array.dtype}).",
        )
    return np.array(array, dtype=np.float64, copy=True)


def unpack_result(value: Any, names: Sequence[str], function: str) -> tuple[Any, ...]:
    """Check that `function` returned a tuple of `len(names)` items and return it.

    `names` are the documented results, e.g. ("dX", "dW", "db") for dense_backward.
    """
    expected = f"({', '.join(names)})"
    if value is None:
        raise Mistake(
            "returned_none",
            f"{function} returned None: did you forget `return {', '.join(names)}`?",
        )
    if not isinstance(value, tuple | list):
        raise Mistake(
            "wrong_number_of_results",
            f"{function} should return {len(names)} values {expected}; "
            f"it returned a single {_type_name(value)}.",
        )
    count = tuple.__len__(value) if isinstance(value, tuple) else list.__len__(value)
    if count != len(names):
        raise Mistake(
            "wrong_number_of_results",
            f"{function} should return {len(names)} values {expected}; it returned {count}.",
        )
    return tuple(value)
