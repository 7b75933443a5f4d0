"""Fixtures of the public tests of 04_optimizers: seeded inputs, nnref's answers, known mistakes.

The build saves `make_fixtures()` as `fixtures.npz` next to the student notebook; public tests
read it with `nncheck.load_fixtures()`. Hidden tests draw their own inputs.

Optimiser fixtures: a weight `W` (3, 4) and a bias `b` (4,) and three steps of random gradients.
For each optimiser, `<opt>_<k>` holds the parameter `k` after each step, shape (3, *shape), as
`nnref.optim` computes it (the torch.optim rules), and `<opt>_<mistake>_<k>` the same with one
known mistake, so the public test can name it. `<opt>_hyper` holds the hyper-parameters in the
order of the student function's signature.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from nnref.optim import SGD, Adam, RMSprop

SEED = 4
N_STEPS = 3

MOMENTUM = {"lr": 0.1, "momentum": 0.9}
RMSPROP = {"lr": 0.01, "alpha": 0.9, "eps": 1e-3}
ADAM = {"lr": 0.05, "beta1": 0.8, "beta2": 0.9, "eps": 1e-3}

# Rosenbrock points: the usual start, the minimum, the origin and two random points.
ROSENBROCK_POINTS = [(-1.2, 1.0), (1.0, 1.0), (0.0, 0.0)]

Params = dict[str, np.ndarray]
Step = Callable[[Params, Params], None]


def _trajectory(start: Params, grads: list[Params], make_step: Callable[[Params], Step]) -> Params:
    """Parameters after each step: name -> (n_steps, *shape). `make_step(params)` returns a
    function `step(params, grads)` bound to the (copied) parameters, keeping its own state."""
    params = {k: v.copy() for k, v in start.items()}
    step = make_step(params)
    path = []
    for g in grads:
        step(params, {k: v.copy() for k, v in g.items()})
        path.append({k: v.copy() for k, v in params.items()})
    return {k: np.stack([p[k] for p in path]) for k in start}


def _nnref_step(optimizer: Callable[..., object], **hyper: object) -> Callable[[Params], Step]:
    def make(params: Params) -> Step:
        opt = optimizer(params, **hyper)
        return lambda _params, grads: opt.step(grads)

    return make


# --------------------------------------------------------------------------- known mistakes
# Each factory returns make_step(params) for the optimiser with ONE mistake; `kind` names it.


def _momentum_mistake(kind: str, lr: float, momentum: float) -> Callable[[Params], Step]:
    """not_kept: buffer rebuilt every call (plain SGD); dampening: b = mu b + (1 - mu) g from
    b = 0; nesterov: p -= lr (g + mu b)."""

    def make(_params: Params) -> Step:
        buffers: Params = {}

        def step(params: Params, grads: Params) -> None:
            for k, g in grads.items():
                old = buffers.get(k)
                if kind == "dampening":
                    b = (1 - momentum) * g if old is None else momentum * old + (1 - momentum) * g
                else:
                    b = g if old is None or kind == "not_kept" else momentum * old + g
                buffers[k] = b
                params[k] -= lr * (g + momentum * b if kind == "nesterov" else b)

        return step

    return make


def _rmsprop_mistake(kind: str, lr: float, alpha: float, eps: float) -> Callable[[Params], Step]:
    """eps_inside: sqrt(v + eps); not_kept: v rebuilt every call; init_square: v starts at g**2;
    swapped: v = (1 - alpha) v + alpha g**2; no_sqrt: g / (v + eps)."""

    def make(_params: Params) -> Step:
        averages: Params = {}

        def step(params: Params, grads: Params) -> None:
            for k, g in grads.items():
                old = averages.get(k)
                if old is None or kind == "not_kept":
                    old = g * g if kind == "init_square" else np.zeros_like(g)
                a = 1 - alpha if kind == "swapped" else alpha
                v = averages[k] = a * old + (1 - a) * g * g
                if kind == "eps_inside":
                    denom = np.sqrt(v + eps)
                elif kind == "no_sqrt":
                    denom = v + eps
                else:
                    denom = np.sqrt(v) + eps
                params[k] -= lr * g / denom

        return step

    return make


def _adam_mistake(
    kind: str, lr: float, beta1: float, beta2: float, eps: float
) -> Callable[[Params], Step]:
    """off_by_one: t = 2 on the first step; no_bias_correction; eps_inside: sqrt(v_hat + eps);
    not_kept: m, v, t rebuilt every call; shared_counter: one t incremented once per parameter."""

    def make(_params: Params) -> Step:
        moments: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        calls = {"steps": 0, "parameter_updates": 0}

        def step(params: Params, grads: Params) -> None:
            calls["steps"] += 1
            for k, g in grads.items():
                calls["parameter_updates"] += 1
                zero = np.zeros_like(g)
                m, v = (zero, zero) if kind == "not_kept" else moments.get(k, (zero, zero))
                m = beta1 * m + (1 - beta1) * g
                v = beta2 * v + (1 - beta2) * g * g
                moments[k] = (m, v)
                t = {
                    "not_kept": 1,
                    "off_by_one": calls["steps"] + 1,
                    "shared_counter": calls["parameter_updates"],
                }.get(kind, calls["steps"])
                if kind != "no_bias_correction":
                    m, v = m / (1 - beta1**t), v / (1 - beta2**t)
                denom = np.sqrt(v + eps) if kind == "eps_inside" else np.sqrt(v) + eps
                params[k] -= lr * m / denom

        return step

    return make


MISTAKES = {
    "momentum": ("not_kept", "dampening", "nesterov"),
    "rmsprop": ("eps_inside", "not_kept", "init_square", "swapped", "no_sqrt"),
    "adam": ("off_by_one", "no_bias_correction", "eps_inside", "not_kept", "shared_counter"),
}
"""Mistake names per optimiser; the public tests map each to a message for the student."""


def _optimizers(rng: np.random.Generator) -> dict[str, np.ndarray]:
    start = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    grads = [{k: rng.normal(size=v.shape) for k, v in start.items()} for _ in range(N_STEPS)]
    out = {"opt_W0": start["W"], "opt_b0": start["b"]}
    out.update({f"opt_grads_{k}": np.stack([g[k] for g in grads]) for k in start})
    m, r, a = MOMENTUM, RMSPROP, ADAM
    setups = {
        "momentum": (
            list(m.values()),
            _nnref_step(SGD, **m),
            lambda kind: _momentum_mistake(kind, **m),
        ),
        "rmsprop": (
            list(r.values()),
            _nnref_step(RMSprop, **r),
            lambda kind: _rmsprop_mistake(kind, **r),
        ),
        "adam": (
            list(a.values()),
            _nnref_step(Adam, lr=a["lr"], betas=(a["beta1"], a["beta2"]), eps=a["eps"]),
            lambda kind: _adam_mistake(kind, **a),
        ),
    }
    for name, (hyper, correct, mistake) in setups.items():
        out[f"{name}_hyper"] = np.array(hyper)
        runs = {"": correct, **{f"_{kind}": mistake(kind) for kind in MISTAKES[name]}}
        for suffix, make_step in runs.items():
            for k, path in _trajectory(start, grads, make_step).items():
                out[f"{name}{suffix}_{k}"] = path
    return out


def _rosenbrock(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Loss and gradient of f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, by torch autograd."""
    points = np.vstack([np.array(ROSENBROCK_POINTS), rng.uniform(-2.0, 2.0, size=(2, 2))])
    w = torch.tensor(points, dtype=torch.float64, requires_grad=True)
    x, y = w[:, 0], w[:, 1]
    losses = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    losses.sum().backward()
    return {
        "rosen_points": points,
        "rosen_loss": losses.detach().numpy(),
        "rosen_grad": w.grad.numpy(),
    }


def make_fixtures() -> dict[str, np.ndarray]:
    """Return every public fixture as {name: float64 array}, the same on every call."""
    rng = np.random.default_rng(SEED)
    return {**_optimizers(rng), **_rosenbrock(rng)}
