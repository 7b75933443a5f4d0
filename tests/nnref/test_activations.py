"""nnref.activations against torch float64 autograd, with exact zeros in every input."""

import functools
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref import (
    ACTIVATIONS,
    leaky_relu_backward,
    leaky_relu_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax,
    softmax_backward,
    tanh_backward,
    tanh_forward,
)
from nnref.activations import Activation

# name -> (nnref activation, equivalent torch op)
CASES = {
    **{
        name: (ACTIVATIONS[name], op)
        for name, op in [
            ("relu", torch.relu),
            ("leaky_relu", F.leaky_relu),
            ("sigmoid", torch.sigmoid),
            ("tanh", torch.tanh),
            ("softmax", functools.partial(torch.softmax, dim=1)),
        ]
    },
    "leaky_relu_0.2": (
        Activation(
            functools.partial(leaky_relu_forward, negative_slope=0.2),
            functools.partial(leaky_relu_backward, negative_slope=0.2),
            "input",
        ),
        functools.partial(F.leaky_relu, negative_slope=0.2),
    ),
}
SHAPES_2D = [(1, 1), (1, 6), (7, 3), (16, 10)]
SHAPES_OTHER = [(5,), (2, 3, 4)]  # elementwise activations accept any shape
PARAMS = [
    (name, shape)
    for name in CASES
    for shape in SHAPES_2D + ([] if name == "softmax" else SHAPES_OTHER)
]


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize(("name", "shape"), PARAMS)
def test_activation_matches_torch(
    name, shape, seed, random_input, torch_autograd, assert_rel_close
):
    (forward, backward, backward_uses), op = CASES[name]
    Z = 3 * random_input(shape, seed)  # includes exact zeros
    A_ref, dA, (dZ_ref,) = torch_autograd(op, Z, seed=seed)

    assert_rel_close(forward(Z), A_ref, f"{name} forward")
    # Output-based backwards get torch's own output: near |A| = 1, 1 - A**2 would amplify a
    # last-bit difference between np.tanh and torch.tanh far beyond 1e-10.
    cache = Z if backward_uses == "input" else A_ref
    assert_rel_close(backward(dA, cache), dZ_ref, f"{name} backward")


def test_registry_contract():
    assert set(ACTIVATIONS) == {"relu", "leaky_relu", "sigmoid", "tanh", "softmax"}
    forward, backward, backward_uses = ACTIVATIONS["relu"]
    assert (forward, backward, backward_uses) == (relu_forward, relu_backward, "input")
    assert ACTIVATIONS["sigmoid"].backward_uses == "output"
    assert ACTIVATIONS["tanh"] == (tanh_forward, tanh_backward, "output")
    assert ACTIVATIONS["softmax"] == (softmax, softmax_backward, "output")


def test_derivative_at_zero_follows_pytorch():
    Z = np.array([-1.0, 0.0, 2.0])
    dA = np.array([10.0, 10.0, 10.0])
    np.testing.assert_array_equal(relu_backward(dA, Z), [0.0, 0.0, 10.0])
    np.testing.assert_array_equal(leaky_relu_backward(dA, Z, 0.1), [1.0, 1.0, 10.0])
    np.testing.assert_array_equal(leaky_relu_forward(Z, 0.1), [-0.1, 0.0, 2.0])


def test_sigmoid_stable_for_large_inputs(torch_autograd, assert_rel_close):
    Z = np.array([[-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        A = sigmoid_forward(Z)
    A_ref, dA, (dZ_ref,) = torch_autograd(torch.sigmoid, Z)
    assert np.all(np.isfinite(A))
    assert_rel_close(A, A_ref, "sigmoid")
    assert_rel_close(sigmoid_backward(dA, A), dZ_ref, "sigmoid backward")


@pytest.mark.parametrize("scale", [1e3, 1e4])
def test_softmax_stable_for_huge_logits(scale, torch_autograd, assert_rel_close):
    rng = np.random.default_rng(0)
    Z = scale * rng.choice([-1.0, 1.0], size=(6, 4)) + rng.standard_normal((6, 4))
    Z[0] = scale  # a tie of huge logits
    A_ref, dA, (dZ_ref,) = torch_autograd(functools.partial(torch.softmax, dim=1), Z)
    A = softmax(Z)
    assert np.all(np.isfinite(A))
    np.testing.assert_allclose(A.sum(axis=1), 1.0, rtol=1e-15)
    assert_rel_close(A, A_ref, "softmax")
    assert_rel_close(softmax_backward(dA, A), dZ_ref, "softmax backward")


@pytest.mark.parametrize("name", list(CASES))
def test_float32_and_inputs_unchanged(name, random_input, check_float32_and_unchanged):
    (forward, backward, _), _ = CASES[name]
    Z, dA = random_input((5, 3), 0), random_input((5, 3), 1)
    check_float32_and_unchanged(forward, Z)
    check_float32_and_unchanged(backward, dA, forward(Z))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: relu_backward(np.ones((2, 3)), np.ones((3, 2))),
            ValueError,
            "relu_backward: dA must have the same shape as Z (3, 2); got (2, 3)",
        ),
        (
            lambda: sigmoid_backward(np.ones(4), np.ones(5)),
            ValueError,
            "sigmoid_backward: dA must have the same shape as A (5,); got (4,)",
        ),
        (
            lambda: softmax(np.ones(4)),
            ValueError,
            "softmax: Z must be a 2-D array; got a 1-D array with shape (4,)",
        ),
        (
            lambda: softmax_backward(np.ones((2, 3, 1)), np.ones((2, 3, 1))),
            ValueError,
            "softmax_backward: dA must be a 2-D array; got a 3-D array with shape (2, 3, 1)",
        ),
        (
            lambda: leaky_relu_forward(np.ones(3), negative_slope="0.1"),
            TypeError,
            "leaky_relu_forward: negative_slope must be a real number; got str",
        ),
        (
            lambda: tanh_forward(np.array(["a", "b"])),
            TypeError,
            "tanh_forward: Z must have a real numeric dtype (float32, float64 or integer); "
            "got dtype <U1",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
