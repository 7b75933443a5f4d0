"""nnref.conv: convolution, im2col and max pooling against torch.nn.functional (float64)."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref import (
    conv2d_backward,
    conv2d_forward,
    conv2d_forward_fast,
    im2col,
    maxpool2d_backward,
    maxpool2d_forward,
)

# (N, C, H, W, F, KH, KW, stride, padding): a batch of one, odd and non-square sizes, stride 2
# and 3 with rows left over, padding, non-square kernels, 1x1 kernels, channels > 1.
CONV_CASES = [
    (1, 1, 5, 5, 1, 3, 3, 1, 0),
    (2, 3, 7, 6, 4, 3, 2, 2, 1),
    (3, 2, 8, 8, 5, 1, 1, 1, 0),
    (1, 2, 5, 7, 3, 4, 3, 2, 2),
    (2, 1, 6, 5, 2, 5, 5, 3, 2),
    (2, 4, 9, 4, 3, 2, 4, 1, 1),
]


@pytest.mark.parametrize(("N", "C", "H", "W", "F_", "KH", "KW", "stride", "padding"), CONV_CASES)
def test_conv2d_matches_torch(
    N, C, H, W, F_, KH, KW, stride, padding, random_input, torch_autograd, assert_rel_close
):
    X = random_input((N, C, H, W), 1)
    Wt = random_input((F_, C, KH, KW), 2, zeros=False)
    b = random_input((F_,), 3, zeros=False)
    out_ref, dout, (dX_ref, dW_ref, db_ref) = torch_autograd(
        lambda x, w, bias: F.conv2d(x, w, bias, stride=stride, padding=padding), X, Wt, b
    )
    assert_rel_close(conv2d_forward(X, Wt, b, stride, padding), out_ref, "out")
    assert_rel_close(conv2d_forward_fast(X, Wt, b, stride, padding), out_ref, "out (fast)")
    dX, dW, db = conv2d_backward(dout, X, Wt, stride, padding)
    assert_rel_close(dX, dX_ref, "dX")
    assert_rel_close(dW, dW_ref, "dW")
    assert_rel_close(db, db_ref, "db")


@pytest.mark.parametrize(("N", "C", "H", "W", "F_", "KH", "KW", "stride", "padding"), CONV_CASES)
def test_im2col_matches_torch_unfold(
    N, C, H, W, F_, KH, KW, stride, padding, random_input, assert_rel_close
):
    X = random_input((N, C, H, W), 4)
    unfolded = F.unfold(torch.tensor(X), (KH, KW), stride=stride, padding=padding)
    expected = unfolded.transpose(1, 2).reshape(-1, C * KH * KW).numpy()
    assert_rel_close(im2col(X, KH, KW, stride, padding), expected, "cols")


# (N, C, H, W, kernel, stride): odd sizes (the last row and column dropped), overlapping windows.
POOL_CASES = [(1, 1, 4, 4, 2, 2), (2, 3, 7, 5, 2, 2), (3, 2, 6, 9, 3, 2), (1, 2, 5, 5, 3, 1)]


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize(("N", "C", "H", "W", "kernel", "stride"), POOL_CASES)
def test_maxpool2d_matches_torch(
    N, C, H, W, kernel, stride, ties, random_input, torch_autograd, assert_rel_close
):
    X = random_input((N, C, H, W), 5, zeros=False)
    if ties:  # a few values only: most windows have several maxima
        X = np.round(X)
    out_ref, dout, (dX_ref,) = torch_autograd(lambda x: F.max_pool2d(x, kernel, stride), X)
    assert_rel_close(maxpool2d_forward(X, kernel, stride), out_ref, "out")
    assert_rel_close(maxpool2d_backward(dout, X, kernel, stride), dX_ref, "dX")


def test_maxpool2d_tie_gradient_goes_to_the_first_maximum_in_row_major_order():
    X = np.zeros((1, 1, 2, 2))
    expected = np.array([[[[1.0, 0.0], [0.0, 0.0]]]])
    np.testing.assert_array_equal(maxpool2d_backward(np.ones((1, 1, 1, 1)), X), expected)
    x = torch.zeros((1, 1, 2, 2), dtype=torch.float64, requires_grad=True)
    F.max_pool2d(x, 2, 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_conv_and_pool_float32_and_inputs_unchanged(random_input, check_float32_and_unchanged):
    X, Wt, b = random_input((2, 3, 6, 5), 0), random_input((4, 3, 3, 2), 1), random_input((4,), 2)
    dout = random_input((2, 4, 3, 3), 3)
    check_float32_and_unchanged(conv2d_forward, X, Wt, b, 2, 1)
    check_float32_and_unchanged(conv2d_forward_fast, X, Wt, b, 2, 1)
    check_float32_and_unchanged(conv2d_backward, dout, X, Wt, 2, 1)
    check_float32_and_unchanged(im2col, X, 3, 2, 2, 1)
    check_float32_and_unchanged(maxpool2d_forward, X, 2, 2)
    check_float32_and_unchanged(maxpool2d_backward, random_input((2, 3, 3, 2), 4), X, 2, 2)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: conv2d_forward(np.ones((2, 3, 5, 5)), np.ones((4, 2, 3, 3)), np.ones(4)),
            ValueError,
            "conv2d_forward: W must have shape (F, C, KH, KW) = (F, 3, KH, KW) to match "
            "X (N, C, H, W) = (2, 3, 5, 5); got (4, 2, 3, 3)",
        ),
        (
            lambda: conv2d_forward(np.ones((2, 3, 5, 5)), np.ones((4, 3, 3, 3)), np.ones(3)),
            ValueError,
            "conv2d_forward: b must have shape (F,) = (4,) to match W (F, C, KH, KW) = "
            "(4, 3, 3, 3); got (3,)",
        ),
        (
            lambda: conv2d_forward(np.ones((3, 5, 5)), np.ones((4, 3, 3, 3)), np.ones(4)),
            ValueError,
            "conv2d_forward: X must be a 4-D array; got a 3-D array with shape (3, 5, 5)",
        ),
        (
            lambda: conv2d_forward_fast(np.ones((1, 1, 3, 3)), np.ones((1, 1, 5, 5)), [0.0]),
            ValueError,
            "conv2d_forward_fast: the kernel (5) is larger than the padded input (3)",
        ),
        (
            lambda: conv2d_backward(
                np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2)), 0
            ),
            ValueError,
            "conv2d_backward: stride must be at least 1; got 0",
        ),
        (
            lambda: conv2d_backward(
                np.ones((1, 1, 3, 3)), np.ones((1, 1, 3, 3)), np.ones((1, 1, 2, 2))
            ),
            ValueError,
            "conv2d_backward: dout must have shape (N, F, OH, OW) = (1, 1, 2, 2) to match the "
            "forward output (N, F, OH, OW) = (1, 1, 2, 2); got (1, 1, 3, 3)",
        ),
        (
            lambda: im2col(np.ones((1, 1, 3, 3)), 2, 2, padding=-1),
            ValueError,
            "im2col: padding must be at least 0; got -1",
        ),
        (
            lambda: maxpool2d_forward(np.ones((1, 1, 3, 3)), kernel=2.0),
            TypeError,
            "maxpool2d_forward: kernel must be an int; got float",
        ),
        (
            lambda: maxpool2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 3, 3))),
            ValueError,
            "maxpool2d_backward: dout must have shape (N, C, OH, OW) = (1, 1, 1, 1) to match "
            "the forward output (N, C, OH, OW) = (1, 1, 1, 1); got (1, 1, 2, 2)",
        ),
    ],
)
def test_conv_errors_name_the_function_and_the_problem(call, error, message):
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        call()
