"""Fixtures of the public tests of 05_regularization: seeded inputs, answers, known mistakes.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.

Keys `*_wrong_<mistake>` hold the result of one known wrong formula, so a public test can name
the mistake. Any keep-mask drawn from the given generator is right, so no fixture holds the
student's mask or what depends on it: the tests judge `out`, `A` and the gradients against the
mask the student's own function drew. `dropout_mask` is only an input of the backward pass.
"""

from __future__ import annotations

import numpy as np

import nnref

SEED = 5
WEIGHT_DECAY = 0.1
DROPOUT = {"p": 0.3, "seed": 50}
LAYER = {"p": 0.4, "seed": 51}

Params = dict[str, np.ndarray]


def _l2(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A 2-layer MLP's parameters W1 (3, 4), b1 (4,), W2 (4, 2), b2 (2,) and weight decay 0.1."""
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    wd = WEIGHT_DECAY
    squares = {k: float(np.sum(v**2)) for k, v in params.items()}
    weights = sum(squares[k] for k in params if k.startswith("W"))
    out = {f"l2_{k}": v for k, v in params.items()}
    out["l2_weight_decay"] = np.array(wd)
    out["l2_penalty"] = np.array(nnref.l2_penalty(params, wd))
    out["l2_penalty_wrong_biases"] = np.array(0.5 * wd * sum(squares.values()))
    out["l2_penalty_wrong_no_half"] = np.array(wd * weights)
    out["l2_penalty_wrong_l1"] = np.array(
        0.5 * wd * sum(np.abs(v).sum() for k, v in params.items() if k.startswith("W"))
    )
    out["l2_penalty_wrong_norm"] = np.array(
        0.5 * wd * sum(np.sqrt(squares[k]) for k in params if k.startswith("W"))
    )
    out.update({f"l2_grad_{k}": g for k, g in nnref.l2_gradient(params, wd).items()})
    return out


def _dropout(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Dropout on X (4, 6) with p = 0.3 (a seed for the forward pass), and a backward pass with
    upstream gradient dout through a fixed mask."""
    p, seed = DROPOUT["p"], DROPOUT["seed"]
    X = rng.normal(size=(4, 6))
    dout = rng.normal(size=X.shape)
    _, mask = nnref.dropout_forward(X, p, training=True, rng=np.random.default_rng(seed))
    return {
        "dropout_X": X,
        "dropout_p": np.array(p),
        "dropout_seed": np.array(seed),
        "dropout_mask": mask,
        "dropout_dout": dout,
        "dropout_dX": nnref.dropout_backward(dout, mask, p),
        "dropout_dX_wrong_unscaled": dout * mask,
        "dropout_dX_wrong_no_mask": dout / (1 - p),
        "dropout_dX_wrong_times_keep": dout * mask * (1 - p),
    }


def _layer(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Inputs of A = dropout(relu(X @ W + b)) with N = 4, D = 3, M = 5, p = 0.4, and dA."""
    p, seed = LAYER["p"], LAYER["seed"]
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    dA = rng.normal(size=(4, 5))
    return {
        "layer_X": X,
        "layer_W": W,
        "layer_b": b,
        "layer_p": np.array(p),
        "layer_seed": np.array(seed),
        "layer_dA": dA,
    }


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {**_l2(rng), **_dropout(rng), **_layer(rng)}
