"""Plausible wrong implementations of the graded functions of 07_convolutions.

Each mutant must lose points, and only on the question that grades its function (QUESTIONS);
`mistake` is a substring the feedback must contain (the phrase the tests use to name that
mistake), or None when any failure will do. EQUIVALENTS are right answers written another way
(a convolution built on strided windows, a textbook loop over everything, ...): full marks.
"""

from tests.mutants.catalogue import Mutant


def _fill(template: str, parts: dict[str, str]) -> str:
    """`template` with every placeholder (a key of `parts`) replaced by its code."""
    for key, value in parts.items():
        template = template.replace(key, value)
    return template


_CONV = """
def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, KH, KW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    out = np.empty((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = Xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            out[:, :, i, j] = np.tensordot(window, KERNEL, axes=([1, 2, 3], [1, 2, 3])) + BIAS
    return out
"""


def _conv(kernel: str = "W", bias: str = "b") -> str:
    """conv2d_forward with the kernel and bias expressions replaced."""
    return _CONV.replace("KERNEL", kernel).replace("BIAS", bias)


_BACKWARD = """
def conv2d_backward(dout, X, W, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, KH, KW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding))).astype(float)
    dXp = np.zeros_like(Xp)
    dW = np.zeros(W.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(ROW, ROW + KH)
            cols = slice(COL, COL + KW)
            g = dout[:, :, i, j]
            dW += np.tensordot(g, Xp[:, :, rows, cols], axes=([0], [0]))
            dXp[:, :, rows, cols] += np.tensordot(g, KERNEL, axes=([1], [0]))
    db = DB
    dX = DX
    return dX, RETURN_DW, db
"""


def _backward(**changes: str) -> str:
    """conv2d_backward with some of its placeholders changed (the right answer by default)."""
    parts = {
        "ROW": "i * stride",
        "COL": "j * stride",
        "KERNEL": "W",
        "DB": "dout.sum(axis=(0, 2, 3))",
        "DX": "dXp[:, :, padding : padding + H, padding : padding + Wd]",
        "RETURN_DW": "dW",
    }
    return _fill(_BACKWARD, parts | changes)


_POOL_FORWARD = """
def maxpool2d_forward(X, kernel=2, stride=2):
    N, C, H, Wd = X.shape
    OH, OW = SIZE
    out = START((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = X[:, :, i * stride : i * stride + kernel, j * stride : j * stride + kernel]
            out[:, :, i, j] = window.REDUCE(axis=(2, 3))
    return out
"""


def _pool_forward(
    size: str = "(H - kernel) // stride + 1, (Wd - kernel) // stride + 1",
    start: str = "np.empty",
    reduce: str = "max",
) -> str:
    """maxpool2d_forward with the output size, the initial array and the reduction changed."""
    return _POOL_FORWARD.replace("SIZE", size).replace("START", start).replace("REDUCE", reduce)


_POOL_BACKWARD = """
def maxpool2d_backward(dout, X, kernel=2, stride=2):
    N, C = X.shape[:2]
    dX = np.zeros(X.shape)
    for i in range(dout.shape[2]):
        for j in range(dout.shape[3]):
            rows = slice(i * STEP, i * STEP + kernel)
            cols = slice(j * STEP, j * STEP + kernel)
            window = X[:, :, rows, cols].reshape(N, C, kernel * kernel)
            chosen = CHOSEN
            share = chosen * dout[:, :, i, j][:, :, None]
            dX[:, :, rows, cols] ADD share.reshape(N, C, kernel, kernel)
    return dX
"""
_FIRST_MAX = "np.arange(kernel * kernel) == np.argmax(window, axis=2)[:, :, None]"


def _pool_backward(chosen: str = _FIRST_MAX, step: str = "stride", add: str = "+=") -> str:
    """maxpool2d_backward with the chosen entries of each window, the step and the update."""
    return _POOL_BACKWARD.replace("CHOSEN", chosen).replace("STEP", step).replace("ADD", add)


_IM2COL = """
def im2col(X, KH, KW, stride=1, padding=0):
    N, C, H, Wd = X.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    cols = np.empty((N, OH, OW, C, KH, KW))
    for p in range(KH):
        for q in range(KW):
            block = Xp[:, :, p : p + STEP * OH : STEP, q : q + STEP * OW : STEP]
            cols[..., p, q] = block.transpose(0, 2, 3, 1)
    return RESULT
"""


def _im2col(result: str = "cols.reshape(N * OH * OW, C * KH * KW)", step: str = "stride") -> str:
    return _IM2COL.replace("RESULT", result).replace("STEP", step)


_CNN = """
def cnn_loss_and_grads(params, X, y):
    Z1 = conv2d_forward(X, params["W1"], params["b1"], stride=1, padding=1)
    A1 = np.maximum(Z1, 0.0)
    P1 = maxpool2d_forward(A1, 2, 2)
    H = P1.reshape(len(X), -1)
    logits = H @ params["W2"] + params["b2"]
    loss, dlogits = softmax_cross_entropy(logits, y)
    grads = {"W2": GRAD_W2, "b2": GRAD_B2}
    dP1 = (dlogits @ params["W2"].T).reshape(P1.shape)
    dZ1 = maxpool2d_backward(dP1, POOL_INPUT, 2, 2) * RELU_MASK
    _, grads["W1"], grads["b1"] = conv2d_backward(dZ1, X, params["W1"], stride=1, padding=1)
    return loss, grads
"""


def _cnn(**changes: str) -> str:
    """cnn_loss_and_grads with some of its placeholders changed (the right answer by default)."""
    parts = {
        "GRAD_W2": "H.T @ dlogits",
        "GRAD_B2": "dlogits.sum(axis=0)",
        "POOL_INPUT": "A1",
        "RELU_MASK": "(Z1 > 0)",
    }
    return _fill(_CNN, parts | changes)


_TWIN = """
def torch_cnn(params):
    import torch
    F, C = params["W1"].shape[0], params["W2"].shape[1]
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, F, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(16 * F, C)EXTRA
    ).double()
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor(params["W1"]))
        model[0].bias.copy_(torch.tensor(BIAS1))
        model[4].weight.copy_(torch.tensor(params["W2"]).T)
        model[4].bias.copy_(torch.tensor(params["b2"]))
    return model
"""


def _twin(extra: str = "", bias1: str = 'params["b1"]') -> str:
    return _TWIN.replace("EXTRA", extra).replace("BIAS1", bias1)


_TRAIN = """
def train_cnn(X, y, F=8, epochs=5, lr=0.2, batch_size=32, seed=0):
    rng = np.random.default_rng(seed)
    params = init_cnn(F, int(y.max()) + 1, seed)
    losses = []
    for epoch in range(epochs):
        order = ORDER
        batch_losses = []
        for start in range(0, len(X)STOP, batch_size):
            idx = order[start : start + batch_size]
            loss, grads = cnn_loss_and_grads(params, X[idx], y[idx])
            for key in params:
                params[key] = params[key] - lr * grads[key]
            batch_losses.append(loss)
        losses.append(EPOCH_LOSS)
    return params, losses
"""


def _train(**changes: str) -> str:
    """train_cnn with some of its placeholders changed (the right answer by default)."""
    parts = {
        "ORDER": "rng.permutation(len(X))",
        "STOP": "",
        "EPOCH_LOSS": "float(np.mean(batch_losses))",
    }
    return _fill(_TRAIN, parts | changes)


MUTANTS = [
    # --------------------------------------------------------------------- conv2d_forward
    Mutant("conv2d_forward", "kernel_flipped", _conv(kernel="W[:, :, ::-1, ::-1]"), "flipped"),
    Mutant("conv2d_forward", "no_bias", _conv(bias="0.0"), "bias b[f] is missing"),
    Mutant(
        "conv2d_forward",
        "output_size_off_by_one",
        _CONV.replace("// stride + 1", "// stride").replace("KERNEL", "W").replace("BIAS", "b"),
        "OH = (H + 2 * padding - KH) // stride + 1",
    ),
    Mutant(
        "conv2d_forward",
        "stride_ignored",
        _conv()
        .replace("i * stride : i * stride + KH", "i : i + KH")
        .replace("j * stride : j * stride + KW", "j : j + KW"),
        "i * stride",
    ),
    Mutant(
        "conv2d_forward",
        "padding_ignored",
        _conv().replace(
            "Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))", "Xp = X"
        ),
    ),
    Mutant(
        "conv2d_forward",
        "integer_output",
        _conv().replace(
            "out = np.empty((N, F, OH, OW))", "out = np.zeros((N, F, OH, OW), X.dtype)"
        ),
        "float arrays even when X holds integers",
    ),
    # -------------------------------------------------------------------- conv2d_backward
    Mutant("conv2d_backward", "kernel_flipped", _backward(KERNEL="W[:, :, ::-1, ::-1]"), "flipped"),
    Mutant(
        "conv2d_backward",
        "dW_channels_swapped",
        _backward(RETURN_DW="dW.transpose(1, 0, 2, 3)"),
        "filter and channel axes swapped",
    ),
    Mutant(
        "conv2d_backward", "padding_not_removed", _backward(DX="dXp"), "padding was not removed"
    ),
    Mutant(
        "conv2d_backward",
        "stride_ignored",
        _backward(ROW="i", COL="j"),
        "stride is ignored in the backward pass",
    ),
    Mutant(
        "conv2d_backward",
        "db_batch_only",
        _backward(DB="dout.sum(axis=0)"),
        "summed over the batch only",
    ),
    Mutant(
        "conv2d_backward", "db_mean", _backward(DB="dout.mean(axis=(0, 2, 3))"), "db is averaged"
    ),
    Mutant(
        "conv2d_backward",
        "dX_not_accumulated",
        _backward().replace("dXp[:, :, rows, cols] +=", "dXp[:, :, rows, cols] ="),
    ),
    # ------------------------------------------------------------------ maxpool2d_forward
    Mutant(
        "maxpool2d_forward", "average_pool", _pool_forward(reduce="mean"), "averaged the window"
    ),
    Mutant(
        "maxpool2d_forward",
        "stride_is_kernel",
        _pool_forward().replace("// stride", "// kernel").replace("* stride", "* kernel"),
        "windows start every `stride` pixels",
    ),
    Mutant(
        "maxpool2d_forward",
        "max_from_zero",
        _pool_forward(start="np.zeros").replace(
            "window.max(axis=(2, 3))", "np.maximum(out[:, :, i, j], window.max(axis=(2, 3)))"
        ),
        "do not start from 0",
    ),
    Mutant(
        "maxpool2d_forward",
        "ceil_mode",
        _pool_forward(size="-(-(H - kernel) // stride) + 1, -(-(Wd - kernel) // stride) + 1"),
        "the last row is not read",
    ),
    # ----------------------------------------------------------------- maxpool2d_backward
    Mutant(
        "maxpool2d_backward",
        "every_tie",
        _pool_backward("window == window.max(axis=2, keepdims=True)"),
        "every tied maximum",
    ),
    Mutant(
        "maxpool2d_backward",
        "last_tie",
        _pool_backward(
            "np.arange(kernel * kernel) == (kernel * kernel - 1 - "
            "np.argmax(window[:, :, ::-1], axis=2))[:, :, None]"
        ),
        "last tied maximum",
    ),
    Mutant(
        "maxpool2d_backward",
        "spread_evenly",
        _pool_backward("np.full(window.shape, 1.0 / (kernel * kernel))"),
        "spread evenly",
    ),
    Mutant("maxpool2d_backward", "overlaps_overwritten", _pool_backward(add="="), "add up"),
    Mutant("maxpool2d_backward", "stride_is_kernel", _pool_backward(step="kernel")),
    # ----------------------------------------------------------------- numerical_gradient
    Mutant(
        "numerical_gradient",
        "forward_difference",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f(x)
    for idx in np.ndindex(*x.shape):
        original = x[idx]
        x[idx] = original + h
        grad[idx] = (f(x) - base) / h
        x[idx] = original
    return grad
""",
        "one-sided",
    ),
    Mutant(
        "numerical_gradient",
        "h_ignored",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        original = x[idx]
        x[idx] = original + 1e-6
        f_plus = f(x)
        x[idx] = original - 1e-6
        f_minus = f(x)
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / 2e-6
    return grad
""",
        "h is ignored",
    ),
    Mutant(
        "numerical_gradient",
        "perturbs_a_copy",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        shifted = x.copy()
        shifted[idx] += h
        f_plus = f(shifted)
        shifted[idx] -= 2 * h
        grad[idx] = (f_plus - f(shifted)) / (2 * h)
    return grad
""",
        "perturb x itself",
    ),
    Mutant(
        "numerical_gradient",
        "not_restored",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(*x.shape):
        original = x[idx]
        x[idx] = original + h
        f_plus = f(x)
        x[idx] = original - h
        grad[idx] = (f_plus - f(x)) / (2 * h)
    return grad
""",
        "original value back",
    ),
    # ----------------------------------------------------------------------------- im2col
    Mutant(
        "im2col",
        "channels_last",
        _im2col("cols.transpose(0, 1, 2, 4, 5, 3).reshape(N * OH * OW, C * KH * KW)"),
        "channel last",
    ),
    Mutant(
        "im2col", "transposed", _im2col("cols.reshape(N * OH * OW, C * KH * KW).T"), "transposed"
    ),
    Mutant("im2col", "stride_ignored", _im2col(step="1")),
    # ---------------------------------------------------------------- conv2d_forward_fast
    Mutant(
        "conv2d_forward_fast",
        "plain_reshape",
        """
def conv2d_forward_fast(X, W, b, stride=1, padding=0):
    N, _, H, Wd = X.shape
    F, _, KH, KW = W.shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    out = im2col(X, KH, KW, stride, padding) @ W.reshape(F, -1).T + b
    return out.reshape(N, F, OH, OW)
""",
        "a plain reshape",
    ),
    Mutant(
        "conv2d_forward_fast",
        "no_bias",
        """
def conv2d_forward_fast(X, W, b, stride=1, padding=0):
    N, _, H, Wd = X.shape
    F, _, KH, KW = W.shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    out = im2col(X, KH, KW, stride, padding) @ W.reshape(F, -1).T
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)
""",
        "bias b[f] is missing",
    ),
    Mutant(
        "conv2d_forward_fast",
        "kernel_flipped",
        """
def conv2d_forward_fast(X, W, b, stride=1, padding=0):
    N, _, H, Wd = X.shape
    F, _, KH, KW = W.shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    flat = W[:, :, ::-1, ::-1].reshape(F, -1)
    out = im2col(X, KH, KW, stride, padding) @ flat.T + b
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)
""",
        "flipped",
    ),
    # ----------------------------------------------------------------- cnn_loss_and_grads
    Mutant("cnn_loss_and_grads", "relu_backward_missing", _cnn(RELU_MASK="1.0")),
    Mutant("cnn_loss_and_grads", "dW2_transposed", _cnn(GRAD_W2="dlogits.T @ H"), "transposed"),
    Mutant("cnn_loss_and_grads", "db2_averaged", _cnn(GRAD_B2="dlogits.mean(axis=0)")),
    # ----------------------------------------------------------------------- torch_cnn
    Mutant(
        "torch_cnn",
        "softmax_at_the_end",
        _twin(extra=", torch.nn.Softmax(dim=1)"),
        "applies a softmax",
    ),
    Mutant("torch_cnn", "bias_not_copied", _twin(bias1='np.zeros_like(params["b1"])')),
    Mutant(
        "torch_cnn",
        "float32",
        _twin().replace(").double()", ").float()"),
    ),
    # ----------------------------------------------------------------------- train_cnn
    Mutant("train_cnn", "no_shuffle", _train(ORDER="np.arange(len(X))"), "rng.permutation"),
    Mutant("train_cnn", "last_batch_loss", _train(EPOCH_LOSS="float(loss)")),
    Mutant("train_cnn", "last_batch_dropped", _train(STOP=" - batch_size + 1")),
    Mutant("train_cnn", "one_epoch", _train().replace("range(epochs)", "range(1)")),
]

EQUIVALENTS = [
    Mutant(
        "conv2d_forward",
        "im2col_based",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    F, C, KH, KW = W.shape
    pad = ((0, 0), (0, 0), (padding, padding), (padding, padding))
    Xp = np.pad(np.asarray(X, dtype=float), pad)
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    N, _, OH, OW = windows.shape[:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * KH * KW)
    out = cols @ W.reshape(F, -1).T + b
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)
""",
    ),
    Mutant(
        "conv2d_forward",
        "textbook_loops",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, KH, KW = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (Wd + 2 * padding - KW) // stride + 1
    out = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    r, c = i * stride, j * stride
                    out[n, f, i, j] = np.sum(Xp[n, :, r : r + KH, c : c + KW] * W[f]) + b[f]
    return out
""",
    ),
    Mutant(
        "conv2d_backward",
        "einsum_windows",
        """
def conv2d_backward(dout, X, W, stride=1, padding=0):
    F, C, KH, KW = W.shape
    pad = ((0, 0), (0, 0), (padding, padding), (padding, padding))
    Xp = np.pad(np.asarray(X, dtype=float), pad)
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    OH, OW = dout.shape[2:]
    dW = np.einsum("nfij,ncijpq->fcpq", dout, windows)
    dXp = np.zeros_like(Xp)
    for p in range(KH):
        for q in range(KW):
            part = np.einsum("nfij,fc->ncij", dout, W[:, :, p, q])
            dXp[:, :, p : p + stride * OH : stride, q : q + stride * OW : stride] += part
    H, Wd = X.shape[2:]
    return dXp[:, :, padding : padding + H, padding : padding + Wd], dW, dout.sum(axis=(0, 2, 3))
""",
    ),
    Mutant(
        "maxpool2d_backward",
        "unravel_index",
        """
def maxpool2d_backward(dout, X, kernel=2, stride=2):
    dX = np.zeros(X.shape)
    N, C, OH, OW = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(OH):
                for j in range(OW):
                    r, s = i * stride, j * stride
                    window = X[n, c, r : r + kernel, s : s + kernel]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, r + p, s + q] += dout[n, c, i, j]
    return dX
""",
    ),
    Mutant(
        "im2col",
        "sliding_window_view",
        """
def im2col(X, KH, KW, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = np.lib.stride_tricks.sliding_window_view(Xp, (KH, KW), axis=(2, 3))
    windows = windows[:, :, ::stride, ::stride]
    N, C, OH, OW = windows.shape[:4]
    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * KH * KW)
""",
    ),
]

QUESTIONS = {
    "conv2d_forward": "q_conv_forward",
    "conv2d_backward": "q_conv_backward",
    "maxpool2d_forward": "q_maxpool_forward",
    "maxpool2d_backward": "q_maxpool_backward",
    "numerical_gradient": "q_numerical_gradient",
    "im2col": "q_im2col",
    "conv2d_forward_fast": "q_conv_fast",
    "cnn_loss_and_grads": "q_cnn",
    "torch_cnn": "q_cnn_torch",
    "train_cnn": "q_cnn_train",
}
