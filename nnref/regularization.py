"""Regularisation: inverted dropout and the L2 penalty (weight decay).

Dropout follows PyTorch: ``p`` is the probability of *dropping* a unit, and kept units are scaled
by ``1 / (1 - p)`` during training so that eval mode is the identity.

The L2 penalty ``wd/2 * sum_W ||W||^2`` has gradient ``wd * W``; adding ``l2_gradient`` to the
data gradients is exactly what ``torch.optim``'s ``weight_decay`` does (``g += wd * w``), except
that torch decays every parameter it is given while ``l2_*`` penalise weights only by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from nnref._hyperparams import as_real
from nnref._validation import as_float_array, as_rng, check_same_shape, checked, prefixed

__all__ = ["dropout_backward", "dropout_forward", "l2_gradient", "l2_penalty"]


def _check_p(p: float) -> float:
    return as_real(p, "p (drop probability)", low=0.0, high=1.0)


def _keep_scale(p: float) -> float:
    """``1 / (1 - p)``; 0 when ``p == 1`` (every unit dropped, output all zeros as in torch)."""
    return 0.0 if p == 1.0 else 1.0 / (1.0 - p)


def _check_mask(mask: Any, like: np.ndarray, like_name: str) -> np.ndarray:
    """A 0/1 array with ``like``'s shape, returned in ``like``'s dtype."""
    arr = as_float_array(mask, "mask")
    check_same_shape(arr, "mask", like, like_name)
    if not np.all((arr == 0) | (arr == 1)):
        bad = arr[(arr != 0) & (arr != 1)][:3]
        raise ValueError(
            prefixed(f"mask must hold only 0 (dropped) and 1 (kept); got values such as {bad}")
        )
    return arr.astype(like.dtype, copy=False)


@checked
def dropout_forward(
    X: np.ndarray,
    p: float,
    training: bool = True,
    rng: np.random.Generator | int | None = None,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout: ``out = X * mask / (1 - p)``.

    Args:
        X: input of any shape, e.g. activations ``(N, H)``.
        p: probability of *dropping* each element, in ``[0, 1]`` (PyTorch convention).
        training: ``False`` (eval mode) turns dropout off.
        rng: Generator (advanced in place), int seed or ``None``; draws
            ``mask = rng.random(X.shape) >= p`` (uniform in [0, 1), so each element is kept with
            probability ``1 - p``). Ignored when ``mask`` is given.
        mask: optional 0/1 keep-indicators with ``X``'s shape, e.g. to give a torch twin the same
            mask (torch: ``X * mask / (1 - p)``).

    Returns:
        ``(out, mask)``, both shaped like ``X`` and of ``X``'s dtype; ``mask`` holds 1 for kept
        and 0 for dropped elements. In eval mode or with ``p == 0`` dropout is the identity:
        ``out`` is a copy of ``X`` (never ``X`` itself) and ``mask`` is all ones; no random
        numbers are drawn and a given ``mask`` is only validated. With ``p == 1`` every element
        is dropped and ``out`` is all zeros, as in ``torch.nn.functional.dropout``.

    Raises:
        ValueError: ``p`` outside ``[0, 1]``, or a ``mask`` of the wrong shape or not 0/1.
    """
    X = as_float_array(X, "X")
    p = _check_p(p)
    if mask is not None:
        mask = _check_mask(mask, X, "X")
    if not training or p == 0.0:
        return X.copy(), np.ones_like(X)
    if mask is None:
        mask = (as_rng(rng).random(X.shape) >= p).astype(X.dtype)
    return X * mask * _keep_scale(p), mask


@checked
def dropout_backward(dout: np.ndarray, mask: np.ndarray, p: float) -> np.ndarray:
    """Backward pass of inverted dropout: ``dX = dout * mask / (1 - p)`` (zeros if ``p == 1``).

    Args:
        dout: upstream gradient, shaped like the forward input.
        mask: the 0/1 mask returned by ``dropout_forward`` (the same one: not a fresh draw).
        p: the drop probability used in the forward pass. After an eval-mode forward pass
            dropout was the identity: its gradient is ``dout``, i.e. call with ``p=0``.

    Returns:
        ``dX`` with ``dout``'s shape and dtype.
    """
    dout = as_float_array(dout, "dout")
    mask = _check_mask(mask, dout, "dout")
    return dout * mask * _keep_scale(_check_p(p))


def _penalised(params: Any, keys: Iterable[str] | None) -> list[str]:
    """Names of the penalised parameters: ``keys``, or by default those starting with "W"."""
    if not isinstance(params, Mapping):
        raise TypeError(prefixed(f"params must be a dict of arrays; got {type(params).__name__}"))
    if keys is None:
        return [name for name in params if str(name).startswith("W")]
    if isinstance(keys, str):
        raise TypeError(prefixed(f"keys must be a list of parameter names; got the str {keys!r}"))
    names = list(keys)
    unknown = [name for name in names if name not in params]
    if unknown:
        raise ValueError(prefixed(f"keys {unknown} are not in params (keys: {list(params)})"))
    return names


def _check_weight_decay(weight_decay: float) -> float:
    return as_real(weight_decay, "weight_decay", low=0.0)


@checked
def l2_penalty(
    params: dict[str, np.ndarray], weight_decay: float, keys: Iterable[str] | None = None
) -> float:
    """L2 penalty ``wd/2 * sum_k ||params[k]||^2`` (squared Frobenius norms) over penalised keys.

    Args:
        params: name -> array, e.g. ``W1: (D, H)``, ``b1: (H,)``.
        weight_decay: ``wd >= 0``.
        keys: names to penalise; default: the weights, i.e. every key starting with ``"W"``
            (biases are not penalised).

    Returns:
        The penalty as a Python float, to add to the data loss.
    """
    names = _penalised(params, keys)
    wd = _check_weight_decay(weight_decay)
    total = 0.0
    for name in names:
        W = as_float_array(params[name], f"params[{name!r}]")
        total += float(np.sum(W * W))
    return 0.5 * wd * total


@checked
def l2_gradient(
    params: dict[str, np.ndarray], weight_decay: float, keys: Iterable[str] | None = None
) -> dict[str, np.ndarray]:
    """Gradient of ``l2_penalty``: ``wd * params[k]`` for penalised keys.

    Returns a dict with *every* key of ``params``: ``wd * W`` for penalised keys (same default as
    ``l2_penalty``: keys starting with ``"W"``) and zeros of the parameter's shape for the others,
    so ``{k: grads[k] + reg[k] for k in grads}`` works. New arrays; ``params`` is not modified.
    Adding it to the gradient is what ``torch.optim``'s ``weight_decay=wd`` does to the
    parameters it decays.
    """
    penalised = set(_penalised(params, keys))
    wd = _check_weight_decay(weight_decay)
    grads = {}
    for name, value in params.items():
        W = as_float_array(value, f"params[{name!r}]")
        grads[name] = wd * W if name in penalised else np.zeros_like(W)
    return grads
