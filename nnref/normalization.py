"""Batch normalisation and layer normalisation, as PyTorch defines them.

Batch norm (``torch.nn.BatchNorm1d`` on ``(N, D)`` inputs) normalises every feature over the
batch axis 0 with the batch mean and the *biased* variance (divide by N) in training mode, and
keeps running estimates updated with the *unbiased* variance (divide by N - 1):
``running = (1 - momentum) * running + momentum * batch_statistic``. In eval mode it uses the
running estimates. Layer norm (``torch.nn.LayerNorm(D)``) normalises every example over its
feature axis 1 with the biased variance; it has no running statistics and no train/eval modes.

Both scale by ``gamma`` and shift by ``beta``, one per feature ``(D,)``; ``eps`` goes inside the
square root: ``(X - mean) / sqrt(var + eps)``.
"""

from __future__ import annotations

import numpy as np

from nnref._hyperparams import as_real
from nnref._validation import as_float_array, check_shape, checked, prefixed

__all__ = [
    "batchnorm_backward",
    "batchnorm_eval",
    "batchnorm_forward",
    "layernorm_backward",
    "layernorm_forward",
    "update_running_stats",
]


def _inputs(X: object, gamma: object, eps: float) -> tuple[np.ndarray, np.ndarray, float]:
    """``X (N, D)``, ``gamma (D,)`` as float arrays and ``eps > 0`` as a float."""
    X = as_float_array(X, "X", ndim=2)
    gamma = as_float_array(gamma, "gamma", ndim=1)
    check_shape(gamma, "gamma", (X.shape[1],), symbols=("D",), match=("X", ("N", "D"), X.shape))
    return X, gamma, as_real(eps, "eps", low=0.0, low_open=True)


def _feature_vector(value: object, name: str, X: np.ndarray) -> np.ndarray:
    arr = as_float_array(value, name, ndim=1)
    check_shape(arr, name, (X.shape[1],), symbols=("D",), match=("X", ("N", "D"), X.shape))
    return arr


def _normalised(X: np.ndarray, axis: int, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """``(xhat, inv_std)``: ``X`` standardised over ``axis`` with the biased variance."""
    centred = X - X.mean(axis=axis, keepdims=True)
    inv_std = 1.0 / np.sqrt((centred * centred).mean(axis=axis, keepdims=True) + eps)
    return centred * inv_std, inv_std


def _backward(
    dout: np.ndarray, X: np.ndarray, gamma: np.ndarray, eps: float, axis: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of ``gamma * xhat + beta`` with ``xhat`` standardised over ``axis``.

    ``dX = inv_std / n * (n * g - sum(g) - xhat * sum(g * xhat))`` with ``g = dout * gamma`` and
    the sums over ``axis`` (``n`` its length); ``dgamma``, ``dbeta`` are summed over the batch.
    """
    xhat, inv_std = _normalised(X, axis, eps)
    g = dout * gamma
    n = X.shape[axis]
    dX = (
        inv_std
        / n
        * (
            n * g
            - g.sum(axis=axis, keepdims=True)
            - xhat * (g * xhat).sum(axis=axis, keepdims=True)
        )
    )
    return dX, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def _dout(dout: object, X: np.ndarray) -> np.ndarray:
    arr = as_float_array(dout, "dout", ndim=2)
    check_shape(arr, "dout", X.shape, symbols=("N", "D"), match=("X", ("N", "D"), X.shape))
    return arr


@checked
def batchnorm_forward(
    X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Batch norm in training mode: ``gamma * (X - mean) / sqrt(var + eps) + beta``.

    Args:
        X: ``(N, D)`` batch; mean and variance per feature over axis 0, the variance biased
            (divided by N), as ``torch.nn.functional.batch_norm(..., training=True)``.
        gamma, beta: ``(D,)`` scale and shift.
        eps: added to the variance inside the square root (> 0).

    Returns:
        ``(N, D)``. A batch of one gives ``beta`` (its only example is its mean); torch refuses
        it, since no variance can be estimated from one example.
    """
    X, gamma, eps = _inputs(X, gamma, eps)
    beta = _feature_vector(beta, "beta", X)
    return gamma * _normalised(X, 0, eps)[0] + beta


@checked
def batchnorm_backward(
    dout: np.ndarray, X: np.ndarray, gamma: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`batchnorm_forward` (recomputes the batch statistics from ``X``).

    Args:
        dout: ``(N, D)`` upstream gradient. X: ``(N, D)`` the forward input.
        gamma: ``(D,)``. eps: as in the forward pass.

    Returns:
        ``(dX (N, D), dgamma (D,), dbeta (D,))``; ``dX`` includes the paths through the batch
        mean and variance, so every column of ``dX`` sums to 0 over the batch.
    """
    X, gamma, eps = _inputs(X, gamma, eps)
    return _backward(_dout(dout, X), X, gamma, eps, axis=0)


@checked
def update_running_stats(
    running_mean: np.ndarray, running_var: np.ndarray, X: np.ndarray, momentum: float = 0.1
) -> None:
    """Update batch norm's running estimates in place, as ``torch.nn.BatchNorm1d`` does.

    ``running_mean = (1 - momentum) * running_mean + momentum * X.mean(axis=0)`` and
    ``running_var = (1 - momentum) * running_var + momentum * X.var(axis=0, ddof=1)``: the
    running variance uses the *unbiased* batch variance (torch's ``momentum`` is the weight of
    the new batch, the opposite of Keras' convention).

    Args:
        running_mean, running_var: ``(D,)`` float arrays, overwritten in place.
        X: ``(N, D)`` the training batch, ``N >= 2`` (torch raises for one example too).
        momentum: weight of the batch statistics, in ``[0, 1]``.

    Returns:
        None.
    """
    X = as_float_array(X, "X", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(
            prefixed(
                f"X must hold at least 2 examples to estimate a variance; got shape {X.shape} "
                "(torch: 'Expected more than 1 value per channel when training')"
            )
        )
    m = as_real(momentum, "momentum", low=0.0, high=1.0)
    for name, running, batch in (
        ("running_mean", running_mean, X.mean(axis=0)),
        ("running_var", running_var, X.var(axis=0, ddof=1)),
    ):
        if not (isinstance(running, np.ndarray) and running.dtype.kind == "f"):
            raise TypeError(
                prefixed(
                    f"{name} must be a float ndarray (updated in place); got "
                    f"{type(running).__name__} {getattr(running, 'dtype', '')}".rstrip()
                )
            )
        check_shape(running, name, (X.shape[1],), symbols=("D",), match=("X", ("N", "D"), X.shape))
        running *= 1.0 - m
        running += m * batch


@checked
def batchnorm_eval(
    X: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    running_mean: np.ndarray,
    running_var: np.ndarray,
    eps: float = 1e-5,
) -> np.ndarray:
    """Batch norm in eval mode: ``gamma * (X - running_mean) / sqrt(running_var + eps) + beta``.

    Args:
        X: ``(N, D)``, any ``N >= 1`` (examples are normalised independently of each other).
        gamma, beta, running_mean, running_var: ``(D,)``.
        eps: as in training.

    Returns:
        ``(N, D)``, equal to ``torch.nn.functional.batch_norm(..., training=False)``.
    """
    X, gamma, eps = _inputs(X, gamma, eps)
    beta = _feature_vector(beta, "beta", X)
    mean = _feature_vector(running_mean, "running_mean", X)
    var = _feature_vector(running_var, "running_var", X)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta


@checked
def layernorm_forward(
    X: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5
) -> np.ndarray:
    """Layer norm: each row standardised over its D features (biased variance), then
    ``gamma * xhat + beta``; equal to ``torch.nn.functional.layer_norm(X, (D,), gamma, beta, eps)``.

    Args:
        X: ``(N, D)``. gamma, beta: ``(D,)``. eps: inside the square root (> 0).

    Returns:
        ``(N, D)``; the same in training and evaluation, for any batch size.
    """
    X, gamma, eps = _inputs(X, gamma, eps)
    beta = _feature_vector(beta, "beta", X)
    return gamma * _normalised(X, 1, eps)[0] + beta


@checked
def layernorm_backward(
    dout: np.ndarray, X: np.ndarray, gamma: np.ndarray, eps: float = 1e-5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of :func:`layernorm_forward`.

    Args:
        dout: ``(N, D)`` upstream gradient. X: ``(N, D)`` the forward input. gamma: ``(D,)``.

    Returns:
        ``(dX (N, D), dgamma (D,), dbeta (D,))``: ``dX`` through each row's own mean and
        variance (every row of ``dX`` sums to 0 over its features); ``dgamma`` and ``dbeta``
        summed over the batch, since every example uses the same ``gamma`` and ``beta``.
    """
    X, gamma, eps = _inputs(X, gamma, eps)
    return _backward(_dout(dout, X), X, gamma, eps, axis=1)
