"""Weight initialisers with ``torch.nn.init``'s formulas.

Weights have shape ``(fan_in, fan_out)``: ``W: (D, M)`` maps ``D`` inputs to ``M`` outputs, as in
``Z = X @ W + b``. PyTorch's ``nn.Linear.weight`` is ``(out, in) = (M, D)``, so torch's
``fan_in`` is that tensor's dim 1; the torch twin of an ``nnref`` weight is ``W.T``, and
``torch.nn.init.kaiming_normal_(torch.empty(M, D))`` draws from the same distribution as
``he_normal(D, M)``.

Formulas (``fan_in = D``, ``fan_out = M``):

=================  ===========================================================================
xavier_uniform     ``U(-a, a)``, ``a = gain * sqrt(6 / (fan_in + fan_out))``
xavier_normal      ``N(0, std^2)``, ``std = gain * sqrt(2 / (fan_in + fan_out))``
he_uniform         ``U(-a, a)``, ``a = gain * sqrt(3 / fan_in)``, ``gain = sqrt(2 / (1 + s^2))``
he_normal          ``N(0, std^2)``, ``std = gain / sqrt(fan_in)``, ``gain = sqrt(2 / (1 + s^2))``
=================  ===========================================================================

``s`` is the leaky-ReLU negative slope (0 for ReLU, giving ``gain = sqrt(2)``): torch's
``kaiming_*_(w, a=s, mode="fan_in", nonlinearity="leaky_relu")``. The ``kaiming_*`` and
``glorot_*`` names are aliases. ``INITIALIZERS`` maps a name to ``f(fan_in, fan_out, rng)``
returning a ``(fan_in, fan_out)`` weight matrix.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence

import numpy as np

from nnref._hyperparams import as_positive_int, as_real
from nnref._validation import as_rng, checked, prefixed

__all__ = [
    "INITIALIZERS",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "kaiming_normal",
    "kaiming_uniform",
    "normal",
    "xavier_normal",
    "xavier_uniform",
    "zeros",
]

Rng = np.random.Generator | int | None
WeightInitializer = Callable[[int, int, Rng], np.ndarray]
"""Registry signature: ``f(fan_in, fan_out, rng) -> (fan_in, fan_out)`` float64 array."""


def _as_shape(shape: int | Sequence[int]) -> tuple[int, ...]:
    """``3 -> (3,)``; a sequence of non-negative ints -> tuple. Raises TypeError/ValueError."""
    try:
        dims = (operator.index(shape),) if not isinstance(shape, Sequence) else shape
        dims = tuple(operator.index(d) for d in dims)
    except TypeError:
        raise TypeError(
            prefixed(f"shape must be an int or a sequence of ints; got {shape!r}")
        ) from None
    if any(d < 0 for d in dims):
        raise ValueError(prefixed(f"shape must have non-negative sizes; got {dims}"))
    return dims


def _fans(fan_in: int, fan_out: int, func: str | None = None) -> tuple[int, int]:
    """Both fans as positive ints; ``func`` names the initialiser outside a checked call."""
    return (
        as_positive_int(fan_in, "fan_in", func=func),
        as_positive_int(fan_out, "fan_out", func=func),
    )


def _leaky_relu_gain(negative_slope: float) -> float:
    """``torch.nn.init.calculate_gain("leaky_relu", s) = sqrt(2 / (1 + s^2))``."""
    slope = as_real(negative_slope, "negative_slope")
    return math.sqrt(2.0 / (1.0 + slope**2))


def _uniform(shape: tuple[int, ...], bound: float, rng: Rng) -> np.ndarray:
    return as_rng(rng).uniform(-bound, bound, size=shape)


def _gaussian(shape: tuple[int, ...], std: float, rng: Rng) -> np.ndarray:
    return as_rng(rng).normal(0.0, std, size=shape)


@checked
def zeros(shape: int | Sequence[int]) -> np.ndarray:
    """All-zero float64 array of the given shape (biases; zero weights show symmetry breaking)."""
    return np.zeros(_as_shape(shape))


@checked
def normal(shape: int | Sequence[int], std: float = 0.01, rng: Rng = None) -> np.ndarray:
    """Samples of ``N(0, std^2)`` with the given shape (CS231n's ``std * randn``).

    Args:
        shape: int or tuple, e.g. ``(fan_in, fan_out)``.
        std: standard deviation, ``>= 0``.
        rng: ``np.random.Generator`` (advanced in place), int seed, or ``None`` (OS entropy).
    """
    return _gaussian(_as_shape(shape), as_real(std, "std", low=0.0), rng)


@checked
def xavier_uniform(fan_in: int, fan_out: int, gain: float = 1.0, rng: Rng = None) -> np.ndarray:
    """Glorot/Xavier uniform weights ``W: (fan_in, fan_out)`` as ``torch.nn.init.xavier_uniform_``.

    ``W ~ U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``, so
    ``Var(W) = gain^2 * 2 / (fan_in + fan_out)``.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = as_real(gain, "gain", low=0.0)
    return _uniform((fan_in, fan_out), gain * math.sqrt(6.0 / (fan_in + fan_out)), rng)


@checked
def xavier_normal(fan_in: int, fan_out: int, gain: float = 1.0, rng: Rng = None) -> np.ndarray:
    """Glorot/Xavier normal weights ``W: (fan_in, fan_out)`` as ``torch.nn.init.xavier_normal_``.

    ``W ~ N(0, std^2)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = as_real(gain, "gain", low=0.0)
    return _gaussian((fan_in, fan_out), gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


@checked
def he_uniform(
    fan_in: int, fan_out: int, negative_slope: float = 0.0, rng: Rng = None
) -> np.ndarray:
    """He/Kaiming uniform weights ``W: (fan_in, fan_out)`` for (leaky) ReLU layers.

    ``W ~ U(-a, a)`` with ``a = gain * sqrt(3 / fan_in)`` and ``gain = sqrt(2 / (1 + s^2))``
    (``s = negative_slope``), so ``Var(W) = gain^2 / fan_in``. Same as
    ``torch.nn.init.kaiming_uniform_(w, a=s, mode="fan_in", nonlinearity="leaky_relu")``.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = _leaky_relu_gain(negative_slope)
    return _uniform((fan_in, fan_out), gain * math.sqrt(3.0 / fan_in), rng)


@checked
def he_normal(
    fan_in: int, fan_out: int, negative_slope: float = 0.0, rng: Rng = None
) -> np.ndarray:
    """He/Kaiming normal weights ``W: (fan_in, fan_out)`` for (leaky) ReLU layers.

    ``W ~ N(0, std^2)`` with ``std = gain / sqrt(fan_in)`` and ``gain = sqrt(2 / (1 + s^2))``
    (``s = negative_slope``; ReLU: ``std = sqrt(2 / fan_in)``). Same as
    ``torch.nn.init.kaiming_normal_(w, a=s, mode="fan_in", nonlinearity="leaky_relu")``.
    """
    fan_in, fan_out = _fans(fan_in, fan_out)
    gain = _leaky_relu_gain(negative_slope)
    return _gaussian((fan_in, fan_out), gain / math.sqrt(fan_in), rng)


kaiming_uniform = he_uniform
kaiming_normal = he_normal
glorot_uniform = xavier_uniform
glorot_normal = xavier_normal


def _by_fans(init: Callable[..., np.ndarray]) -> WeightInitializer:
    """Adapt ``init(fan_in, fan_out, <hyper-parameter>, rng)`` to ``f(fan_in, fan_out, rng)``."""

    def initializer(fan_in: int, fan_out: int, rng: Rng = None) -> np.ndarray:
        return init(fan_in, fan_out, rng=rng)

    initializer.__name__ = initializer.__qualname__ = init.__name__
    initializer.__doc__ = init.__doc__
    return initializer


INITIALIZERS: dict[str, WeightInitializer] = {
    "zeros": lambda fan_in, fan_out, rng=None: zeros(_fans(fan_in, fan_out, "zeros")),
    "normal": lambda fan_in, fan_out, rng=None: normal(_fans(fan_in, fan_out, "normal"), rng=rng),
    **{
        name: _by_fans(init)
        for name, init in {
            "xavier_uniform": xavier_uniform,
            "xavier_normal": xavier_normal,
            "glorot_uniform": glorot_uniform,
            "glorot_normal": glorot_normal,
            "he_uniform": he_uniform,
            "he_normal": he_normal,
            "kaiming_uniform": kaiming_uniform,
            "kaiming_normal": kaiming_normal,
        }.items()
    },
}
"""Weight initialisers by name: ``INITIALIZERS["he_normal"](fan_in, fan_out, rng)``."""
