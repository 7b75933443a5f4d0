"""Fixtures of the public tests of 02_nn_pytorch: NumPy weights and nnref's answers.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Everything is computed by the NumPy reference (nnref),
so a student's PyTorch code is checked against an implementation that does not use PyTorch.

Keys:
- `W1 (D, H)`, `b1 (H,)`, `W2 (H, C)`, `b2 (C,)`: a two-layer ReLU network, D = 3, H = 5, C = 4.
- `X (N, D)`, `y (N,)`: a batch of N = 6; `logits (N, C)`, `loss ()`, `dW1`, `db1`, `dW2`, `db2`:
  its forward pass, mean softmax cross-entropy and gradients.
- `W1_step`, `b1_step`, `W2_step`, `b2_step`: the parameters after ONE SGD step with `STEP_LR`.
- `accuracy ()`: the accuracy of the network on (X, y).
- `epoch_X (10, D)`, `epoch_y (10,)`, `epoch_loss ()` and `W1_epoch`, ...: one epoch of SGD with
  `EPOCH_LR` over batches of `EPOCH_BATCH` in order (the last batch has 2 examples); the loss is
  the mean over the 10 examples (batch losses weighted by batch size).
- `digits_X (1797, 64) uint8` (pixels 0..16), `digits_y (1797,)`: sklearn's digits.
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits

import nnref

SEED = 0
SIZES = (3, 5, 4)  # D, H, C: all different, so a missing transpose always shows
STEP_LR = 0.1
EPOCH_LR = 0.1
EPOCH_BATCH = 4


def _network(rng: np.random.Generator) -> nnref.MLP:
    """The reference network with He-normal weights and non-zero biases (biases must show)."""
    mlp = nnref.MLP(list(SIZES), seed=SEED)
    for key in ("b1", "b2"):
        mlp.params[key][:] = rng.normal(scale=0.5, size=mlp.params[key].shape)
    return mlp


def _params(mlp: nnref.MLP, suffix: str = "") -> dict[str, np.ndarray]:
    return {key + suffix: value.copy() for key, value in mlp.params.items()}


def _one_step(mlp: nnref.MLP, rng: np.random.Generator) -> dict[str, np.ndarray]:
    X = rng.normal(size=(6, SIZES[0]))
    y = np.array([0, 1, 2, 3, 1, 2])
    logits = mlp.forward(X)
    loss, grads = mlp.loss_and_grads(X, y)
    out = {"X": X, "y": y, "logits": logits, "loss": np.array(loss), **_params(mlp)}
    out.update({"d" + key: grad for key, grad in grads.items()})
    out["accuracy"] = np.array(mlp.score(X, y))
    stepped = {key: value.copy() for key, value in mlp.params.items()}
    nnref.sgd_step(stepped, grads, STEP_LR)
    out.update({key + "_step": value for key, value in stepped.items()})
    return out


def _one_epoch(mlp: nnref.MLP, rng: np.random.Generator) -> dict[str, np.ndarray]:
    X = rng.normal(size=(10, SIZES[0]))
    y = rng.integers(0, SIZES[2], size=10)
    total = 0.0
    for Xb, yb in nnref.iterate_minibatches(X, y, EPOCH_BATCH, shuffle=False):
        loss, grads = mlp.loss_and_grads(Xb, yb)
        nnref.sgd_step(mlp.params, grads, EPOCH_LR)
        total += loss * len(yb)
    return {"epoch_X": X, "epoch_y": y, "epoch_loss": np.array(total / len(y))} | _params(
        mlp, "_epoch"
    )


def _digits() -> dict[str, np.ndarray]:
    digits = load_digits()
    return {"digits_X": digits.data.astype(np.uint8), "digits_y": digits.target.astype(np.int64)}


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    mlp = _network(rng)
    fixtures = _one_step(mlp, rng)
    fixtures.update(_one_epoch(mlp, rng))
    fixtures.update(_digits())
    return fixtures
