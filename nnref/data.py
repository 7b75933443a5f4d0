"""Small classification data sets, split into train / validation / test and standardised.

Every loader returns a :class:`Split`. Splits are seeded and stratified (each part keeps the
class proportions of the whole set); standardisation uses statistics of the training part only,
so no information leaks from the validation or test parts::

    mu = mean(X_train, axis=0),  sigma = std(X_train, axis=0)  (sigma = 1 where it is 0)
    X_part <- (X_part - mu) / sigma      for every part

Features are ``float64`` (or ``dtype=np.float32``), labels ``int64`` in ``[0, n_classes)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sklearn.datasets as skdatasets
from numpy.typing import DTypeLike
from sklearn.model_selection import train_test_split

from nnref._hyperparams import as_positive_int, as_real
from nnref._validation import as_float_array, as_float_dtype, checked, format_shape, prefixed

__all__ = [
    "Split",
    "load_circles",
    "load_classification",
    "load_digits",
    "load_moons",
    "standardize",
]


@dataclass
class Split:
    """A data set split into train, validation and test parts.

    Attributes:
        X_train, X_val, X_test: features, shapes ``(N_train, D)``, ``(N_val, D)``, ``(N_test, D)``
            (``N_val`` is 0 when the loader was called with ``val_size=0``).
        y_train, y_val, y_test: integer labels ``(N_part,)`` in ``[0, n_classes)``.
        n_classes: number of classes ``C``.
        feature_names: one name per feature column.
        description: one line saying where the data come from and how they were prepared.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int
    feature_names: tuple[str, ...] = ()
    description: str = ""

    @property
    def n_features(self) -> int:
        """Number of input features ``D``."""
        return self.X_train.shape[1]


@checked
def standardize(X_train: np.ndarray, *others: np.ndarray) -> tuple[np.ndarray, ...]:
    """Standardise features with the training statistics.

    ``X <- (X - mu) / sigma`` with ``mu, sigma = X_train.mean(0), X_train.std(0)`` and
    ``sigma`` replaced by 1 for constant features (e.g. the always-blank border pixels of
    digits), so those become exactly 0 instead of NaN.

    Args:
        X_train: ``(N, D)`` training features; the only source of ``mu`` and ``sigma``.
        *others: further ``(N_k, D)`` arrays (validation, test) transformed the same way.

    Returns:
        ``(X_train_std, *others_std)``, new arrays with the dtype of ``X_train``
        (float32 stays float32, anything else becomes float64).

    Raises:
        ValueError: ``X_train`` is not 2-D or is empty, or another array has a different
            number of features.
    """
    X_train = as_float_array(X_train, "X_train", ndim=2)
    if X_train.shape[0] == 0:
        raise ValueError(prefixed("X_train must have at least one row; got shape (0, D)"))
    mean = X_train.mean(axis=0, dtype=np.float64)
    std = X_train.std(axis=0, dtype=np.float64)
    std[std == 0.0] = 1.0
    arrays = [X_train]
    for k, X in enumerate(others):
        X = as_float_array(X, f"others[{k}]", ndim=2)
        if X.shape[1] != X_train.shape[1]:
            raise ValueError(
                prefixed(
                    f"others[{k}] must have shape (N, D) = (N, {X_train.shape[1]}) "
                    f"to match X_train {format_shape(X_train.shape)}; got {format_shape(X.shape)}"
                )
            )
        arrays.append(X)
    return tuple(((X - mean) / std).astype(X_train.dtype, copy=False) for X in arrays)


def _check_sizes(n_samples: int, val_size: float, test_size: float) -> None:
    """``n_samples >= 2``; fractions ``0 <= val_size``, ``0 < test_size``, sum below 1."""
    if as_positive_int(n_samples, "n_samples") < 2:
        raise ValueError(prefixed(f"n_samples must be at least 2; got {n_samples}"))
    as_real(val_size, "val_size", low=0.0, high=1.0, high_open=True)
    as_real(test_size, "test_size", low=0.0, high=1.0, low_open=True, high_open=True)
    if val_size + test_size >= 1.0:
        raise ValueError(
            prefixed(
                "val_size + test_size must be below 1 to leave training data; "
                f"got {val_size} + {test_size} = {val_size + test_size}"
            )
        )


def _make_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    seed: int,
    val_size: float,
    test_size: float,
    standardize_features: bool,
    dtype: DTypeLike,
    feature_names: tuple[str, ...],
    description: str,
) -> Split:
    """Stratified train/val/test split (fractions of the whole set), then optional scaling."""
    dtype = as_float_dtype(dtype, func="")  # this message names no loader
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    if val_size > 0:
        X_train, X_val, y_train, y_val = train_test_split(
            X_rest,
            y_rest,
            test_size=val_size / (1.0 - test_size),
            random_state=seed,
            stratify=y_rest,
        )
    else:
        X_train, y_train = X_rest, y_rest
        X_val, y_val = X[:0], y[:0]
    if standardize_features:
        X_train, X_val, X_test = standardize(X_train, X_val, X_test)
        description += ", standardised with train statistics"
    return Split(
        X_train=X_train.astype(dtype),
        y_train=y_train,
        X_val=X_val.astype(dtype),
        y_val=y_val,
        X_test=X_test.astype(dtype),
        y_test=y_test,
        n_classes=int(y.max()) + 1,
        feature_names=feature_names,
        description=description,
    )


@checked
def load_moons(
    n_samples: int = 1000,
    noise: float = 0.2,
    seed: int = 0,
    val_size: float = 0.2,
    test_size: float = 0.2,
    standardize: bool = True,
    dtype: DTypeLike = np.float64,
) -> Split:
    """Two interleaving half circles (``sklearn.datasets.make_moons``): D = 2, C = 2.

    Args:
        n_samples: total number of points, before splitting.
        noise: standard deviation of the Gaussian noise added to the points.
        seed: seeds both the data and the split.
        val_size, test_size: fractions of ``n_samples`` held out for validation and test.
        standardize: standardise with training statistics (see :func:`standardize`).
        dtype: feature dtype, ``np.float64`` or ``np.float32``.
    """
    _check_sizes(n_samples, val_size, test_size)
    X, y = skdatasets.make_moons(n_samples=n_samples, noise=noise, random_state=seed)
    return _make_split(
        X,
        y,
        seed=seed,
        val_size=val_size,
        test_size=test_size,
        standardize_features=standardize,
        dtype=dtype,
        feature_names=("x1", "x2"),
        description=f"make_moons(n_samples={n_samples}, noise={noise}, seed={seed})",
    )


@checked
def load_circles(
    n_samples: int = 1000,
    noise: float = 0.1,
    factor: float = 0.5,
    seed: int = 0,
    val_size: float = 0.2,
    test_size: float = 0.2,
    standardize: bool = True,
    dtype: DTypeLike = np.float64,
) -> Split:
    """A small circle inside a large one (``sklearn.datasets.make_circles``): D = 2, C = 2.

    Args:
        n_samples: total number of points, before splitting.
        noise: standard deviation of the Gaussian noise added to the points.
        factor: radius of the inner circle relative to the outer one, in ``(0, 1)``.
        seed, val_size, test_size, standardize, dtype: as in :func:`load_moons`.
    """
    _check_sizes(n_samples, val_size, test_size)
    X, y = skdatasets.make_circles(
        n_samples=n_samples, noise=noise, factor=factor, random_state=seed
    )
    return _make_split(
        X,
        y,
        seed=seed,
        val_size=val_size,
        test_size=test_size,
        standardize_features=standardize,
        dtype=dtype,
        feature_names=("x1", "x2"),
        description=(
            f"make_circles(n_samples={n_samples}, noise={noise}, factor={factor}, seed={seed})"
        ),
    )


@checked
def load_classification(
    n_samples: int = 1000,
    n_features: int = 20,
    n_classes: int = 3,
    n_informative: int | None = None,
    class_sep: float = 1.0,
    seed: int = 0,
    val_size: float = 0.2,
    test_size: float = 0.2,
    standardize: bool = True,
    dtype: DTypeLike = np.float64,
) -> Split:
    """Gaussian clusters per class (``sklearn.datasets.make_classification``).

    Args:
        n_samples: total number of points, before splitting.
        n_features: D, the number of features.
        n_classes: C, the number of classes.
        n_informative: features that carry the class signal (default: all ``n_features``);
            the rest are pure noise. Needs ``2 * n_classes <= 2 ** n_informative``.
        class_sep: larger values move the class clusters further apart (an easier problem).
        seed, val_size, test_size, standardize, dtype: as in :func:`load_moons`.
    """
    _check_sizes(n_samples, val_size, test_size)
    n_informative = n_features if n_informative is None else n_informative
    X, y = skdatasets.make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_informative,
        n_redundant=0,
        n_classes=n_classes,
        class_sep=class_sep,
        random_state=seed,
    )
    return _make_split(
        X,
        y,
        seed=seed,
        val_size=val_size,
        test_size=test_size,
        standardize_features=standardize,
        dtype=dtype,
        feature_names=tuple(f"x{i + 1}" for i in range(n_features)),
        description=(
            f"make_classification(n_samples={n_samples}, n_features={n_features}, "
            f"n_classes={n_classes}, n_informative={n_informative}, class_sep={class_sep}, "
            f"seed={seed})"
        ),
    )


@checked
def load_digits(
    n_samples: int | None = None,
    seed: int = 0,
    val_size: float = 0.2,
    test_size: float = 0.2,
    standardize: bool = True,
    dtype: DTypeLike = np.float64,
) -> Split:
    """8x8 images of handwritten digits bundled with scikit-learn (no download): D = 64, C = 10.

    Pixels (integers 0..16) are divided by 16 into ``[0, 1]``, then standardised if asked
    (constant border pixels become 0).

    Args:
        n_samples: use a stratified random subset of this many images; ``None`` uses all 1797.
        seed, val_size, test_size, standardize, dtype: as in :func:`load_moons`.
    """
    digits = skdatasets.load_digits()
    X, y = digits.data / 16.0, digits.target
    n_total = len(y)
    n_samples = n_total if n_samples is None else n_samples
    _check_sizes(n_samples, val_size, test_size)
    if n_samples > n_total:
        raise ValueError(prefixed(f"n_samples must be at most {n_total}; got {n_samples}"))
    if n_samples < n_total:
        X, _, y, _ = train_test_split(X, y, train_size=n_samples, random_state=seed, stratify=y)
    return _make_split(
        X,
        y,
        seed=seed,
        val_size=val_size,
        test_size=test_size,
        standardize_features=standardize,
        dtype=dtype,
        feature_names=tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8)),
        description=f"sklearn digits ({len(y)} images of 8x8 pixels scaled to [0, 1], seed={seed})",
    )
