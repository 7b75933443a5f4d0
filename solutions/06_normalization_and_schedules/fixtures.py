"""Fixtures of the public tests of 06_normalization_and_schedules: inputs, answers, mistakes.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.

Keys `*_wrong_<mistake>` hold the result of one known wrong formula (unbiased variance in
training, eps missing or outside the square root, statistics over the wrong axis, gradients
summed over the wrong axis, the paths through the mean and variance left out, an off-by-one
schedule step, ...), so a public test can name the mistake.
"""

from __future__ import annotations

import math

import numpy as np

import nnref

SEED = 6
EPS = 1e-5
MOMENTUM = 0.1
SCHEDULE = {"lr0": 0.1, "step_size": 3, "gamma": 0.5, "T": 10, "warmup": 4, "lr_min": 0.001}
STEPS = 16


def _standardised(X: np.ndarray, axis: int, ddof: int = 0, eps: float = EPS) -> np.ndarray:
    centred = X - X.mean(axis=axis, keepdims=True)
    return centred / np.sqrt(X.var(axis=axis, ddof=ddof, keepdims=True) + eps)


def _norm_backward_wrongs(
    prefix: str, dout: np.ndarray, X: np.ndarray, gamma: np.ndarray, axis: int
) -> dict[str, np.ndarray]:
    """Known wrong gradients of a normalisation over `axis` (0 batch norm, 1 layer norm)."""
    xhat = _standardised(X, axis)
    inv_std = 1.0 / np.sqrt(X.var(axis=axis, keepdims=True) + EPS)
    g = dout * gamma
    n = X.shape[axis]
    full = inv_std * (
        n * g - g.sum(axis=axis, keepdims=True) - xhat * (g * xhat).sum(axis=axis, keepdims=True)
    )
    return {
        f"{prefix}_dX_wrong_constant_stats": g * inv_std,
        f"{prefix}_dX_wrong_not_averaged": full,
        f"{prefix}_dX_wrong_sums_not_averaged": inv_std
        * (g - g.sum(axis=axis, keepdims=True) - xhat * (g * xhat).sum(axis=axis, keepdims=True)),
        f"{prefix}_dX_wrong_mean_path_only": inv_std * (g - g.mean(axis=axis, keepdims=True)),
        f"{prefix}_dgamma_wrong_axis": (dout * xhat).sum(axis=1),
        f"{prefix}_dbeta_wrong_axis": dout.sum(axis=1),
        f"{prefix}_dgamma_wrong_no_xhat": dout.sum(axis=0),
    }


def _batchnorm(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Batch norm of X (5, 3) (far from standardised), its backward pass, running statistics
    and eval mode."""
    X = 2.0 + 1.5 * rng.standard_normal((5, 3))
    gamma, beta = rng.normal(1.0, 0.3, 3), rng.normal(size=3)
    dout = rng.standard_normal((5, 3))
    dX, dgamma, dbeta = nnref.batchnorm_backward(dout, X, gamma, EPS)
    mean0, var0 = rng.normal(size=3), rng.uniform(0.5, 2.0, 3)
    mean1, var1 = mean0.copy(), var0.copy()
    nnref.update_running_stats(mean1, var1, X, MOMENTUM)
    X_eval = rng.standard_normal((4, 3))
    centred = X - X.mean(axis=0)
    return {
        "bn_X": X,
        "bn_gamma": gamma,
        "bn_beta": beta,
        "bn_out": nnref.batchnorm_forward(X, gamma, beta, EPS),
        "bn_out_wrong_unbiased": gamma * _standardised(X, 0, ddof=1) + beta,
        "bn_out_wrong_no_eps": gamma * centred / X.std(axis=0) + beta,
        "bn_out_wrong_eps_outside": gamma * centred / (X.std(axis=0) + EPS) + beta,
        "bn_out_wrong_no_sqrt": gamma * centred / (X.var(axis=0) + EPS) + beta,
        "bn_out_wrong_feature_axis": gamma * _standardised(X, 1) + beta,
        "bn_dout": dout,
        "bn_dX": dX,
        "bn_dgamma": dgamma,
        "bn_dbeta": dbeta,
        **_norm_backward_wrongs("bn", dout, X, gamma, axis=0),
        "rs_mean": mean0,
        "rs_var": var0,
        "rs_momentum": np.array(MOMENTUM),
        "rs_mean_after": mean1,
        "rs_var_after": var1,
        "rs_var_after_wrong_biased": (1 - MOMENTUM) * var0 + MOMENTUM * X.var(axis=0),
        "rs_mean_after_wrong_momentum_swapped": MOMENTUM * mean0 + (1 - MOMENTUM) * X.mean(0),
        "rs_var_after_wrong_momentum_swapped": MOMENTUM * var0
        + (1 - MOMENTUM) * X.var(axis=0, ddof=1),
        "ev_X": X_eval,
        "ev_out": nnref.batchnorm_eval(X_eval, gamma, beta, mean1, var1, EPS),
        "ev_out_wrong_batch_stats": nnref.batchnorm_forward(X_eval, gamma, beta, EPS),
        "ev_out_wrong_no_sqrt": gamma * (X_eval - mean1) / (var1 + EPS) + beta,
        "ev_out_wrong_no_eps": gamma * (X_eval - mean1) / np.sqrt(var1) + beta,
    }


def _layernorm(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Layer norm of X (3, 5) and its backward pass."""
    X = 1.0 + 2.0 * rng.standard_normal((3, 5))
    gamma, beta = rng.normal(1.0, 0.3, 5), rng.normal(size=5)
    dout = rng.standard_normal((3, 5))
    dX, dgamma, dbeta = nnref.layernorm_backward(dout, X, gamma, EPS)
    return {
        "ln_X": X,
        "ln_gamma": gamma,
        "ln_beta": beta,
        "ln_out": nnref.layernorm_forward(X, gamma, beta, EPS),
        "ln_out_wrong_batch_axis": gamma * _standardised(X, 0) + beta,
        "ln_out_wrong_unbiased": gamma * _standardised(X, 1, ddof=1) + beta,
        "ln_out_wrong_no_eps": gamma * _standardised(X, 1, eps=0.0) + beta,
        "ln_dout": dout,
        "ln_dX": dX,
        "ln_dgamma": dgamma,
        "ln_dbeta": dbeta,
        **_norm_backward_wrongs("ln", dout, X, gamma, axis=1),
    }


def _schedules() -> dict[str, np.ndarray]:
    """Every schedule's rate for t = 0..15 with lr0 0.1, and the classic wrong rates."""
    s = SCHEDULE
    lr0, T, warmup, lr_min = s["lr0"], s["T"], s["warmup"], s["lr_min"]
    ts = range(STEPS)

    def cosine(t: float, period: float) -> float:
        return lr_min + (lr0 - lr_min) * (1 + math.cos(math.pi * t / period)) / 2

    def warm(ramp, t: int) -> float:
        return ramp(t) if t < warmup else cosine(t - warmup, T - warmup)

    return {
        **{f"sched_{k}": np.array(v) for k, v in s.items()},
        "sched_steps": np.array(STEPS),
        "step_lr": np.array([nnref.step_lr(lr0, t, s["step_size"], s["gamma"]) for t in ts]),
        "step_lr_wrong_off_by_one": np.array(
            [lr0 * s["gamma"] ** ((t + 1) // s["step_size"]) for t in ts]
        ),
        "step_lr_wrong_no_floor": np.array([lr0 * s["gamma"] ** (t / s["step_size"]) for t in ts]),
        "cosine_lr": np.array([nnref.cosine_lr(lr0, t, T, lr_min) for t in ts]),
        "cosine_lr_wrong_T_minus_one": np.array([cosine(t, T - 1) for t in ts]),
        "cosine_lr_wrong_T_plus_one": np.array([cosine(t, T + 1) for t in ts]),
        "cosine_lr_wrong_no_lr_min": np.array(
            [lr0 * (1 + math.cos(math.pi * t / T)) / 2 for t in ts]
        ),
        "cosine_lr_wrong_clamped": np.array([cosine(min(t, T), T) for t in ts]),
        "warmup_lr": np.array([nnref.warmup_cosine_lr(lr0, t, warmup, T, lr_min) for t in ts]),
        "warmup_lr_wrong_from_zero": np.array([warm(lambda t: lr0 * t / warmup, t) for t in ts]),
        "warmup_lr_wrong_over_warmup": np.array(
            [warm(lambda t: lr0 * (t + 1) / warmup, t) for t in ts]
        ),
        "warmup_lr_wrong_cosine_over_T": np.array(
            [lr0 * (t + 1) / (warmup + 1) if t < warmup else cosine(t - warmup, T) for t in ts]
        ),
        "warmup_lr_wrong_cosine_not_shifted": np.array(
            [lr0 * (t + 1) / (warmup + 1) if t < warmup else cosine(t, T) for t in ts]
        ),
    }


def _layer_stats(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Three layers' activations (6, 4), (6, 3), (6, 5) and their per-layer mean and std."""
    acts = [np.maximum(rng.normal(0.2 * i, 1.0 + i, (6, h)), 0) for i, h in enumerate((4, 3, 5))]
    out = {f"stats_A{i}": a for i, a in enumerate(acts)}
    out["stats_means"] = np.array([a.mean() for a in acts])
    out["stats_stds"] = np.array([a.std() for a in acts])
    out["stats_stds_wrong_per_unit"] = np.array([a.std(axis=0).mean() for a in acts])
    out["stats_stds_wrong_variance"] = np.array([a.var() for a in acts])
    out["stats_stds_wrong_ddof"] = np.array([a.std(ddof=1) for a in acts])
    return out


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {**_batchnorm(rng), **_layernorm(rng), **_schedules(), **_layer_stats(rng)}
