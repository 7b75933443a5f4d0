"""2-D convolution and max pooling, forward and backward, as PyTorch defines them.

Shapes are PyTorch's: images ``X: (N, C, H, W)`` (batch, channels, height, width), filters
``W: (F, C, KH, KW)``, bias ``b: (F,)``. A convolution here is a *cross-correlation* (the kernel
is not flipped) with zero padding, exactly ``torch.nn.functional.conv2d``; the output size per
spatial axis is ``(H + 2 * padding - KH) // stride + 1``. Max pooling is
``torch.nn.functional.max_pool2d`` without padding; when several entries of a window tie for
the maximum, the gradient goes to the first of them in row-major order (as PyTorch's CPU kernel
does: it keeps the first maximum it meets and moves on only for a strictly larger value), and
overlapping windows add their gradients.

Everything works on strided views (``sliding_window_view``), so there is no Python loop over
the batch or the output positions: only the backward passes loop over the ``KH * KW`` kernel
offsets.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnref._validation import as_float_array, check_shape, checked, prefixed

__all__ = [
    "conv2d_backward",
    "conv2d_forward",
    "conv2d_forward_fast",
    "conv_output_size",
    "im2col",
    "maxpool2d_backward",
    "maxpool2d_forward",
]


def _check_hyper(value: object, name: str, minimum: int) -> int:
    """``value`` as an int >= ``minimum`` (stride >= 1, padding >= 0, kernel >= 1)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(prefixed(f"{name} must be an int; got {type(value).__name__}"))
    if value < minimum:
        raise ValueError(prefixed(f"{name} must be at least {minimum}; got {value}"))
    return int(value)


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output length along one spatial axis: ``(size + 2 * padding - kernel) // stride + 1``.

    Raises:
        ValueError: the kernel does not fit in the padded input (the output would be empty).
    """
    padded = size + 2 * padding
    if kernel > padded:
        raise ValueError(
            prefixed(f"the kernel ({kernel}) is larger than the padded input ({padded})")
        )
    return (padded - kernel) // stride + 1


def _images(X: object, name: str = "X") -> np.ndarray:
    """``X`` as a float array of shape ``(N, C, H, W)``."""
    return as_float_array(X, name, ndim=4)


def _windows(X: np.ndarray, KH: int, KW: int, stride: int, padding: int) -> np.ndarray:
    """Read-only view ``(N, C, OH, OW, KH, KW)`` of every (zero-padded) window of ``X``."""
    conv_output_size(X.shape[2], KH, stride, padding)
    conv_output_size(X.shape[3], KW, stride, padding)
    if padding:
        X = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return sliding_window_view(X, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]


def _conv_params(
    X: object, W: object, stride: int, padding: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Validate ``X: (N, C, H, W)``, ``W: (F, C, KH, KW)``, stride >= 1 and padding >= 0."""
    X = _images(X)
    W = as_float_array(W, "W", ndim=4)
    check_shape(
        W,
        "W",
        (None, X.shape[1], None, None),
        symbols=("F", "C", "KH", "KW"),
        match=("X", ("N", "C", "H", "W"), X.shape),
    )
    return X, W, _check_hyper(stride, "stride", 1), _check_hyper(padding, "padding", 0)


def _check_bias(b: object, W: np.ndarray) -> np.ndarray:
    """``b`` as a float array of shape ``(F,)`` for filters ``W: (F, C, KH, KW)``."""
    b = as_float_array(b, "b", ndim=1)
    check_shape(b, "b", (W.shape[0],), symbols=("F",), match=("W", ("F", "C", "KH", "KW"), W.shape))
    return b


def _upstream(dout: object, shape: tuple[int, ...], symbols: tuple[str, ...]) -> np.ndarray:
    """``dout`` as a float array of the forward output's ``shape`` (4-D, named by ``symbols``)."""
    dout = as_float_array(dout, "dout", ndim=4)
    check_shape(dout, "dout", shape, symbols=symbols, match=("the forward output", symbols, shape))
    return dout


@checked
def conv2d_forward(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """2-D cross-correlation of a batch of images with a bank of filters, plus a bias.

    Args:
        X: images, ``(N, C, H, W)``.
        W: filters, ``(F, C, KH, KW)``.
        b: bias, ``(F,)``, one per filter.
        stride: step between windows, the same along both axes (>= 1).
        padding: zeros added on every side of both spatial axes (>= 0).

    Returns:
        out: ``(N, F, OH, OW)`` with ``OH = (H + 2 * padding - KH) // stride + 1`` (``OW``
        alike) and ``out[n, f, i, j] = b[f] + sum_{c, p, q} Xpad[n, c, i * stride + p,
        j * stride + q] * W[f, c, p, q]``.

    PyTorch: ``torch.nn.functional.conv2d(X, W, b, stride=stride, padding=padding)``.
    """
    X, W, stride, padding = _conv_params(X, W, stride, padding)
    b = _check_bias(b, W)
    windows = _windows(X, W.shape[2], W.shape[3], stride, padding)
    out = np.tensordot(windows, W, axes=([1, 4, 5], [1, 2, 3]))  # (N, OH, OW, F)
    return (out + b).transpose(0, 3, 1, 2)


@checked
def conv2d_backward(
    dout: np.ndarray, X: np.ndarray, W: np.ndarray, stride: int = 1, padding: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a scalar loss through ``out = conv2d_forward(X, W, b, stride, padding)``.

    Args:
        dout: upstream gradient ``dL/dout``, ``(N, F, OH, OW)``.
        X: the forward input, ``(N, C, H, W)``.
        W: the forward filters, ``(F, C, KH, KW)``.
        stride, padding: as in the forward pass.

    Returns:
        ``(dX, dW, db)``: ``dX (N, C, H, W)`` (each window's share ``sum_f dout * W`` added
        back where the window was read, the padding cut off), ``dW (F, C, KH, KW)``
        (``sum_{n, i, j} dout[n, f, i, j] * window[n, :, i, j]``), ``db (F,)`` (``dout``
        summed over the batch and both spatial axes).
    """
    X, W, stride, padding = _conv_params(X, W, stride, padding)
    F, _, KH, KW = W.shape
    windows = _windows(X, KH, KW, stride, padding)
    N, _, OH, OW = windows.shape[:4]
    dout = _upstream(dout, (N, F, OH, OW), ("N", "F", "OH", "OW"))
    db = dout.sum(axis=(0, 2, 3))
    dW = np.tensordot(dout, windows, axes=([0, 2, 3], [0, 2, 3]))  # (F, C, KH, KW)
    dwindows = np.tensordot(dout, W, axes=([1], [0]))  # (N, OH, OW, C, KH, KW)
    dXpad = np.zeros(
        (N, X.shape[1], X.shape[2] + 2 * padding, X.shape[3] + 2 * padding),
        dtype=np.result_type(dout, W),
    )
    for p in range(KH):
        for q in range(KW):
            rows = slice(p, p + stride * (OH - 1) + 1, stride)
            cols = slice(q, q + stride * (OW - 1) + 1, stride)
            dXpad[:, :, rows, cols] += dwindows[..., p, q].transpose(0, 3, 1, 2)
    dX = dXpad[:, :, padding : padding + X.shape[2], padding : padding + X.shape[3]]
    return np.ascontiguousarray(dX), dW, db


@checked
def im2col(X: np.ndarray, KH: int, KW: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Every window a convolution reads, one per row (image to columns).

    Args:
        X: images, ``(N, C, H, W)``.
        KH, KW: kernel height and width.
        stride, padding: as in :func:`conv2d_forward`.

    Returns:
        cols: ``(N * OH * OW, C * KH * KW)``; row ``n * OH * OW + i * OW + j`` is the window
        at output position ``(i, j)`` of image ``n``, flattened in ``(c, p, q)`` order (the
        order of ``W[f].ravel()``), so ``cols @ W.reshape(F, -1).T`` is the convolution.

    PyTorch: ``F.unfold(X, (KH, KW), stride=stride, padding=padding).transpose(1, 2)``
    reshaped to ``(-1, C * KH * KW)``.
    """
    X = _images(X)
    KH, KW = _check_hyper(KH, "KH", 1), _check_hyper(KW, "KW", 1)
    stride, padding = _check_hyper(stride, "stride", 1), _check_hyper(padding, "padding", 0)
    windows = _windows(X, KH, KW, stride, padding)  # (N, C, OH, OW, KH, KW)
    N, C, OH, OW = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * KH * KW)


@checked
def conv2d_forward_fast(
    X: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """:func:`conv2d_forward` as one matrix product: ``im2col(X) @ W.reshape(F, -1).T + b``.

    Same arguments, same result ``(N, F, OH, OW)``.
    """
    X, W, stride, padding = _conv_params(X, W, stride, padding)
    b = _check_bias(b, W)
    F, _, KH, KW = W.shape
    OH = conv_output_size(X.shape[2], KH, stride, padding)
    OW = conv_output_size(X.shape[3], KW, stride, padding)
    cols = im2col(X, KH, KW, stride, padding)
    out = cols @ W.reshape(F, -1).T + b  # (N * OH * OW, F)
    return out.reshape(X.shape[0], OH, OW, F).transpose(0, 3, 1, 2)


def _pool_windows(X: object, kernel: int, stride: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """``X (N, C, H, W)``, its pooling windows ``(N, C, OH, OW, k, k)``, kernel and stride."""
    X = _images(X)
    kernel, stride = _check_hyper(kernel, "kernel", 1), _check_hyper(stride, "stride", 1)
    return X, _windows(X, kernel, kernel, stride, 0), kernel, stride


@checked
def maxpool2d_forward(X: np.ndarray, kernel: int = 2, stride: int = 2) -> np.ndarray:
    """Max pooling over square ``kernel x kernel`` windows taken every ``stride`` pixels.

    Args:
        X: ``(N, C, H, W)``.
        kernel: window size (>= 1). stride: step between windows (>= 1).

    Returns:
        ``(N, C, OH, OW)``, ``OH = (H - kernel) // stride + 1``; rows or columns left over at
        the bottom and right edge are dropped.

    PyTorch: ``torch.nn.functional.max_pool2d(X, kernel, stride)``.
    """
    _, windows, _, _ = _pool_windows(X, kernel, stride)
    return windows.max(axis=(4, 5))


@checked
def maxpool2d_backward(
    dout: np.ndarray, X: np.ndarray, kernel: int = 2, stride: int = 2
) -> np.ndarray:
    """Gradient of a scalar loss with respect to the input of :func:`maxpool2d_forward`.

    Args:
        dout: upstream gradient, ``(N, C, OH, OW)``.
        X: the forward input, ``(N, C, H, W)``.
        kernel, stride: as in the forward pass.

    Returns:
        dX: ``(N, C, H, W)``. Each window's gradient goes to its maximum, to the first one in
        row-major order when several tie (as PyTorch); where windows overlap the gradients
        add; entries that are never a window's maximum get 0.
    """
    X, windows, kernel, stride = _pool_windows(X, kernel, stride)
    N, C, OH, OW = windows.shape[:4]
    dout = _upstream(dout, (N, C, OH, OW), ("N", "C", "OH", "OW"))
    first_max = windows.reshape(N, C, OH, OW, kernel * kernel).argmax(axis=4)
    dX = np.zeros(X.shape, dtype=np.result_type(dout, X))
    for p in range(kernel):
        for q in range(kernel):
            rows = slice(p, p + stride * (OH - 1) + 1, stride)
            cols = slice(q, q + stride * (OW - 1) + 1, stride)
            dX[:, :, rows, cols] += np.where(first_max == p * kernel + q, dout, 0.0)
    return dX
