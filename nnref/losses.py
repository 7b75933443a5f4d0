"""Loss functions returning ``(loss, gradient)``, each equal to its PyTorch counterpart with
``reduction="mean"``.

``loss`` is a Python ``float``; the gradient is ``dL/d(first argument)`` with that argument's shape.
Its dtype follows NumPy promotion of the inputs: float32 when the arrays are float32.
"""

from __future__ import annotations

import numpy as np

from nnref._validation import (
    as_float_array,
    as_label_array,
    check_same_shape,
    check_shape,
    checked,
    format_shape,
    prefixed,
)
from nnref.activations import sigmoid_forward

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy_loss",
    "log_softmax",
    "mse_loss",
]

_BCE_LOG_FLOOR = -100.0
"""torch ``BCELoss`` clamps ``log(p)`` and ``log(1 - p)`` at -100: p = 0 or 1 stays finite."""

_BCE_GRAD_EPS = float(np.float32(1e-12))
"""torch's BCE backward divides by ``max(p (1 - p), EPSILON)`` with EPSILON the C++ float
``1e-12`` (9.99999996e-13 once widened), so p = 0 or 1 gives the same finite gradient."""


def _prediction_and_target(
    pred: np.ndarray, pred_name: str, target: np.ndarray, target_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """Validate an elementwise loss's arguments: float arrays of the same shape."""
    pred = as_float_array(pred, pred_name)
    target = as_float_array(target, target_name)
    check_same_shape(target, target_name, pred, pred_name)
    return pred, target


@checked
def mse_loss(Y_hat: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over *all* elements, like ``torch.nn.MSELoss()``.

    Args:
        Y_hat: predictions, any shape, e.g. ``(N, M)``.
        Y: targets, same shape.

    Returns:
        ``loss = mean((Y_hat - Y)**2)`` (divided by ``Y_hat.size = N * M``, not by N and
        without a factor 1/2), and ``dY_hat = 2 (Y_hat - Y) / Y_hat.size``.
    """
    Y_hat, Y = _prediction_and_target(Y_hat, "Y_hat", Y, "Y")
    diff = Y_hat - Y
    return float(np.mean(diff * diff)), (2 / diff.size) * diff


@checked
def log_softmax(Z: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax of logits ``Z: (N, C)``, stable for large logits.

    ``log_softmax(Z)[n, c] = Z[n, c] - m_n - log(sum_k exp(Z[n, k] - m_n))`` with
    ``m_n = max_k Z[n, k]`` (log-sum-exp trick): finite for logits of +-1e4.

    PyTorch: ``torch.log_softmax(Z, dim=1)``.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def _cross_entropy_target(y: np.ndarray, Z: np.ndarray) -> np.ndarray:
    """Validate ``y``: int labels ``(N,)`` in ``[0, C)``, or float targets ``(N, C)``."""
    N, C = Z.shape
    if np.ndim(y) == 1:
        y = as_label_array(y, "y", n_classes=C)
        check_shape(y, "y", (N,), symbols=("N",), match=("Z", ("N", "C"), Z.shape))
        return y
    if np.ndim(y) == 2:
        y = as_float_array(y, "y")
        check_shape(y, "y", (N, C), symbols=("N", "C"), match=("Z", ("N", "C"), Z.shape))
        return y
    raise ValueError(
        prefixed(
            f"y must be integer labels (N,) = ({N},) or one-hot/probabilities (N, C) = "
            f"({N}, {C}); got shape {format_shape(np.shape(y))}"
        )
    )


@checked
def cross_entropy_loss(Z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Softmax cross-entropy from logits, averaged over the batch, like ``nn.CrossEntropyLoss()``.

    Args:
        Z: logits ``(N, C)`` (not probabilities: softmax is applied here).
        y: either integer class labels ``(N,)`` with values in ``[0, C)``, or targets
            ``Y: (N, C)``: one-hot rows or class probabilities (torch's "probabilities" target).

    Returns:
        ``(loss, dZ)`` with ``P = softmax(Z)`` and

        - labels: ``loss = -(1/N) sum_n log P[n, y_n]``, ``dZ = (P - onehot(y)) / N``;
        - targets Y: ``loss = -(1/N) sum_{n,c} Y[n, c] log P[n, c]``,
          ``dZ = (P * sum_c Y[n, c] - Y) / N``, which is ``(P - Y) / N`` when rows of Y sum to 1.

    Computed through ``log_softmax`` (log-sum-exp), so logits of +-1e4 give finite results.
    """
    Z = as_float_array(Z, "Z", ndim=2)
    y = _cross_entropy_target(y, Z)
    N = Z.shape[0]
    log_p = log_softmax(Z)
    P = np.exp(log_p)
    if y.ndim == 1:
        rows = np.arange(N)
        loss = -np.sum(log_p[rows, y]) / N
        dZ = P  # P is a fresh array: safe to update in place
        dZ[rows, y] -= 1
    else:
        loss = -np.sum(y * log_p) / N
        dZ = P * np.sum(y, axis=1, keepdims=True) - y
    dZ /= N
    return float(loss), dZ


@checked
def binary_cross_entropy(P: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Binary cross-entropy on probabilities, like ``torch.nn.BCELoss()``.

    Args:
        P: predicted probabilities in ``[0, 1]``, any shape, e.g. ``(N,)`` or ``(N, 1)``.
        Y: targets in ``[0, 1]``, same shape.

    Returns:
        ``loss = -mean(Y * max(log P, -100) + (1 - Y) * max(log(1 - P), -100))`` (the clamp at
        -100 is torch's, so P = 0 or 1 gives a finite loss) and, as in torch's backward,
        ``dP = (P - Y) / max(P (1 - P), 1e-12) / P.size`` (1e-12 rounded to float32, as in torch).

    Raises:
        ValueError: a value of ``P`` outside ``[0, 1]`` (pass logits to
        ``binary_cross_entropy_with_logits`` instead).
    """
    P, Y = _prediction_and_target(P, "P", Y, "Y")
    if P.size and not (np.all(P >= 0) and np.all(P <= 1)):
        raise ValueError(
            prefixed(
                f"P must hold probabilities in [0, 1]; got values in [{np.min(P)}, {np.max(P)}] "
                "(for logits use binary_cross_entropy_with_logits)"
            )
        )
    with np.errstate(divide="ignore"):  # log(0) = -inf is clamped just below
        log_p = np.maximum(np.log(P), _BCE_LOG_FLOOR)
        log_1mp = np.maximum(np.log1p(-P), _BCE_LOG_FLOOR)
    loss = -np.mean(Y * log_p + (1 - Y) * log_1mp)
    dP = (P - Y) / np.maximum(P * (1 - P), _BCE_GRAD_EPS) / P.size
    return float(loss), dP


@checked
def binary_cross_entropy_with_logits(Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Sigmoid + binary cross-entropy from logits, like ``torch.nn.BCEWithLogitsLoss()``.

    Args:
        Z: logits, any shape, e.g. ``(N,)`` or ``(N, 1)``.
        Y: targets in ``[0, 1]``, same shape.

    Returns:
        ``loss = mean(max(Z, 0) - Z * Y + log(1 + exp(-|Z|)))``, the stable rewrite of
        ``-[Y log sigmoid(Z) + (1 - Y) log(1 - sigmoid(Z))]`` (finite for any finite Z), and
        ``dZ = (sigmoid(Z) - Y) / Z.size``.
    """
    Z, Y = _prediction_and_target(Z, "Z", Y, "Y")
    loss = np.mean(np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z))))
    return float(loss), (sigmoid_forward(Z) - Y) / Z.size
