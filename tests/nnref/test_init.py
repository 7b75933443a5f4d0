"""nnref.init: statistics and bounds against torch.nn.init's formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from nnref import init

FAN_IN, FAN_OUT = 400, 300  # 120,000 samples: the sample std is within ~0.5% of the true one

XAVIER_STD = math.sqrt(2 / (FAN_IN + FAN_OUT))
HE_STD = math.sqrt(2 / FAN_IN)
LEAKY = {"a": 0.5, "mode": "fan_in", "nonlinearity": "leaky_relu"}  # gain^2 = 2 / (1 + 0.5^2)
RELU = {"mode": "fan_in", "nonlinearity": "relu"}

# id -> (nnref initialiser, its kwargs, torch initialiser, its kwargs, std, uniform bound or None)
CASES = {
    "xavier_uniform": (
        init.xavier_uniform,
        {},
        torch.nn.init.xavier_uniform_,
        {},
        XAVIER_STD,
        math.sqrt(3) * XAVIER_STD,
    ),
    "xavier_uniform-gain": (
        init.xavier_uniform,
        {"gain": 2.5},
        torch.nn.init.xavier_uniform_,
        {"gain": 2.5},
        2.5 * XAVIER_STD,
        2.5 * math.sqrt(3) * XAVIER_STD,
    ),
    "xavier_normal": (
        init.xavier_normal,
        {},
        torch.nn.init.xavier_normal_,
        {},
        XAVIER_STD,
        None,
    ),
    "xavier_normal-gain": (
        init.xavier_normal,
        {"gain": 0.5},
        torch.nn.init.xavier_normal_,
        {"gain": 0.5},
        0.5 * XAVIER_STD,
        None,
    ),
    "he_uniform": (
        init.he_uniform,
        {},
        torch.nn.init.kaiming_uniform_,
        RELU,
        HE_STD,
        math.sqrt(3) * HE_STD,
    ),
    "he_uniform-leaky": (
        init.he_uniform,
        {"negative_slope": 0.5},
        torch.nn.init.kaiming_uniform_,
        LEAKY,
        HE_STD / math.sqrt(1.25),
        math.sqrt(3) * HE_STD / math.sqrt(1.25),
    ),
    "he_normal": (init.he_normal, {}, torch.nn.init.kaiming_normal_, RELU, HE_STD, None),
    "he_normal-leaky": (
        init.he_normal,
        {"negative_slope": 0.5},
        torch.nn.init.kaiming_normal_,
        LEAKY,
        HE_STD / math.sqrt(1.25),
        None,
    ),
}


@pytest.mark.parametrize(
    ("ours", "our_kwargs", "theirs", "their_kwargs", "std", "bound"),
    list(CASES.values()),
    ids=list(CASES),
)
def test_statistics_match_torch(ours, our_kwargs, theirs, their_kwargs, std, bound) -> None:
    W = ours(FAN_IN, FAN_OUT, rng=0, **our_kwargs)
    torch.manual_seed(0)
    # Torch's Linear weight is (out, in), so its fan_in is dim 1; .T gives nnref's layout.
    T = theirs(torch.empty(FAN_OUT, FAN_IN, dtype=torch.float64), **their_kwargs).numpy().T
    assert W.shape == T.shape == (FAN_IN, FAN_OUT)
    assert W.dtype == np.float64
    for sample in (W, T):
        assert abs(sample.mean()) < 5 * std / math.sqrt(sample.size)
        assert sample.std() == pytest.approx(std, rel=0.1)
    assert W.std() == pytest.approx(T.std(), rel=0.1)
    if bound is not None:
        for sample in (W, T):  # both fill [-bound, bound]: the bounds agree within 1%
            assert np.abs(sample).max() <= bound
            assert np.abs(sample).max() > 0.99 * bound


def test_he_uses_fan_in_not_fan_out() -> None:
    W = init.he_normal(50, 2000, rng=1)
    assert W.std() == pytest.approx(math.sqrt(2 / 50), rel=0.05)


@pytest.mark.parametrize("name", sorted(init.INITIALIZERS))
def test_registry_shapes_and_seeded_reproducibility(name: str) -> None:
    initializer = init.INITIALIZERS[name]
    a, b = initializer(7, 5, 123), initializer(7, 5, np.random.default_rng(123))
    assert a.shape == (7, 5)
    np.testing.assert_array_equal(a, b)
    if name != "zeros":
        assert not np.array_equal(a, initializer(7, 5, 124))


def test_aliases_and_registry_names() -> None:
    assert init.kaiming_uniform is init.he_uniform
    assert init.kaiming_normal is init.he_normal
    assert init.glorot_uniform is init.xavier_uniform
    assert init.glorot_normal is init.xavier_normal
    assert {"zeros", "normal", "xavier_uniform", "he_normal", "kaiming_normal"} <= set(
        init.INITIALIZERS
    )
    np.testing.assert_array_equal(
        init.INITIALIZERS["glorot_normal"](6, 4, 3), init.xavier_normal(6, 4, rng=3)
    )


def test_generator_is_advanced() -> None:
    rng = np.random.default_rng(0)
    first, second = init.he_uniform(3, 4, rng=rng), init.he_uniform(3, 4, rng=rng)
    assert not np.array_equal(first, second)


def test_zeros_and_normal() -> None:
    Z = init.zeros((3, 2))
    assert Z.shape == (3, 2) and Z.dtype == np.float64 and not Z.any()
    assert init.zeros(4).shape == (4,)
    W = init.normal((500, 400), std=0.05, rng=0)
    assert W.std() == pytest.approx(0.05, rel=0.1)
    np.testing.assert_array_equal(W, init.normal((500, 400), std=0.05, rng=0))
    assert init.normal((2, 3), rng=0).std() < 0.1  # default std 0.01


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: init.he_normal(0, 3), ValueError, "he_normal: fan_in must be a positive int"),
        (lambda: init.xavier_uniform(3, 2.0), TypeError, "xavier_uniform: fan_out must be an int"),
        (lambda: init.xavier_normal(3, 2, gain=-1.0), ValueError, "gain must be a real number"),
        (lambda: init.he_uniform(3, 2, negative_slope="x"), TypeError, "negative_slope"),
        (lambda: init.normal((2, 2), std=-0.1), ValueError, "normal: std must be"),
        (lambda: init.zeros((2, -1)), ValueError, "zeros: shape must have non-negative sizes"),
        (lambda: init.zeros("ab"), TypeError, "zeros: shape must be an int or a sequence"),
        (lambda: init.he_normal(3, 2, rng=-1), ValueError, "seed"),
    ],
)
def test_bad_arguments_raise(call, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        call()
