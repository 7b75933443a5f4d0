"""Fixtures of assignment 03 (experiments and visualisations): seeded inputs and expected results.

`make_fixtures()` returns the arrays the PUBLIC tests read from `fixtures.npz` (students receive the
file, never `nnref`). Every expected value comes from `nnref` (training runs, initialisers, the
confusion matrix and the decision grid) or from NumPy itself. The notebook's toolkit trains exactly
like `nnref.MLP` + `nnref.SGD` + `nnref.train` (same draws, same operations), so a training run of
the toolkit reproduces these numbers.
"""

from __future__ import annotations

import numpy as np

import nnref

SEED = 303
INIT_NAMES = ("zeros", "small", "large", "xavier", "he")


def reference_initializer(name: str):
    """`init_weights(name, ...)` of the notebook as nnref initialisers: f(fan_in, fan_out, rng)."""
    schemes = {
        "zeros": lambda fan_in, fan_out, rng: nnref.zeros((fan_in, fan_out)),
        "small": lambda fan_in, fan_out, rng: nnref.normal((fan_in, fan_out), std=0.01, rng=rng),
        "large": lambda fan_in, fan_out, rng: nnref.normal((fan_in, fan_out), std=1.0, rng=rng),
        "xavier": lambda fan_in, fan_out, rng: nnref.xavier_normal(fan_in, fan_out, rng=rng),
        "he": lambda fan_in, fan_out, rng: nnref.he_normal(fan_in, fan_out, rng=rng),
    }
    return schemes[name]


STATS_SETUPS = (("he_relu", "gain_1.45", "relu"), ("xavier_tanh", "gain_0.9", "tanh"))
"""activation_stats' public set-ups: (fixture key, scheme, activation). The tests put a stand-in in
place of the student's init_weights, so that activation_stats is graded on its own: scheme
"gain_G" draws W = G / sqrt(fan_in) * standard normals of the shared generator."""


def stand_in_activation_stats(
    init_name: str, activation: str, depth: int, width: int, n_samples: int, seed: int
) -> np.ndarray:
    """Std of every layer's output in a bias-free deep net (the notebook's contract: one
    generator for the input, then the weights), with the stand-in initialiser (STATS_SETUPS)."""
    forward = nnref.ACTIVATIONS[activation][0]
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((n_samples, width))
    stds = []
    for _ in range(depth):
        gain = float(init_name.removeprefix("gain_"))
        W = gain / np.sqrt(width) * rng.standard_normal((width, width))
        A = forward(A @ W)
        stds.append(A.std())
    return np.array(stds)


STOPPING_MISTAKES = ("zero_based", "not_strict", "late", "global_best")


def early_stopping(
    val_losses: np.ndarray, patience: int, mistake: str | None = None
) -> tuple[int, int]:
    """(best_epoch, stop_epoch) of the notebook's early stopping, 1-based; or a known mistake.

    mistake: one of STOPPING_MISTAKES: epochs counted from 0, ties counted as improvements,
    stopping one epoch late, or the best epoch taken over all epochs instead of up to the stop.
    """
    best, best_epoch, wait, stop = np.inf, 0, 0, len(val_losses)
    for epoch, loss in enumerate(val_losses, start=1):
        if loss < best or (mistake == "not_strict" and loss == best):
            best, best_epoch, wait = loss, epoch, 0
        else:
            wait += 1
            if wait == patience + (mistake == "late"):
                stop = epoch
                break
    if mistake == "global_best":
        best_epoch = int(np.nanargmin(val_losses)) + 1
    shift = 1 if mistake == "zero_based" else 0
    return best_epoch - shift, stop - shift


def _train(sizes, X, y, lr, epochs, batch_size, seed, X_val=None, y_val=None):
    """The toolkit's `train_mlp(init_mlp(sizes, seed), X, y, ...)` run, done with nnref."""
    model = nnref.MLP(sizes, seed=seed)
    history = nnref.train(
        model, nnref.SGD(model.params, lr=lr), X, y, X_val, y_val,
        epochs=epochs, batch_size=batch_size, seed=seed,
    )  # fmt: skip
    return model, history


def _learning_rate(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """learning_rate_sweep on 40 points (D = 2, C = 2), 3 learning rates x 4 epochs."""
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    lrs, sizes, epochs, batch_size, seed = np.array([0.05, 0.5, 2.0]), [2, 6, 2], 4, 16, 1
    curves = np.array(
        [_train(sizes, X, y, lr, epochs, batch_size, seed)[1].train_loss for lr in lrs]
    )
    return {
        "lr_X": X, "lr_y": y, "lr_lrs": lrs, "lr_sizes": np.array(sizes),
        "lr_epochs": np.array(epochs), "lr_batch_size": np.array(batch_size),
        "lr_seed": np.array(seed), "lr_curves": curves,
        "best_lrs": np.array([0.001, 0.01, 0.1, 1.0, 10.0]),
        "best_losses": np.array([0.62, 0.31, 0.18, np.nan, np.inf]),
        "best_lr": np.array(0.1),
    }  # fmt: skip


def _initialisation() -> dict[str, np.ndarray]:
    """init_weights(name, 5, 3, default_rng(7)) per scheme; activation_stats of two set-ups
    (with the stand-in initialiser, see STATS_SETUPS)."""
    out: dict[str, np.ndarray] = {"init_seed": np.array(7)}
    for name in INIT_NAMES:
        out[f"init_{name}"] = reference_initializer(name)(5, 3, np.random.default_rng(7))
    for key, init_name, activation in STATS_SETUPS:
        out[f"stats_{key}"] = stand_in_activation_stats(init_name, activation, 4, 30, 50, seed=2)
    return out


def _overfitting(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A recorded history, a validation-loss curve for early stopping and a capacity sweep."""
    split = nnref.load_moons(n_samples=120, noise=0.3, seed=5, val_size=0.25, test_size=0.1)
    _, history = _train(
        [2, 16, 2], split.X_train, split.y_train, 0.5, 12, 16, 2, split.X_val, split.y_val
    )
    # a noisy U-shaped validation loss with a tie (epochs 4-6): patience 2 stops at epoch 6
    val_losses = np.array([0.9, 0.7, 0.62, 0.6, 0.6, 0.6, 0.55, 0.58, 0.56, 0.57, 0.5, 0.65])
    X_train, y_train = split.X_train[:40], split.y_train[:40]
    hidden_sizes = np.array([1, 8])
    train_acc, val_acc = [], []
    for hidden in hidden_sizes:
        model, _ = _train([2, int(hidden), 2], X_train, y_train, 0.5, 30, 16, 4)
        train_acc.append(model.score(X_train, y_train))
        val_acc.append(model.score(split.X_val, split.y_val))
    return {
        "gap_train_acc": np.array(history.train_acc), "gap_val_acc": np.array(history.val_acc),
        "gap_train_loss": np.array(history.train_loss), "gap_val_loss": np.array(history.val_loss),
        "gap_expected": np.array(history.train_acc[-1] - history.val_acc[-1]),
        "stop_val_losses": val_losses, "stop_patience": np.array(2),
        "stop_expected": np.array(early_stopping(val_losses, 2)),
        **{f"stop_wrong_{variant}": np.array(early_stopping(val_losses, 2, variant))
           for variant in STOPPING_MISTAKES},
        "cap_X_train": X_train, "cap_y_train": y_train,
        "cap_X_val": split.X_val, "cap_y_val": split.y_val, "cap_hidden_sizes": hidden_sizes,
        "cap_lr": np.array(0.5), "cap_epochs": np.array(30), "cap_batch_size": np.array(16),
        "cap_seed": np.array(4),
        "cap_train_acc": np.array(train_acc), "cap_val_acc": np.array(val_acc),
    }  # fmt: skip


class _LinearRule:
    """The public test's predict_fn: class 1 where x1 + 2 x2 > 0.3."""

    @staticmethod
    def predict(P: np.ndarray) -> np.ndarray:
        return (P[:, 0] + 2.0 * P[:, 1] > 0.3).astype(np.int64)


def _decision_grid(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """decision_grid of a linear rule over 15 points with unequal x/y ranges, 6 x 6 grid."""
    X = rng.normal(size=(15, 2)) * np.array([2.0, 0.7])
    y = _LinearRule.predict(X)
    fig = nnref.plot_decision_boundary(_LinearRule(), X, y, resolution=6, margin=0.25)
    xx, yy, classes = fig.decision_grid
    return {
        "grid_X": X, "grid_resolution": np.array(6), "grid_margin": np.array(0.25),
        "grid_xx": xx, "grid_yy": yy, "grid_classes": classes,
    }  # fmt: skip


def _weights_and_confusion(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """weight_histograms of a small MLP (a bias beyond the weights' range) and a confusion matrix
    with a class that is never predicted and one that never occurs."""
    params = nnref.MLP([3, 5, 4], seed=5).params
    params["b1"] = rng.normal(size=5) + np.array([2.5, 0, 0, 0, 0])  # beyond the weights' range
    params["b2"] = rng.normal(size=4)
    edges = np.histogram_bin_edges(np.concatenate([params["W1"].ravel(), params["W2"].ravel()]), 6)
    # class 3 is never predicted (a zero column), class 4 never occurs (a zero row and column)
    y_true = np.array([0, 1, 2, 3, 1, 1, 2, 0, 3, 3, 2, 1, 2])
    y_pred = np.array([0, 2, 2, 2, 1, 0, 2, 0, 1, 0, 0, 1, 0])
    C = nnref.confusion_matrix(y_true, y_pred, 5)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.diag(C) / C.sum(axis=1)  # 0 / 0 = NaN for the absent class
        by_column = np.diag(C) / C.sum(axis=0)  # the mistake: precision instead of recall
    errors = C - np.diag(np.diag(C))
    most_confused = np.unravel_index(np.argmax(errors), errors.shape)  # unique maximum here
    return {
        **{f"hist_{k}": v for k, v in params.items()},
        "hist_bins": np.array(6), "hist_edges": edges,
        **{f"hist_counts_{k}": np.histogram(params[k], bins=edges)[0] for k in ("W1", "W2")},
        "cm_y_true": y_true, "cm_y_pred": y_pred, "cm_n_classes": np.array(5), "cm_expected": C,
        "cm_per_class": per_class, "cm_per_class_by_column": by_column,
        "cm_most_confused": np.array(most_confused),
    }  # fmt: skip


def make_fixtures() -> dict[str, np.ndarray]:
    """Every array the public tests of assignment 03 read, by name."""
    rng = np.random.default_rng(SEED)
    return {
        **_learning_rate(rng),
        **_initialisation(),
        **_overfitting(rng),
        **_decision_grid(rng),
        **_weights_and_confusion(rng),
    }
