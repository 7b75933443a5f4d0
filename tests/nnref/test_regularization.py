"""nnref.regularization: dropout and L2 against torch (float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nnref.optim import sgd_step
from nnref.regularization import dropout_backward, dropout_forward, l2_gradient, l2_penalty

RTOL = 1e-12


def random_array(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


class TestDropout:
    @pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
    def test_forward_and_backward_equal_torch_with_the_same_mask(self, p: float) -> None:
        X, dout = random_array((6, 5), 0), random_array((6, 5), 1)
        out, mask = dropout_forward(X, p, rng=2)
        X_t = torch.tensor(X, requires_grad=True)
        out_t = X_t * torch.tensor(mask) / (1 - p)
        out_t.backward(torch.tensor(dout))
        np.testing.assert_allclose(out, out_t.detach().numpy(), rtol=RTOL, atol=0)
        np.testing.assert_allclose(dropout_backward(dout, mask, p), X_t.grad.numpy(), rtol=RTOL)

    def test_mask_is_uniform_draw_compared_with_p(self) -> None:
        X = random_array((40, 30), 0)
        _, mask = dropout_forward(X, 0.3, rng=5)
        expected = np.random.default_rng(5).random(X.shape) >= 0.3
        np.testing.assert_array_equal(mask, expected.astype(np.float64))
        assert mask.dtype == X.dtype

    @pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
    def test_statistics_match_torch_dropout(self, p: float) -> None:
        X = np.ones((1000, 1000))
        out, _ = dropout_forward(X, p, rng=0)
        torch.manual_seed(0)
        out_t = torch.nn.functional.dropout(torch.tensor(X), p=p, training=True).numpy()
        sigma = math.sqrt(p * (1 - p) / X.size)  # std of the kept fraction
        for sample in (out, out_t):
            kept = sample != 0
            assert abs(kept.mean() - (1 - p)) < 3 * sigma
            np.testing.assert_allclose(sample[kept], 1 / (1 - p), rtol=RTOL)
            assert abs(sample.mean() / X.mean() - 1) < 3 * sigma / (1 - p)

    def test_eval_mode_returns_the_input(self) -> None:
        X = random_array((4, 3), 0)
        rng = np.random.default_rng(0)
        out, mask = dropout_forward(X, 0.5, training=False, rng=rng)
        np.testing.assert_array_equal(out, X)
        assert out is not X
        np.testing.assert_array_equal(mask, np.ones_like(X))
        # No random numbers were drawn.
        assert rng.random() == np.random.default_rng(0).random()
        X_t = torch.tensor(X)
        np.testing.assert_array_equal(
            torch.nn.functional.dropout(X_t, 0.5, training=False).numpy(), out
        )

    def test_seeded_mask_is_reproducible(self) -> None:
        X = random_array((20, 10), 0)
        _, a = dropout_forward(X, 0.5, rng=7)
        _, b = dropout_forward(X, 0.5, rng=np.random.default_rng(7))
        _, c = dropout_forward(X, 0.5, rng=8)
        np.testing.assert_array_equal(a, b)
        assert not np.array_equal(a, c)
        rng = np.random.default_rng(7)
        _, first = dropout_forward(X, 0.5, rng=rng)
        _, second = dropout_forward(X, 0.5, rng=rng)
        assert not np.array_equal(first, second)

    def test_explicit_mask_is_used(self) -> None:
        X, dout = random_array((3, 4), 0), random_array((3, 4), 1)
        given = np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 0]], dtype=bool)
        out, mask = dropout_forward(X, 0.25, mask=given, rng=0)
        np.testing.assert_array_equal(mask, given.astype(np.float64))
        np.testing.assert_allclose(out, X * given / 0.75, rtol=RTOL)
        np.testing.assert_allclose(dropout_backward(dout, given, 0.25), dout * given / 0.75)

    def test_p_zero_is_identity(self) -> None:
        X, dout = random_array((5, 2), 0), random_array((5, 2), 1)
        out, mask = dropout_forward(X, 0.0, rng=0)
        np.testing.assert_array_equal(out, X)
        np.testing.assert_array_equal(mask, np.ones_like(X))
        np.testing.assert_array_equal(dropout_backward(dout, mask, 0.0), dout)

    def test_p_one_drops_everything_like_torch(self) -> None:
        X, dout = random_array((5, 2), 0), random_array((5, 2), 1)
        out, mask = dropout_forward(X, 1.0, rng=0)
        torch_out = torch.nn.functional.dropout(torch.tensor(X), p=1.0, training=True)
        np.testing.assert_array_equal(out, torch_out.numpy())
        np.testing.assert_array_equal(out, np.zeros_like(X))
        np.testing.assert_array_equal(mask, np.zeros_like(X))
        np.testing.assert_array_equal(dropout_backward(dout, mask, 1.0), np.zeros_like(X))

    def test_float32_stays_float32(self) -> None:
        X = random_array((4, 4), 0).astype(np.float32)
        out, mask = dropout_forward(X, 0.5, rng=0)
        assert out.dtype == mask.dtype == np.float32
        assert dropout_backward(X, mask, 0.5).dtype == np.float32

    @pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
    def test_bad_p_raises(self, p: float) -> None:
        with pytest.raises(ValueError, match=r"dropout_forward: p \(drop probability\) must be"):
            dropout_forward(np.ones(3), p)
        with pytest.raises(ValueError, match=r"dropout_backward: p \(drop probability\)"):
            dropout_backward(np.ones(3), np.ones(3), p)

    def test_bad_p_type_and_mask_raise(self) -> None:
        with pytest.raises(TypeError, match="p .* must be a real number; got str"):
            dropout_forward(np.ones(3), "0.5")
        with pytest.raises(ValueError, match=r"mask must have the same shape as X \(2, 3\)"):
            dropout_forward(np.ones((2, 3)), 0.5, mask=np.ones((3, 2)))
        with pytest.raises(ValueError, match="mask must hold only 0 .* and 1"):
            dropout_forward(np.ones(3), 0.5, mask=np.array([1.0, 2.0, 0.0]))
        with pytest.raises(ValueError, match=r"dropout_backward: mask must have the same shape"):
            dropout_backward(np.ones((2, 3)), np.ones(3), 0.5)


def make_params() -> dict[str, np.ndarray]:
    shapes = {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "b2": (2,)}
    return {name: random_array(shape, seed) for seed, (name, shape) in enumerate(shapes.items())}


class TestL2:
    WD = 0.03

    def test_penalty_and_gradient_equal_torch_autograd(self) -> None:
        params = make_params()
        tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        penalty_t = self.WD / 2 * (tensors["W1"].square().sum() + tensors["W2"].square().sum())
        penalty_t.backward()
        assert isinstance(l2_penalty(params, self.WD), float)
        assert l2_penalty(params, self.WD) == pytest.approx(penalty_t.item(), rel=RTOL)
        grads = l2_gradient(params, self.WD)
        assert set(grads) == set(params)
        for k, tensor in tensors.items():
            expected = np.zeros_like(params[k]) if tensor.grad is None else tensor.grad.numpy()
            np.testing.assert_allclose(grads[k], expected, rtol=RTOL, atol=0)

    def test_biases_are_not_penalised_by_default(self) -> None:
        params = make_params()
        biases_only = {k: v for k, v in params.items() if k.startswith("b")}
        assert l2_penalty(biases_only, self.WD) == 0.0
        grads = l2_gradient(params, self.WD)
        assert not grads["b1"].any() and not grads["b2"].any()
        np.testing.assert_array_equal(grads["W1"], self.WD * params["W1"])

    def test_explicit_keys(self) -> None:
        params = make_params()
        expected = self.WD / 2 * sum(np.sum(v**2) for v in params.values())
        assert l2_penalty(params, self.WD, keys=list(params)) == pytest.approx(expected, rel=RTOL)
        grads = l2_gradient(params, self.WD, keys=["b1"])
        np.testing.assert_array_equal(grads["b1"], self.WD * params["b1"])
        assert not grads["W1"].any()

    def test_gradient_step_equals_torch_sgd_weight_decay(self) -> None:
        params = make_params()
        data_grads = {k: random_array(v.shape, 10 + i) for i, (k, v) in enumerate(params.items())}
        tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
        weights = [t for k, t in tensors.items() if k.startswith("W")]
        biases = [t for k, t in tensors.items() if not k.startswith("W")]
        opt = torch.optim.SGD(
            [{"params": weights, "weight_decay": self.WD}, {"params": biases, "weight_decay": 0}],
            lr=0.1,
        )
        for k, tensor in tensors.items():
            tensor.grad = torch.tensor(data_grads[k])
        opt.step()
        reg = l2_gradient(params, self.WD)
        sgd_step(params, {k: data_grads[k] + reg[k] for k in params}, lr=0.1)
        for k, tensor in tensors.items():
            np.testing.assert_allclose(params[k], tensor.detach().numpy(), rtol=RTOL, atol=0)

    def test_inputs_not_modified(self) -> None:
        params = make_params()
        before = {k: v.copy() for k, v in params.items()}
        l2_penalty(params, self.WD)
        grads = l2_gradient(params, self.WD)
        for k in params:
            np.testing.assert_array_equal(params[k], before[k])
            assert grads[k] is not params[k]

    @pytest.mark.parametrize("func", [l2_penalty, l2_gradient])
    def test_bad_arguments_raise(self, func) -> None:
        params = make_params()
        name = func.__name__
        with pytest.raises(ValueError, match=f"{name}: weight_decay must be a real number in"):
            func(params, -0.1)
        with pytest.raises(ValueError, match=rf"{name}: keys \['W9'\] are not in params"):
            func(params, 0.1, keys=["W1", "W9"])
        with pytest.raises(TypeError, match=f"{name}: keys must be a list"):
            func(params, 0.1, keys="W1")
        with pytest.raises(TypeError, match=f"{name}: params must be a dict"):
            func([params["W1"]], 0.1)
