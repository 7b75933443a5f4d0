"""Optimisers that update a dict of NumPy parameters in place, step for step like ``torch.optim``.

``params`` is a ``dict[str, np.ndarray]`` (e.g. ``{"W1": (D, H), "b1": (H,), ...}``) and
``grads`` a dict with the same keys and shapes. Every update is written into the parameter
arrays themselves (``param -= ...``), so a model holding the same dict sees the new values.

Weight decay is L2 regularisation added to the gradient, ``g <- g + wd * param``, exactly as
``torch.optim`` does (not AdamW's decoupled decay). The update rules below are the pseudo-code
of the ``torch.optim`` documentation; ``t`` counts steps from 1.

Per-parameter state lives in ``optimizer.state[name]`` under torch's names
(``momentum_buffer``, ``square_avg``, ``grad_avg``, ``step``, ``exp_avg``, ``exp_avg_sq``,
``max_exp_avg_sq``), created on the first step.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from nnref._hyperparams import as_real
from nnref._validation import as_float_array, check_same_shape, checked, checking, prefixed

__all__ = ["OPTIMIZERS", "SGD", "Adam", "Optimizer", "RMSprop", "sgd_step"]

Params = dict[str, np.ndarray]
State = dict[str, Any]


def _check_params(params: Any) -> Params:
    """``params`` must be a non-empty mapping of writeable floating ndarrays (updated in place)."""
    if not isinstance(params, Mapping):
        raise TypeError(
            prefixed(f"params must be a dict of NumPy arrays; got {type(params).__name__}")
        )
    if not params:
        raise ValueError(prefixed("params is empty; there is nothing to optimise"))
    for name, param in params.items():
        if not isinstance(param, np.ndarray) or param.dtype.kind != "f":
            dtype = getattr(param, "dtype", None)
            got = type(param).__name__ + (f" of dtype {dtype}" if dtype is not None else "")
            raise TypeError(
                prefixed(
                    f"params[{name!r}] must be a float NumPy array (it is updated in place); "
                    f"got {got}"
                )
            )
        if not param.flags.writeable:
            raise ValueError(
                prefixed(f"params[{name!r}] is read-only; it must be updated in place")
            )
    return params


def _check_grads(params: Params, grads: Any) -> Params:
    """Return ``grads`` as float arrays of each parameter's dtype, checking keys and shapes."""
    if not isinstance(grads, Mapping):
        raise TypeError(prefixed(f"grads must be a dict of arrays; got {type(grads).__name__}"))
    missing = [name for name in params if name not in grads]
    unexpected = [name for name in grads if name not in params]
    if missing or unexpected:
        problems = ", ".join(
            f"{label} {names}"
            for label, names in (("missing", missing), ("unexpected", unexpected))
            if names
        )
        raise ValueError(
            prefixed(f"grads must have the same keys as params {list(params)}; {problems}")
        )
    converted = {}
    for name, param in params.items():
        grad = as_float_array(grads[name], f"grads[{name!r}]")
        check_same_shape(grad, f"grads[{name!r}]", param, f"params[{name!r}]")
        converted[name] = grad.astype(param.dtype, copy=False)
    return converted


@checked
def sgd_step(params: dict[str, np.ndarray], grads: dict[str, np.ndarray], lr: float) -> None:
    """Vanilla gradient descent, in place: ``params[k] -= lr * grads[k]`` for every key ``k``.

    Args:
        params: name -> float array, e.g. ``W1: (D, H)``, ``b1: (H,)``; modified in place.
        grads: same keys and shapes as ``params``; not modified.
        lr: learning rate, ``>= 0``.

    Raises:
        ValueError: different keys, a shape mismatch, or a negative ``lr``.
        TypeError: a parameter that is not a float ndarray (it could not be updated in place).
    """
    params = _check_params(params)
    grads = _check_grads(params, grads)
    lr = as_real(lr, "lr", low=0.0)
    for name, param in params.items():
        param -= lr * grads[name]


def _zeros_state(state: State, key: str, like: np.ndarray) -> np.ndarray:
    """``state[key]``, created as ``zeros_like(like)`` on first use."""
    if key not in state:
        state[key] = np.zeros_like(like)
    return state[key]


class Optimizer:
    """Base class: ``step(grads)`` applies ``param -= lr * direction(g)`` to every parameter.

    ``g = grad + weight_decay * param`` (L2 added to the gradient, as in ``torch.optim``);
    subclasses define ``_direction(g, state)`` from the parameter's ``state`` dict.

    Attributes:
        params: the dict passed in (the same object; its arrays are updated in place).
        lr, weight_decay and the subclass hyper-parameters (may be changed between steps).
        state: parameter name -> dict of running buffers, filled on the first step.
    """

    hyperparameters: ClassVar[tuple[str, ...]] = ("lr", "weight_decay")
    """Names of the constructor's hyper-parameters (also the ``torch.optim`` keyword names)."""

    def __init__(self, params: dict[str, np.ndarray], lr: float, weight_decay: float) -> None:
        with checking(type(self).__name__):  # a subclass's name: "Adam: lr must be ..."
            self.params = _check_params(params)
            self.lr = as_real(lr, "lr", low=0.0)
            self.weight_decay = as_real(weight_decay, "weight_decay", low=0.0)
        self.state: dict[str, State] = {}

    @property
    def defaults(self) -> dict[str, Any]:
        """Hyper-parameters as keyword arguments for the ``torch.optim`` class of the same name."""
        return {name: getattr(self, name) for name in self.hyperparameters}

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.defaults.items())
        return f"{type(self).__name__}({args})"

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Update every parameter in place from ``grads`` (same keys and shapes; not modified)."""
        with checking(f"{type(self).__name__}.step"):
            grads = _check_grads(self.params, grads)
        for name, param in self.params.items():
            grad = grads[name]
            if self.weight_decay != 0.0:
                grad = grad + self.weight_decay * param
            param -= self.lr * self._direction(grad, self.state.setdefault(name, {}))

    def _direction(self, grad: np.ndarray, state: State) -> np.ndarray:
        """Update direction ``d`` (``param -= lr * d``) from the decayed gradient; may update
        ``state`` in place. Must not write into ``grad``."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening and Nesterov (``torch.optim.SGD``).

    With ``mu = momentum``, ``tau = dampening`` and ``g = grad + weight_decay * param``::

        b = g                            on the first step (momentum buffer)
        b = mu * b + (1 - tau) * g       afterwards
        d = g + mu * b  if nesterov  else  b        (d = g when mu == 0)
        param -= lr * d

    Raises ``ValueError`` for a negative ``lr``, ``momentum`` or ``weight_decay``, and for
    ``nesterov`` without momentum or with dampening (as torch does).
    """

    hyperparameters = ("lr", "momentum", "dampening", "nesterov", "weight_decay")

    @checked
    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.momentum = as_real(momentum, "momentum", low=0.0)
        self.dampening = as_real(dampening, "dampening")
        self.nesterov = bool(nesterov)
        if self.nesterov and (self.momentum <= 0.0 or self.dampening != 0.0):
            raise ValueError(
                prefixed(
                    "nesterov=True requires momentum > 0 and dampening == 0; "
                    f"got momentum={self.momentum}, dampening={self.dampening}"
                )
            )

    def _direction(self, grad: np.ndarray, state: State) -> np.ndarray:
        if self.momentum == 0.0:
            return grad
        buf = state.get("momentum_buffer")
        if buf is None:
            buf = state["momentum_buffer"] = grad.copy()
        else:
            buf *= self.momentum
            buf += (1.0 - self.dampening) * grad
        return grad + self.momentum * buf if self.nesterov else buf


class RMSprop(Optimizer):
    """RMSprop (``torch.optim.RMSprop``), optionally centered and with momentum.

    With ``g = grad + weight_decay * param`` and buffers starting at zero::

        v = alpha * v + (1 - alpha) * g^2                    (square_avg)
        centered:  m = alpha * m + (1 - alpha) * g           (grad_avg)
                   v_hat = v - m^2            else  v_hat = v
        d = g / (sqrt(v_hat) + eps)
        momentum > 0:  b = momentum * b + d;  d = b          (momentum_buffer)
        param -= lr * d

    Raises ``ValueError`` for a negative ``lr``, ``eps``, ``momentum`` or ``weight_decay`` and for
    ``alpha`` outside ``[0, 1]`` (torch only rejects ``alpha < 0``).
    """

    hyperparameters = ("lr", "alpha", "eps", "weight_decay", "momentum", "centered")

    @checked
    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 0.01,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        self.alpha = as_real(alpha, "alpha", low=0.0, high=1.0)
        self.eps = as_real(eps, "eps", low=0.0)
        self.momentum = as_real(momentum, "momentum", low=0.0)
        self.centered = bool(centered)

    def _direction(self, grad: np.ndarray, state: State) -> np.ndarray:
        alpha = self.alpha
        square_avg = _zeros_state(state, "square_avg", grad)
        square_avg *= alpha
        square_avg += (1.0 - alpha) * grad * grad
        if self.centered:
            grad_avg = _zeros_state(state, "grad_avg", grad)
            grad_avg *= alpha
            grad_avg += (1.0 - alpha) * grad
            direction = grad / (np.sqrt(square_avg - grad_avg * grad_avg) + self.eps)
        else:
            direction = grad / (np.sqrt(square_avg) + self.eps)
        if self.momentum > 0.0:
            buf = _zeros_state(state, "momentum_buffer", grad)
            buf *= self.momentum
            buf += direction
            return buf
        return direction


class Adam(Optimizer):
    """Adam (``torch.optim.Adam``) with bias correction and optional AMSGrad.

    With ``g = grad + weight_decay * param`` (L2, not AdamW), buffers starting at zero and the
    step counter ``t = 1, 2, ...`` incremented *before* use::

        m = beta1 * m + (1 - beta1) * g                      (exp_avg)
        v = beta2 * v + (1 - beta2) * g^2                    (exp_avg_sq)
        amsgrad:  v_max = max(v_max, v);  v = v_max          (max_exp_avg_sq)
        m_hat = m / (1 - beta1^t);  v_hat = v / (1 - beta2^t)
        param -= lr * m_hat / (sqrt(v_hat) + eps)            (eps outside the sqrt)

    Raises ``ValueError`` for a negative ``lr``, ``eps`` or ``weight_decay`` and for betas
    outside ``[0, 1)``.
    """

    hyperparameters = ("lr", "betas", "eps", "weight_decay", "amsgrad")

    @checked
    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, weight_decay)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(prefixed(f"betas must be a pair (beta1, beta2); got {betas!r}"))
        self.betas = tuple(
            as_real(beta, f"betas[{i}]", low=0.0, high=1.0, high_open=True)
            for i, beta in enumerate(betas)
        )
        self.eps = as_real(eps, "eps", low=0.0)
        self.amsgrad = bool(amsgrad)

    def _direction(self, grad: np.ndarray, state: State) -> np.ndarray:
        beta1, beta2 = self.betas
        t = state["step"] = state.get("step", 0) + 1
        exp_avg = _zeros_state(state, "exp_avg", grad)
        exp_avg *= beta1
        exp_avg += (1.0 - beta1) * grad
        exp_avg_sq = _zeros_state(state, "exp_avg_sq", grad)
        exp_avg_sq *= beta2
        exp_avg_sq += (1.0 - beta2) * grad * grad
        second_moment = exp_avg_sq
        if self.amsgrad:
            second_moment = _zeros_state(state, "max_exp_avg_sq", grad)
            np.maximum(second_moment, exp_avg_sq, out=second_moment)
        denom = np.sqrt(second_moment) / math.sqrt(1.0 - beta2**t) + self.eps
        return exp_avg / (1.0 - beta1**t) / denom


OPTIMIZERS: dict[str, type[Optimizer]] = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
"""Optimiser classes by lower-case name: ``OPTIMIZERS["adam"](params, lr=1e-3)``."""
