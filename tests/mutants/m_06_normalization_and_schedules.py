"""Plausible wrong implementations of the graded functions of 06_normalization_and_schedules.

Each mutant must lose points; `mistake` is a substring the feedback must contain (the phrase the
tests use to name that mistake: batch norm's biased variance and eps, gradients summed over the
wrong axis, running statistics not updated in place, off-by-one schedule steps, ...), or None
when any failure will do.
"""

from tests.mutants.catalogue import Mutant

_BN_BACKWARD = """
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(X.var(axis=0{ddof}) + eps)
    xhat = (X - X.mean(axis=0)) * inv_std
    g = dout * gamma
    dX = {dX}
    return dX, {dgamma}, {dbeta}
"""
_BN_DX = "inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))"
_BN_DGAMMA = "(dout * xhat).sum(axis=0)"


def _bn_backward(name: str, mistake: str | None, **changes: str) -> Mutant:
    """A batchnorm_backward that differs from the right one by `changes`."""
    parts = {"ddof": "", "dX": _BN_DX, "dgamma": _BN_DGAMMA, "dbeta": "dout.sum(axis=0)"}
    return Mutant("batchnorm_backward", name, _BN_BACKWARD.format(**(parts | changes)), mistake)


_LN_BACKWARD = """
def layernorm_backward(dout, X, gamma, eps=1e-5):
    inv_std = 1.0 / np.sqrt(X.var(axis=1, keepdims=True) + eps)
    xhat = (X - X.mean(axis=1, keepdims=True)) * inv_std
    g = dout * gamma
    dX = {dX}
    return dX, {dgamma}, {dbeta}
"""
_LN_DX = (
    "inv_std * (g - g.mean(axis=1, keepdims=True) - xhat * (g * xhat).mean(axis=1, keepdims=True))"
)


def _ln_backward(name: str, mistake: str | None, **changes: str) -> Mutant:
    """A layernorm_backward that differs from the right one by `changes`."""
    parts = {"dX": _LN_DX, "dgamma": "(dout * xhat).sum(axis=0)", "dbeta": "dout.sum(axis=0)"}
    return Mutant("layernorm_backward", name, _LN_BACKWARD.format(**(parts | changes)), mistake)


MUTANTS = [
    # ------------------------------------------------------------------ batchnorm_forward
    Mutant(
        "batchnorm_forward",
        "unbiased_variance",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0, ddof=1) + eps) + beta
""",
        "unbiased one",
    ),
    Mutant(
        "batchnorm_forward",
        "eps_missing",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / X.std(axis=0) + beta
""",
        "eps is missing",
    ),
    Mutant(
        "batchnorm_forward",
        "eps_outside_sqrt",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / (np.sqrt(X.var(axis=0)) + eps) + beta
""",
        "outside the square root",
    ),
    Mutant(
        "batchnorm_forward",
        "sqrt_missing",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / (X.var(axis=0) + eps) + beta
""",
        "square root is missing",
    ),
    Mutant(
        "batchnorm_forward",
        "statistics_over_features",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    mean = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta
""",
        "over the features",
    ),
    Mutant(
        "batchnorm_forward",
        "eps_ignored",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + 1e-5) + beta
""",
        "eps",
    ),
    Mutant(
        "batchnorm_forward",
        "no_scale_and_shift",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    return (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps)
""",
    ),
    Mutant(
        "batchnorm_forward",
        "centres_the_input_in_place",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    var = X.var(axis=0)
    X -= X.mean(axis=0)
    return gamma * X / np.sqrt(var + eps) + beta
""",
        "modified",
    ),
    # ----------------------------------------------------------------- batchnorm_backward
    _bn_backward(
        "dgamma_over_features",
        "dgamma is summed over the features",
        dgamma="(dout * xhat).sum(axis=1)",
    ),
    _bn_backward(
        "dbeta_over_features", "dbeta is summed over the features", dbeta="dout.sum(axis=1)"
    ),
    _bn_backward("dgamma_without_xhat", "dout * xhat", dgamma="dout.sum(axis=0)"),
    _bn_backward("dX_statistics_as_constants", "as constants", dX="g * inv_std"),
    _bn_backward(
        "dX_sums_not_averaged",
        "not averaged",
        dX="inv_std * (g - g.sum(axis=0) - xhat * (g * xhat).sum(axis=0))",
    ),
    _bn_backward(
        "dX_one_over_N_missing",
        "forgot to average",
        dX="inv_std * (len(X) * g - g.sum(axis=0) - xhat * (g * xhat).sum(axis=0))",
    ),
    _bn_backward(
        "dX_without_variance_path",
        "not the one through the variance",
        dX="inv_std * (g - g.mean(axis=0))",
    ),
    _bn_backward("unbiased_variance", "unbiased", ddof=", ddof=1"),
    _bn_backward(
        "dX_without_gamma",
        None,
        dX="inv_std * (dout - dout.mean(axis=0) - xhat * (dout * xhat).mean(axis=0))",
    ),
    # --------------------------------------------------------------- update_running_stats
    Mutant(
        "update_running_stats",
        "names_rebound_not_in_place",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    running_mean = (1 - momentum) * running_mean + momentum * X.mean(axis=0)
    running_var = (1 - momentum) * running_var + momentum * X.var(axis=0, ddof=1)
""",
        "in place",
    ),
    Mutant(
        "update_running_stats",
        "returns_new_arrays",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    return ((1 - momentum) * running_mean + momentum * X.mean(axis=0),
            (1 - momentum) * running_var + momentum * X.var(axis=0, ddof=1))
""",
        "in place",
    ),
    Mutant(
        "update_running_stats",
        "biased_running_variance",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    running_mean[:] = (1 - momentum) * running_mean + momentum * X.mean(axis=0)
    running_var[:] = (1 - momentum) * running_var + momentum * X.var(axis=0)
""",
        "biased batch variance",
    ),
    Mutant(
        "update_running_stats",
        "momentum_weighs_the_old_value",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    running_mean[:] = momentum * running_mean + (1 - momentum) * X.mean(axis=0)
    running_var[:] = momentum * running_var + (1 - momentum) * X.var(axis=0, ddof=1)
""",
        "weight of the new batch",
    ),
    Mutant(
        "update_running_stats",
        "variance_not_updated",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    running_mean[:] = (1 - momentum) * running_mean + momentum * X.mean(axis=0)
""",
    ),
    # --------------------------------------------------------------------- batchnorm_eval
    Mutant(
        "batchnorm_eval",
        "batch_statistics",
        """
def batchnorm_eval(X, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps) + beta
""",
        "own statistics",
    ),
    Mutant(
        "batchnorm_eval",
        "sqrt_missing",
        """
def batchnorm_eval(X, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (X - running_mean) / (running_var + eps) + beta
""",
        "square root is missing",
    ),
    Mutant(
        "batchnorm_eval",
        "eps_missing",
        """
def batchnorm_eval(X, gamma, beta, running_mean, running_var, eps=1e-5):
    return gamma * (X - running_mean) / np.sqrt(running_var) + beta
""",
        "eps is missing",
    ),
    # ------------------------------------------------------------------ layernorm_forward
    Mutant(
        "layernorm_forward",
        "over_the_batch_axis",
        """
def layernorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + eps) + beta
""",
        "batch axis 0",
    ),
    Mutant(
        "layernorm_forward",
        "unbiased_variance",
        """
def layernorm_forward(X, gamma, beta, eps=1e-5):
    mean = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, ddof=1, keepdims=True)
    return gamma * (X - mean) / np.sqrt(var + eps) + beta
""",
        "unbiased one",
    ),
    Mutant(
        "layernorm_forward",
        "eps_missing",
        """
def layernorm_forward(X, gamma, beta, eps=1e-5):
    return gamma * (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True) + beta
""",
        "eps is missing",
    ),
    Mutant(
        "layernorm_forward",
        "keepdims_missing",
        """
def layernorm_forward(X, gamma, beta, eps=1e-5):
    return (gamma * (X.T - X.mean(axis=1)) / np.sqrt(X.var(axis=1) + eps)).T + beta
""",
    ),
    # ----------------------------------------------------------------- layernorm_backward
    _ln_backward(
        "dgamma_over_features",
        "dgamma is summed over the features",
        dgamma="(dout * xhat).sum(axis=1)",
    ),
    _ln_backward(
        "dbeta_over_features", "dbeta is summed over the features", dbeta="dout.sum(axis=1)"
    ),
    _ln_backward(
        "dX_sums_not_averaged",
        "not averaged",
        dX="inv_std * (g - g.sum(axis=1, keepdims=True) - xhat * (g * xhat).sum(axis=1, "
        "keepdims=True))",
    ),
    _ln_backward("dX_statistics_as_constants", "as constants", dX="g * inv_std"),
    _ln_backward(
        "dX_without_variance_path",
        "not the one through the variance",
        dX="inv_std * (g - g.mean(axis=1, keepdims=True))",
    ),
    # ---------------------------------------------------------------------------- step_lr
    Mutant(
        "step_lr",
        "decays_one_step_early",
        """
def step_lr(lr0, epoch, step_size, gamma=0.1):
    return lr0 * gamma ** ((epoch + 1) // step_size)
""",
        "off by one",
    ),
    Mutant(
        "step_lr",
        "exponent_not_floored",
        """
def step_lr(lr0, epoch, step_size, gamma=0.1):
    return lr0 * gamma ** (epoch / step_size)
""",
        "not an integer",
    ),
    Mutant(
        "step_lr",
        "decays_every_step",
        """
def step_lr(lr0, epoch, step_size, gamma=0.1):
    return lr0 * gamma ** epoch
""",
    ),
    # -------------------------------------------------------------------------- cosine_lr
    Mutant(
        "cosine_lr",
        "period_T_minus_one",
        """
def cosine_lr(lr0, t, T, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * t / (T - 1))) / 2
""",
        "wrong period",
    ),
    Mutant(
        "cosine_lr",
        "period_T_plus_one",
        """
def cosine_lr(lr0, t, T, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * t / (T + 1))) / 2
""",
        "wrong period",
    ),
    Mutant(
        "cosine_lr",
        "lr_min_ignored",
        """
def cosine_lr(lr0, t, T, lr_min=0.0):
    return lr0 * (1 + np.cos(np.pi * t / T)) / 2
""",
        "lr_min is ignored",
    ),
    Mutant(
        "cosine_lr",
        "held_at_lr_min_after_T",
        """
def cosine_lr(lr0, t, T, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * min(t, T) / T)) / 2
""",
        "held at lr_min",
    ),
    Mutant(
        "cosine_lr",
        "pi_missing",
        """
def cosine_lr(lr0, t, T, lr_min=0.0):
    return lr_min + (lr0 - lr_min) * (1 + np.cos(t / T)) / 2
""",
    ),
    # ------------------------------------------------------------------- warmup_cosine_lr
    Mutant(
        "warmup_cosine_lr",
        "warmup_starts_at_zero",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    if t < warmup:
        return lr0 * t / warmup
    return cosine_lr(lr0, t - warmup, T - warmup, lr_min)
""",
        "off by one",
    ),
    Mutant(
        "warmup_cosine_lr",
        "warmup_reaches_lr0_one_step_early",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    if t < warmup:
        return lr0 * (t + 1) / warmup
    return cosine_lr(lr0, t - warmup, T - warmup, lr_min)
""",
        "off by one",
    ),
    Mutant(
        "warmup_cosine_lr",
        "cosine_over_T",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    if t < warmup:
        return lr0 * (t + 1) / (warmup + 1)
    return cosine_lr(lr0, t - warmup, T, lr_min)
""",
        "T - warmup",
    ),
    Mutant(
        "warmup_cosine_lr",
        "cosine_not_shifted",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    if t < warmup:
        return lr0 * (t + 1) / (warmup + 1)
    return cosine_lr(lr0, t, T, lr_min)
""",
        "its own step 0",
    ),
    Mutant(
        "warmup_cosine_lr",
        "no_cosine_after_warmup",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    return lr0 * min(t + 1, warmup + 1) / (warmup + 1)
""",
    ),
    # ------------------------------------------------------------------------ layer_stats
    Mutant(
        "layer_stats",
        "std_per_unit",
        """
def layer_stats(hidden):
    return np.array([A.mean() for A in hidden]), np.array([A.std(axis=0).mean() for A in hidden])
""",
        "each unit",
    ),
    Mutant(
        "layer_stats",
        "variance_for_std",
        """
def layer_stats(hidden):
    return np.array([A.mean() for A in hidden]), np.array([A.var() for A in hidden])
""",
        "variances",
    ),
    Mutant(
        "layer_stats",
        "std_with_ddof_1",
        """
def layer_stats(hidden):
    return np.array([A.mean() for A in hidden]), np.array([A.std(ddof=1) for A in hidden])
""",
        "ddof=1",
    ),
    Mutant(
        "layer_stats",
        "mean_of_squares",
        """
def layer_stats(hidden):
    return np.array([np.mean(A**2) for A in hidden]), np.array([A.std() for A in hidden])
""",
    ),
]

EQUIVALENTS = [
    # Right answers written differently from the solution: each must score full marks.
    Mutant(
        "batchnorm_forward",
        "std_squared_and_explicit_sums",
        """
def batchnorm_forward(X, gamma, beta, eps=1e-5):
    N = X.shape[0]
    mean = X.sum(axis=0) / N
    var = ((X - mean) ** 2).sum(axis=0) / N
    return (X - mean) * (gamma / np.sqrt(var + eps)) + beta
""",
    ),
    Mutant(
        "batchnorm_backward",
        "three_paths_step_by_step",
        """
def batchnorm_backward(dout, X, gamma, eps=1e-5):
    N = X.shape[0]
    mu = X.mean(axis=0)
    var = X.var(axis=0)
    std = np.sqrt(var + eps)
    xhat = (X - mu) / std
    dxhat = dout * gamma
    dvar = np.sum(dxhat * (X - mu), axis=0) * -0.5 * std**-3
    dmu = np.sum(-dxhat / std, axis=0) + dvar * np.mean(-2.0 * (X - mu), axis=0)
    dX = dxhat / std + dvar * 2.0 * (X - mu) / N + dmu / N
    return dX, np.sum(dout * xhat, axis=0), np.sum(dout, axis=0)
""",
    ),
    Mutant(
        "update_running_stats",
        "slice_assignment",
        """
def update_running_stats(running_mean, running_var, X, momentum=0.1):
    N = X.shape[0]
    running_mean[:] = (1 - momentum) * running_mean + momentum * X.mean(axis=0)
    running_var[:] = (1 - momentum) * running_var + momentum * X.var(axis=0) * N / (N - 1)
""",
    ),
    Mutant(
        "layernorm_forward",
        "batch_norm_of_the_transpose",
        """
def layernorm_forward(X, gamma, beta, eps=1e-5):
    Xt = X.T
    return ((Xt - Xt.mean(axis=0)) / np.sqrt(Xt.var(axis=0) + eps)).T * gamma + beta
""",
    ),
    Mutant(
        "step_lr",
        "multiplies_in_a_loop",
        """
def step_lr(lr0, epoch, step_size, gamma=0.1):
    lr = lr0
    for _ in range(epoch // step_size):
        lr *= gamma
    return lr
""",
    ),
    Mutant(
        "warmup_cosine_lr",
        "inclusive_boundary_and_own_cosine",
        """
def warmup_cosine_lr(lr0, t, warmup, T, lr_min=0.0):
    if t <= warmup:
        return lr0 * (t + 1) / (warmup + 1)
    return lr_min + (lr0 - lr_min) * (1 + np.cos(np.pi * (t - warmup) / (T - warmup))) / 2
""",
    ),
    Mutant(
        "layer_stats",
        "one_flat_array_per_layer",
        """
def layer_stats(hidden):
    flat = [np.ravel(A) for A in hidden]
    return np.array([f.sum() / f.size for f in flat]), np.array([np.sqrt(f.var()) for f in flat])
""",
    ),
]

QUESTIONS = {
    # The question that grades each function: a mistake in it may cost points there only.
    "batchnorm_forward": "q_batchnorm_forward",
    "batchnorm_backward": "q_batchnorm_backward",
    "update_running_stats": "q_running_stats",
    "batchnorm_eval": "q_batchnorm_eval",
    "layernorm_forward": "q_layernorm_forward",
    "layernorm_backward": "q_layernorm_backward",
    "step_lr": "q_step_lr",
    "cosine_lr": "q_cosine_lr",
    "warmup_cosine_lr": "q_warmup_cosine_lr",
    "layer_stats": "q_layer_stats",
}
