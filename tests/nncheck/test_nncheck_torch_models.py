"""nncheck.torch_models builds, from NumPy parameters, the model nnref's torch twin builds."""

import numpy as np
import pytest
import torch

import nnref
from nncheck.torch_models import linear_params, two_layer_model
from nnref.torch_twin import to_torch_model, torch_params_as_numpy


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_two_layer_model_is_nnrefs_twin(dropout):
    mlp = nnref.MLP([4, 6, 3], dropout=dropout, seed=3)
    ours, twin = two_layer_model(mlp.params, dropout=dropout), to_torch_model(mlp)
    assert [type(m) for m in ours] == [type(m) for m in twin]
    X = torch.from_numpy(np.random.default_rng(0).normal(size=(5, 4)))
    ours.eval()
    twin.eval()
    torch.testing.assert_close(ours(X), twin(X), rtol=0, atol=0)
    np.testing.assert_allclose(ours(X).detach().numpy(), mlp.forward(X.numpy()), rtol=1e-12)


def test_named_layers_and_dtype():
    mlp = nnref.MLP([2, 3, 2], seed=1)
    model = two_layer_model(mlp.params, named=True, dtype=torch.float32)
    assert [name for name, _ in model.named_children()] == ["fc1", "relu", "fc2"]
    assert model.fc1.weight.dtype == torch.float32
    assert tuple(model.fc1.weight.shape) == (3, 2)  # (out, in): W1.T


def test_linear_params_round_trip_and_are_copies():
    mlp = nnref.MLP([3, 5, 4], seed=2)
    model = two_layer_model(mlp.params)
    got = linear_params(model)
    assert got.keys() == torch_params_as_numpy(to_torch_model(mlp)).keys()
    for k, v in mlp.params.items():
        np.testing.assert_array_equal(got[k], v)
    got["W1"][:] = 0
    assert model[0].weight.abs().sum() > 0
