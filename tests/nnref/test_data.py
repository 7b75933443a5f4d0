"""nnref.data: split sizes, stratification, seeding, train-only standardisation, dtypes."""

import numpy as np
import pytest

from nnref import Split, load_circles, load_classification, load_digits, load_moons, standardize

LOADERS = {
    "moons": lambda **kw: load_moons(n_samples=500, **kw),
    "circles": lambda **kw: load_circles(n_samples=500, **kw),
    "classification": lambda **kw: load_classification(
        n_samples=500, n_features=6, n_classes=4, **kw
    ),
    "digits": lambda **kw: load_digits(n_samples=500, **kw),
}


def _parts(split):
    return [
        (split.X_train, split.y_train),
        (split.X_val, split.y_val),
        (split.X_test, split.y_test),
    ]


@pytest.mark.parametrize("name", LOADERS)
def test_split_sizes_dtypes_and_labels(name):
    split = LOADERS[name](seed=0)
    assert isinstance(split, Split)
    assert [len(y) for _, y in _parts(split)] == [300, 100, 100]
    for X, y in _parts(split):
        assert X.dtype == np.float64 and y.dtype == np.int64
        assert X.shape == (len(y), split.n_features) and np.isfinite(X).all()
        assert y.min() >= 0 and y.max() < split.n_classes
    assert len(split.feature_names) == split.n_features
    assert split.description


@pytest.mark.parametrize("name", LOADERS)
def test_splits_are_stratified_and_disjoint(name):
    split = LOADERS[name](seed=0)
    y_all = np.concatenate([y for _, y in _parts(split)])
    overall = np.bincount(y_all, minlength=split.n_classes) / len(y_all)
    for _, y in _parts(split):
        share = np.bincount(y, minlength=split.n_classes) / len(y)
        assert np.all(np.abs(share - overall) <= 1.5 / len(y) + 1e-12)
    rows = {tuple(row) for row in split.X_train}
    if len(rows) == len(split.X_train):  # digits may repeat an image; the synthetic sets do not
        assert not rows & {tuple(row) for row in split.X_test}
        assert not rows & {tuple(row) for row in split.X_val}


@pytest.mark.parametrize("name", LOADERS)
def test_seeded(name):
    a, b, c = LOADERS[name](seed=3), LOADERS[name](seed=3), LOADERS[name](seed=4)
    for (Xa, ya), (Xb, yb) in zip(_parts(a), _parts(b), strict=True):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)
    assert not np.array_equal(a.X_test, c.X_test)


@pytest.mark.parametrize("name", LOADERS)
def test_standardised_with_train_statistics_only(name):
    raw = LOADERS[name](seed=0, standardize=False)
    std = LOADERS[name](seed=0)
    mean, scale = raw.X_train.mean(axis=0), raw.X_train.std(axis=0)
    scale[scale == 0] = 1.0
    for (X_raw, _), (X_std, _) in zip(_parts(raw), _parts(std), strict=True):
        np.testing.assert_allclose(X_std, (X_raw - mean) / scale, atol=1e-12)
    np.testing.assert_allclose(std.X_train.mean(axis=0), 0.0, atol=1e-12)
    varying = raw.X_train.std(axis=0) > 0
    np.testing.assert_allclose(std.X_train.std(axis=0)[varying], 1.0, rtol=1e-12)


def test_digits_full_set_pixels_and_constant_columns():
    split = load_digits(standardize=False)
    assert split.n_features == 64 and split.n_classes == 10
    assert sum(len(y) for _, y in _parts(split)) == 1797
    assert split.X_train.min() >= 0.0 and split.X_train.max() <= 1.0
    standardised = load_digits()
    constant = split.X_train.std(axis=0) == 0
    assert constant.any()  # the left border column is always blank
    assert np.isfinite(standardised.X_test).all()
    np.testing.assert_array_equal(standardised.X_train[:, constant], 0.0)


def test_float32_option_and_val_size_zero():
    split = load_moons(n_samples=100, dtype=np.float32, val_size=0.0, test_size=0.25)
    assert split.X_train.dtype == split.X_test.dtype == split.X_val.dtype == np.float32
    assert split.X_val.shape == (0, 2) and split.y_val.shape == (0,)
    assert (len(split.y_train), len(split.y_test)) == (75, 25)


def test_standardize_function():
    rng = np.random.default_rng(0)
    X_train = rng.normal(3.0, 2.0, (50, 3))
    X_train[:, 1] = 7.0
    X_test = rng.normal(size=(4, 3))
    Z_train, Z_test = standardize(X_train, X_test)
    mu, sd = X_train.mean(axis=0), X_train.std(axis=0)
    sd[1] = 1.0
    np.testing.assert_allclose(Z_test, (X_test - mu) / sd)
    np.testing.assert_array_equal(Z_train[:, 1], 0.0)
    assert standardize(X_train.astype(np.float32))[0].dtype == np.float32
    assert X_train[0, 1] == 7.0  # inputs are not modified


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: standardize(np.ones((4, 3)), np.ones((2, 2))),
            ValueError,
            r"others\[0\] must have shape \(N, D\) = \(N, 3\) to match X_train \(4, 3\); "
            r"got \(2, 2\)",
        ),
        (lambda: standardize(np.ones(4)), ValueError, "X_train must be a 2-D array"),
        (lambda: load_moons(val_size=0.5, test_size=0.5), ValueError, "val_size \\+ test_size"),
        (
            lambda: load_moons(test_size=0.0),
            ValueError,
            r"test_size must be .* in \(0, 1\)",
        ),
        (lambda: load_moons(n_samples=1), ValueError, "n_samples must be at least 2"),
        (lambda: load_moons(n_samples=10.5), TypeError, "n_samples must be an int"),
        (lambda: load_digits(n_samples=5000), ValueError, "at most 1797"),
        (lambda: load_circles(dtype=np.int64), TypeError, "float32 or float64"),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
