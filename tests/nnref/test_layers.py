"""nnref.layers: dense forward/backward against torch.nn.functional.linear (float64 autograd)."""

import re

import numpy as np
import pytest
import torch.nn.functional as F

from nnref import dense_backward, dense_forward

# (N, D, M), with N != D != M where possible so a transposed result cannot have the right shape.
DENSE_SHAPES = [(1, 3, 2), (1, 1, 1), (5, 4, 3), (32, 7, 10)]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("N", "D", "M"), DENSE_SHAPES)
def test_dense_matches_torch(N, D, M, seed, random_input, torch_autograd, assert_rel_close):
    X = random_input((N, D), seed)
    W = random_input((D, M), seed + 1, zeros=False)
    b = random_input((M,), seed + 2, zeros=False)
    # nn.Linear stores weight as (M, D) = W.T
    Z_ref, dZ, (dX_ref, dW_ref, db_ref) = torch_autograd(
        lambda x, w, bias: F.linear(x, w.T, bias), X, W, b, seed=seed
    )

    assert_rel_close(dense_forward(X, W, b), Z_ref, "Z")
    dX, dW, db = dense_backward(dZ, X, W)
    assert_rel_close(dX, dX_ref, "dX")
    assert_rel_close(dW, dW_ref, "dW")
    assert_rel_close(db, db_ref, "db")


def test_dense_accepts_lists_and_ints():
    Z = dense_forward([[1, 2]], [[1, 0, 2], [0, 1, 3]], [1, 1, 1])
    assert Z.dtype == np.float64
    np.testing.assert_array_equal(Z, [[2.0, 3.0, 9.0]])


def test_dense_float32_and_inputs_unchanged(random_input, check_float32_and_unchanged):
    X, W, b, dZ = (random_input(s, i) for i, s in enumerate([(5, 4), (4, 3), (3,), (5, 3)]))
    check_float32_and_unchanged(dense_forward, X, W, b)
    check_float32_and_unchanged(dense_backward, dZ, X, W)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: dense_forward(np.ones((5, 3)), np.ones((4, 2)), np.ones(2)),
            ValueError,
            "dense_forward: W must have shape (D, M) = (3, M) to match X (N, D) = (5, 3); "
            "got (4, 2)",
        ),
        (
            lambda: dense_forward(np.ones((5, 3)), np.ones((3, 2)), np.ones((1, 2))),
            ValueError,
            "dense_forward: b must be a 1-D array; got a 2-D array with shape (1, 2)",
        ),
        (
            lambda: dense_forward(np.ones((5, 3)), np.ones((3, 2)), np.ones(3)),
            ValueError,
            "dense_forward: b must have shape (M,) = (2,) to match W (D, M) = (3, 2); got (3,)",
        ),
        (
            lambda: dense_forward(np.ones(3), np.ones((3, 2)), np.ones(2)),
            ValueError,
            "dense_forward: X must be a 2-D array; got a 1-D array with shape (3,)",
        ),
        (
            lambda: dense_backward(np.ones((2, 5)), np.ones((5, 3)), np.ones((3, 2))),
            ValueError,
            "dense_backward: dZ must have shape (N, M) = (5, 2) to match X @ W (N, M) = (5, 2); "
            "got (2, 5)",
        ),
        (
            lambda: dense_backward(np.ones((5, 2)), np.ones((5, 3)), np.ones((2, 3))),
            ValueError,
            "dense_backward: W must have shape (D, M) = (3, M)",
        ),
        (
            lambda: dense_forward(np.ones((5, 3), dtype=complex), np.ones((3, 2)), np.ones(2)),
            TypeError,
            "dense_forward: X must have a real numeric dtype (float32, float64 or integer); "
            "got dtype complex128",
        ),
        (
            lambda: dense_forward(np.ones((5, 3)), None, np.ones(2)),
            TypeError,
            "dense_forward: W must be an array of real numbers; got None",
        ),
    ],
)
def test_dense_bad_input_messages(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
