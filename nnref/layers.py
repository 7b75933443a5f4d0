"""Fully connected (dense / affine) layer, forward and backward.

Shapes follow the kit's convention: ``X: (N, D)``, ``W: (D, M)`` (fan_in, fan_out), ``b: (M,)``.
PyTorch's ``nn.Linear`` stores ``weight`` as ``(M, D)``, so ``dense_forward(X, W, b)`` equals
``torch.nn.functional.linear(X, W.T, b)``.
"""

from __future__ import annotations

import numpy as np

from nnref._validation import as_float_array, check_shape, checked

__all__ = ["dense_backward", "dense_forward"]


def _check_dense_params(X: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``X: (N, D)`` and ``W: (D, M)``; return them as float arrays."""
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    check_shape(W, "W", (X.shape[1], None), symbols=("D", "M"), match=("X", ("N", "D"), X.shape))
    return X, W


@checked
def dense_forward(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Affine map of a batch: ``Z = X @ W + b``.

    Args:
        X: inputs, ``(N, D)``.
        W: weights, ``(D, M)``.
        b: bias, ``(M,)``, broadcast over the batch.

    Returns:
        Z: ``(N, M)``, ``Z[n, m] = sum_d X[n, d] W[d, m] + b[m]``. The dtype is the NumPy
        promotion of the inputs (float32 only if all three are float32).

    PyTorch: ``torch.nn.functional.linear(X, W.T, b)`` (``nn.Linear.weight == W.T``).
    """
    X, W = _check_dense_params(X, W)
    b = as_float_array(b, "b", ndim=1)
    check_shape(b, "b", (W.shape[1],), symbols=("M",), match=("W", ("D", "M"), W.shape))
    return X @ W + b


@checked
def dense_backward(
    dZ: np.ndarray, X: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss L through ``Z = X @ W + b``.

    Args:
        dZ: upstream gradient ``dL/dZ``, ``(N, M)``.
        X: the forward input, ``(N, D)``.
        W: the forward weights, ``(D, M)``.

    Returns:
        ``(dX, dW, db)`` with

        - ``dX = dZ @ W.T``, shape ``(N, D)``;
        - ``dW = X.T @ dZ``, shape ``(D, M)`` (summed over the batch; any 1/N averaging is
          already inside ``dZ`` when it comes from a mean loss);
        - ``db = sum_n dZ[n, :]``, shape ``(M,)``.

    PyTorch: equals autograd of ``F.linear(X, W.T, b)``, i.e. ``X.grad``, ``weight.grad.T``
    and ``bias.grad``.
    """
    X, W = _check_dense_params(X, W)
    dZ = as_float_array(dZ, "dZ", ndim=2)
    N, M = X.shape[0], W.shape[1]
    check_shape(dZ, "dZ", (N, M), symbols=("N", "M"), match=("X @ W", ("N", "M"), (N, M)))
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
