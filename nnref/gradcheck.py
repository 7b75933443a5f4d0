"""Numerical gradients by central differences, and the relative error used to compare them.

Conventions (CS231n, also the spirit of ``torch.autograd.gradcheck``):

- relative error ``max_i |a_i - b_i| / max(1e-8, |a_i| + |b_i|)``: around 1e-7 or below means
  the analytic gradient is right (float64, h = 1e-5); above 1e-2 it is almost surely wrong.
  Near a kink (ReLU at 0) the numerical gradient is unreliable: keep inputs away from kinks.
- ``f`` is evaluated on ``x`` itself, perturbed *in place* one entry at a time, so closures
  that read ``x`` (e.g. ``lambda _: loss(X, W)[0]`` with ``x = W``) see the perturbation.
  Every entry is restored to its exact original value, even if ``f`` raises.
- Work in float64. A float32 ``x`` is perturbed in place as float32 (it cannot be upcast
  without breaking such closures) and a ``RuntimeWarning`` is issued: expect relative errors
  around 1e-2 even for a correct gradient. Cast to float64 first.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from nnref._validation import as_float_array, check_same_shape, checked, prefixed

__all__ = [
    "gradient_check",
    "numerical_gradient",
    "numerical_gradient_array",
    "relative_error",
]

_REL_ERROR_FLOOR = 1e-8


@checked
def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Largest elementwise relative error between two arrays of the same shape.

    ``max_i |a_i - b_i| / max(1e-8, |a_i| + |b_i|)`` (CS231n convention; the floor keeps
    entries that are both ~0 from dividing by zero). Computed in float64. Symmetric in a, b.
    Returns 0.0 for empty arrays and NaN if either array holds NaN (so a check cannot pass).
    """
    a = as_float_array(a, "a").astype(np.float64, copy=False)
    b = as_float_array(b, "b").astype(np.float64, copy=False)
    check_same_shape(b, "b", a, "a")
    if a.size == 0:
        return 0.0
    with np.errstate(invalid="ignore"):  # inf - inf gives NaN: reported, not warned
        errors = np.abs(a - b) / np.maximum(_REL_ERROR_FLOOR, np.abs(a) + np.abs(b))
    return float(np.max(errors))


def _perturbable(x: Any, h: float) -> np.ndarray:
    """Check that ``x`` is a writeable float ndarray that can be perturbed in place."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            prefixed(f"x must be a NumPy array (it is perturbed in place); got {type(x).__name__}")
        )
    if x.dtype not in (np.float32, np.float64):
        raise TypeError(prefixed(f"x must have dtype float64 (or float32); got dtype {x.dtype}"))
    if not x.flags.writeable:
        raise ValueError(prefixed("x must be writeable (it is perturbed in place)"))
    if not (isinstance(h, (int, float, np.floating)) and h > 0):
        raise ValueError(prefixed(f"h must be a positive number; got {h!r}"))
    if x.dtype == np.float32:
        warnings.warn(
            prefixed(
                "x is float32; finite differences need float64 (expect relative errors "
                "around 1e-2 even for a correct gradient). Use x.astype(np.float64)."
            ),
            RuntimeWarning,
            stacklevel=4,  # the caller of numerical_gradient(_array), past its @checked wrapper
        )
    return x


def _evaluate(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """``f(x)`` as a fresh float64 array (``f`` may return a view it later overwrites)."""
    return np.array(f(x), dtype=np.float64)


def _central_differences(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    h: float,
    contract: Callable[[np.ndarray], float],
) -> np.ndarray:
    """``grad[i] = contract(f(x + h e_i) - f(x - h e_i)) / (2h)`` for every index i of x."""
    grad = np.zeros(x.shape, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            f_plus = _evaluate(f, x)
            x[idx] = original - h
            f_minus = _evaluate(f, x)
        finally:
            x[idx] = original
        grad[idx] = contract(f_plus - f_minus) / (2 * h)
    return grad


@checked
def numerical_gradient(
    f: Callable[[np.ndarray], Any], x: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of a scalar function by central differences.

    Args:
        f: ``f(x) -> scalar`` (a float or an array of size 1).
        x: float64 ndarray of any shape, perturbed in place and restored exactly.
        h: step.

    Returns:
        ``grad`` with ``x``'s shape, float64:
        ``grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2h)``; truncation error O(h^2).
    """
    x = _perturbable(x, h)

    def scalar(delta: np.ndarray) -> float:
        if delta.size != 1:
            raise ValueError(
                prefixed(
                    f"f must return a scalar; got an array of shape {delta.shape} "
                    "(use numerical_gradient_array with an upstream gradient df)"
                )
            )
        return float(delta.reshape(()))

    return _central_differences(f, x, h, scalar)


@checked
def numerical_gradient_array(
    f: Callable[[np.ndarray], Any], x: np.ndarray, df: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Gradient of ``sum(f(x) * df)`` for an array-valued ``f``, by central differences.

    This is the vector-Jacobian product a backward function computes: with ``out = f(x)`` and
    upstream gradient ``df = dL/dout`` (same shape as ``out``),
    ``grad[i] = sum((f(x + h e_i) - f(x - h e_i)) * df) / (2h)``.

    Args:
        f: ``f(x) -> array`` of ``df``'s shape.
        x: float64 ndarray, perturbed in place and restored exactly.
        df: upstream gradient.
        h: step.

    Returns:
        ``grad`` with ``x``'s shape, float64.
    """
    x = _perturbable(x, h)
    df = as_float_array(df, "df").astype(np.float64, copy=False)

    def project(delta: np.ndarray) -> float:
        check_same_shape(df, "df", delta, "f(x)")
        return float(np.sum(delta * df))

    return _central_differences(f, x, h, project)


@checked
def gradient_check(
    f: Callable[[np.ndarray], Any],
    x: np.ndarray,
    analytic: np.ndarray,
    h: float = 1e-5,
    *,
    df: np.ndarray | None = None,
) -> float:
    """Relative error between an analytic gradient and the central-difference one.

    Args:
        f: scalar function of ``x`` or, when ``df`` is given, array-valued function.
        x: float64 ndarray (perturbed in place and restored).
        analytic: the gradient to check, ``x``'s shape.
        h: finite-difference step.
        df: upstream gradient for an array-valued ``f`` (then the reference is
            ``numerical_gradient_array(f, x, df, h)``).

    Returns:
        ``relative_error(analytic, numerical)``; below ~1e-7 the gradient is right.
    """
    analytic = as_float_array(analytic, "analytic")
    if isinstance(x, np.ndarray):
        check_same_shape(analytic, "analytic", x, "x")
    if df is None:
        numerical = numerical_gradient(f, x, h)
    else:
        numerical = numerical_gradient_array(f, x, df, h)
    return relative_error(analytic, numerical)
