"""Fixtures of the public tests of 00_introduction: small seeded inputs and nnref's answers.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.
"""

from __future__ import annotations

import numpy as np

import nnref

SEED = 0

# The graph of question q_graph at one point: L = (sigmoid(w * x + b) - t) ** 2.
GRAPH_POINT = {"w": 1.5, "x": -2.0, "b": 0.5, "t": 1.0}


def _neuron(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """One neuron with D = 5 inputs and tanh: a = tanh(w . x + b)."""
    x, w = rng.normal(size=5), rng.normal(size=5)
    b = rng.normal()
    z = nnref.dense_forward(x[None, :], w[:, None], np.array([b]))[0, 0]
    return {"neuron_x": x, "neuron_w": w, "neuron_b": np.array(b), "neuron_tanh": np.tanh(z)}


def _activations(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Sigmoid and ReLU with derivatives on a (3, 4) grid holding exact zeros and +-1000."""
    z = np.round(rng.normal(scale=3.0, size=(3, 4)), 2)
    z[0, 0] = z[1, 2] = 0.0
    z[2, 0], z[2, 3] = -1000.0, 1000.0
    a = nnref.sigmoid_forward(z)
    ones = np.ones_like(z)
    return {
        "act_z": z,
        "sigmoid_out": a,
        "sigmoid_deriv": nnref.sigmoid_backward(ones, a),
        "sigmoid_of_sigmoid": nnref.sigmoid_forward(a),  # the sigmoid applied twice
        "relu_out": nnref.relu_forward(z),
        "relu_deriv": nnref.relu_backward(ones, z),
    }


def graph_values(w: float, x: float, b: float, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Forward values (p, s, a, e, L) and gradients (dw, dx, db, dt) of the q_graph graph."""
    p = w * x
    s = p + b
    a = float(nnref.sigmoid_forward(np.array(s)))
    e = a - t
    loss = e**2
    de = 2 * e
    ds = float(nnref.sigmoid_backward(np.array(de), np.array(a)))
    return np.array([p, s, a, e, loss]), np.array([ds * x, ds * w, ds, -de])


def _graph() -> dict[str, np.ndarray]:
    forward, backward = graph_values(**GRAPH_POINT)
    point = np.array([GRAPH_POINT[k] for k in ("w", "x", "b", "t")])
    return {"graph_point": point, "graph_forward": forward, "graph_backward": backward}


def _layer(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A dense layer with N = 4 examples, D = 3 inputs, M = 2 neurons: Z = X @ W + b."""
    X, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=2)
    return {"layer_X": X, "layer_W": W, "layer_b": b, "layer_Z": nnref.dense_forward(X, W, b)}


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: float64 array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {**_neuron(rng), **_activations(rng), **_graph(), **_layer(rng)}
