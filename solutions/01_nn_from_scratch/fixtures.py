"""Fixtures of assignment 01 (NumPy MLP): small seeded inputs and their expected results.

`make_fixtures()` returns the arrays the PUBLIC tests read from `fixtures.npz` (students receive the
file, never `nnref`). Every expected value comes from `nnref`, the answer key. Shapes keep
N != D != M so that a transposed result always shows, and include exact zeros for ReLU.
"""

from __future__ import annotations

import numpy as np

import nnref

SEED = 2024
NET_KEYS = ("W1", "b1", "W2", "b2")


def _dense(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """dense_forward / dense_backward with X (4, 3), W (3, 2), b (2,)."""
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    dZ = rng.normal(size=(4, 2))
    dX, dW, db = nnref.dense_backward(dZ, X, W)
    return {
        "dense_X": X, "dense_W": W, "dense_b": b, "dense_Z": nnref.dense_forward(X, W, b),
        "dense_dZ": dZ, "dense_dX": dX, "dense_dW": dW, "dense_db": db,
    }  # fmt: skip


def _activations(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """ReLU (with exact zeros in Z), sigmoid and tanh on (4, 5) inputs."""
    out: dict[str, np.ndarray] = {}
    Z = rng.normal(size=(4, 5))
    Z[[0, 1, 3], [2, 0, 4]] = 0.0
    dA = rng.normal(size=Z.shape)
    out |= {"relu_Z": Z, "relu_dA": dA, "relu_A": nnref.relu_forward(Z),
            "relu_dZ": nnref.relu_backward(dA, Z)}  # fmt: skip
    for name, forward, backward in [
        ("sigmoid", nnref.sigmoid_forward, nnref.sigmoid_backward),
        ("tanh", nnref.tanh_forward, nnref.tanh_backward),
    ]:
        Z, dA = rng.normal(scale=2.0, size=(4, 5)), rng.normal(size=(4, 5))
        A = forward(Z)
        out |= {f"{name}_Z": Z, f"{name}_dA": dA, f"{name}_A": A,
                f"{name}_dZ": backward(dA, A)}  # fmt: skip
    return out


def _losses(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """softmax on (4, 3) logits; cross-entropy on (5, 3) logits; MSE on (4, 3) targets."""
    Z = rng.normal(scale=2.0, size=(4, 3))
    ce_Z, ce_y = rng.normal(scale=2.0, size=(5, 3)), np.array([0, 2, 1, 2, 0])
    ce_loss, ce_dZ = nnref.cross_entropy_loss(ce_Z, ce_y)
    Y_hat, Y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    mse, dY_hat = nnref.mse_loss(Y_hat, Y)
    return {
        "softmax_Z": Z, "softmax_P": nnref.softmax(Z),
        "ce_Z": ce_Z, "ce_y": ce_y, "ce_loss": np.array(ce_loss), "ce_dZ": ce_dZ,
        "mse_Y_hat": Y_hat, "mse_Y": Y, "mse_loss": np.array(mse), "mse_dY_hat": dY_hat,
    }  # fmt: skip


def _sgd(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One sgd_step on {"W": (3, 2), "b": (2,)} with lr = 0.1."""
    params = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    grads = {"W": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    out = {"sgd_W": params["W"].copy(), "sgd_b": params["b"].copy(),
           "sgd_dW": grads["W"], "sgd_db": grads["b"], "sgd_lr": np.array(0.1)}  # fmt: skip
    nnref.sgd_step(params, grads, 0.1)
    return out | {"sgd_W_new": params["W"], "sgd_b_new": params["b"]}


def _network(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Two-layer ReLU network D=2 -> H=5 -> C=3 on N=6 examples: forward, backward, one step."""
    X, y = rng.normal(size=(6, 2)), np.array([0, 1, 2, 1, 0, 2])
    mlp = nnref.MLP([2, 5, 3], activation="relu", seed=SEED)
    mlp.params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in mlp.params.items()}
    out = {f"net_{k}": v.copy() for k, v in mlp.params.items()}
    dlogits = rng.normal(size=(6, 3))
    out |= {"net_X": X, "net_y": y, "net_logits": mlp.forward(X), "net_dlogits": dlogits}
    out |= {f"net_d{k}": g for k, g in mlp.backward(dlogits).items()}
    out |= _network_mistakes(out)
    lr = 0.5
    loss, grads = mlp.loss_and_grads(X, y)
    nnref.sgd_step(mlp.params, grads, lr)
    out |= {"net_lr": np.array(lr), "net_loss": np.array(loss)}
    return out | {f"net_{k}_after": mlp.params[k] for k in NET_KEYS}


def _network_mistakes(net: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """What mistakes give on the network fixture: a softmax inside the forward pass (net_probs),
    a backward pass that skips relu_backward (net_dW1_skip_relu, net_db1_skip_relu) or takes
    dW2 from Z1 instead of A1 (net_dW2_from_Z1)."""
    X, dlogits = net["net_X"], net["net_dlogits"]
    Z1 = nnref.dense_forward(X, net["net_W1"], net["net_b1"])
    dA1, _, _ = nnref.dense_backward(dlogits, nnref.relu_forward(Z1), net["net_W2"])
    _, dW1, db1 = nnref.dense_backward(dA1, X, net["net_W1"])
    return {
        "net_probs": nnref.softmax(net["net_logits"]),
        "net_dW1_skip_relu": dW1, "net_db1_skip_relu": db1, "net_dW2_from_Z1": Z1.T @ dlogits,
    }  # fmt: skip


def _large_inputs() -> dict[str, np.ndarray]:
    """Inputs as large as the hidden tests use, for the public stability checks."""
    Z = np.array([[-1000.0, -40.0, 0.0, 40.0, 1000.0]])
    soft_Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4 + 1.0, -1e4 + 2.0], [1e4, 1e4, 1e4 - 30]])
    ce_Z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, 1e4]])
    ce_y = np.array([1, 0, 2])
    ce_loss, ce_dZ = nnref.cross_entropy_loss(ce_Z, ce_y)
    return {
        "sigmoid_Z_large": Z, "sigmoid_A_large": nnref.sigmoid_forward(Z),
        "tanh_Z_large": Z, "tanh_A_large": nnref.tanh_forward(Z),
        "softmax_Z_large": soft_Z, "softmax_P_large": nnref.softmax(soft_Z),
        "ce_Z_large": ce_Z, "ce_y_large": ce_y, "ce_loss_large": np.array(ce_loss),
        "ce_dZ_large": ce_dZ,
    }  # fmt: skip


def _moons() -> dict[str, np.ndarray]:
    """A standardised moons split for the public training check (600 train, 200 test)."""
    split = nnref.load_moons(n_samples=1000, noise=0.15, seed=SEED)
    return {
        "moons_X_train": split.X_train, "moons_y_train": split.y_train,
        "moons_X_test": split.X_test, "moons_y_test": split.y_test,
    }  # fmt: skip


def make_fixtures() -> dict[str, np.ndarray]:
    """All fixtures of assignment 01, name -> array (float64 arrays, int labels, 0-d scalars)."""
    rng = np.random.default_rng(SEED)
    return (
        _dense(rng) | _activations(rng) | _losses(rng) | _sgd(rng) | _network(rng) | _moons()
        | _large_inputs()
    )  # fmt: skip
