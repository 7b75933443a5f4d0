"""Learning-rate schedules in closed form, equal to ``torch.optim.lr_scheduler`` at every step.

Step ``t`` counts the calls of ``scheduler.step()`` made so far: the learning rate used by the
first update is ``lr(0) = lr0`` (the warm-up's first rate is lower), the one used after ``t``
calls of ``step()`` is ``lr(t)``.

- :func:`step_lr` is ``StepLR(optimizer, step_size, gamma)``.
- :func:`cosine_lr` is ``CosineAnnealingLR(optimizer, T_max=T, eta_min=lr_min)``; after ``T``
  steps it rises again along the same cosine, as torch's does.
- :func:`warmup_cosine_lr` is ``SequentialLR(optimizer, [LinearLR(optimizer,
  start_factor=1 / (warmup + 1), end_factor=1.0, total_iters=warmup),
  CosineAnnealingLR(optimizer, T_max=T - warmup, eta_min=lr_min)], milestones=[warmup])``
  (measured with torch 2.13): ``lr0 * (t + 1) / (warmup + 1)`` for ``t < warmup``, so the rate
  climbs in equal steps to ``lr0`` at ``t = warmup``, where the cosine starts; it reaches
  ``lr_min`` at ``t = T``. With ``warmup = 0`` it is :func:`cosine_lr`.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from nnref._hyperparams import as_positive_int, as_real
from nnref._validation import checked, prefixed

__all__ = ["cosine_lr", "step_lr", "warmup_cosine_lr"]


def _step_number(value: Any, name: str) -> int:
    """``value`` as an int ``>= 0`` (a count of ``scheduler.step()`` calls)."""
    if isinstance(value, bool):
        raise TypeError(prefixed(f"{name} must be an int; got bool"))
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(prefixed(f"{name} must be an int; got {type(value).__name__}")) from None
    if number < 0:
        raise ValueError(prefixed(f"{name} must be an int >= 0; got {number}"))
    return number


def _cosine(lr0: float, lr_min: float, t: int, T: int) -> float:
    return lr_min + (lr0 - lr_min) * (1.0 + math.cos(math.pi * t / T)) / 2.0


@checked
def step_lr(lr0: float, epoch: int, step_size: int, gamma: float = 0.1) -> float:
    """``lr0 * gamma ** (epoch // step_size)``: ``StepLR`` after ``epoch`` calls of ``step()``.

    Args:
        lr0: the initial learning rate (>= 0). epoch: steps taken so far (int >= 0).
        step_size: the rate is multiplied by ``gamma`` every ``step_size`` steps (int >= 1).
        gamma: the decay factor (>= 0).

    Returns:
        The learning rate as a Python float.
    """
    lr0 = as_real(lr0, "lr0", low=0.0)
    epoch = _step_number(epoch, "epoch")
    step_size = as_positive_int(step_size, "step_size")
    return lr0 * as_real(gamma, "gamma", low=0.0) ** (epoch // step_size)


@checked
def cosine_lr(lr0: float, t: int, T: int, lr_min: float = 0.0) -> float:
    """``lr_min + (lr0 - lr_min) * (1 + cos(pi * t / T)) / 2``: ``CosineAnnealingLR(T_max=T)``.

    Args:
        lr0: the initial learning rate (>= 0). t: steps taken so far (int >= 0).
        T: steps from ``lr0`` down to ``lr_min`` (int >= 1); beyond it the rate rises again.
        lr_min: the lowest rate (``eta_min``), ``0 <= lr_min``.

    Returns:
        The learning rate as a Python float.
    """
    lr0 = as_real(lr0, "lr0", low=0.0)
    return _cosine(
        lr0, as_real(lr_min, "lr_min", low=0.0), _step_number(t, "t"), as_positive_int(T, "T")
    )


@checked
def warmup_cosine_lr(lr0: float, t: int, warmup: int, T: int, lr_min: float = 0.0) -> float:
    """Linear warm-up for ``warmup`` steps, then cosine annealing down to ``lr_min`` at step ``T``.

    ``lr0 * (t + 1) / (warmup + 1)`` for ``t < warmup``, else
    ``cosine_lr(lr0, t - warmup, T - warmup, lr_min)``: torch's ``SequentialLR`` of
    ``LinearLR(start_factor=1 / (warmup + 1), total_iters=warmup)`` and
    ``CosineAnnealingLR(T_max=T - warmup, eta_min=lr_min)`` with ``milestones=[warmup]``.

    Args:
        lr0: the peak learning rate (>= 0). t: steps taken so far (int >= 0).
        warmup: warm-up steps (int >= 0; 0 is plain cosine annealing).
        T: the step where the cosine reaches ``lr_min`` (int > warmup).
        lr_min: the lowest rate of the cosine (>= 0).

    Returns:
        The learning rate as a Python float.
    """
    lr0 = as_real(lr0, "lr0", low=0.0)
    t = _step_number(t, "t")
    warmup = _step_number(warmup, "warmup")
    T = as_positive_int(T, "T")
    if T <= warmup:
        raise ValueError(prefixed(f"T must be larger than warmup = {warmup}; got {T}"))
    lr_min = as_real(lr_min, "lr_min", low=0.0)
    if t < warmup:
        return lr0 * (t + 1) / (warmup + 1)
    return _cosine(lr0, lr_min, t - warmup, T - warmup)
