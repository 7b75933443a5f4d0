"""Fixtures of the public tests of 05_regularization: seeded inputs, answers, known mistakes.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.

Keys `*_wrong_<mistake>` hold the result of one known wrong formula, so a public test can name
the mistake. Dropout masks come from `np.random.default_rng(seed).random(shape) >= p`, the
course contract, so the student's function reproduces them from the same seed.
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


def _masks(r: np.ndarray, p: float) -> dict[str, np.ndarray]:
    """The contract's keep-mask from uniform draws `r`, and the mask of the keep/drop mix-up."""
    return {"keep": (r >= p).astype(float), "swapped": (r < p).astype(float)}


def _dropout(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Dropout on X (4, 6) with p = 0.3: forward from a seeded Generator, backward with dout."""
    p, seed = DROPOUT["p"], DROPOUT["seed"]
    X = rng.normal(size=(4, 6))
    dout = rng.normal(size=X.shape)
    out, mask = nnref.dropout_forward(X, p, training=True, rng=np.random.default_rng(seed))
    masks = _masks(np.random.default_rng(seed).random(X.shape), p)
    if not np.array_equal(mask, masks["keep"]):
        raise RuntimeError("nnref.dropout_forward no longer draws rng.random(X.shape) >= p")
    swapped = masks["swapped"]
    return {
        "dropout_X": X,
        "dropout_p": np.array(p),
        "dropout_seed": np.array(seed),
        "dropout_out": out,
        "dropout_mask": mask,
        "dropout_out_wrong_unscaled": X * mask,
        "dropout_out_wrong_times_keep": X * mask * (1 - p),
        "dropout_out_wrong_divide_p": X * mask / p,
        "dropout_out_wrong_keep_prob": X * swapped / p,
        "dropout_out_wrong_swapped_mask": X * swapped / (1 - p),
        "dropout_mask_wrong_swapped": swapped,
        "dropout_mask_wrong_scaled": mask / (1 - p),
        "dropout_dout": dout,
        "dropout_dX": nnref.dropout_backward(dout, mask, p),
        "dropout_dX_wrong_unscaled": dout * mask,
        "dropout_dX_wrong_no_mask": dout / (1 - p),
        "dropout_dX_wrong_times_keep": dout * mask * (1 - p),
    }


def _layer_grads(X: np.ndarray, W: np.ndarray, Z: np.ndarray, dH: np.ndarray) -> list[np.ndarray]:
    """(dX, dW, db) of Z = X @ W + b, H = relu(Z), given the gradient dH of H."""
    return list(nnref.dense_backward(nnref.relu_backward(dH, Z), X, W))


def _layer(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A = dropout(relu(X @ W + b)) with N = 4, D = 3, M = 5, p = 0.4, and its backward."""
    p, seed = LAYER["p"], LAYER["seed"]
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    dA = rng.normal(size=(4, 5))
    Z = nnref.dense_forward(X, W, b)
    A, mask = nnref.dropout_forward(
        nnref.relu_forward(Z), p, training=True, rng=np.random.default_rng(seed)
    )
    out = {
        "layer_X": X,
        "layer_W": W,
        "layer_b": b,
        "layer_p": np.array(p),
        "layer_seed": np.array(seed),
        "layer_A": A,
        "layer_dA": dA,
    }
    upstream = {
        "": nnref.dropout_backward(dA, mask, p),
        "_wrong_no_dropout": dA,
        "_wrong_unscaled": dA * mask,
    }
    for suffix, dH in upstream.items():
        for name, grad in zip(("dX", "dW", "db"), _layer_grads(X, W, Z, dH), strict=True):
            out[f"layer_{name}{suffix}"] = grad
    return out


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {**_l2(rng), **_dropout(rng), **_layer(rng)}
