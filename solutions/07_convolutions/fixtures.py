"""Fixtures of the public tests of 07_convolutions: seeded inputs, answers, known mistakes.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.

Keys `*_wrong_<mistake>` hold the result of one known wrong formula, so a public test can name
the mistake: the kernel flipped (a true convolution instead of PyTorch's cross-correlation), dW
with its filter and channel axes swapped, the padding left on dX, the stride ignored in the
backward pass, db not summed over the batch and both spatial axes, the max-pool gradient sent to
every tied maximum or spread over the window.
"""

from __future__ import annotations

import numpy as np

import nnref

SEED = 7
CONV_CASES = {  # name: (X shape, W shape, stride, padding)
    "conv_a": ((2, 3, 5, 6), (4, 3, 3, 2), 1, 0),
    "conv_b": ((1, 2, 7, 5), (3, 2, 3, 3), 2, 1),
}
CNN = {"N": 5, "F": 3, "C": 10}


def _pad(X: np.ndarray, padding: int) -> np.ndarray:
    """X (N, C, H, W) with `padding` zeros on each side of both spatial axes."""
    return np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def _backward_stride_ignored(
    dout: np.ndarray, X: np.ndarray, W: np.ndarray, padding: int
) -> tuple[np.ndarray, np.ndarray]:
    """(dX, dW) of a backward pass that reads window (i, j) at (i, j) instead of
    (i * stride, j * stride): the stride forgotten in the backward pass."""
    Xp = _pad(X, padding)
    dXp, dW = np.zeros_like(Xp), np.zeros_like(W)
    KH, KW = W.shape[2:]
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            g = dout[:, :, i, j]
            dW += np.tensordot(g, Xp[:, :, i : i + KH, j : j + KW], axes=([0], [0]))
            dXp[:, :, i : i + KH, j : j + KW] += np.tensordot(g, W, axes=([1], [0]))
    H, Wd = X.shape[2:]
    return dXp[:, :, padding : padding + H, padding : padding + Wd], dW


def _conv(rng: np.random.Generator, name: str) -> dict[str, np.ndarray]:
    """One convolution: inputs, output, upstream gradient, gradients and the wrong variants."""
    x_shape, w_shape, stride, padding = CONV_CASES[name]
    X, W, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    out = nnref.conv2d_forward(X, W, b, stride, padding)
    dout = rng.normal(size=out.shape)
    dX, dW, db = nnref.conv2d_backward(dout, X, W, stride, padding)
    flipped = W[:, :, ::-1, ::-1]
    dX_flip, dW_flip, _ = nnref.conv2d_backward(dout, X, flipped, stride, padding)
    fx = {
        "X": X,
        "W": W,
        "b": b,
        "stride": np.array(stride),
        "padding": np.array(padding),
        "out": out,
        "out_wrong_flipped": nnref.conv2d_forward(X, flipped, b, stride, padding),
        "out_wrong_no_bias": out - b[None, :, None, None],
        "dout": dout,
        "dX": dX,
        "dW": dW,
        "db": db,
        "dX_wrong_flipped": dX_flip,
        "dW_wrong_flipped": dW_flip[:, :, ::-1, ::-1],
        "dW_wrong_channels": dW.transpose(1, 0, 2, 3),
        "db_wrong_mean": dout.mean(axis=(0, 2, 3)),
        "db_wrong_batch_only": dout.sum(axis=0),
    }
    if padding:
        fx["dX_wrong_padded"] = nnref.conv2d_backward(dout, _pad(X, padding), W, stride, 0)[0]
    if stride > 1:
        fx["dX_wrong_stride_ignored"], fx["dW_wrong_stride_ignored"] = _backward_stride_ignored(
            dout, X, W, padding
        )
    return {f"{name}_{k}": v for k, v in fx.items()}


def _pool_wrong(X: np.ndarray, dout: np.ndarray, how: str) -> np.ndarray:
    """dX of 2x2 / stride 2 max pooling sent to every tied maximum ("every_tie"), to the last
    one ("last_tie"), or spread evenly over the window as average pooling does ("spread")."""
    dX = np.zeros_like(X)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            window = X[:, :, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            if how == "last_tie":
                flat = is_max.reshape(*is_max.shape[:2], 4)
                last = 3 - flat[..., ::-1].argmax(axis=2)
                is_max = (np.arange(4) == last[..., None]).reshape(is_max.shape)
            share = np.full(window.shape, 0.25) if how == "spread" else is_max
            block = (slice(None), slice(None), slice(2 * i, 2 * i + 2), slice(2 * j, 2 * j + 2))
            dX[block] += share * dout[:, :, i : i + 1, j : j + 1]
    return dX


def _pool(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """2x2 max pooling with stride 2 of X (2, 2, 5, 7) holding small integers (many ties; the
    last row and column are dropped), and of X_free (2, 3, 4, 6) without ties."""
    X = rng.integers(-2, 3, size=(2, 2, 5, 7)).astype(float)
    X_free = rng.normal(size=(2, 3, 4, 6))
    out = nnref.maxpool2d_forward(X)
    dout = rng.normal(size=out.shape)
    windows = X[:, :, :4, :6].reshape(2, 2, 2, 2, 3, 2)
    return {
        "pool_X": X,
        "pool_out": out,
        "pool_out_wrong_average": windows.mean(axis=(3, 5)),
        "pool_dout": dout,
        "pool_dX": nnref.maxpool2d_backward(dout, X),
        "pool_dX_wrong_every_tie": _pool_wrong(X, dout, "every_tie"),
        "pool_dX_wrong_last_tie": _pool_wrong(X, dout, "last_tie"),
        "pool_dX_wrong_spread": _pool_wrong(X, dout, "spread"),
        "pool_free_X": X_free,
        "pool_free_out": nnref.maxpool2d_forward(X_free),
    }


def _im2col(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """im2col of X (2, 3, 5, 4) with a 3x2 kernel, stride 2 and padding 1."""
    X = rng.normal(size=(2, 3, 5, 4))
    cols = nnref.im2col(X, 3, 2, 2, 1)
    channels_last = cols.reshape(-1, 3, 3, 2).transpose(0, 2, 3, 1).reshape(cols.shape)
    return {
        "im2col_X": X,
        "im2col_cols": cols,
        "im2col_cols_wrong_channels_last": channels_last,
    }


def _cnn(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """The CNN of Part 5 (conv 3x3 padding 1 -> ReLU -> 2x2 max pool -> dense) on 5 random
    8x8 images with F = 3 filters: parameters, labels, loss and gradients."""
    N, F, C = CNN["N"], CNN["F"], CNN["C"]
    params = {
        "W1": rng.normal(0.0, 0.5, size=(F, 1, 3, 3)),
        "b1": rng.normal(0.0, 0.1, size=F),
        "W2": rng.normal(0.0, 0.3, size=(F * 16, C)),
        "b2": rng.normal(0.0, 0.1, size=C),
    }
    X, y = rng.normal(size=(N, 1, 8, 8)), rng.integers(0, C, size=N)
    Z1 = nnref.conv2d_forward(X, params["W1"], params["b1"], 1, 1)
    A1 = nnref.relu_forward(Z1)
    P1 = nnref.maxpool2d_forward(A1)
    H = P1.reshape(N, -1)
    logits = nnref.dense_forward(H, params["W2"], params["b2"])
    loss, dlogits = nnref.cross_entropy_loss(logits, y)
    dH, dW2, db2 = nnref.dense_backward(dlogits, H, params["W2"])
    dZ1 = nnref.relu_backward(nnref.maxpool2d_backward(dH.reshape(P1.shape), A1), Z1)
    _, dW1, db1 = nnref.conv2d_backward(dZ1, X, params["W1"], 1, 1)
    fx = {f"cnn_{k}": v for k, v in params.items()}
    grads = {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    return (
        fx
        | {f"cnn_d{k}": v for k, v in grads.items()}
        | {
            "cnn_X": X,
            "cnn_y": y,
            "cnn_logits": logits,
            "cnn_loss": np.array(loss),
        }
    )


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {
        **_conv(rng, "conv_a"),
        **_conv(rng, "conv_b"),
        **_pool(rng),
        **_im2col(rng),
        **_cnn(rng),
    }
