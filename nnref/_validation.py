"""Input checks shared by every ``nnref`` module.

Each helper raises ``ValueError`` (wrong shape or value) or ``TypeError`` (wrong kind of
object or dtype) with a message that names the checked function, the argument, what was
expected and what was received, e.g.::

    dense_forward: W must have shape (D, M) = (3, M) to match X (N, D) = (5, 3); got (4, 2)

The function's name comes from the :func:`checked` decorator on it, so a public function states
only its checks and its math::

    @checked
    def dense_forward(X, W, b):
        X = as_float_array(X, "X", ndim=2)  # dense_forward: X must be a 2-D array; ...

Dtype rule of the kit: float32 input stays float32; every other real dtype (float16, float64,
integers, booleans) becomes float64.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

import numpy as np
from numpy.typing import DTypeLike

__all__ = [
    "as_float_array",
    "as_float_dtype",
    "as_label_array",
    "as_rng",
    "check_same_shape",
    "check_shape",
    "checked",
    "checking",
    "format_shape",
    "prefixed",
]

Dim = int | None
"""One expected dimension: an exact size, or ``None`` for any size."""

P = ParamSpec("P")
R = TypeVar("R")

_checked_name: ContextVar[str | None] = ContextVar("nnref_checked_name", default=None)
"""Name of the innermost running :func:`checked` function, ``None`` outside any."""


def checked(fn: Callable[P, R]) -> Callable[P, R]:
    """Decorator: the checks that run inside ``fn`` name it in their messages.

    The name is ``fn.__qualname__``: ``dense_forward``, ``MLP.forward``, and ``MLP`` for
    ``MLP.__init__``. A checked function called by another names its own errors.
    """
    name = fn.__qualname__.removesuffix(".__init__")

    @functools.wraps(fn)
    def named(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _checked_name.set(name)
        try:
            return fn(*args, **kwargs)
        finally:
            _checked_name.reset(token)

    return named


@contextmanager
def checking(name: str) -> Iterator[None]:
    """:func:`checked` for a block whose name is known only at run time.

    ``with checking(type(self).__name__):`` in a base class names the subclass (``SGD``).
    """
    token = _checked_name.set(name)
    try:
        yield
    finally:
        _checked_name.reset(token)


def _prefix(func: str | None) -> str:
    """``"dense_forward: "``: ``func`` if given, else the running :func:`checked` function's name;
    ``""`` for ``func=""`` or outside any checked function."""
    name = _checked_name.get() if func is None else func
    return f"{name}: " if name else ""


def prefixed(message: str, func: str | None = None) -> str:
    """``message`` after the checked function's name: ``"l2_penalty: " + message``."""
    return _prefix(func) + message


def format_shape(shape: Sequence[Any]) -> str:
    """Format a shape like NumPy prints it: ``(5,)``, ``(3, 4)``, ``()``.

    Entries may be sizes or symbols (``("N", "D")`` -> ``(N, D)``); ``None`` prints as ``?``.
    """
    items = ["?" if s is None else str(s) for s in shape]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _format_symbolic(expected: Sequence[Dim], symbols: Sequence[str]) -> str:
    """``(3, None)`` with symbols ``("D", "M")`` -> ``(3, M)``."""
    return format_shape(
        [sym if size is None else size for size, sym in zip(expected, symbols, strict=True)]
    )


def as_float_array(
    x: Any,
    name: str,
    ndim: int | tuple[int, ...] | None = None,
    *,
    func: str | None = None,
) -> np.ndarray:
    """Convert ``x`` to a real floating ndarray, checking its number of dimensions.

    Args:
        x: array-like of real numbers (ndarray, list, scalar, CPU torch tensor...).
        name: argument name used in error messages, e.g. ``"X"``.
        ndim: required number of dimensions, a tuple of allowed values, or ``None`` (any).
        func: overrides the name of the :func:`checked` function in messages.

    Returns:
        A base-class ``np.ndarray`` (subclasses are stripped) of dtype float32 if ``x`` is
        float32, float64 otherwise. No copy is made when ``x`` already qualifies, so callers
        must not write into the result.

    Raises:
        TypeError: ``x`` is ``None``, or not numeric (complex, string, object dtype).
        ValueError: wrong number of dimensions.
    """
    where = _prefix(func)
    if x is None:
        raise TypeError(f"{where}{name} must be an array of real numbers; got None")
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError) as exc:  # ragged lists and other unconvertible objects
        raise TypeError(
            f"{where}{name} must be an array of real numbers; got {type(x).__name__} "
            f"that NumPy cannot convert ({exc})"
        ) from exc
    if arr.dtype == np.float32:
        out = arr
    elif arr.dtype.kind in "biuf":
        out = arr.astype(np.float64, copy=False)
    else:
        raise TypeError(
            f"{where}{name} must have a real numeric dtype (float32, float64 or integer); "
            f"got dtype {arr.dtype}"
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if out.ndim not in allowed:
            wanted = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(
                f"{where}{name} must be a {wanted} array; got a {out.ndim}-D array "
                f"with shape {format_shape(out.shape)}"
            )
    return out


def as_float_dtype(dtype: DTypeLike, *, func: str | None = None) -> np.dtype:
    """``dtype`` as a ``np.dtype``, which must be float32 or float64 (the kit's float types).

    Raises:
        TypeError: any other dtype, e.g. ``dtype must be float32 or float64; got int64``.
    """
    dtype = np.dtype(dtype)
    if dtype not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{_prefix(func)}dtype must be float32 or float64; got {dtype}")
    return dtype


def as_label_array(
    y: Any,
    name: str,
    n_classes: int | None = None,
    *,
    func: str | None = None,
) -> np.ndarray:
    """Convert integer class labels to a 1-D int64 array, checking their range.

    Args:
        y: labels, shape ``(N,)``, integer dtype (floats and booleans are rejected, as in
            PyTorch where class indices must be ``torch.long``).
        name: argument name for error messages.
        n_classes: if given, every label must satisfy ``0 <= y[i] < n_classes``.
        func: overrides the name of the :func:`checked` function in messages.

    Returns:
        ``(N,)`` int64 array.

    Raises:
        TypeError: non-integer dtype.
        ValueError: not 1-D, or a label outside ``[0, n_classes)``.
    """
    where = _prefix(func)
    if y is None:
        raise TypeError(f"{where}{name} must be an array of integer class labels; got None")
    arr = np.asarray(y)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"{where}{name} must hold integer class labels (dtype int); got dtype {arr.dtype}"
        )
    if arr.ndim != 1:
        raise ValueError(
            f"{where}{name} must be a 1-D array of labels (N,); got a {arr.ndim}-D array "
            f"with shape {format_shape(arr.shape)}"
        )
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{where}{name} must hold labels in [0, {n_classes - 1}] for {n_classes} classes; "
            f"got values in [{arr.min()}, {arr.max()}]"
        )
    return arr.astype(np.int64, copy=False)


def check_shape(
    x: np.ndarray,
    name: str,
    expected: Sequence[Dim],
    *,
    symbols: Sequence[str] | None = None,
    match: tuple[str, Sequence[str], Sequence[int]] | None = None,
    func: str | None = None,
) -> None:
    """Raise ``ValueError`` unless ``x.shape`` matches ``expected``.

    Args:
        x: the array to check.
        name: its argument name.
        expected: expected shape; ``None`` entries accept any size.
        symbols: one letter per dimension, e.g. ``("D", "M")``, to print the shape symbolically.
        match: ``(other_name, other_symbols, other_shape)`` of the argument that fixes the
            expected sizes, to explain where they come from.
        func: overrides the name of the :func:`checked` function in messages.

    Example message (``symbols=("D", "M")``, ``match=("X", ("N", "D"), (5, 3))``)::

        dense_forward: W must have shape (D, M) = (3, M) to match X (N, D) = (5, 3); got (4, 2)
    """
    shape = tuple(x.shape)
    ok = len(shape) == len(expected) and all(
        e is None or e == s for e, s in zip(expected, shape, strict=True)
    )
    if ok:
        return
    if symbols is not None:
        wanted = f"{format_shape(symbols)} = {_format_symbolic(expected, symbols)}"
    else:
        wanted = format_shape(expected)
    because = ""
    if match is not None:
        other_name, other_symbols, other_shape = match
        because = (
            f" to match {other_name} {format_shape(other_symbols)} = "
            f"{format_shape(tuple(other_shape))}"
        )
    raise ValueError(
        f"{_prefix(func)}{name} must have shape {wanted}{because}; got {format_shape(shape)}"
    )


def check_same_shape(
    x: np.ndarray,
    name: str,
    ref: np.ndarray,
    ref_name: str,
    *,
    func: str | None = None,
) -> None:
    """Raise ``ValueError`` unless ``x`` has exactly the shape of ``ref``.

    Message: ``relu_backward: dA must have the same shape as Z (4, 3); got (3, 4)``.
    """
    if x.shape != ref.shape:
        raise ValueError(
            f"{_prefix(func)}{name} must have the same shape as {ref_name} "
            f"{format_shape(ref.shape)}; got {format_shape(x.shape)}"
        )


def as_rng(seed_or_rng: np.random.Generator | int | None) -> np.random.Generator:
    """Return a ``np.random.Generator``.

    A Generator is returned as is (so draws advance the caller's stream); an int seed or
    ``None`` (fresh OS entropy) goes through ``np.random.default_rng``.

    Raises:
        TypeError: anything else (including ``bool`` and the legacy ``np.random.RandomState``).
        ValueError: a negative seed.
    """
    if isinstance(seed_or_rng, np.random.Generator):
        return seed_or_rng
    if seed_or_rng is None:
        return np.random.default_rng()
    if isinstance(seed_or_rng, (int, np.integer)) and not isinstance(seed_or_rng, bool):
        if seed_or_rng < 0:
            raise ValueError(f"rng seed must be a non-negative integer; got {seed_or_rng}")
        return np.random.default_rng(int(seed_or_rng))
    raise TypeError(
        f"rng must be a np.random.Generator, an int seed or None; got {type(seed_or_rng).__name__}"
    )
