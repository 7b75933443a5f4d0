"""nnref.schedules: closed forms equal to torch.optim.lr_scheduler at every step (1e-10).

The learning rate of step t is the optimizer's after t calls of ``scheduler.step()``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pytest
import torch
from torch.optim import lr_scheduler

from nnref.schedules import cosine_lr, step_lr, warmup_cosine_lr

LR0 = 0.3


def torch_rates(make: Callable[[torch.optim.Optimizer], object], steps: int) -> list[float]:
    """The learning rate of each of the first ``steps`` steps of a torch scheduler."""
    param = torch.nn.Parameter(torch.zeros(1, dtype=torch.float64))
    optimizer = torch.optim.SGD([param], lr=LR0)
    scheduler = make(optimizer)
    rates = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated call, no "step() before optimizer.step()"
        for _ in range(steps):
            rates.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    return rates


def assert_rates(mine: list[float], theirs: list[float]) -> None:
    for t, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        assert isinstance(a, float), f"step {t}: {type(a).__name__}, not float"
        assert abs(a - b) <= 1e-10 * max(1e-8, abs(a) + abs(b)), f"step {t}: {a} != torch {b}"


@pytest.mark.parametrize(("step_size", "gamma"), [(1, 0.5), (3, 0.1), (4, 0.9)])
def test_step_lr_equals_steplr(step_size, gamma):
    theirs = torch_rates(lambda o: lr_scheduler.StepLR(o, step_size, gamma), 25)
    assert_rates([step_lr(LR0, t, step_size, gamma) for t in range(25)], theirs)


@pytest.mark.parametrize(("T", "lr_min"), [(1, 0.0), (7, 0.01), (10, 0.2)])
def test_cosine_lr_equals_cosineannealinglr_also_past_T(T, lr_min):
    steps = 2 * T + 3  # down to lr_min at T, back up to lr0 at 2T, and on
    theirs = torch_rates(lambda o: lr_scheduler.CosineAnnealingLR(o, T, eta_min=lr_min), steps)
    assert_rates([cosine_lr(LR0, t, T, lr_min) for t in range(steps)], theirs)


@pytest.mark.parametrize(("warmup", "T", "lr_min"), [(1, 2, 0.0), (4, 11, 0.01), (5, 30, 0.0)])
def test_warmup_cosine_lr_equals_sequentiallr_of_linearlr_and_cosine(warmup, T, lr_min):
    def make(optimizer):
        return lr_scheduler.SequentialLR(
            optimizer,
            [
                lr_scheduler.LinearLR(optimizer, 1 / (warmup + 1), 1.0, total_iters=warmup),
                lr_scheduler.CosineAnnealingLR(optimizer, T - warmup, eta_min=lr_min),
            ],
            milestones=[warmup],
        )

    steps = T + 4
    mine = [warmup_cosine_lr(LR0, t, warmup, T, lr_min) for t in range(steps)]
    assert_rates(mine, torch_rates(make, steps))
    assert mine[warmup] == LR0 and abs(mine[T] - lr_min) < 1e-15
    assert mine[0] == pytest.approx(LR0 / (warmup + 1))


def test_warmup_zero_is_plain_cosine():
    assert [warmup_cosine_lr(LR0, t, 0, 9, 0.05) for t in range(12)] == [
        cosine_lr(LR0, t, 9, 0.05) for t in range(12)
    ]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: step_lr(0.1, -1, 2), ValueError, "step_lr: epoch must be an int >= 0"),
        (lambda: step_lr(0.1, 1.5, 2), TypeError, "step_lr: epoch must be an int; got float"),
        (lambda: step_lr(0.1, 3, 0), ValueError, "step_lr: step_size must be a positive int"),
        (lambda: cosine_lr(0.1, 2, 0), ValueError, "cosine_lr: T must be a positive int"),
        (lambda: cosine_lr(-0.1, 2, 5), ValueError, "cosine_lr: lr0 must be a real number"),
        (lambda: warmup_cosine_lr(0.1, 0, 5, 5), ValueError, "T must be larger than warmup"),
        (lambda: warmup_cosine_lr(0.1, True, 1, 5), TypeError, "t must be an int; got bool"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
