"""Plausible wrong implementations of the graded functions of 05_regularization.

Each mutant must lose points; `mistake` is a substring the feedback must contain (the phrase the
tests use to name that mistake: L2 applied wrongly, dropout's p, scaling and mask), or None when any
failure will do.
"""

from tests.mutants.catalogue import Mutant

MUTANTS = [
    # ------------------------------------------------------------------------- l2_penalty
    Mutant(
        "l2_penalty",
        "biases_penalised",
        """
def l2_penalty(params, weight_decay):
    return 0.5 * weight_decay * float(sum(np.sum(v**2) for v in params.values()))
""",
        "applied to the biases",
    ),
    Mutant(
        "l2_penalty",
        "half_missing",
        """
def l2_penalty(params, weight_decay):
    return weight_decay * float(sum(np.sum(v**2) for k, v in params.items() if k.startswith("W")))
""",
        "1/2 is missing",
    ),
    Mutant(
        "l2_penalty",
        "l1_norm",
        """
def l2_penalty(params, weight_decay):
    total = sum(np.sum(np.abs(v)) for k, v in params.items() if k.startswith("W"))
    return 0.5 * weight_decay * float(total)
""",
        "L1",
    ),
    Mutant(
        "l2_penalty",
        "norm_not_squared",
        """
def l2_penalty(params, weight_decay):
    total = sum(np.linalg.norm(v) for k, v in params.items() if k.startswith("W"))
    return 0.5 * weight_decay * float(total)
""",
        "the norm",
    ),
    Mutant(
        "l2_penalty",
        "mean_of_squares",
        """
def l2_penalty(params, weight_decay):
    total = sum(np.mean(v**2) for k, v in params.items() if k.startswith("W"))
    return 0.5 * weight_decay * float(total)
""",
        "averaged",
    ),
    Mutant(
        "l2_penalty",
        "two_layers_hard_coded",
        """
def l2_penalty(params, weight_decay):
    return 0.5 * weight_decay * float(np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
""",
        "however many layers",
    ),
    # ------------------------------------------------------------------------ l2_gradient
    Mutant(
        "l2_gradient",
        "biases_decayed",
        """
def l2_gradient(params, weight_decay):
    return {k: weight_decay * v for k, v in params.items()}
""",
        "applied to the biases",
    ),
    Mutant(
        "l2_gradient",
        "factor_two_too_many",
        """
def l2_gradient(params, weight_decay):
    return {
        k: 2 * weight_decay * v if k.startswith("W") else np.zeros_like(v)
        for k, v in params.items()
    }
""",
        "factor 2",
    ),
    Mutant(
        "l2_gradient",
        "factor_two_missing",
        """
def l2_gradient(params, weight_decay):
    return {
        k: weight_decay / 2 * v if k.startswith("W") else np.zeros_like(v)
        for k, v in params.items()
    }
""",
        "factor 2",
    ),
    Mutant(
        "l2_gradient",
        "weights_only",
        """
def l2_gradient(params, weight_decay):
    return {k: weight_decay * v for k, v in params.items() if k.startswith("W")}
""",
        "every key",
    ),
    Mutant(
        "l2_gradient",
        "decays_params_in_place",
        """
def l2_gradient(params, weight_decay):
    out = {}
    for k, v in params.items():
        if k.startswith("W"):
            v *= weight_decay
            out[k] = v
        else:
            out[k] = np.zeros_like(v)
    return out
""",
        "modified its input",
    ),
    # --------------------------------------------------------------------- dropout_forward
    Mutant(
        "dropout_forward",
        "p_means_keep",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) < p
    return X * mask / p, mask
""",
        "probability of dropping",
    ),
    Mutant(
        "dropout_forward",
        "mask_comparison_swapped",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) < p
    return X * mask / (1 - p), mask
""",
        "probability of dropping",
    ),
    Mutant(
        "dropout_forward",
        "not_scaled",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) >= p
    return X * mask, mask
""",
        "1/(1 - p) scaling",
    ),
    Mutant(
        "dropout_forward",
        "divided_by_p",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) >= p
    return X * mask / p, mask
""",
        "divided by p",
    ),
    Mutant(
        "dropout_forward",
        "active_in_eval_mode",
        """
def dropout_forward(X, p, training, rng):
    mask = rng.random(X.shape) >= p
    return X * mask / (1 - p), mask
""",
        "eval mode",
    ),
    Mutant(
        "dropout_forward",
        "scales_at_eval_time",
        """
def dropout_forward(X, p, training, rng):
    if not training:
        return X * (1 - p), np.ones_like(X)
    mask = rng.random(X.shape) >= p
    return X * mask / (1 - p), mask
""",
        "eval mode",
    ),
    Mutant(
        "dropout_forward",
        "normal_draws",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.standard_normal(X.shape) >= p
    return X * mask / (1 - p), mask
""",
        "not normal ones",
    ),
    Mutant(
        "dropout_forward",
        "own_seeded_generator",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = np.random.default_rng(0).random(X.shape) >= p
    return X * mask / (1 - p), mask
""",
        "new seeded generator",
    ),
    Mutant(
        "dropout_forward",
        "scaled_mask",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = (rng.random(X.shape) >= p) / (1 - p)
    return X * mask, mask
""",
        "mask is scaled",
    ),
    Mutant(
        "dropout_forward",
        "modifies_X_in_place",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X, np.ones_like(X)
    mask = rng.random(X.shape) >= p
    X *= mask / (1 - p)
    return X, mask
""",
        "modified its input",
    ),
    Mutant(
        "dropout_forward",
        "global_numpy_random",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = np.random.rand(*X.shape) >= p
    return X * mask / (1 - p), mask
""",
        "generator `rng` you are given",
    ),
    # -------------------------------------------------------------------- dropout_backward
    Mutant(
        "dropout_forward",
        "binomial_with_drop_probability",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.binomial(1, p, X.shape)
    return X * mask / (1 - p), mask
""",
        "probability of dropping",
    ),
    Mutant(
        "dropout_forward",
        "binomial_mask_not_scaled",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.binomial(1, 1 - p, X.shape)
    return X * mask, mask
""",
        "not scaled",
    ),
    Mutant(
        "dropout_backward",
        "not_scaled",
        """
def dropout_backward(dout, mask, p):
    return dout * mask
""",
        "scaling is missing",
    ),
    Mutant(
        "dropout_backward",
        "mask_ignored",
        """
def dropout_backward(dout, mask, p):
    return dout / (1 - p)
""",
        "mask is not used",
    ),
    Mutant(
        "dropout_backward",
        "times_keep_probability",
        """
def dropout_backward(dout, mask, p):
    return dout * mask * (1 - p)
""",
        "multiplied by (1 - p)",
    ),
    Mutant(
        "dropout_backward",
        "mask_inverted",
        """
def dropout_backward(dout, mask, p):
    return dout * (1 - np.asarray(mask, dtype=float)) / (1 - p)
""",
        "reuse the mask",
    ),
    Mutant(
        "dropout_backward",
        "modifies_dout_in_place",
        """
def dropout_backward(dout, mask, p):
    dout *= mask
    dout /= 1 - p
    return dout
""",
        "modified its input",
    ),
    # ---------------------------------------------------------------------- dropout layer
    Mutant(
        "dense_relu_dropout_backward",
        "ignores_dropout",
        """
def dense_relu_dropout_backward(dA, cache):
    X, W, H, mask, p_used = cache
    dZ = dA * (H > 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
""",
        "ignores dropout",
    ),
    Mutant(
        "dense_relu_dropout_backward",
        "mask_without_scaling",
        """
def dense_relu_dropout_backward(dA, cache):
    X, W, H, mask, p_used = cache
    dZ = dA * mask * (H > 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
""",
        "missing the 1/(1 - p) scaling",
    ),
    Mutant(
        "dense_relu_dropout_forward",
        "backward_gets_a_new_mask",
        """
def dense_relu_dropout_forward(X, W, b, p, training, rng):
    H = np.maximum(X @ W + b, 0)
    A, mask = dropout_forward(H, p, training, rng)
    _, new_mask = dropout_forward(H, p, training, rng)
    return A, (X, W, H, new_mask, p if training else 0.0)
""",
        "drew a new mask",
    ),
    Mutant(
        "dense_relu_dropout_forward",
        "mask_in_a_shared_buffer",
        """
def dense_relu_dropout_forward(X, W, b, p, training, rng, _buffers={}):
    H = np.maximum(X @ W + b, 0)
    A, mask = dropout_forward(H, p, training, rng)
    shared = _buffers.setdefault(H.shape, np.empty(H.shape))
    shared[...] = mask
    return A, (X, W, H, shared, p if training else 0.0)
""",
        "its own cache",
    ),
    Mutant(
        "dense_relu_dropout_forward",
        "eval_backward_scaled",
        """
def dense_relu_dropout_forward(X, W, b, p, training, rng):
    H = np.maximum(X @ W + b, 0)
    A, mask = dropout_forward(H, p, training, rng)
    return A, (X, W, H, mask, p)
""",
        "must not scale",
    ),
    Mutant(
        "dense_relu_dropout_forward",
        "no_relu",
        """
def dense_relu_dropout_forward(X, W, b, p, training, rng):
    Z = X @ W + b
    A, mask = dropout_forward(Z, p, training, rng)
    return A, (X, W, np.maximum(Z, 0), mask, p if training else 0.0)
""",
        "no ReLU",
    ),
    Mutant(
        "dense_relu_dropout_backward",
        "relu_mask_always_true",
        """
def dense_relu_dropout_backward(dA, cache):
    X, W, H, mask, p_used = cache
    dZ = dropout_backward(dA, mask, p_used) * (H >= 0)
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
""",
    ),
    Mutant(
        "dense_relu_dropout_backward",
        "dW_transposed",
        """
def dense_relu_dropout_backward(dA, cache):
    X, W, H, mask, p_used = cache
    dZ = dropout_backward(dA, mask, p_used) * (H > 0)
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)
""",
        "transpose",
    ),
    Mutant(
        "dense_relu_dropout_backward",
        "db_averaged",
        """
def dense_relu_dropout_backward(dA, cache):
    X, W, H, mask, p_used = cache
    dZ = dropout_backward(dA, mask, p_used) * (H > 0)
    return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)
""",
        "times too small",
    ),
]

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "dropout_forward",
        "keep_where_uniform_below_keep_probability",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) < 1 - p
    return X * mask / (1 - p), mask
""",
    ),
    Mutant(
        "dropout_forward",
        "binomial_mask",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.binomial(1, 1 - p, X.shape)
    return X * mask / (1 - p), mask
""",
    ),
    Mutant(
        "dropout_forward",
        "float_mask_from_uniform",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = (rng.uniform(size=X.shape) > p).astype(X.dtype)
    return X * mask / (1 - p), mask
""",
    ),
    Mutant(
        "dropout_forward",
        "float64_output_for_float32_input",
        """
def dropout_forward(X, p, training, rng):
    if not training or p == 0:
        return X.copy(), np.ones_like(X)
    mask = rng.random(X.shape) >= p
    return X * mask.astype(np.float64) / np.float64(1 - p), mask
""",
    ),
    Mutant(
        "dense_relu_dropout_forward",
        "dropout_inline_with_binomial",
        """
def dense_relu_dropout_forward(X, W, b, p, training, rng):
    H = np.maximum(X @ W + b, 0)
    if not training or p == 0:
        return H.copy(), (X, W, H, np.ones_like(H), 0.0)
    mask = rng.binomial(1, 1 - p, H.shape)
    return H * mask / (1 - p), (X, W, H, mask, p)
""",
    ),
]

QUESTIONS = {
    # The question that grades each function: a mistake in it may cost points there only.
    "l2_penalty": "q_l2_penalty",
    "l2_gradient": "q_l2_gradient",
    "dropout_forward": "q_dropout_forward",
    "dropout_backward": "q_dropout_backward",
    "dense_relu_dropout_forward": "q_dropout_layer",
    "dense_relu_dropout_backward": "q_dropout_layer",
}
