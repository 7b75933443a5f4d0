"""A multi-layer perceptron classifier assembled from the ``nnref`` building blocks.

For ``layer_sizes = [D, H1, ..., HK, C]`` the network has ``L = K + 1`` dense layers::

    A0 = X                                          (N, D)
    Zl = A(l-1) @ Wl + bl,  Al = dropout(f(Zl))     for hidden layers l = 1..K
    logits = AK @ WL + bL                            (N, C)

with ``f`` the activation (``nnref.activations.ACTIVATIONS``), weights initialised by
``nnref.init.INITIALIZERS`` and zero biases. Dropout (inverted, drop probability ``p``) acts
only in training mode, after every hidden activation. The loss is softmax cross-entropy
averaged over the batch, optionally plus ``weight_decay / 2 * sum_l ||Wl||^2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from nnref._hyperparams import as_positive_int, as_real
from nnref._validation import (
    as_float_array,
    as_float_dtype,
    as_label_array,
    as_rng,
    check_same_shape,
    check_shape,
    checked,
    prefixed,
)
from nnref.activations import ACTIVATIONS, softmax
from nnref.init import INITIALIZERS
from nnref.layers import dense_backward, dense_forward
from nnref.losses import cross_entropy_loss
from nnref.regularization import dropout_backward, dropout_forward, l2_gradient, l2_penalty

__all__ = ["MLP", "ForwardCache"]


@dataclass
class ForwardCache:
    """What :meth:`MLP.forward` keeps for :meth:`MLP.backward`.

    Attributes:
        inputs: input of each dense layer, ``inputs[0] = X`` and ``inputs[l] = A_l``.
        hidden: per hidden layer, the array the activation's backward needs: its input ``Z_l``
            or its output ``f(Z_l)`` (``ACTIVATIONS[name].backward_uses``).
        masks: per hidden layer, the dropout keep mask (0/1), or ``None`` without dropout.
        logits: ``(N, C)`` output of the last layer.
    """

    inputs: list[np.ndarray]
    hidden: list[np.ndarray]
    masks: list[np.ndarray | None]
    logits: np.ndarray


class MLP:
    """Fully connected classifier with softmax cross-entropy loss.

    Args:
        layer_sizes: ``[D, H1, ..., C]``: input features, hidden widths, classes (>= 2 entries).
        activation: hidden activation, a key of ``ACTIVATIONS`` (``"relu"``, ``"leaky_relu"``,
            ``"tanh"``, ``"sigmoid"``).
        init: weight initialiser, a key of ``INITIALIZERS`` (``"he_normal"``,
            ``"xavier_uniform"``, ...); ``Wl`` has shape ``(layer_sizes[l-1], layer_sizes[l])``.
        dropout: drop probability ``p`` in ``[0, 1)`` after each hidden activation.
        seed: int seed or ``np.random.Generator``; draws the weights, then the dropout masks.
        dtype: ``np.float64`` (default) or ``np.float32`` for parameters and computations.

    Attributes:
        params: ``{"W1": (D, H1), "b1": (H1,), ..., "WL": (HK, C), "bL": (C,)}``; optimizers
            update these arrays in place.
        cache: the :class:`ForwardCache` of the last :meth:`forward` call (``None`` before).
    """

    @checked
    def __init__(
        self,
        layer_sizes: Sequence[int],
        activation: str = "relu",
        init: str = "he_normal",
        dropout: float = 0.0,
        seed: int | np.random.Generator = 0,
        dtype: DTypeLike = np.float64,
    ) -> None:
        if isinstance(layer_sizes, (str, bytes)) or not isinstance(layer_sizes, Sequence):
            raise TypeError(
                prefixed(
                    "layer_sizes must be a sequence of ints [D, H1, ..., C]; "
                    f"got {type(layer_sizes).__name__}"
                )
            )
        if len(layer_sizes) < 2:
            raise ValueError(
                prefixed(
                    f"layer_sizes must have at least 2 entries [D, C]; got {list(layer_sizes)}"
                )
            )
        sizes = [as_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
        if activation not in ACTIVATIONS or activation == "softmax":
            choices = sorted(k for k in ACTIVATIONS if k != "softmax")
            raise ValueError(prefixed(f"activation must be one of {choices}; got {activation!r}"))
        if init not in INITIALIZERS:
            raise ValueError(prefixed(f"init must be one of {sorted(INITIALIZERS)}; got {init!r}"))
        dtype = as_float_dtype(dtype)

        self.layer_sizes: tuple[int, ...] = tuple(sizes)
        self.activation = activation
        self.init = init
        self.dropout = as_real(dropout, "dropout", low=0.0, high=1.0, high_open=True)
        self.dtype = dtype
        self._rng = as_rng(seed)
        self.params: dict[str, np.ndarray] = {}
        for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
            weights = INITIALIZERS[init](fan_in, fan_out, self._rng)
            self.params[f"W{layer}"] = weights.astype(dtype)
            self.params[f"b{layer}"] = np.zeros(fan_out, dtype=dtype)
        self.cache: ForwardCache | None = None

    def __repr__(self) -> str:
        return (
            f"MLP(layer_sizes={list(self.layer_sizes)}, activation={self.activation!r}, "
            f"init={self.init!r}, dropout={self.dropout}, dtype={self.dtype.name})"
        )

    @property
    def n_layers(self) -> int:
        """Number of dense layers ``L`` (hidden layers + output layer)."""
        return len(self.layer_sizes) - 1

    def _as_input(self, X: np.ndarray, name: str = "X") -> np.ndarray:
        """``X`` as a ``(N, D)`` array of the model dtype; ``ValueError`` naming both shapes."""
        X = as_float_array(X, name, ndim=2)
        check_shape(X, name, (None, self.layer_sizes[0]), symbols=("N", "D"))
        return X.astype(self.dtype, copy=False)

    def check_batch(
        self, X: np.ndarray, y: np.ndarray, x_name: str = "X", y_name: str = "y"
    ) -> tuple[np.ndarray, np.ndarray]:
        """Check a labelled batch for this model; return it as the model computes with it.

        Args:
            X: ``(N, D)`` inputs, returned in the model dtype.
            y: ``(N,)`` integer labels in ``[0, C)``, returned as int64.
            x_name, y_name: the arguments' names in error messages, e.g. ``"X_train"``.

        Raises:
            TypeError, ValueError: as :meth:`loss_and_grads`; the message starts with the name of
            the checked function that called this one (``train: X_train must have shape ...``).
        """
        X = self._as_input(X, x_name)
        y = as_label_array(y, y_name, self.layer_sizes[-1])
        check_shape(y, y_name, (X.shape[0],), symbols=("N",), match=(x_name, ("N", "D"), X.shape))
        return X, y

    def _forward(self, X: np.ndarray, training: bool) -> ForwardCache:
        forward_fn, _, backward_uses = ACTIVATIONS[self.activation]
        use_dropout = training and self.dropout > 0.0
        inputs, hidden, masks = [X], [], []
        A = X
        for layer in range(1, self.n_layers):
            Z = dense_forward(A, self.params[f"W{layer}"], self.params[f"b{layer}"])
            H = forward_fn(Z)
            hidden.append(Z if backward_uses == "input" else H)
            if use_dropout:
                A, mask = dropout_forward(H, self.dropout, training=True, rng=self._rng)
            else:
                A, mask = H, None
            masks.append(mask)
            inputs.append(A)
        L = self.n_layers
        logits = dense_forward(A, self.params[f"W{L}"], self.params[f"b{L}"])
        return ForwardCache(inputs=inputs, hidden=hidden, masks=masks, logits=logits)

    @checked
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Logits of a batch; keeps the intermediate arrays in ``self.cache`` for backward.

        Args:
            X: ``(N, D)`` inputs (converted to the model dtype).
            training: apply dropout (fresh seeded masks on every call) if ``dropout > 0``.

        Returns:
            logits: ``(N, C)``, unnormalised class scores (no softmax).
        """
        self.cache = self._forward(self._as_input(X), training)
        return self.cache.logits

    @checked
    def backward(self, dlogits: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of a scalar loss w.r.t. every parameter, from ``dL/dlogits``.

        Walks the layers of the last :meth:`forward` backwards: ``dense_backward`` for each
        layer, then ``dropout_backward`` with the cached mask and the activation's backward.

        Args:
            dlogits: ``(N, C)`` upstream gradient, same shape as the last logits.

        Returns:
            ``{"W1": dL/dW1 (D, H1), "b1": dL/db1 (H1,), ...}``, same keys and shapes as
            ``params``.
        """
        if self.cache is None:
            raise RuntimeError(prefixed("call forward(X) before backward(dlogits)"))
        dlogits = as_float_array(dlogits, "dlogits", ndim=2)
        check_same_shape(dlogits, "dlogits", self.cache.logits, "logits")
        return self._backward(dlogits)

    def _backward(self, dA: np.ndarray) -> dict[str, np.ndarray]:
        """:meth:`backward` for a checked ``dA = dL/dlogits`` of the cached forward pass."""
        cache = self.cache
        _, backward_fn, _ = ACTIVATIONS[self.activation]
        grads: dict[str, np.ndarray] = {}
        for layer in range(self.n_layers, 0, -1):
            if layer < self.n_layers:  # hidden layer: undo dropout, then the activation
                mask = cache.masks[layer - 1]
                if mask is not None:
                    dA = dropout_backward(dA, mask, self.dropout)
                dA = backward_fn(dA, cache.hidden[layer - 1])
            dA, grads[f"W{layer}"], grads[f"b{layer}"] = dense_backward(
                dA, cache.inputs[layer - 1], self.params[f"W{layer}"]
            )
        return {key: grads[key] for key in self.params}

    @checked
    def loss_and_grads(
        self, X: np.ndarray, y: np.ndarray, weight_decay: float = 0.0, training: bool = True
    ) -> tuple[float, dict[str, np.ndarray]]:
        """Softmax cross-entropy (+ L2 penalty) of a batch and its parameter gradients.

        ``loss = mean_n -log softmax(logits)[n, y_n] + weight_decay / 2 * sum_l ||Wl||^2``;
        biases are not penalised.

        Args:
            X: ``(N, D)`` inputs.
            y: ``(N,)`` integer labels in ``[0, C)``.
            weight_decay: L2 coefficient (>= 0).
            training: forward in training mode (dropout on); ``False`` for gradient checks.

        Returns:
            ``(loss, grads)`` with ``grads`` as in :meth:`backward`.
        """
        X, y = self.check_batch(X, y)
        weight_decay = as_real(weight_decay, "weight_decay", low=0.0)
        self.cache = self._forward(X, training)
        loss, dlogits = cross_entropy_loss(self.cache.logits, y)
        grads = self._backward(dlogits)
        if weight_decay:
            loss += l2_penalty(self.params, weight_decay)
            for key, grad in l2_gradient(self.params, weight_decay).items():
                grads[key] += grad
        return float(loss), grads

    @checked
    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities ``softmax(logits)``, ``(N, C)``, in eval mode (cache untouched)."""
        X = self._as_input(X)
        return softmax(self._forward(X, training=False).logits)

    @checked
    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predicted classes ``argmax_c logits[n, c]``, ``(N,)`` int64, in eval mode."""
        X = self._as_input(X)
        return self._forward(X, training=False).logits.argmax(axis=1).astype(np.int64)

    @checked
    def score(self, X: np.ndarray, y: np.ndarray) -> float:
        """Accuracy ``mean_n [predict(X)[n] == y[n]]`` in ``[0, 1]``."""
        y = as_label_array(y, "y")
        predictions = self.predict(X)
        check_shape(y, "y", predictions.shape, symbols=("N",))
        return float(np.mean(predictions == y))
