"""nnref._validation: dtype rules, error messages, and the rng helper."""

import re

import numpy as np
import pytest

from nnref._validation import (
    as_float_array,
    as_float_dtype,
    as_label_array,
    as_rng,
    check_same_shape,
    check_shape,
    checked,
    checking,
    format_shape,
    prefixed,
)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (np.ones(3, dtype=np.float32), np.float32),
        (np.ones(3, dtype=np.float64), np.float64),
        (np.ones(3, dtype=np.float16), np.float64),
        (np.arange(3), np.float64),
        (np.arange(3, dtype=np.uint8), np.float64),
        (np.array([True, False]), np.float64),
        ([1, 2, 3], np.float64),
        (2.5, np.float64),
    ],
)
def test_as_float_array_dtype_rule(value, dtype):
    out = as_float_array(value, "x")
    assert type(out) is np.ndarray
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, np.asarray(value, dtype=dtype))


def test_as_float_array_does_not_copy_float64_and_strips_subclasses():
    x = np.ones((2, 2))
    assert as_float_array(x, "x") is x

    class Liar(np.ndarray):
        pass

    out = as_float_array(np.zeros(3).view(Liar), "x")
    assert type(out) is np.ndarray


def test_as_float_array_ndim():
    assert as_float_array(np.ones(3), "y", ndim=(1, 2)).shape == (3,)
    msg = "f: y must be a 1-D or 2-D array; got a 0-D array with shape ()"
    with pytest.raises(ValueError, match=re.escape(msg)):
        as_float_array(1.0, "y", ndim=(1, 2), func="f")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "f: X must be an array of real numbers; got None"),
        (np.ones(2, dtype=complex), "f: X must have a real numeric dtype"),
        (["a", "b"], "got dtype <U1"),
        ({"a": 1}, "got dtype object"),
        ([[1.0], [1.0, 2.0]], "f: X must be an array of real numbers; got list that NumPy cannot"),
    ],
)
def test_as_float_array_type_errors(value, message):
    with pytest.raises(TypeError, match=re.escape(message)):
        as_float_array(value, "X", func="f")


def test_as_float_dtype():
    assert as_float_dtype(np.float32) == np.float32
    assert as_float_dtype("float64") == np.float64
    msg = "f: dtype must be float32 or float64; got int64"
    with pytest.raises(TypeError, match=re.escape(msg)):
        as_float_dtype(np.int64, func="f")


def test_as_label_array():
    out = as_label_array(np.array([2, 0, 1], dtype=np.int32), "y", n_classes=3)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [2, 0, 1])
    for labels, error, message in [
        ([0.0, 1.0], TypeError, "f: y must hold integer class labels (dtype int); got dtype float"),
        ([True], TypeError, "got dtype bool"),
        ([[0, 1]], ValueError, "f: y must be a 1-D array of labels (N,); got a 2-D array"),
        (
            [-1, 0],
            ValueError,
            "f: y must hold labels in [0, 1] for 2 classes; got values in [-1, 0]",
        ),
        (None, TypeError, "f: y must be an array of integer class labels; got None"),
    ]:
        with pytest.raises(error, match=re.escape(message)):
            as_label_array(np.array(labels) if labels is not None else None, "y", 2, func="f")


def test_check_shape_messages():
    check_shape(np.ones((3, 7)), "W", (3, None))  # None accepts any size
    msg = "dense_forward: W must have shape (D, M) = (3, M) to match X (N, D) = (5, 3); got (4, 2)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        check_shape(
            np.ones((4, 2)),
            "W",
            (3, None),
            symbols=("D", "M"),
            match=("X", ("N", "D"), (5, 3)),
            func="dense_forward",
        )
    with pytest.raises(ValueError, match=re.escape("b must have shape (2,); got (2, 1)")):
        check_shape(np.ones((2, 1)), "b", (2,))


def test_check_same_shape_message():
    check_same_shape(np.ones(3), "dA", np.zeros(3), "Z")
    msg = "g: dA must have the same shape as Z (3,); got (1, 3)"
    with pytest.raises(ValueError, match=re.escape(msg)):
        check_same_shape(np.ones((1, 3)), "dA", np.zeros(3), "Z", func="g")


@pytest.mark.parametrize(
    ("shape", "text"), [((), "()"), ((5,), "(5,)"), ((2, None), "(2, ?)"), (("N", "D"), "(N, D)")]
)
def test_format_shape(shape, text):
    assert format_shape(shape) == text


def test_as_rng():
    gen = np.random.default_rng(0)
    assert as_rng(gen) is gen
    assert as_rng(5).random() == np.random.default_rng(5).random()
    assert as_rng(np.int64(5)).random() == np.random.default_rng(5).random()
    assert isinstance(as_rng(None), np.random.Generator)
    for bad in [True, 1.5, "0", np.random.RandomState(0)]:
        with pytest.raises(TypeError, match="rng must be a np.random.Generator, an int seed or"):
            as_rng(bad)
    with pytest.raises(ValueError, match="non-negative"):
        as_rng(-1)


@checked
def _inner(x):
    return as_float_array(x, "x", ndim=1)


@checked
def _outer(x, y):
    _inner(x)
    return check_shape(as_float_array(y, "y"), "y", (2,))


class _Model:
    @checked
    def __init__(self, x):
        as_float_array(x, "x", ndim=1)

    @checked
    def fit(self, x):
        as_float_array(x, "x", ndim=1)


def test_checked_names_the_innermost_checked_function():
    with pytest.raises(ValueError, match=re.escape("_inner: x must be a 1-D array; got a 2-D")):
        _outer(np.ones((2, 2)), np.ones(2))
    # back in _outer once _inner has returned
    with pytest.raises(ValueError, match=re.escape("_outer: y must have shape (2,); got (3,)")):
        _outer(np.ones(2), np.ones(3))
    # and nothing is named outside: the name is reset after a call, even one that raised
    assert prefixed("m") == "m"
    with pytest.raises(ValueError, match=r"^x must be a 1-D array"):
        as_float_array(np.ones((2, 2)), "x", ndim=1)
    assert _outer.__name__ == "_outer" and _outer.__wrapped__.__name__ == "_outer"


def test_checked_methods_are_named_by_class():
    with pytest.raises(ValueError, match=r"^_Model: x must be a 1-D array"):
        _Model(np.ones((1, 1)))
    with pytest.raises(ValueError, match=r"^_Model\.fit: x must be a 1-D array"):
        _Model(np.ones(1)).fit(1.0)


def test_checking_names_a_block_and_func_overrides():
    with checking("SGD"):
        assert prefixed("lr must be >= 0") == "SGD: lr must be >= 0"
        assert prefixed("m", func="f") == "f: m"
        assert prefixed("m", func="") == "m"
        with pytest.raises(TypeError, match=r"^dtype must be float32 or float64; got int64$"):
            as_float_dtype(np.int64, func="")
    assert prefixed("m") == "m"
