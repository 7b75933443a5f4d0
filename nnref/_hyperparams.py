"""Checks for scalar hyper-parameters (learning rates, probabilities, std, gains, fans).

Shared by every ``nnref`` module that takes such arguments. Messages name the checked function
(see ``nnref._validation.checked``), the argument, the allowed range and the received value, e.g.::

    Adam: betas[0] must be a real number in [0, 1); got 1.0
"""

from __future__ import annotations

import math
import numbers
import operator
from typing import Any

from nnref._validation import prefixed


def as_real(
    value: Any,
    name: str,
    *,
    func: str | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a Python float after checking it lies in the given interval.

    ``low``/``high`` of ``None`` mean unbounded; ``low_open``/``high_open`` exclude the bound.
    NaN is always rejected (it lies in no interval). ``func`` overrides the checked function's
    name in messages.

    Raises:
        TypeError: ``value`` is not a real number (``bool``, strings and arrays are rejected).
        ValueError: ``value`` is NaN or outside the interval.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(prefixed(f"{name} must be a real number; got {type(value).__name__}", func))
    number = float(value)
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if math.isnan(number) or too_low or too_high:
        left = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
        right = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
        raise ValueError(
            prefixed(f"{name} must be a real number in {left}, {right}; got {value}", func)
        )
    return number


def as_positive_int(value: Any, name: str, *, func: str | None = None) -> int:
    """Return ``value`` as a Python int after checking it is an integer >= 1.

    Raises:
        TypeError: not an integer (``bool`` and floats such as ``3.0`` are rejected).
        ValueError: zero or negative.
    """
    if isinstance(value, bool):
        raise TypeError(prefixed(f"{name} must be an int; got bool", func))
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(
            prefixed(f"{name} must be an int; got {type(value).__name__}", func)
        ) from None
    if number < 1:
        raise ValueError(prefixed(f"{name} must be a positive int; got {number}", func))
    return number
