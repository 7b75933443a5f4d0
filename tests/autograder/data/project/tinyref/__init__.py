"""A two-function reference package standing in for nnref in the autograder's tests."""

import numpy as np


def scale(x: np.ndarray, a: float) -> np.ndarray:
    """Return `a * x` in float64."""
    return a * np.asarray(x, dtype=np.float64)


def add_offsets(X: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return `X + b` for `X: (N, D)`, `b: (D,)`."""
    return np.asarray(X, dtype=np.float64) + np.asarray(b, dtype=np.float64)
