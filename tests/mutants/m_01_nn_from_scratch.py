"""Mutants of assignment 01 (a neural network from scratch in NumPy).

Contract: dense_forward(X, W, b) -> Z; dense_backward(dZ, X, W) -> (dX, dW, db);
relu/sigmoid/tanh forward and backward (sigmoid/tanh backward take the output A); softmax(Z);
cross_entropy_loss(Z, y) -> (loss, dZ) mean over the batch; mse_loss(Y_hat, Y) -> (loss, dY_hat)
mean over all elements; sgd_step(params, grads, lr) in place; numerical_gradient(f, x, h=1e-5)
perturbing x in place and restoring it; init_two_layer(D, H, C, seed) (He normal, W1 then W2);
two_layer_forward(X, params) -> (logits, cache); two_layer_backward(dlogits, cache, params) ->
grads; train_step(params, X, y, lr) -> loss before the update; train_two_layer(X, y, hidden, lr,
epochs, batch_size, seed) -> (params, losses) following the notebook's recipe.

Each source is written the way a student would get it wrong; it may use `np` and the notebook's
other functions (the network mutants call dense_forward, relu_backward, ... like the solution).
`mistake` is a substring the feedback must contain: the wording of nncheck's diagnosis or of the
assignment's own test messages (solutions/01_nn_from_scratch).
`PROBES` call a function on inputs that expose every self-contained mutant (N != D != M, exact
zeros in Z, logits of +-1e4) and return its result together with its inputs after the call, so
in-place mutation shows; tests/mutants/test_catalogue.py checks each mutant against nnref.
"""

from collections.abc import Callable
from typing import Any

import numpy as np

from tests.mutants.catalogue import Mutant

MUTATED = "modified its input"  # nncheck.assert_not_mutated

_NUMERICAL_GRADIENT = """\
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        {restore}
        grad[i] = {quotient}
    return grad
"""


def _numerical_gradient(restore: str, quotient: str) -> str:
    return _NUMERICAL_GRADIENT.format(restore=restore, quotient=quotient)


_CROSS_ENTROPY = """\
def cross_entropy_loss(Z, y):
    N = Z.shape[0]
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dZ = np.exp(log_p)
    dZ[np.arange(N), y] -= 1
    return {result}
"""

_TWO_LAYER_BACKWARD = """\
def two_layer_backward(dlogits, cache, params):
    X, Z1, A1 = cache
    dA1, dW2, db2 = dense_backward(dlogits, A1, params["W2"])
    dZ1 = {dZ1}
    _, dW1, db1 = dense_backward(dZ1, X, params["W1"])
    return {grads}
"""
_GRADS = '{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}'

_TRAIN_TWO_LAYER = """\
def train_two_layer(X, y, hidden=32, lr=0.5, epochs=60, batch_size=32, seed=0):
    rng = {rng}
    N, D = X.shape
    params = init_two_layer(D, hidden, int(y.max()) + 1, seed)
    losses = []
    for epoch in range(epochs):
        order = rng.permutation(N)
        {shuffle}
        batch_losses = []
        for start in range({batches}):
            idx = order[start : start + batch_size]
            batch_losses.append(train_step(params, {batch}, lr))
        {record}
    return params, losses
"""
_RECIPE = {
    "rng": "np.random.default_rng(seed)",
    "shuffle": "",
    "batches": "0, N, batch_size",
    "batch": "X[idx], y[idx]",
    "record": "losses.append(float(np.mean(batch_losses)))",
}


def _train_two_layer(**changes: str) -> str:
    return _TRAIN_TWO_LAYER.format(**(_RECIPE | changes))


def _init_two_layer(rng: str, std1: str, std2: str, shape1: str = "(D, H)") -> str:
    return (
        "def init_two_layer(D, H, C, seed=0):\n"
        f"    rng = {rng}\n"
        f'    return {{"W1": rng.normal(0.0, {std1}, size={shape1}), "b1": np.zeros(H),\n'
        f'            "W2": rng.normal(0.0, {std2}, size=(H, C)), "b2": np.zeros(C)}}\n'
    )


MUTANTS = [
    # ------------------------------------------------------------ dense_forward: Z = X @ W + b
    Mutant(
        "dense_forward",
        "no_bias",
        "def dense_forward(X, W, b):\n    return X @ W\n",
        mistake="term is missing",
    ),
    Mutant("dense_forward", "W_at_X", "def dense_forward(X, W, b):\n    return W @ X + b\n"),
    Mutant(
        "dense_forward",
        "bias_as_column",
        "def dense_forward(X, W, b):\n    return X @ W + b.reshape(-1, 1)\n",
    ),
    # ------------------------------------------- dense_backward: dZ @ W.T, X.T @ dZ, dZ.sum(0)
    Mutant(
        "dense_backward",
        "dW_transposed",
        "def dense_backward(dZ, X, W):\n    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)\n",
        mistake="transposed",
    ),
    Mutant(
        "dense_backward",
        "db_wrong_axis",
        "def dense_backward(dZ, X, W):\n    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)\n",
        mistake="axis",
    ),
    Mutant(
        "dense_backward",
        "db_keepdims",
        "def dense_backward(dZ, X, W):\n"
        "    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0, keepdims=True)\n",
        mistake="keepdims",
    ),
    Mutant(
        "dense_backward",
        "dX_uses_W",
        "def dense_backward(dZ, X, W):\n    return dZ @ W, X.T @ dZ, dZ.sum(axis=0)\n",
    ),
    Mutant(
        "dense_backward",
        "divided_by_N",
        "def dense_backward(dZ, X, W):\n"
        "    N = X.shape[0]\n"
        "    return dZ @ W.T, X.T @ dZ / N, dZ.sum(axis=0) / N\n",
        mistake="batch",
    ),
    # ----------------------------------------------------------- relu_forward: max(Z, 0)
    Mutant(
        "relu_forward",
        "max_not_maximum",
        "def relu_forward(Z):\n    return np.max(Z, 0)\n",
        mistake="axis",
    ),
    Mutant(
        "relu_forward",
        "zeroes_Z_in_place",
        "def relu_forward(Z):\n    Z[Z < 0] = 0\n    return Z\n",
        mistake=MUTATED,
    ),
    Mutant(
        "relu_forward",
        "leaky",
        "def relu_forward(Z):\n    return np.where(Z > 0, Z, 0.01 * Z)\n",
        mistake="leaky ReLU",
    ),
    # ------------------------------------------------------- relu_backward: dA * (Z > 0)
    Mutant(
        "relu_backward",
        "ge_zero",
        "def relu_backward(dA, Z):\n    return dA * (Z >= 0)\n",
        mistake="exactly 0",
    ),
    Mutant(
        "relu_backward",
        "uses_dA",
        "def relu_backward(dA, Z):\n    return dA * (dA > 0)\n",
        mistake="not from dA",
    ),
    Mutant(
        "relu_backward",
        "sign_of_Z",
        "def relu_backward(dA, Z):\n    return dA * np.sign(Z)\n",
        mistake="Z < 0",
    ),
    Mutant(
        "relu_backward",
        "mask_only",
        "def relu_backward(dA, Z):\n    return (Z > 0).astype(float)\n",
        mistake="upstream gradient",
    ),
    Mutant(
        "relu_backward",
        "zeroes_dA_in_place",
        "def relu_backward(dA, Z):\n    dA[Z <= 0] = 0\n    return dA\n",
        mistake=MUTATED,
    ),
    # ------------------------------------------------- sigmoid_forward: 1 / (1 + exp(-Z))
    Mutant(
        "sigmoid_forward",
        "exp_ratio_overflows",
        "def sigmoid_forward(Z):\n    return np.exp(Z) / (1 + np.exp(Z))\n",
        mistake="unstable",
    ),
    Mutant(
        "sigmoid_forward",
        "sign_flipped",
        "def sigmoid_forward(Z):\n    return 1 / (1 + np.exp(Z))\n",
        mistake="sign in the exponent",
    ),
    Mutant(
        "sigmoid_forward",
        "negates_Z_in_place",
        "def sigmoid_forward(Z):\n    Z *= -1\n    return 1 / (1 + np.exp(Z))\n",
        mistake=MUTATED,
    ),
    # ------------------------------------------- sigmoid_backward: dA * A * (1 - A), A = output
    Mutant(
        "sigmoid_backward",
        "derivative_of_A",
        "def sigmoid_backward(dA, A):\n    s = 1 / (1 + np.exp(-A))\n    return dA * s * (1 - s)\n",
        mistake="wrong variable",
    ),
    Mutant(
        "sigmoid_backward",
        "no_upstream",
        "def sigmoid_backward(dA, A):\n    return A * (1 - A)\n",
        mistake="upstream gradient",
    ),
    Mutant(
        "sigmoid_backward",
        "scales_dA_in_place",
        "def sigmoid_backward(dA, A):\n    dA *= A * (1 - A)\n    return dA\n",
        mistake=MUTATED,
    ),
    # ------------------------------------------------------------------- tanh_forward
    Mutant(
        "tanh_forward",
        "exp_ratio_overflows",
        "def tanh_forward(Z):\n    return (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))\n",
        mistake="unstable",
    ),
    Mutant(
        "tanh_forward",
        "sigmoid_instead",
        "def tanh_forward(Z):\n    return 1 / (1 + np.exp(-Z))\n",
        mistake="this is the sigmoid",
    ),
    # ------------------------------------------------ tanh_backward: dA * (1 - A**2), A = output
    Mutant(
        "tanh_backward",
        "derivative_of_A",
        "def tanh_backward(dA, A):\n    return dA * (1 - np.tanh(A) ** 2)\n",
        mistake="wrong variable",
    ),
    Mutant(
        "tanh_backward",
        "sign_flipped",
        "def tanh_backward(dA, A):\n    return dA * (A**2 - 1)\n",
        mistake="sign",
    ),
    Mutant(
        "tanh_backward",
        "square_missing",
        "def tanh_backward(dA, A):\n    return dA * (1 - A)\n",
        mistake="1 - A**2",
    ),
    # ------------------------------------------------------------ softmax: row-wise, stable
    Mutant(
        "softmax",
        "no_max_subtraction",
        "def softmax(Z):\n    E = np.exp(Z)\n    return E / E.sum(axis=1, keepdims=True)\n",
        mistake="unstable",
    ),
    Mutant(
        "softmax",
        "wrong_axis",
        "def softmax(Z):\n"
        "    E = np.exp(Z - Z.max(axis=0, keepdims=True))\n"
        "    return E / E.sum(axis=0, keepdims=True)\n",
        mistake="axis",
    ),
    Mutant(
        "softmax",
        "global_max",
        "def softmax(Z):\n"
        "    E = np.exp(Z - Z.max())\n"
        "    return E / E.sum(axis=1, keepdims=True)\n",
        mistake="unstable",
    ),
    Mutant(
        "softmax",
        "shifts_Z_in_place",
        "def softmax(Z):\n"
        "    Z -= Z.max(axis=1, keepdims=True)\n"
        "    E = np.exp(Z)\n"
        "    return E / E.sum(axis=1, keepdims=True)\n",
        mistake=MUTATED,
    ),
    # ------------------------- cross_entropy_loss: mean, dZ = (softmax(Z) - onehot(y)) / N
    Mutant(
        "cross_entropy_loss",
        "sum_not_mean",
        _CROSS_ENTROPY.format(result="-log_p[np.arange(N), y].sum(), dZ"),
        mistake="batch",
    ),
    Mutant(
        "cross_entropy_loss",
        "dZ_not_divided_by_N",
        _CROSS_ENTROPY.format(result="-log_p[np.arange(N), y].mean(), dZ"),
        mistake="batch",
    ),
    Mutant(
        "cross_entropy_loss",
        "sign_flipped",
        _CROSS_ENTROPY.format(result="-log_p[np.arange(N), y].mean(), -dZ / N"),
        mistake="sign",
    ),
    Mutant(
        "cross_entropy_loss",
        "no_max_subtraction",
        "def cross_entropy_loss(Z, y):\n"
        "    N = Z.shape[0]\n"
        "    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)\n"
        "    loss = -np.log(P[np.arange(N), y]).mean()\n"
        "    P[np.arange(N), y] -= 1\n"
        "    return loss, P / N\n",
        mistake="unstable",
    ),
    Mutant(
        "cross_entropy_loss",
        "log_of_softmax",
        "def cross_entropy_loss(Z, y):\n"
        "    N = Z.shape[0]\n"
        "    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
        "    P = E / E.sum(axis=1, keepdims=True)\n"
        "    loss = -np.log(P[np.arange(N), y]).mean()\n"
        "    P[np.arange(N), y] -= 1\n"
        "    return loss, P / N\n",
        mistake="unstable",
    ),
    Mutant(
        "cross_entropy_loss",
        "shifts_Z_in_place",
        "def cross_entropy_loss(Z, y):\n"
        "    N = Z.shape[0]\n"
        "    Z -= Z.max(axis=1, keepdims=True)\n"
        "    log_p = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))\n"
        "    dZ = np.exp(log_p)\n"
        "    dZ[np.arange(N), y] -= 1\n"
        "    return -log_p[np.arange(N), y].mean(), dZ / N\n",
        mistake=MUTATED,
    ),
    # ------------------------- mse_loss: mean over all N * D elements, 2 * (Y_hat - Y) / (N * D)
    Mutant(
        "mse_loss",
        "gradient_missing_2",
        "def mse_loss(Y_hat, Y):\n"
        "    diff = Y_hat - Y\n"
        "    return np.mean(diff**2), diff / diff.size\n",
        mistake="factor 2",
    ),
    Mutant(
        "mse_loss",
        "mean_over_rows",
        "def mse_loss(Y_hat, Y):\n"
        "    diff = Y_hat - Y\n"
        "    N = Y.shape[0]\n"
        "    return (diff**2).sum() / N, 2 * diff / N\n",
        mistake="N * D",
    ),
    Mutant(
        "mse_loss",
        "sign_flipped",
        "def mse_loss(Y_hat, Y):\n"
        "    diff = Y_hat - Y\n"
        "    return np.mean(diff**2), -2 * diff / diff.size\n",
        mistake="sign",
    ),
    Mutant(
        "mse_loss",
        "summed",
        "def mse_loss(Y_hat, Y):\n    diff = Y_hat - Y\n    return np.sum(diff**2), 2 * diff\n",
        mistake="summed instead of averaging",
    ),
    # ---------------------------------------- sgd_step: params[k] -= lr * grads[k], in place
    Mutant(
        "sgd_step",
        "plus_instead_of_minus",
        "def sgd_step(params, grads, lr):\n"
        "    for key in params:\n"
        "        params[key] += lr * grads[key]\n",
        mistake="sign",
    ),
    Mutant(
        "sgd_step",
        "returns_new_dict",
        "def sgd_step(params, grads, lr):\n"
        "    params = {key: value - lr * grads[key] for key, value in params.items()}\n"
        "    return params\n",
        mistake="in place",
    ),
    Mutant(
        "sgd_step",
        "rebinds_entries",
        "def sgd_step(params, grads, lr):\n"
        "    for key in params:\n"
        "        params[key] = params[key] - lr * grads[key]\n",
        mistake="in place",
    ),
    Mutant(
        "sgd_step",
        "weights_only",
        "def sgd_step(params, grads, lr):\n"
        "    for key in params:\n"
        "        if key.startswith('W'):\n"
        "            params[key] -= lr * grads[key]\n",
        mistake="the biases too",
    ),
    Mutant(
        "sgd_step",
        "scales_grads_in_place",
        "def sgd_step(params, grads, lr):\n"
        "    for key in params:\n"
        "        grads[key] *= lr\n"
        "        params[key] -= grads[key]\n",
        mistake=MUTATED,
    ),
    # ------------------------------ numerical_gradient: central differences, x restored
    Mutant(
        "numerical_gradient",
        "forward_difference",
        _numerical_gradient("x[i] = old", "(f_plus - f(x)) / h"),
        mistake="one-sided",
    ),
    Mutant(
        "numerical_gradient",
        "x_not_restored",
        _numerical_gradient("pass", "(f_plus - f_minus) / (2 * h)"),
        mistake=MUTATED,
    ),
    Mutant(
        "numerical_gradient",
        "not_divided_by_2",
        _numerical_gradient("x[i] = old", "(f_plus - f_minus) / h"),
        mistake="instead of 2 h",
    ),
    Mutant(
        "numerical_gradient",
        "ignores_h",
        _numerical_gradient("x[i] = old", "(f_plus - f_minus) / (2 * 1e-5)")
        .replace("old + h", "old + 1e-5")
        .replace("old - h", "old - 1e-5"),
        mistake="ignores its argument h",
    ),
    Mutant(
        "numerical_gradient",
        "restores_by_adding_h",
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    grad = np.zeros(x.shape)\n"
        "    for i in np.ndindex(x.shape):\n"
        "        x[i] += h\n"
        "        f_plus = f(x)\n"
        "        x[i] -= 2 * h\n"
        "        f_minus = f(x)\n"
        "        x[i] += h\n"
        "        grad[i] = (f_plus - f_minus) / (2 * h)\n"
        "    return grad\n",
        mistake="x[i] = old",
    ),
    Mutant(
        "numerical_gradient",
        "perturbs_a_copy",
        "def numerical_gradient(f, x, h=1e-5):\n"
        "    grad = np.zeros(x.shape)\n"
        "    for i in np.ndindex(x.shape):\n"
        "        step = np.zeros(x.shape)\n"
        "        step[i] = h\n"
        "        grad[i] = (f(x + step) - f(x - step)) / (2 * h)\n"
        "    return grad\n",
        mistake="perturb x itself",
    ),
    # ------------------------- init_two_layer: He normal W1 (D, H) then W2 (H, C), zero biases
    Mutant(
        "init_two_layer",
        "small_constant_std",
        _init_two_layer("np.random.default_rng(seed)", "0.01", "0.01"),
        mistake="He initialisation",
    ),
    Mutant(
        "init_two_layer",
        "fan_out",
        _init_two_layer("np.random.default_rng(seed)", "np.sqrt(2.0 / H)", "np.sqrt(2.0 / C)"),
        mistake="fan_in",
    ),
    Mutant(
        "init_two_layer",
        "variance_as_std",
        _init_two_layer("np.random.default_rng(seed)", "2.0 / D", "2.0 / H"),
        mistake="square root of the variance",
    ),
    Mutant(
        "init_two_layer",
        "unseeded",
        _init_two_layer("np.random.default_rng()", "np.sqrt(2.0 / D)", "np.sqrt(2.0 / H)"),
        mistake="seed",
    ),
    Mutant(
        "init_two_layer",
        "W1_transposed",
        _init_two_layer(
            "np.random.default_rng(seed)", "np.sqrt(2.0 / D)", "np.sqrt(2.0 / H)", "(H, D)"
        ),
        mistake="the transpose of",
    ),
    # ------------------------------------------ two_layer_forward: dense, relu, dense -> logits
    Mutant(
        "two_layer_forward",
        "no_relu",
        "def two_layer_forward(X, params):\n"
        '    Z1 = dense_forward(X, params["W1"], params["b1"])\n'
        '    return dense_forward(Z1, params["W2"], params["b2"]), (X, Z1, Z1)\n',
        mistake="ReLU between the two layers is missing",
    ),
    Mutant(
        "two_layer_forward",
        "returns_probabilities",
        "def two_layer_forward(X, params):\n"
        '    Z1 = dense_forward(X, params["W1"], params["b1"])\n'
        "    A1 = relu_forward(Z1)\n"
        '    return softmax(dense_forward(A1, params["W2"], params["b2"])), (X, Z1, A1)\n',
        mistake="applies a softmax",
    ),
    Mutant(
        "two_layer_forward",
        "relu_on_logits",
        "def two_layer_forward(X, params):\n"
        '    Z1 = dense_forward(X, params["W1"], params["b1"])\n'
        "    A1 = relu_forward(Z1)\n"
        '    return relu_forward(dense_forward(A1, params["W2"], params["b2"])), (X, Z1, A1)\n',
        mistake="ReLU after the second layer",
    ),
    # ------------------------------------- two_layer_backward: dense, relu, dense backwards
    Mutant(
        "two_layer_backward",
        "skips_relu",
        _TWO_LAYER_BACKWARD.format(dZ1="dA1", grads=_GRADS),
        mistake="relu_backward is missing",
    ),
    Mutant(
        "two_layer_backward",
        "divides_by_N_again",
        _TWO_LAYER_BACKWARD.format(
            dZ1="relu_backward(dA1, Z1)",
            grads="{key: grad / len(X) for key, grad in " + _GRADS + ".items()}",
        ),
        mistake="batch",
    ),
    Mutant(
        "two_layer_backward",
        "bias_grads_swapped",
        _TWO_LAYER_BACKWARD.format(
            dZ1="relu_backward(dA1, Z1)", grads=_GRADS.replace("db1", "@").replace("db2", "db1")
        ).replace("@", "db2"),
        mistake="bias gradients are swapped",
    ),
    Mutant(
        "two_layer_backward",
        "dW2_from_Z1",
        _TWO_LAYER_BACKWARD.format(dZ1="relu_backward(dA1, Z1)", grads=_GRADS).replace(
            "dense_backward(dlogits, A1,", "dense_backward(dlogits, Z1,"
        ),
        mistake="computed from Z1",
    ),
    # ------------------------------- train_step: forward, loss, backward, SGD; loss before update
    Mutant(
        "train_step",
        "gradient_ascent",
        "def train_step(params, X, y, lr):\n"
        "    logits, cache = two_layer_forward(X, params)\n"
        "    loss, dlogits = cross_entropy_loss(logits, y)\n"
        "    sgd_step(params, two_layer_backward(-dlogits, cache, params), lr)\n"
        "    return loss\n",
        mistake="did not lower the loss",
    ),
    Mutant(
        "train_step",
        "no_update",
        "def train_step(params, X, y, lr):\n"
        "    logits, cache = two_layer_forward(X, params)\n"
        "    loss, dlogits = cross_entropy_loss(logits, y)\n"
        "    two_layer_backward(dlogits, cache, params)\n"
        "    return loss\n",
        mistake="did not change",
    ),
    Mutant(
        "train_step",
        "loss_after_update",
        "def train_step(params, X, y, lr):\n"
        "    logits, cache = two_layer_forward(X, params)\n"
        "    loss, dlogits = cross_entropy_loss(logits, y)\n"
        "    sgd_step(params, two_layer_backward(dlogits, cache, params), lr)\n"
        "    return cross_entropy_loss(two_layer_forward(X, params)[0], y)[0]\n",
        mistake="loss after the update",
    ),
    Mutant(
        "train_step",
        "fixed_learning_rate",
        "def train_step(params, X, y, lr):\n"
        "    logits, cache = two_layer_forward(X, params)\n"
        "    loss, dlogits = cross_entropy_loss(logits, y)\n"
        "    sgd_step(params, two_layer_backward(dlogits, cache, params), 0.1)\n"
        "    return loss\n",
        mistake="learning rate",
    ),
    # ---------------------------------------- train_two_layer: the notebook's mini-batch recipe
    Mutant(
        "train_two_layer",
        "no_shuffle",
        _train_two_layer(batch="X[start : start + batch_size], y[start : start + batch_size]"),
    ),
    Mutant(
        "train_two_layer",
        "labels_not_shuffled",
        _train_two_layer(batch="X[idx], y[start : start + batch_size]"),
    ),
    Mutant(
        "train_two_layer",
        "drops_last_batch",
        _train_two_layer(batches="0, N - batch_size + 1, batch_size"),
    ),
    Mutant(
        "train_two_layer",
        "loss_per_step",
        _train_two_layer(record="losses.extend(batch_losses)"),
        mistake="one value per epoch",
    ),
    Mutant(
        "train_two_layer",
        "unseeded_shuffle",
        _train_two_layer(rng="np.random.default_rng()"),
        mistake="same seed",
    ),
    Mutant(
        "train_two_layer",
        "shuffles_data_in_place",
        _train_two_layer(
            shuffle="X[:], y[:] = X[order], y[order]",
            batch="X[start : start + batch_size], y[start : start + batch_size]",
        ),
        mistake=MUTATED,
    ),
]

# The questions that grade each function: a mutant may cost only these (one mistake costs once).
QUESTIONS = {
    "dense_forward": "q_dense_forward",
    "dense_backward": "q_dense_backward",
    "relu_forward": "q_relu",
    "relu_backward": "q_relu",
    "sigmoid_forward": "q_sigmoid",
    "sigmoid_backward": "q_sigmoid",
    "tanh_forward": "q_tanh",
    "tanh_backward": "q_tanh",
    "softmax": "q_softmax",
    "cross_entropy_loss": "q_cross_entropy",
    "mse_loss": "q_mse",
    "numerical_gradient": "q_numerical_gradient",
    "sgd_step": "q_sgd_step",
    "init_two_layer": "q_init_two_layer",
    "two_layer_forward": "q_two_layer_forward",
    "two_layer_backward": "q_two_layer_backward",
    "train_step": "q_train_step",
    "train_two_layer": "q_train_two_layer",
}

# Probe inputs: N = 5 examples, D = 3 features, M = 4 outputs (C = 4 classes).
_rng = np.random.default_rng(1)
_X = _rng.normal(size=(5, 3))
_W = _rng.normal(size=(3, 4))
_b = _rng.normal(size=4)
_dZ = _rng.normal(size=(5, 4))
_Z = np.array([[1e4, 0.0, -1e4, 2.0], [0.0, 1.5, -0.5, 0.0], *_rng.normal(size=(3, 4))])
_y = np.array([2, 0, 3, 1, 2])
_A_sigmoid = 1 / (1 + np.exp(-np.clip(_Z, -50, 50)))
_A_tanh = np.tanh(_Z)


def _called(function: Callable[..., Any], *args: Any) -> tuple[Any, tuple[Any, ...]]:
    """Call `function` on copies of `args`; return its result and the copies after the call."""
    copies = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in args)
    return function(*copies), copies


def _sgd_probe(sgd_step: Callable[..., Any]) -> tuple[dict[str, np.ndarray], ...]:
    params = {"W": _W.copy(), "b": _b.copy()}
    arrays = dict(params)
    grads = {"W": _W * 0.5, "b": _b + 1.0}
    sgd_step(params, grads, 0.1)
    return params, arrays, grads


def _gradient_probe(numerical_gradient: Callable[..., Any]) -> tuple[Any, np.ndarray, float]:
    """The gradient, x after the call, and 1.0 if x got back exactly its values (else 0.0)."""
    x = _X.copy()
    grad = numerical_gradient(lambda v: np.sum(v**3) + np.sum(x[:, :1] * v[:, 1:2]), x, 0.1)
    return grad, x, float(np.array_equal(x, _X))


PROBES: dict[str, Callable[[Callable[..., Any]], Any]] = {
    "dense_forward": lambda f: _called(f, _X, _W, _b),
    "dense_backward": lambda f: _called(f, _dZ, _X, _W),
    "relu_forward": lambda f: _called(f, _Z),
    "relu_backward": lambda f: _called(f, _dZ, _Z),
    "sigmoid_forward": lambda f: _called(f, _Z),
    "sigmoid_backward": lambda f: _called(f, _dZ, _A_sigmoid),
    "tanh_forward": lambda f: _called(f, _Z),
    "tanh_backward": lambda f: _called(f, _dZ, _A_tanh),
    "softmax": lambda f: _called(f, _Z),
    "cross_entropy_loss": lambda f: _called(f, _Z, _y),
    "mse_loss": lambda f: _called(f, _X, _X[::-1] * 0.5),
    "sgd_step": _sgd_probe,
    "numerical_gradient": _gradient_probe,
}

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "dense_backward",
        "einsum",
        """
def dense_backward(dZ, X, W):
    dX = np.einsum("nm,dm->nd", dZ, W)
    dW = np.einsum("nd,nm->dm", X, dZ)
    return dX, dW, np.sum(dZ, axis=0)
""",
    ),
    Mutant(
        "relu_backward",
        "where_positive",
        "def relu_backward(dA, Z):\n    return np.where(Z > 0, dA, 0.0)\n",
    ),
    Mutant(
        "tanh_backward",
        "expanded",
        "def tanh_backward(dA, A):\n    return dA - dA * A * A\n",
    ),
    Mutant(
        "softmax",
        "scipy_logsumexp",
        """
from scipy.special import logsumexp


def softmax(Z):
    return np.exp(Z - logsumexp(Z, axis=1, keepdims=True))
""",
    ),
    Mutant(
        "cross_entropy_loss",
        "log_softmax_and_one_hot",
        """
from scipy.special import logsumexp


def cross_entropy_loss(Z, y):
    N, C = Z.shape
    log_p = Z - logsumexp(Z, axis=1, keepdims=True)
    one_hot = np.eye(C)[y]
    loss = -np.sum(one_hot * log_p) / N
    return float(loss), (np.exp(log_p) - one_hot) / N
""",
    ),
    Mutant(
        "mse_loss",
        "sum_over_count",
        """
def mse_loss(Y_hat, Y):
    N, M = Y.shape
    diff = Y_hat - Y
    return float(np.sum(diff * diff) / (N * M)), 2.0 * diff / (N * M)
""",
    ),
    Mutant(
        "numerical_gradient",
        "flat_index",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in range(x.size):
        idx = np.unravel_index(i, x.shape)
        keep = x[idx]
        x[idx] = keep + h
        up = f(x)
        x[idx] = keep - h
        down = f(x)
        x[idx] = keep
        grad[idx] = (up - down) / (2 * h)
    return grad
""",
    ),
    Mutant(
        "sgd_step",
        "numpy_subtract_out",
        """
def sgd_step(params, grads, lr):
    for name, grad in grads.items():
        np.subtract(params[name], lr * grad, out=params[name])
""",
    ),
    Mutant(
        "init_two_layer",
        "scaled_standard_normal",
        """
def init_two_layer(D, H, C, seed=0):
    rng = np.random.default_rng(seed)
    W1 = rng.standard_normal((D, H)) * np.sqrt(2.0 / D)
    W2 = rng.standard_normal((H, C)) * np.sqrt(2.0 / H)
    return {"W1": W1, "b1": np.zeros(H), "W2": W2, "b2": np.zeros(C)}
""",
    ),
]
