"""nnref.train: mini-batches, the History it records, determinism, accuracy on real data, and
training steps equal to torch.optim on the torch twin."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from nnref import (
    MLP,
    SGD,
    Adam,
    History,
    RMSprop,
    cross_entropy_loss,
    iterate_minibatches,
    l2_penalty,
    load_digits,
    load_moons,
    to_torch_model,
    to_torch_optimizer,
    torch_params_as_numpy,
    train,
)


@pytest.mark.parametrize(("N", "batch_size"), [(10, 3), (9, 3), (5, 8), (1, 1)])
@pytest.mark.parametrize("shuffle", [True, False])
def test_iterate_minibatches_covers_every_sample_once(N, batch_size, shuffle):
    X = np.arange(2 * N, dtype=np.float64).reshape(N, 2)
    y = np.arange(N)
    batches = list(iterate_minibatches(X, y, batch_size, rng=0, shuffle=shuffle))
    sizes = [len(y_b) for _, y_b in batches]
    assert sizes == [batch_size] * (N // batch_size) + ([N % batch_size] if N % batch_size else [])
    order = np.concatenate([y_b for _, y_b in batches])
    assert sorted(order) == list(range(N))
    for X_b, y_b in batches:  # rows stay paired with their labels
        np.testing.assert_array_equal(X_b, X[y_b])
    if not shuffle:
        np.testing.assert_array_equal(order, y)


def test_iterate_minibatches_is_seeded():
    X, y = np.zeros((50, 1)), np.arange(50)

    def order(rng):
        return np.concatenate([y_b for _, y_b in iterate_minibatches(X, y, 8, rng=rng)])

    np.testing.assert_array_equal(order(3), order(np.random.default_rng(3)))
    assert not np.array_equal(order(3), order(4))
    assert not np.array_equal(order(3), y)


def test_iterate_minibatches_checks_arguments_when_called():
    with pytest.raises(ValueError, match=r"same number of samples N; got X \(4, 2\) and y \(3,\)"):
        iterate_minibatches(np.zeros((4, 2)), np.zeros(3), 2)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        iterate_minibatches(np.zeros((4, 2)), np.zeros(4), 0)


def _fit(split, hidden, lr, epochs, seed=0, **kwargs):
    model = MLP(
        [split.n_features, *hidden, split.n_classes], seed=seed, dropout=kwargs.pop("dropout", 0.0)
    )
    history = train(
        model,
        Adam(model.params, lr=lr),
        split.X_train,
        split.y_train,
        split.X_val,
        split.y_val,
        epochs=epochs,
        seed=seed,
        **kwargs,
    )
    return model, history


def test_reaches_97_percent_on_moons():
    split = load_moons(n_samples=1000, noise=0.15, seed=0)
    model, history = _fit(split, (32, 32), lr=0.01, epochs=30)
    assert model.score(split.X_test, split.y_test) >= 0.97
    assert history.train_loss[-1] < history.train_loss[0] / 5


def test_reaches_95_percent_on_digits():
    split = load_digits(seed=0)
    model, history = _fit(split, (64,), lr=0.003, epochs=20)
    assert model.score(split.X_test, split.y_test) >= 0.95
    assert history.val_acc[-1] >= 0.9


def test_same_seed_gives_identical_history_and_weights():
    split = load_moons(n_samples=300, seed=1)
    kwargs = {"hidden": (16,), "lr": 0.01, "epochs": 3, "dropout": 0.3, "weight_decay": 1e-3}
    (model_a, history_a), (model_b, history_b) = _fit(split, **kwargs), _fit(split, **kwargs)
    assert history_a == history_b
    for key in model_a.params:
        np.testing.assert_array_equal(model_a.params[key], model_b.params[key])
    _, history_c = _fit(split, seed=2, **kwargs)
    assert history_c.train_loss != history_a.train_loss


def test_history_records_what_it_claims():
    """With lr = 0 the weights never move, so each entry equals a direct computation."""
    split = load_moons(n_samples=200, seed=0)
    model = MLP([2, 8, 2], seed=0)
    wd = 0.05
    history = train(
        model,
        SGD(model.params, lr=0.0),
        split.X_train,
        split.y_train,
        split.X_val,
        split.y_val,
        epochs=2,
        batch_size=7,
        weight_decay=wd,
    )
    assert isinstance(history, History) and history.epochs == 2
    penalty = l2_penalty(model.params, wd)
    train_loss = cross_entropy_loss(model.forward(split.X_train), split.y_train)[0] + penalty
    val_loss = cross_entropy_loss(model.forward(split.X_val), split.y_val)[0] + penalty
    np.testing.assert_allclose(history.train_loss, [train_loss] * 2, rtol=1e-12)
    np.testing.assert_allclose(history.val_loss, [val_loss] * 2, rtol=1e-12)
    assert history.train_acc == [model.score(split.X_train, split.y_train)] * 2
    assert history.val_acc == [model.score(split.X_val, split.y_val)] * 2
    assert list(history.weight_norms) == ["W1", "W2"]
    for name, norms in history.weight_norms.items():
        np.testing.assert_allclose(norms, [np.sqrt(np.sum(model.params[name] ** 2))] * 2)


def test_history_without_validation_and_weight_norms_shrink_with_decay():
    split = load_moons(n_samples=200, seed=0)
    model = MLP([2, 8, 2], seed=0)
    history = train(
        model, SGD(model.params, lr=0.1), split.X_train, split.y_train, epochs=4, weight_decay=1.0
    )
    assert history.val_loss == [] and history.val_acc == []
    assert len(history.train_loss) == len(history.train_acc) == 4
    assert all(np.diff(history.weight_norms["W1"]) < 0)


def test_progress_prints_one_line_per_epoch(capsys):
    split = load_moons(n_samples=100, seed=0)
    model = MLP([2, 4, 2], seed=0)
    train(
        model,
        SGD(model.params, lr=0.1),
        split.X_train,
        split.y_train,
        split.X_val,
        split.y_val,
        epochs=3,
        progress=True,
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[-1].startswith("epoch 3/3") and "val_acc" in lines[-1]


def test_train_errors():
    model = MLP([2, 4, 2], seed=0)
    X, y = np.zeros((5, 2)), np.zeros(5, dtype=np.int64)
    with pytest.raises(ValueError, match="optimizer.params must hold the model's own arrays"):
        train(model, SGD({k: v.copy() for k, v in model.params.items()}, lr=0.1), X, y)
    optimizer = SGD(model.params, lr=0.1)
    with pytest.raises(
        ValueError, match=r"X_train must have shape \(N, D\) = \(N, 2\).*got \(5, 3\)"
    ):
        train(model, optimizer, np.zeros((5, 3)), y)
    with pytest.raises(ValueError, match="both X_val and y_val"):
        train(model, optimizer, X, y, X_val=X)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        train(model, optimizer, X, y, epochs=0)


@pytest.mark.parametrize(
    ("optimizer_class", "kwargs"),
    [
        (SGD, {"lr": 0.1}),
        (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
        (SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
        (RMSprop, {"lr": 0.01, "momentum": 0.5, "centered": True, "weight_decay": 0.01}),
        (Adam, {"lr": 0.01, "weight_decay": 0.01}),
        (Adam, {"lr": 0.01, "amsgrad": True}),
    ],
)
def test_training_steps_equal_torch_optim(optimizer_class, kwargs, assert_rel_close):
    model = MLP([4, 6, 5, 3], activation="tanh", seed=0)
    twin = to_torch_model(model)
    optimizer = optimizer_class(model.params, **kwargs)
    torch_optimizer = to_torch_optimizer(optimizer, twin)
    rng = np.random.default_rng(0)
    for step in range(5):
        X, y = rng.standard_normal((8, 4)), rng.integers(0, 3, 8)
        loss, grads = model.loss_and_grads(X, y)
        optimizer.step(grads)
        torch_optimizer.zero_grad()
        loss_t = F.cross_entropy(twin(torch.from_numpy(X)), torch.from_numpy(y))
        loss_t.backward()
        torch_optimizer.step()
        assert_rel_close(loss, loss_t.item(), f"loss at step {step}")
        expected = torch_params_as_numpy(twin)
        for key in model.params:
            assert_rel_close(model.params[key], expected[key], f"{key} after step {step}")
