"""Mini-batch training loop for :class:`nnref.model.MLP` with any ``nnref.optim`` optimizer.

One epoch visits every training sample once, in a seeded random order, in batches of
``batch_size`` (the last batch may be smaller)::

    for X_b, y_b in iterate_minibatches(X_train, y_train, batch_size, rng):
        loss, grads = model.loss_and_grads(X_b, y_b, weight_decay)
        optimizer.step(grads)          # updates model.params in place

The same ``seed`` (and the same model seed) gives the same History, number for number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnref._hyperparams import as_positive_int, as_real
from nnref._validation import as_rng, checked, format_shape, prefixed
from nnref.losses import cross_entropy_loss
from nnref.model import MLP
from nnref.optim import Optimizer
from nnref.regularization import l2_penalty

__all__ = ["History", "iterate_minibatches", "train"]


@checked
def iterate_minibatches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | int | None = None,
    shuffle: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Split ``(X, y)`` into consecutive mini-batches, in a random order if ``shuffle``.

    Args:
        X: ``(N, ...)`` samples.
        y: ``(N, ...)`` targets.
        batch_size: ``B``, samples per batch; the last batch has ``N - B * floor(N / B)``
            samples when ``B`` does not divide ``N`` (it is kept, not dropped).
        rng: Generator (advanced in place), int seed or ``None`` (fresh entropy); draws one
            permutation of ``0..N-1`` when ``shuffle``.
        shuffle: ``False`` keeps the original order (batches are then views, not copies).

    Returns:
        An iterator of ``ceil(N / B)`` pairs ``(X_b, y_b)``; together they hold every sample
        exactly once. Arguments are checked when the function is called, not at the first batch.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(
            prefixed(
                "X (N, ...) and y (N, ...) must have the same number of samples N; "
                f"got X {format_shape(X.shape)} and y {format_shape(y.shape)}"
            )
        )
    batch_size = as_positive_int(batch_size, "batch_size")
    order = as_rng(rng).permutation(X.shape[0]) if shuffle else None
    return _batches(X, y, batch_size, order)


def _batches(
    X: np.ndarray, y: np.ndarray, batch_size: int, order: np.ndarray | None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, X.shape[0], batch_size):
        if order is None:
            yield X[start : start + batch_size], y[start : start + batch_size]
        else:
            index = order[start : start + batch_size]
            yield X[index], y[index]


@dataclass
class History:
    """Per-epoch metrics of :func:`train`; entry ``k`` of each list belongs to epoch ``k + 1``.

    Attributes:
        train_loss: mean over the epoch's mini-batches (weighted by batch size) of the
            objective that was minimised: cross-entropy ``+ weight_decay/2 * sum ||W||^2``.
        val_loss: the same objective on the validation set after the epoch (eval mode);
            empty without validation data.
        train_acc: fraction of training samples classified correctly *while* training
            (each batch's prediction before its update, dropout on).
        val_acc: validation accuracy after the epoch (eval mode); empty without validation data.
        weight_norms: weight name (``"W1"``, ...) -> Frobenius norms ``||W||_F`` after each epoch.
    """

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    weight_norms: dict[str, list[float]] = field(default_factory=dict)

    @property
    def epochs(self) -> int:
        """Number of epochs recorded."""
        return len(self.train_loss)


def _check_optimizer(model: MLP, optimizer: Any) -> None:
    """The optimizer must update the model's own arrays (``Optimizer(model.params, ...)``)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            prefixed(
                "optimizer must be an nnref.optim.Optimizer (SGD, RMSprop, Adam); "
                f"got {type(optimizer).__name__}"
            )
        )
    shared = set(optimizer.params) == set(model.params) and all(
        optimizer.params[k] is v for k, v in model.params.items()
    )
    if not shared:
        raise ValueError(
            prefixed(
                "optimizer.params must hold the model's own arrays so that its in-place "
                "updates reach the model; build it as e.g. SGD(model.params, lr=0.1)"
            )
        )


def _format_epoch(epoch: int, epochs: int, history: History) -> str:
    line = (
        f"epoch {epoch:>{len(str(epochs))}}/{epochs}  "
        f"loss {history.train_loss[-1]:.4f}  acc {history.train_acc[-1]:.4f}"
    )
    if history.val_loss:
        line += f"  val_loss {history.val_loss[-1]:.4f}  val_acc {history.val_acc[-1]:.4f}"
    return line


@checked
def train(
    model: MLP,
    optimizer: Optimizer,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_val: np.ndarray | None = None,
    y_val: np.ndarray | None = None,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int | np.random.Generator = 0,
    weight_decay: float = 0.0,
    progress: bool = False,
) -> History:
    """Train ``model`` with mini-batch gradient steps; return the per-epoch :class:`History`.

    Args:
        model: the :class:`MLP` to train (its ``params`` change in place).
        optimizer: an ``nnref.optim`` optimizer built on ``model.params``.
        X_train, y_train: ``(N, D)`` features and ``(N,)`` integer labels.
        X_val, y_val: optional validation data ``(N_val, D)``, ``(N_val,)``, both or neither.
        epochs: number of passes over the training data.
        batch_size: samples per gradient step (the last batch of an epoch may be smaller).
        seed: int or Generator for the order of the samples (dropout masks come from the
            model's own seeded generator).
        weight_decay: L2 coefficient ``wd`` of the loss ``CE + wd/2 * sum ||W||^2`` (use it
            *or* the optimizer's ``weight_decay``, which also decays biases, not both).
        progress: print one line per epoch (losses and accuracies) to stdout.

    Returns:
        The :class:`History` of this call.
    """
    _check_optimizer(model, optimizer)
    X_train, y_train = model.check_batch(X_train, y_train, "X_train", "y_train")
    if (X_val is None) != (y_val is None):
        raise ValueError(prefixed("pass both X_val and y_val, or neither"))
    if X_val is not None:
        X_val, y_val = model.check_batch(X_val, y_val, "X_val", "y_val")
    epochs = as_positive_int(epochs, "epochs")
    batch_size = as_positive_int(batch_size, "batch_size")
    weight_decay = as_real(weight_decay, "weight_decay", low=0.0)
    rng = as_rng(seed)
    n_train = X_train.shape[0]
    history = History(weight_norms={k: [] for k in model.params if k.startswith("W")})
    for epoch in range(1, epochs + 1):
        loss_sum, correct = 0.0, 0
        for X_b, y_b in iterate_minibatches(X_train, y_train, batch_size, rng):
            loss, grads = model.loss_and_grads(X_b, y_b, weight_decay)
            correct += int(np.count_nonzero(model.cache.logits.argmax(axis=1) == y_b))
            optimizer.step(grads)
            loss_sum += loss * y_b.shape[0]
        history.train_loss.append(loss_sum / n_train)
        history.train_acc.append(correct / n_train)
        if X_val is not None:
            logits = model.forward(X_val, training=False)
            val_loss, _ = cross_entropy_loss(logits, y_val)
            history.val_loss.append(val_loss + l2_penalty(model.params, weight_decay))
            history.val_acc.append(float(np.mean(logits.argmax(axis=1) == y_val)))
        for name, norms in history.weight_norms.items():
            norms.append(float(np.linalg.norm(model.params[name])))
        if progress:
            print(_format_epoch(epoch, epochs, history), flush=True)
    return history
