"""PyTorch two-layer models built from NumPy parameters, and their numbers back as NumPy.

For the scenarios of assignment 2's tests (see `nncheck.scenario`): they run next to the
student's code, where PyTorch and nncheck are available. Parameters use assignment 1's layout,
`Z = X @ W + b`: {"W1": (D, H), "b1": (H,), "W2": (H, C), "b2": (C,)}; `nn.Linear.weight` is
`(out, in)`, so it holds `W.T`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

import numpy as np
import torch
from torch import nn


def two_layer_model(
    params: Mapping[str, np.ndarray],
    *,
    dropout: float = 0.0,
    dtype: torch.dtype = torch.float64,
    named: bool = False,
) -> nn.Sequential:
    """`Linear(D, H) -> ReLU -> [Dropout(dropout)] -> Linear(H, C)` holding copies of `params`.

    named: call the layers fc1, relu, [dropout], fc2 (as `TwoLayerNet` does) instead of 0, 1, ...
    """
    (D, H), C = params["W1"].shape, params["W2"].shape[1]
    fc1, fc2 = nn.Linear(D, H, dtype=dtype), nn.Linear(H, C, dtype=dtype)
    with torch.no_grad():
        for layer, k in ((fc1, "1"), (fc2, "2")):
            layer.weight.copy_(torch.as_tensor(np.asarray(params["W" + k]).T))
            layer.bias.copy_(torch.as_tensor(np.asarray(params["b" + k])))
    layers = [("fc1", fc1), ("relu", nn.ReLU())]
    if dropout > 0:
        layers.append(("dropout", nn.Dropout(dropout)))
    layers.append(("fc2", fc2))
    if named:
        return nn.Sequential(OrderedDict(layers))
    return nn.Sequential(*(module for _, module in layers))


def _linear_layers(model: nn.Module) -> list[nn.Linear]:
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def linear_params(model: nn.Module) -> dict[str, np.ndarray]:
    """The model's `nn.Linear` parameters as {"W1": weight.T, "b1": bias, "W2": ..., ...}."""
    out: dict[str, np.ndarray] = {}
    for index, layer in enumerate(_linear_layers(model), 1):
        out[f"W{index}"] = layer.weight.detach().numpy().T.copy()
        out[f"b{index}"] = layer.bias.detach().numpy().copy()
    return out
