"""nnref.losses against torch.nn.functional losses (reduction="mean", float64 autograd)."""

import functools
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy_loss,
    log_softmax,
    mse_loss,
)

SHAPES = [(1, 1), (1, 5), (8, 3), (6,)]
CLASS_SHAPES = [(1, 2), (1, 5), (8, 3), (20, 10)]  # (N, C)
SEEDS = [0, 1]


def _labels(N, C, seed):
    return np.random.default_rng(seed).integers(0, C, size=N)


def _check_loss(nn_loss, torch_loss, pred, target, torch_autograd, assert_rel_close, seed=0):
    """``nn_loss(pred, target)`` vs ``torch_loss(pred_tensor)`` (target closed over in torch)."""
    loss_ref, _, (grad_ref,) = torch_autograd(torch_loss, pred, seed=seed)
    loss, grad = nn_loss(pred, target)
    assert isinstance(loss, float)
    assert_rel_close(loss, loss_ref, "loss")
    assert_rel_close(grad, grad_ref, "gradient")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_mse_matches_torch(shape, seed, random_input, torch_autograd, assert_rel_close):
    Y_hat, Y = random_input(shape, seed), random_input(shape, seed + 10)
    torch_loss = functools.partial(F.mse_loss, target=torch.tensor(Y))
    _check_loss(mse_loss, torch_loss, Y_hat, Y, torch_autograd, assert_rel_close, seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("N", "C"), CLASS_SHAPES)
def test_cross_entropy_integer_and_one_hot_labels_match_torch(
    N, C, seed, random_input, torch_autograd, assert_rel_close
):
    Z, y = 3 * random_input((N, C), seed), _labels(N, C, seed)
    Y = np.eye(C)[y]
    torch_int = functools.partial(F.cross_entropy, target=torch.tensor(y))
    torch_one_hot = functools.partial(F.cross_entropy, target=torch.tensor(Y))
    _check_loss(cross_entropy_loss, torch_int, Z, y, torch_autograd, assert_rel_close, seed)
    _check_loss(cross_entropy_loss, torch_one_hot, Z, Y, torch_autograd, assert_rel_close, seed)


@pytest.mark.parametrize(("N", "C"), CLASS_SHAPES)
def test_cross_entropy_probability_targets_match_torch(
    N, C, random_input, torch_autograd, assert_rel_close
):
    rng = np.random.default_rng(N * C)
    Z, Y = random_input((N, C), 0), rng.dirichlet(np.ones(C), size=N)
    Y[0] *= 0.5  # torch also accepts rows that do not sum to 1: dZ = (P * sum(Y) - Y) / N
    torch_loss = functools.partial(F.cross_entropy, target=torch.tensor(Y))
    _check_loss(cross_entropy_loss, torch_loss, Z, Y, torch_autograd, assert_rel_close)


@pytest.mark.parametrize("scale", [1e3, 1e4])
@pytest.mark.parametrize("one_hot", [False, True])
def test_cross_entropy_and_log_softmax_stable_for_huge_logits(
    scale, one_hot, torch_autograd, assert_rel_close
):
    rng = np.random.default_rng(0)
    N, C = 6, 4
    Z = scale * rng.choice([-1.0, 1.0], size=(N, C)) + rng.standard_normal((N, C))
    y = _labels(N, C, 0)
    target = np.eye(C)[y] if one_hot else y
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, dZ = cross_entropy_loss(Z, target)
        log_p = log_softmax(Z)
    assert np.isfinite(loss) and np.all(np.isfinite(dZ)) and np.all(np.isfinite(log_p))
    assert_rel_close(log_p, torch.log_softmax(torch.tensor(Z), dim=1).numpy(), "log_softmax")
    torch_loss = functools.partial(F.cross_entropy, target=torch.tensor(target))
    _check_loss(cross_entropy_loss, torch_loss, Z, target, torch_autograd, assert_rel_close)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("N", "C"), CLASS_SHAPES)
def test_log_softmax_matches_torch(N, C, seed, random_input, assert_rel_close):
    Z = random_input((N, C), seed)
    assert_rel_close(log_softmax(Z), torch.log_softmax(torch.tensor(Z), dim=1).numpy())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_binary_cross_entropy_matches_torch(shape, seed, torch_autograd, assert_rel_close):
    rng = np.random.default_rng(seed)
    P, Y = rng.uniform(size=shape), rng.uniform(size=shape)
    torch_loss = functools.partial(F.binary_cross_entropy, target=torch.tensor(Y))
    _check_loss(binary_cross_entropy, torch_loss, P, Y, torch_autograd, assert_rel_close, seed)


def test_binary_cross_entropy_clamps_like_torch_at_0_and_1(torch_autograd, assert_rel_close):
    P = np.array([0.0, 1.0, 0.0, 1.0, 1e-60, 1 - 1e-16, 0.5])
    Y = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 0.3, 0.5])
    torch_loss = functools.partial(F.binary_cross_entropy, target=torch.tensor(Y))
    _check_loss(binary_cross_entropy, torch_loss, P, Y, torch_autograd, assert_rel_close)
    assert binary_cross_entropy(np.array([0.0]), np.array([1.0]))[0] == 100.0


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_bce_with_logits_matches_torch(shape, seed, random_input, torch_autograd, assert_rel_close):
    Z, Y = 4 * random_input(shape, seed), np.random.default_rng(seed).uniform(size=shape)
    torch_loss = functools.partial(F.binary_cross_entropy_with_logits, target=torch.tensor(Y))
    _check_loss(
        binary_cross_entropy_with_logits, torch_loss, Z, Y, torch_autograd, assert_rel_close, seed
    )


def test_bce_with_logits_stable_for_huge_logits(torch_autograd, assert_rel_close):
    Z = np.array([[-1e4], [-800.0], [0.0], [800.0], [1e4]])
    Y = np.array([[1.0], [0.0], [1.0], [0.25], [0.0]])
    torch_loss = functools.partial(F.binary_cross_entropy_with_logits, target=torch.tensor(Y))
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        _check_loss(
            binary_cross_entropy_with_logits, torch_loss, Z, Y, torch_autograd, assert_rel_close
        )


def _inputs(name, random_input):
    """Moderate float64 inputs for each loss (float32 can represent them comfortably)."""
    rng = np.random.default_rng(3)
    if name == "cross_entropy_loss_labels":
        return random_input((5, 3), 0), _labels(5, 3, 0)
    if name == "cross_entropy_loss_one_hot":
        return random_input((5, 3), 0), np.eye(3)[_labels(5, 3, 0)]
    if name == "binary_cross_entropy":
        return rng.uniform(0.05, 0.95, size=(5, 1)), rng.uniform(size=(5, 1))
    return random_input((5, 3), 0), random_input((5, 3), 1)


LOSS_FUNCTIONS = {
    "mse_loss": mse_loss,
    "cross_entropy_loss_labels": cross_entropy_loss,
    "cross_entropy_loss_one_hot": cross_entropy_loss,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
}


@pytest.mark.parametrize("name", list(LOSS_FUNCTIONS))
def test_float32_and_inputs_unchanged(name, random_input, check_float32_and_unchanged):
    check_float32_and_unchanged(LOSS_FUNCTIONS[name], *_inputs(name, random_input))


def test_log_softmax_float32_and_input_unchanged(random_input, check_float32_and_unchanged):
    check_float32_and_unchanged(log_softmax, random_input((5, 3), 0))


def test_cross_entropy_twice_gives_identical_results(random_input):
    Z, y = random_input((4, 3), 0), _labels(4, 3, 0)
    first, second = cross_entropy_loss(Z, y), cross_entropy_loss(Z, y)
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: mse_loss(np.ones((4, 2)), np.ones((2, 4))),
            ValueError,
            "mse_loss: Y must have the same shape as Y_hat (4, 2); got (2, 4)",
        ),
        (
            lambda: cross_entropy_loss(np.ones((4, 3)), np.array([0, 1, 3, 2])),
            ValueError,
            "cross_entropy_loss: y must hold labels in [0, 2] for 3 classes; got values in [0, 3]",
        ),
        (
            lambda: cross_entropy_loss(np.ones((4, 3)), np.array([0.0, 1.0, 2.0, 1.0])),
            TypeError,
            "cross_entropy_loss: y must hold integer class labels (dtype int); got dtype float64",
        ),
        (
            lambda: cross_entropy_loss(np.ones((4, 3)), np.array([0, 1, 2])),
            ValueError,
            "cross_entropy_loss: y must have shape (N,) = (4,) to match Z (N, C) = (4, 3); "
            "got (3,)",
        ),
        (
            lambda: cross_entropy_loss(np.ones((4, 3)), np.eye(4)),
            ValueError,
            "cross_entropy_loss: y must have shape (N, C) = (4, 3) to match Z (N, C) = (4, 3); "
            "got (4, 4)",
        ),
        (
            lambda: cross_entropy_loss(np.ones((4, 3)), np.ones((4, 3, 1))),
            ValueError,
            "cross_entropy_loss: y must be integer labels (N,) = (4,) or one-hot/probabilities "
            "(N, C) = (4, 3); got shape (4, 3, 1)",
        ),
        (
            lambda: cross_entropy_loss(np.ones(3), np.array([0])),
            ValueError,
            "cross_entropy_loss: Z must be a 2-D array; got a 1-D array with shape (3,)",
        ),
        (
            lambda: binary_cross_entropy(np.array([0.5, 1.5]), np.array([0.0, 1.0])),
            ValueError,
            "binary_cross_entropy: P must hold probabilities in [0, 1]; got values in [0.5, 1.5]",
        ),
        (
            lambda: binary_cross_entropy_with_logits(np.ones((3, 1)), np.ones(3)),
            ValueError,
            "binary_cross_entropy_with_logits: Y must have the same shape as Z (3, 1); got (3,)",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
