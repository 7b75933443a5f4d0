"""nnref.normalization: batch norm and layer norm against torch (float64, relative error 1e-10)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref.normalization import (
    batchnorm_backward,
    batchnorm_eval,
    batchnorm_forward,
    layernorm_backward,
    layernorm_forward,
    update_running_stats,
)

SHAPES = [(1, 3), (2, 1), (5, 4), (7, 3), (16, 9)]
"""Batch of one, a single feature, odd sizes, N != D both ways."""


def inputs(N: int, D: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """X (N, D) far from standardised (mean 3, std 2), gamma and beta (D,)."""
    rng = np.random.default_rng(seed)
    return 3.0 + 2.0 * rng.standard_normal((N, D)), rng.normal(1, 0.5, D), rng.normal(size=D)


def torch_batchnorm(X, gamma, beta, eps):
    """Training-mode batch norm written out (torch's own refuses N = 1; equal for N >= 2)."""
    if X.shape[0] > 1:
        return F.batch_norm(X, None, None, gamma, beta, training=True, eps=eps)
    mean, var = X.mean(dim=0), X.var(dim=0, unbiased=False)
    return gamma * (X - mean) / torch.sqrt(var + eps) + beta


@pytest.mark.parametrize(("N", "D"), SHAPES)
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_batchnorm_forward_and_backward_equal_torch(
    N, D, eps, torch_autograd, assert_rel_close, check_float32_and_unchanged
):
    X, gamma, beta = inputs(N, D, seed=N * 10 + D)
    out, dout, (dX, dgamma, dbeta) = torch_autograd(
        lambda x, g, b: torch_batchnorm(x, g, b, eps), X, gamma, beta
    )
    assert_rel_close(batchnorm_forward(X, gamma, beta, eps), out, "out")
    got = batchnorm_backward(dout, X, gamma, eps)
    for name, mine, theirs in zip(("dX", "dgamma", "dbeta"), got, (dX, dgamma, dbeta), strict=True):
        assert_rel_close(mine, theirs, name)
    check_float32_and_unchanged(batchnorm_forward, X, gamma, beta, eps)
    check_float32_and_unchanged(batchnorm_backward, dout, X, gamma, eps)


def test_batchnorm_forward_standardises_every_feature_over_the_batch():
    X, gamma, beta = inputs(50, 6, seed=1)
    out = batchnorm_forward(X, np.ones(6), np.zeros(6), eps=0.0 + 1e-12)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-9)
    np.testing.assert_allclose(batchnorm_forward(X[:1], gamma, beta), beta[None, :], atol=0)


@pytest.mark.parametrize(("N", "D", "momentum"), [(2, 3, 0.1), (5, 4, 0.3), (9, 1, 1.0)])
def test_update_running_stats_in_place_equals_batchnorm1d(N, D, momentum):
    rng = np.random.default_rng(N)
    bn = torch.nn.BatchNorm1d(D, momentum=momentum, dtype=torch.float64)
    mean, var = np.zeros(D), np.ones(D)
    ids = (id(mean), id(var))
    for step in range(3):
        X = rng.normal(step, 1 + step, size=(N, D))
        before = X.copy()
        assert update_running_stats(mean, var, X, momentum) is None
        np.testing.assert_array_equal(X, before)
        bn.train()(torch.tensor(X))
        np.testing.assert_allclose(mean, bn.running_mean.numpy(), rtol=1e-10, atol=0)
        np.testing.assert_allclose(var, bn.running_var.numpy(), rtol=1e-10, atol=0)
    assert (id(mean), id(var)) == ids


def test_update_running_stats_refuses_one_example_and_non_arrays():
    with pytest.raises(ValueError, match="at least 2 examples"):
        update_running_stats(np.zeros(2), np.ones(2), np.ones((1, 2)))
    with pytest.raises(TypeError, match="running_var must be a float ndarray"):
        update_running_stats(np.zeros(2), [1.0, 1.0], np.ones((3, 2)))
    with pytest.raises(ValueError, match="running_mean must have shape"):
        update_running_stats(np.zeros(3), np.ones(2), np.ones((3, 2)))


@pytest.mark.parametrize(("N", "D"), SHAPES)
def test_batchnorm_eval_equals_torch_eval_mode(N, D, assert_rel_close, check_float32_and_unchanged):
    X, gamma, beta = inputs(N, D, seed=7 + N)
    rng = np.random.default_rng(D)
    mean, var = rng.normal(size=D), rng.uniform(0.1, 3.0, size=D)
    bn = torch.nn.BatchNorm1d(D, eps=1e-3, dtype=torch.float64).eval()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor(gamma))
        bn.bias.copy_(torch.tensor(beta))
        bn.running_mean.copy_(torch.tensor(mean))
        bn.running_var.copy_(torch.tensor(var))
        expected = bn(torch.tensor(X)).numpy()
    assert_rel_close(batchnorm_eval(X, gamma, beta, mean, var, eps=1e-3), expected, "out")
    check_float32_and_unchanged(batchnorm_eval, X, gamma, beta, mean, var, 1e-3)


@pytest.mark.parametrize(("N", "D"), [(1, 3), (3, 5), (5, 4), (7, 3), (16, 9)])
@pytest.mark.parametrize("eps", [1e-5, 0.1])
def test_layernorm_forward_and_backward_equal_torch(
    N, D, eps, torch_autograd, assert_rel_close, check_float32_and_unchanged
):
    """D >= 3: with one or two features dX is (nearly) 0 and both are rounding noise."""
    X, gamma, beta = inputs(N, D, seed=100 + N * 10 + D)
    out, dout, (dX, dgamma, dbeta) = torch_autograd(
        lambda x, g, b: F.layer_norm(x, (D,), g, b, eps), X, gamma, beta
    )
    assert_rel_close(layernorm_forward(X, gamma, beta, eps), out, "out")
    got = layernorm_backward(dout, X, gamma, eps)
    for name, mine, theirs in zip(("dX", "dgamma", "dbeta"), got, (dX, dgamma, dbeta), strict=True):
        assert_rel_close(mine, theirs, name)
    check_float32_and_unchanged(layernorm_forward, X, gamma, beta, eps)
    check_float32_and_unchanged(layernorm_backward, dout, X, gamma, eps)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3)), "X must be a 2-D"),
        (lambda: batchnorm_forward(np.ones((4, 3)), np.ones(2), np.zeros(3)), "gamma must have"),
        (lambda: layernorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(4)), "beta must have"),
        (lambda: layernorm_backward(np.ones((4, 2)), np.ones((4, 3)), np.ones(3)), "dout must"),
        (lambda: batchnorm_forward(np.ones((4, 3)), np.ones(3), np.zeros(3), 0.0), "eps must"),
    ],
)
def test_bad_inputs_raise_clear_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
