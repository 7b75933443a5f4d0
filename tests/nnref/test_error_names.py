"""Whole error messages, word for word: each names the public function whose argument is wrong.

The name comes from ``@checked`` (``nnref._validation``); these cases pin where it comes from
when calls nest (the innermost checked function), for methods and for ``Optimizer`` subclasses.
"""

import inspect

import numpy as np
import pytest

import nnref

X, W, b = np.ones((5, 3)), np.ones((3, 2)), np.ones(2)
Z = np.ones((4, 3))
PARAMS = {"W1": np.ones((3, 2)), "b1": np.zeros(2)}


def _model():
    return nnref.MLP([4, 5, 3], seed=1)


def _train(**kwargs):
    model = _model()
    args = {"X_train": np.ones((6, 4)), "y_train": np.array([0, 1, 2, 0, 1, 2]), "epochs": 1}
    nnref.train(model, nnref.SGD(model.params, lr=0.1), **(args | kwargs))


def _step(optimizer_class, grads):
    optimizer_class({k: v.copy() for k, v in PARAMS.items()}, lr=0.1).step(grads)


class _MySGD(nnref.SGD):
    pass


def _corrupt_model_forward():
    model = _model()
    model.params["W1"] = np.ones((3, 5))
    model.forward(np.ones((6, 4)))


CASES = [
    (
        lambda: nnref.dense_forward(X, np.ones((4, 2)), b),
        ValueError,
        "dense_forward: W must have shape (D, M) = (3, M) to match X (N, D) = (5, 3); got (4, 2)",
    ),
    (
        lambda: nnref.relu_backward(np.ones((4, 2)), Z),
        ValueError,
        "relu_backward: dA must have the same shape as Z (4, 3); got (4, 2)",
    ),
    (
        lambda: nnref.leaky_relu_forward(Z, "x"),
        TypeError,
        "leaky_relu_forward: negative_slope must be a real number; got str",
    ),
    (
        lambda: nnref.binary_cross_entropy(np.array([-1.0, 0.5]), np.ones(2)),
        ValueError,
        "binary_cross_entropy: P must hold probabilities in [0, 1]; got values in [-1.0, 0.5] "
        "(for logits use binary_cross_entropy_with_logits)",
    ),
    (
        lambda: nnref.cross_entropy_loss(Z, np.ones((2, 2, 2))),
        ValueError,
        "cross_entropy_loss: y must be integer labels (N,) = (4,) or one-hot/probabilities "
        "(N, C) = (4, 3); got shape (2, 2, 2)",
    ),
    (
        lambda: nnref.dropout_forward(Z, 0.5, mask=np.full((4, 3), 0.5)),
        ValueError,
        "dropout_forward: mask must hold only 0 (dropped) and 1 (kept); "
        "got values such as [0.5 0.5 0.5]",
    ),
    (
        lambda: nnref.l2_gradient(PARAMS, 0.1, ["W9"]),
        ValueError,
        "l2_gradient: keys ['W9'] are not in params (keys: ['W1', 'b1'])",
    ),
    (
        lambda: nnref.kaiming_normal(0, 4),
        ValueError,
        "he_normal: fan_in must be a positive int; got 0",
    ),
    (
        lambda: nnref.INITIALIZERS["zeros"](0, 4),
        ValueError,
        "zeros: fan_in must be a positive int; got 0",
    ),
    (
        lambda: nnref.normal((-1, 2)),
        ValueError,
        "normal: shape must have non-negative sizes; got (-1, 2)",
    ),
    # gradient_check hands x to numerical_gradient, which names itself
    (
        lambda: nnref.gradient_check(lambda x: 0.0, None, np.zeros(3)),
        TypeError,
        "numerical_gradient: x must be a NumPy array (it is perturbed in place); got NoneType",
    ),
    (
        lambda: nnref.gradient_check(lambda x: 0.0, np.ones(3), np.zeros(4)),
        ValueError,
        "gradient_check: analytic must have the same shape as x (3,); got (4,)",
    ),
    # an nnref function inside f names itself, not numerical_gradient
    (
        lambda: nnref.numerical_gradient(lambda x: nnref.dense_forward(x, W, b).sum(), np.ones(3)),
        ValueError,
        "dense_forward: X must be a 2-D array; got a 1-D array with shape (3,)",
    ),
    (
        lambda: nnref.numerical_gradient_array(lambda x: x, np.ones(3), np.ones(2)),
        ValueError,
        "numerical_gradient_array: df must have the same shape as f(x) (3,); got (2,)",
    ),
    (
        lambda: nnref.sgd_step({k: v.copy() for k, v in PARAMS.items()}, {"W1": W}, 0.1),
        ValueError,
        "sgd_step: grads must have the same keys as params ['W1', 'b1']; missing ['b1']",
    ),
    (
        lambda: nnref.Adam(PARAMS, lr=-1),
        ValueError,
        "Adam: lr must be a real number in [0, inf); got -1",
    ),
    (
        lambda: nnref.Adam(PARAMS, betas=(0.9, 1.0)),
        ValueError,
        "Adam: betas[1] must be a real number in [0, 1); got 1.0",
    ),
    (
        lambda: nnref.SGD(PARAMS, lr=0.1, nesterov=True),
        ValueError,
        "SGD: nesterov=True requires momentum > 0 and dampening == 0; "
        "got momentum=0.0, dampening=0.0",
    ),
    (
        lambda: _step(nnref.RMSprop, None),
        TypeError,
        "RMSprop.step: grads must be a dict of arrays; got NoneType",
    ),
    # the base class names the subclass; SGD's own arguments keep SGD's name
    (
        lambda: _MySGD(PARAMS, lr=-1),
        ValueError,
        "_MySGD: lr must be a real number in [0, inf); got -1",
    ),
    (
        lambda: _MySGD(PARAMS, lr=0.1, momentum=-1),
        ValueError,
        "SGD: momentum must be a real number in [0, inf); got -1",
    ),
    (
        lambda: _step(_MySGD, None),
        TypeError,
        "_MySGD.step: grads must be a dict of arrays; got NoneType",
    ),
    (
        lambda: nnref.MLP([4, 3], dropout=1.0),
        ValueError,
        "MLP: dropout must be a real number in [0, 1); got 1.0",
    ),
    (
        lambda: _model().backward(np.ones((6, 3))),
        RuntimeError,
        "MLP.backward: call forward(X) before backward(dlogits)",
    ),
    # score hands X to predict, which names itself
    (
        lambda: _model().score(np.ones(4), np.zeros(4, dtype=int)),
        ValueError,
        "MLP.predict: X must be a 2-D array; got a 1-D array with shape (4,)",
    ),
    (
        lambda: _model().score(np.ones((2, 4)), np.zeros(2)),
        TypeError,
        "MLP.score: y must hold integer class labels (dtype int); got dtype float64",
    ),
    (
        lambda: _model().loss_and_grads(np.ones((2, 4)), np.array([0, 3])),
        ValueError,
        "MLP.loss_and_grads: y must hold labels in [0, 2] for 3 classes; got values in [0, 3]",
    ),
    (
        _corrupt_model_forward,
        ValueError,
        "dense_forward: W must have shape (D, M) = (4, M) to match X (N, D) = (6, 4); got (3, 5)",
    ),
    # MLP.check_batch names its caller
    (
        lambda: _train(X_train=np.ones((6, 2))),
        ValueError,
        "train: X_train must have shape (N, D) = (N, 4); got (6, 2)",
    ),
    (
        lambda: _train(X_val=np.ones((2, 4)), y_val=np.array([0, 1, 2])),
        ValueError,
        "train: y_val must have shape (N,) = (2,) to match X_val (N, D) = (2, 4); got (3,)",
    ),
    (
        lambda: _train(X_val=np.ones((2, 4))),
        ValueError,
        "train: pass both X_val and y_val, or neither",
    ),
    (lambda: _train(epochs=0), ValueError, "train: epochs must be a positive int; got 0"),
    (
        lambda: nnref.iterate_minibatches(np.ones((6, 4)), np.ones(3), 2),
        ValueError,
        "iterate_minibatches: X (N, ...) and y (N, ...) must have the same number of samples N; "
        "got X (6, 4) and y (3,)",
    ),
    (
        lambda: nnref.standardize(np.ones((6, 4)), np.ones((4, 2))),
        ValueError,
        "standardize: others[0] must have shape (N, D) = (N, 4) to match X_train (6, 4); "
        "got (4, 2)",
    ),
    (
        lambda: nnref.load_moons(n_samples=1),
        ValueError,
        "load_moons: n_samples must be at least 2; got 1",
    ),
    # the loaders' dtype message names no function
    (
        lambda: nnref.load_moons(n_samples=20, dtype=np.int64),
        TypeError,
        "dtype must be float32 or float64; got int64",
    ),
    (
        lambda: nnref.plot_confusion_matrix([0, 1], [1, -1]),
        ValueError,
        "confusion_matrix: labels must be non-negative class indices",
    ),
    (
        lambda: nnref.plot_decision_boundary(nnref.MLP([2, 2]), np.ones((3, 2)), [0, 1, 1], 1),
        ValueError,
        "plot_decision_boundary: resolution must be at least 2; got 1",
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), CASES, ids=[c[2][:40] for c in CASES])
def test_message(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert type(info.value) is error
    assert str(info.value) == message


def test_checked_functions_keep_their_name_doc_and_signature():
    assert nnref.dense_forward.__name__ == "dense_forward"
    assert nnref.dense_forward.__doc__.startswith("Affine map of a batch: ``Z = X @ W + b``.")
    assert str(inspect.signature(nnref.dense_forward)) == (
        "(X: 'np.ndarray', W: 'np.ndarray', b: 'np.ndarray') -> 'np.ndarray'"
    )
    assert nnref.MLP.forward.__qualname__ == "MLP.forward"
