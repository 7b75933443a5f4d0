"""nnref.torch_twin: the torch twin holds the same weights, computes the same function and
gradients (also with given dropout masks), and its optimizer has the same hyper-parameters."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from nnref import (
    MLP,
    SGD,
    Adam,
    RMSprop,
    to_torch_model,
    to_torch_optimizer,
    torch_grads_as_numpy,
    torch_params_as_numpy,
)
from nnref.torch_twin import FixedMaskDropout

SIZES = [4, 6, 5, 3]


@pytest.mark.parametrize(
    ("activation", "module"),
    [("relu", nn.ReLU), ("leaky_relu", nn.LeakyReLU), ("tanh", nn.Tanh), ("sigmoid", nn.Sigmoid)],
)
def test_structure_and_weights(activation, module):
    model = MLP(SIZES, activation=activation, seed=0)
    twin = to_torch_model(model)
    assert [type(m) for m in twin] == [nn.Linear, module, nn.Linear, module, nn.Linear]
    for layer, linear in enumerate(twin[::2], 1):
        assert linear.weight.dtype == torch.float64
        np.testing.assert_array_equal(linear.weight.detach().numpy(), model.params[f"W{layer}"].T)
        np.testing.assert_array_equal(linear.bias.detach().numpy(), model.params[f"b{layer}"])
    params = torch_params_as_numpy(twin)
    assert list(params) == list(model.params)
    for key, value in model.params.items():
        np.testing.assert_array_equal(params[key], value)


def test_twin_is_a_copy():
    model = MLP(SIZES, seed=0)
    twin = to_torch_model(model)
    with torch.no_grad():
        twin[0].weight.add_(1.0)
    assert not np.array_equal(torch_params_as_numpy(twin)["W1"], model.params["W1"])


def test_float32_twin():
    model = MLP(SIZES, dtype=np.float32, seed=0)
    twin = to_torch_model(model, dtype=torch.float32)
    X = np.random.default_rng(0).standard_normal((7, 4)).astype(np.float32)
    out = twin(torch.from_numpy(X)).detach().numpy()
    np.testing.assert_allclose(out, model.forward(X), rtol=1e-5, atol=1e-6)


def test_dropout_twin_without_masks_is_exact_in_eval_mode(assert_rel_close):
    model = MLP(SIZES, dropout=0.4, seed=1)
    twin = to_torch_model(model)
    dropouts = [m for m in twin if isinstance(m, nn.Dropout)]
    assert len(dropouts) == 2 and all(m.p == 0.4 for m in dropouts)
    X = np.random.default_rng(0).standard_normal((9, 4))
    twin.eval()
    assert_rel_close(twin(torch.from_numpy(X)).detach().numpy(), model.forward(X), "logits")


@pytest.mark.parametrize("N", [1, 12])
def test_dropout_twin_with_masks_matches_training_step(N, assert_rel_close):
    model = MLP(SIZES, dropout=0.5, seed=2)
    rng = np.random.default_rng(N)
    X, y = rng.standard_normal((N, 4)), rng.integers(0, 3, N)
    loss, grads = model.loss_and_grads(X, y)
    twin = to_torch_model(model, masks=model.cache.masks)
    assert sum(isinstance(m, FixedMaskDropout) for m in twin) == 2
    logits = twin(torch.from_numpy(X))
    loss_t = F.cross_entropy(logits, torch.from_numpy(y))
    loss_t.backward()
    assert_rel_close(logits.detach().numpy(), model.cache.logits, "logits")
    assert_rel_close(loss, loss_t.item(), "loss")
    expected = torch_grads_as_numpy(twin)
    for key in grads:
        assert_rel_close(grads[key], expected[key], key)


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs"),
    [
        (SGD, {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
        (RMSprop, {"lr": 0.01, "alpha": 0.9, "centered": True, "momentum": 0.5}),
        (Adam, {"lr": 0.002, "betas": (0.8, 0.99), "amsgrad": True}),
    ],
)
def test_to_torch_optimizer_copies_hyperparameters(optimizer_class, kwargs):
    model = MLP(SIZES, seed=0)
    twin = to_torch_model(model)
    optimizer = optimizer_class(model.params, **kwargs)
    torch_optimizer = to_torch_optimizer(optimizer, twin)
    assert type(torch_optimizer).__name__ == optimizer_class.__name__
    group = torch_optimizer.param_groups[0]
    assert group["params"] == list(twin.parameters())
    for name, value in optimizer.defaults.items():
        assert group[name] == value, name
    for name, value in kwargs.items():
        assert group[name] == value, name


def test_to_torch_optimizer_refuses_a_stepped_optimizer():
    model = MLP(SIZES, seed=0)
    optimizer = Adam(model.params)
    optimizer.step({k: np.ones_like(v) for k, v in model.params.items()})
    with pytest.raises(ValueError, match="already stepped"):
        to_torch_optimizer(optimizer, to_torch_model(model))


def test_errors():
    model = MLP(SIZES, seed=0)
    twin = to_torch_model(model)
    with pytest.raises(ValueError, match="no gradients yet"):
        torch_grads_as_numpy(twin)
    with pytest.raises(ValueError, match=r"one entry per hidden layer \(2\); got 1"):
        to_torch_model(model, masks=[None])
    with pytest.raises(TypeError, match="must be an nnref MLP"):
        to_torch_model(twin)
    with pytest.raises(TypeError, match="nnref.optim optimizer"):
        to_torch_optimizer(torch.optim.SGD(twin.parameters(), lr=0.1), twin)
    with pytest.raises(ValueError, match="nn.Linear layers with biases"):
        torch_params_as_numpy(nn.Sequential(nn.ReLU()))
