"""Activation functions, forward and backward, following PyTorch's conventions.

Elementwise activations accept arrays of any shape; ``softmax`` works row-wise on ``(N, C)``.
Backward functions take the upstream gradient ``dA = dL/dA`` and whatever the derivative is
cheapest to compute from: the *output* ``A`` (sigmoid, tanh, softmax) or the *input* ``Z``
(ReLU, leaky ReLU). ``ACTIVATIONS`` records which one, so a model can cache the right array.
The dtype of every result follows the inputs (float32 stays float32).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

import numpy as np

from nnref._hyperparams import as_real
from nnref._validation import as_float_array, check_same_shape, checked

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "leaky_relu_backward",
    "leaky_relu_forward",
    "relu_backward",
    "relu_forward",
    "sigmoid_backward",
    "sigmoid_forward",
    "softmax",
    "softmax_backward",
    "tanh_backward",
    "tanh_forward",
]


def _grad_and_cache(
    dA: np.ndarray, cache: np.ndarray, cache_name: str, ndim: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Validate a backward call: float arrays of the same shape."""
    dA = as_float_array(dA, "dA", ndim=ndim)
    cache = as_float_array(cache, cache_name, ndim=ndim)
    check_same_shape(dA, "dA", cache, cache_name)
    return dA, cache


@checked
def sigmoid_forward(Z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid ``A = 1 / (1 + exp(-Z))``, elementwise, any shape.

    Numerically stable: with ``e = exp(-|Z|)`` (never overflows),
    ``A = 1 / (1 + e)`` where ``Z >= 0`` and ``A = e / (1 + e)`` where ``Z < 0``.

    PyTorch: ``torch.sigmoid``.
    """
    Z = as_float_array(Z, "Z")
    e = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1, e) / (1 + e)


@checked
def sigmoid_backward(dA: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Backward of the sigmoid from its *output*: ``dZ = dA * A * (1 - A)``.

    Args:
        dA: upstream gradient, same shape as ``A``.
        A: the sigmoid output ``sigmoid_forward(Z)`` (not ``Z``).

    PyTorch: autograd of ``torch.sigmoid`` (``sigmoid_backward`` also uses the output).
    """
    dA, A = _grad_and_cache(dA, A, "A")
    return dA * A * (1 - A)


@checked
def tanh_forward(Z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent ``A = tanh(Z) = (e^Z - e^-Z) / (e^Z + e^-Z)``, elementwise.

    PyTorch: ``torch.tanh``.
    """
    return np.tanh(as_float_array(Z, "Z"))


@checked
def tanh_backward(dA: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Backward of tanh from its *output*: ``dZ = dA * (1 - A**2)``.

    Args:
        dA: upstream gradient, same shape as ``A``.
        A: the output ``tanh_forward(Z)`` (not ``Z``).

    PyTorch: autograd of ``torch.tanh``.
    """
    dA, A = _grad_and_cache(dA, A, "A")
    return dA * (1 - A * A)


@checked
def relu_forward(Z: np.ndarray) -> np.ndarray:
    """Rectified linear unit ``A = max(Z, 0)``, elementwise.

    PyTorch: ``torch.relu`` (NaN propagates).
    """
    return np.maximum(as_float_array(Z, "Z"), 0)


@checked
def relu_backward(dA: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Backward of ReLU from its *input*: ``dZ = dA * [Z > 0]``.

    The derivative at ``Z == 0`` is taken as 0, as PyTorch does (``threshold_backward``).

    Args:
        dA: upstream gradient, same shape as ``Z``.
        Z: the forward input.
    """
    dA, Z = _grad_and_cache(dA, Z, "Z")
    return np.where(Z > 0, dA, 0)


@checked
def leaky_relu_forward(Z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """Leaky ReLU ``A = Z if Z > 0 else negative_slope * Z``, elementwise.

    PyTorch: ``torch.nn.functional.leaky_relu(Z, negative_slope)`` (default slope 0.01).
    """
    slope = as_real(negative_slope, "negative_slope")
    Z = as_float_array(Z, "Z")
    return np.where(Z > 0, Z, slope * Z)


@checked
def leaky_relu_backward(dA: np.ndarray, Z: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """Backward of leaky ReLU from its *input*: ``dZ = dA if Z > 0 else negative_slope * dA``.

    At ``Z == 0`` the derivative is ``negative_slope``, as in PyTorch's
    ``leaky_relu_backward`` (which tests ``Z > 0``).
    """
    slope = as_real(negative_slope, "negative_slope")
    dA, Z = _grad_and_cache(dA, Z, "Z")
    return np.where(Z > 0, dA, slope * dA)


@checked
def softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits ``Z: (N, C)`` -> probabilities ``(N, C)``.

    ``A[n, c] = exp(Z[n, c] - m_n) / sum_k exp(Z[n, k] - m_n)`` with ``m_n = max_k Z[n, k]``:
    subtracting the row maximum leaves the result unchanged and keeps ``exp`` from overflowing,
    so logits of +-1e4 give finite probabilities.

    PyTorch: ``torch.softmax(Z, dim=1)``.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@checked
def softmax_backward(dA: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Backward of the row-wise softmax from its *output* ``A: (N, C)``.

    The Jacobian of row n is ``diag(a) - a a^T``, so without forming it
    ``dZ = A * (dA - sum_c(dA * A, axis=1, keepdims=True))``, shape ``(N, C)``.

    PyTorch: autograd of ``torch.softmax(Z, dim=1)``. (With cross-entropy, prefer
    ``cross_entropy_loss``, whose combined gradient is ``(softmax(Z) - Y) / N``.)
    """
    dA, A = _grad_and_cache(dA, A, "A", ndim=2)
    return A * (dA - np.sum(dA * A, axis=1, keepdims=True))


class Activation(NamedTuple):
    """Registry entry: unpacks as ``forward, backward, backward_uses = ACTIVATIONS[name]``.

    ``backward(dA, cache)`` expects ``cache`` = the forward *input* Z when ``backward_uses`` is
    ``"input"`` and the forward *output* A when it is ``"output"``.
    """

    forward: Callable[[np.ndarray], np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray], np.ndarray]
    backward_uses: Literal["input", "output"]


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(relu_forward, relu_backward, "input"),
    "leaky_relu": Activation(leaky_relu_forward, leaky_relu_backward, "input"),
    "sigmoid": Activation(sigmoid_forward, sigmoid_backward, "output"),
    "tanh": Activation(tanh_forward, tanh_backward, "output"),
    "softmax": Activation(softmax, softmax_backward, "output"),
}
"""Activations by name (leaky ReLU with its default slope 0.01); softmax expects ``(N, C)``."""
