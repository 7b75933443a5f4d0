"""nnref.model.MLP: forward, backward and loss_and_grads against the torch twin's autograd
(float64, relative error <= 1e-10), gradient checks, dtypes and error messages."""

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref import MLP, gradient_check, to_torch_model, torch_grads_as_numpy

ACTIVATIONS = ["relu", "leaky_relu", "tanh", "sigmoid"]
SIZES = [5, 7, 6, 3]  # D != H1 != H2 != C, so a transposed weight cannot have the right shape


def _data(N, seed=0, D=5, C=3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)), rng.integers(0, C, N)


def test_params_names_shapes_and_init():
    model = MLP(SIZES, seed=3)
    assert list(model.params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert [p.shape for p in model.params.values()] == [(5, 7), (7,), (7, 6), (6,), (6, 3), (3,)]
    assert all(p.dtype == np.float64 for p in model.params.values())
    assert all(not model.params[f"b{k}"].any() for k in (1, 2, 3))
    same, other = MLP(SIZES, seed=3), MLP(SIZES, seed=4)
    assert all(np.array_equal(model.params[k], same.params[k]) for k in model.params)
    assert not np.array_equal(model.params["W1"], other.params["W1"])


@pytest.mark.parametrize("N", [1, 8])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_backward_match_torch(activation, N, assert_rel_close):
    model = MLP(SIZES, activation=activation, seed=1)
    X, _ = _data(N)
    twin = to_torch_model(model)
    X_t = torch.tensor(X, requires_grad=True)
    logits_t = twin(X_t)
    upstream = np.random.default_rng(2).standard_normal((N, 3))
    logits_t.backward(torch.from_numpy(upstream))

    logits = model.forward(X)
    assert_rel_close(logits, logits_t.detach().numpy(), "logits")
    grads = model.backward(upstream)
    expected = torch_grads_as_numpy(twin)
    assert list(grads) == list(model.params)
    for key in model.params:
        assert_rel_close(grads[key], expected[key], key)


@pytest.mark.parametrize("weight_decay", [0.0, 0.3])
@pytest.mark.parametrize("N", [1, 10])
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_loss_and_grads_match_torch(activation, N, weight_decay, assert_rel_close):
    model = MLP(SIZES, activation=activation, seed=5)
    X, y = _data(N, seed=N)
    twin = to_torch_model(model)
    loss_t = F.cross_entropy(twin(torch.from_numpy(X)), torch.from_numpy(y))
    weights = [m.weight for m in twin if isinstance(m, torch.nn.Linear)]
    loss_t = loss_t + weight_decay / 2 * sum((w * w).sum() for w in weights)
    loss_t.backward()

    loss, grads = model.loss_and_grads(X, y, weight_decay=weight_decay)
    assert isinstance(loss, float)
    assert_rel_close(loss, loss_t.item(), "loss")
    expected = torch_grads_as_numpy(twin)
    for key in model.params:
        assert_rel_close(grads[key], expected[key], key)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_grads_pass_gradient_check(activation):
    model = MLP([4, 6, 5, 3], activation=activation, seed=7)
    X, y = _data(6, seed=1, D=4)
    # non-zero biases: with zero biases a sample whose ReLUs are all off puts Z exactly at the kink
    for key in ("b1", "b2", "b3"):
        model.params[key] += np.random.default_rng(3).uniform(0.1, 0.5, model.params[key].shape)
    _, grads = model.loss_and_grads(X, y, weight_decay=0.1)
    for key, param in model.params.items():

        def loss_of(_, key=key):  # reads model.params[key], which gradient_check perturbs
            return model.loss_and_grads(X, y, weight_decay=0.1)[0]

        assert gradient_check(loss_of, param, grads[key]) < 1e-7, key


def test_eval_mode_ignores_dropout_and_training_masks_are_seeded():
    X, _ = _data(6)
    plain, dropped = MLP(SIZES, seed=0), MLP(SIZES, dropout=0.5, seed=0)
    np.testing.assert_array_equal(dropped.forward(X), plain.forward(X))
    assert dropped.cache.masks == [None, None]

    train_a = dropped.forward(X, training=True)
    masks = dropped.cache.masks
    assert all(set(np.unique(m)) <= {0.0, 1.0} for m in masks)
    assert any((m == 0).any() for m in masks)
    assert not np.array_equal(train_a, plain.forward(X))
    # a second call draws new masks; a twin model with the same seed draws the same sequence
    train_b = dropped.forward(X, training=True)
    twin = MLP(SIZES, dropout=0.5, seed=0)
    np.testing.assert_array_equal(twin.forward(X, training=True), train_a)
    np.testing.assert_array_equal(twin.forward(X, training=True), train_b)


def test_backward_twice_gives_same_grads_and_leaves_cache_intact():
    model = MLP(SIZES, dropout=0.2, seed=0)
    X, y = _data(4)
    model.loss_and_grads(X, y)
    logits = model.cache.logits.copy()
    upstream = np.ones_like(logits)
    first = model.backward(upstream)
    second = model.backward(upstream)
    np.testing.assert_array_equal(model.cache.logits, logits)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


def test_predictions():
    model = MLP(SIZES, seed=2)
    X, y = _data(20)
    logits = model.forward(X)
    cache = model.cache
    proba = model.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_array_equal(proba.argmax(axis=1), logits.argmax(axis=1))
    predictions = model.predict(X)
    assert predictions.dtype == np.int64
    np.testing.assert_array_equal(predictions, logits.argmax(axis=1))
    assert model.score(X, y) == np.mean(predictions == y)
    assert model.cache is cache  # predictions do not replace the cache used by backward


def test_float32_model_stays_float32():
    model = MLP(SIZES, dtype=np.float32, seed=0)
    X, y = _data(4)
    assert model.forward(X).dtype == np.float32  # float64 input is cast to the model dtype
    loss, grads = model.loss_and_grads(X.astype(np.float32), y, weight_decay=0.1)
    assert all(g.dtype == np.float32 for g in grads.values())
    reference = MLP(SIZES, seed=0)
    np.testing.assert_allclose(loss, reference.loss_and_grads(X, y, weight_decay=0.1)[0], rtol=1e-5)


def test_bad_input_messages():
    model = MLP(SIZES, seed=0)
    with pytest.raises(
        ValueError, match=r"MLP.forward: X must have shape \(N, D\) = \(N, 5\).*got \(2, 3\)"
    ):
        model.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"X must be a 2-D array"):
        model.predict(np.ones(5))
    with pytest.raises(ValueError, match=r"y must hold labels in \[0, 2\]"):
        model.loss_and_grads(np.ones((2, 5)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"y must have shape \(N,\) = \(2,\).*got \(3,\)"):
        model.loss_and_grads(np.ones((2, 5)), np.array([0, 1, 2]))
    with pytest.raises(RuntimeError, match="call forward"):
        MLP(SIZES).backward(np.ones((2, 3)))
    model.forward(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"dlogits must have the same shape as logits \(2, 3\)"):
        model.backward(np.ones((3, 2)))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"layer_sizes": [5]}, ValueError, "at least 2 entries"),
        ({"layer_sizes": [5, 0, 3]}, ValueError, r"layer_sizes\[1\] must be a positive int"),
        ({"layer_sizes": "53"}, TypeError, "sequence of ints"),
        ({"layer_sizes": [5, 3], "activation": "softmax"}, ValueError, "activation must be one of"),
        ({"layer_sizes": [5, 3], "init": "ones"}, ValueError, "init must be one of"),
        ({"layer_sizes": [5, 3], "dropout": 1.0}, ValueError, "dropout must be a real number"),
        ({"layer_sizes": [5, 3], "dtype": np.int32}, TypeError, "float32 or float64"),
    ],
)
def test_bad_constructor_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        MLP(**kwargs)


def test_check_batch_returns_the_model_dtype_and_int64_labels():
    model = MLP(SIZES, dtype=np.float32, seed=0)
    X, y = _data(4)
    X_checked, y_checked = model.check_batch(X, y.astype(np.int32))
    assert X_checked.dtype == np.float32 and y_checked.dtype == np.int64
    np.testing.assert_array_equal(y_checked, y)
    X32 = X.astype(np.float32)
    assert model.check_batch(X32, y)[0] is X32  # nothing to convert: no copy
    # errors use the given names, after the name of the checked function that calls it
    message = "y_b must have shape (N,) = (4,) to match X_b (N, D) = (4, 5); got (3,)"
    with pytest.raises(ValueError, match=rf"^{re.escape(message)}$"):
        model.check_batch(X, y[:3], "X_b", "y_b")
