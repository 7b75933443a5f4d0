"""PyTorch twins of an :class:`nnref.model.MLP` and its optimizer, to check nnref against torch.

``to_torch_model(mlp)`` builds ``nn.Sequential(Linear, act, [dropout], Linear, ..., Linear)``
holding copies of the MLP's parameters. ``nn.Linear`` stores ``weight`` as ``(out, in)``, the
transpose of nnref's ``W: (in, out)``::

    linear_l.weight = W_l.T,   linear_l.bias = b_l,   so   linear_l(A) == A @ W_l + b_l

Dropout: by default the twin has ``nn.Dropout(p)`` layers, whose random masks cannot match
nnref's, so compare training-mode outputs only with ``masks=``: the masks of an nnref forward
pass (``mlp.cache.masks``), which the twin then applies as ``A * mask / (1 - p)`` in every mode.
Without dropout, or in eval mode (``twin.eval()``), the twin equals the MLP exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from nnref.model import MLP
from nnref.optim import Optimizer

__all__ = [
    "FixedMaskDropout",
    "to_torch_model",
    "to_torch_optimizer",
    "torch_grads_as_numpy",
    "torch_params_as_numpy",
]

_TORCH_ACTIVATIONS: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,  # default negative_slope 0.01, as nnref's registry entry
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
}


class FixedMaskDropout(nn.Module):
    """Inverted dropout with a given 0/1 keep mask: ``forward(A) = A * mask / (1 - p)``.

    Args:
        mask: ``(N, H)`` array of 0 (dropped) and 1 (kept), e.g. ``mlp.cache.masks[l]``.
        p: the drop probability the mask was drawn with, in ``[0, 1)``.
    """

    def __init__(self, mask: torch.Tensor, p: float) -> None:
        super().__init__()
        self.p = p
        self.register_buffer("mask", mask)

    def forward(self, A: torch.Tensor) -> torch.Tensor:
        if A.shape != self.mask.shape:
            raise ValueError(
                f"FixedMaskDropout: input must have the mask's shape {tuple(self.mask.shape)}; "
                f"got {tuple(A.shape)}"
            )
        return A * self.mask / (1.0 - self.p)

    def extra_repr(self) -> str:
        return f"p={self.p}, mask_shape={tuple(self.mask.shape)}"


def _linear_layers(torch_model: nn.Module) -> list[nn.Linear]:
    """The ``nn.Linear`` modules of ``torch_model`` in order: layer ``l`` holds ``Wl, bl``."""
    layers = [m for m in torch_model.modules() if isinstance(m, nn.Linear)]
    if not layers or any(m.bias is None for m in layers):
        raise ValueError(
            "torch_model must contain nn.Linear layers with biases (as built by to_torch_model)"
        )
    return layers


def to_torch_model(
    mlp: MLP,
    dtype: torch.dtype = torch.float64,
    masks: Sequence[np.ndarray | None] | None = None,
) -> nn.Sequential:
    """``nn.Sequential`` twin of ``mlp`` with copies of its current parameters.

    Args:
        mlp: the nnref model.
        dtype: dtype of the twin's parameters (``torch.float64`` for exact comparisons).
        masks: optional dropout keep masks, one per hidden layer (``mlp.cache.masks`` after
            ``mlp.forward(X, training=True)``); ``None`` entries mean no dropout for that layer.
            Without ``masks``, a model with ``dropout > 0`` gets ``nn.Dropout(p)`` layers.

    Returns:
        ``Sequential(Linear(D, H1), act, [dropout], ..., Linear(HK, C))`` whose output is the
        logits; ``linear_l.weight = Wl.T`` and ``linear_l.bias = bl``.
    """
    if not isinstance(mlp, MLP):
        raise TypeError(f"to_torch_model: mlp must be an nnref MLP; got {type(mlp).__name__}")
    n_hidden = mlp.n_layers - 1
    if masks is not None and len(masks) != n_hidden:
        raise ValueError(
            f"to_torch_model: masks must have one entry per hidden layer ({n_hidden}); "
            f"got {len(masks)}"
        )
    modules: list[nn.Module] = []
    for layer in range(1, mlp.n_layers + 1):
        W, b = mlp.params[f"W{layer}"], mlp.params[f"b{layer}"]
        linear = nn.Linear(W.shape[0], W.shape[1], dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        modules.append(linear)
        if layer == mlp.n_layers:
            break
        modules.append(_TORCH_ACTIVATIONS[mlp.activation]())
        mask = None if masks is None else masks[layer - 1]
        if mask is not None:
            modules.append(FixedMaskDropout(torch.as_tensor(mask, dtype=dtype), mlp.dropout))
        elif masks is None and mlp.dropout > 0.0:
            modules.append(nn.Dropout(mlp.dropout))
    return nn.Sequential(*modules)


def to_torch_optimizer(optimizer: Optimizer, torch_model: nn.Module) -> torch.optim.Optimizer:
    """The ``torch.optim`` class of the same name, with the same hyper-parameters.

    Args:
        optimizer: an ``nnref.optim`` optimizer (``SGD``, ``RMSprop``, ``Adam``) that has not
            stepped yet (its running state is not copied).
        torch_model: the twin from :func:`to_torch_model`; its parameters are optimised.

    Returns:
        e.g. ``torch.optim.Adam(torch_model.parameters(), lr=..., betas=..., eps=...,
        weight_decay=..., amsgrad=...)``.
    """
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            "to_torch_optimizer: optimizer must be an nnref.optim optimizer; "
            f"got {type(optimizer).__name__}"
        )
    if any(optimizer.state.values()):
        raise ValueError(
            f"to_torch_optimizer: {type(optimizer).__name__} has already stepped and its state "
            "(buffers, step counts) is not copied; build the twin before the first step"
        )
    torch_class = getattr(torch.optim, type(optimizer).__name__)
    return torch_class(torch_model.parameters(), **optimizer.defaults)


def _named(pairs: list[tuple[torch.Tensor, torch.Tensor]]) -> dict[str, np.ndarray]:
    """``[(weight, bias), ...]`` of the Linear layers -> ``{"W1": weight.T, "b1": bias, ...}``."""
    out: dict[str, np.ndarray] = {}
    for layer, (weight, bias) in enumerate(pairs, 1):
        out[f"W{layer}"] = weight.detach().cpu().numpy().T.copy()
        out[f"b{layer}"] = bias.detach().cpu().numpy().copy()
    return out


def torch_grads_as_numpy(torch_model: nn.Module) -> dict[str, np.ndarray]:
    """Gradients of the twin's Linear layers, named and shaped like nnref's.

    Returns:
        ``{"W1": linear_1.weight.grad.T (D, H1), "b1": linear_1.bias.grad (H1,), ...}``.

    Raises:
        ValueError: no gradients yet (``loss.backward()`` was not called).
    """
    pairs = [(m.weight.grad, m.bias.grad) for m in _linear_layers(torch_model)]
    if any(g is None for pair in pairs for g in pair):
        raise ValueError("torch_grads_as_numpy: no gradients yet; call loss.backward() first")
    return _named(pairs)


def torch_params_as_numpy(torch_model: nn.Module) -> dict[str, np.ndarray]:
    """Parameters of the twin's Linear layers as nnref ``params``: ``W_l = weight.T``, ``b_l``."""
    return _named([(m.weight, m.bias) for m in _linear_layers(torch_model)])
