"""assert_close and friends: messages for students, lying objects, non-array results."""

import subprocess
import sys

import numpy as np
import pytest
import torch

import nncheck

RNG = np.random.default_rng(1)
DW = RNG.normal(size=(3, 4))


def _message(got: object, expected: object = DW, name: str = "dW", **kwargs: object) -> str:
    with pytest.raises(AssertionError) as info:
        nncheck.assert_close(got, expected, name, **kwargs)
    return str(info.value)


def test_correct_answers_pass() -> None:
    nncheck.assert_close(DW.copy(), DW, "dW")
    nncheck.assert_close(DW + 1e-13, DW, "dW", tol="forward")
    nncheck.assert_close(2.5, np.float64(2.5), "loss")
    nncheck.assert_close(np.float64(2.5), 2.5, "loss")
    nncheck.assert_close(DW.astype(np.float32), DW, "dW", tol="torch_float32")
    nncheck.assert_close(torch.tensor(DW), DW, "W.grad", tol="torch_float64")


def test_message_shows_expected_got_largest_error_and_mistake() -> None:
    got = DW.copy()
    got *= -1
    message = _message(got, hint="dW = X.T @ dZ")
    lines = message.splitlines()
    assert lines[0].startswith("dW is not close enough")
    assert "12 of 12 values differ" in lines[0]
    assert lines[1].startswith("Likely mistake [sign_flipped]:") and "sign" in lines[1]
    worst = np.unravel_index(np.argmax(np.abs(DW)), DW.shape)
    assert f"largest error at index {tuple(int(i) for i in worst)}" in message
    assert "expected, shape (3, 4)" in message and "got, shape (3, 4)" in message
    assert f"{DW[0, 0]:.6f}"[:7] in message
    assert lines[-1] == "Hint: dW = X.T @ dZ"


def test_wrong_shape_message() -> None:
    message = _message(DW.T)
    assert message.startswith("dW has the wrong shape: expected (3, 4), got (4, 3).")
    assert "transposed" in message


def test_tolerance_kinds_differ() -> None:
    nncheck.assert_close(DW * (1 + 1e-8), DW, "dW", tol="backward")
    assert "rtol=1e-09" in _message(DW * (1 + 1e-8), tol="forward")
    nncheck.assert_close(DW * (1 + 1e-8), DW, "dW", tol="forward", rtol=1e-7)
    with pytest.raises(ValueError, match="unknown tolerance kind 'loose'"):
        nncheck.assert_close(DW, DW, "dW", tol="loose")


def test_nan_is_reported_as_largest_error() -> None:
    got = DW.copy()
    got[1, 2] = np.nan
    message = _message(got)
    assert "largest error at index (1, 2)" in message and "NaN" in message


@pytest.mark.parametrize(
    "got, phrase",
    [
        (None, "dW is None: did you forget `return`"),
        ((DW, DW), "dW is a tuple of 2 item(s), but a single array was expected"),
        ([1.0, 2.0], "dW is a Python list"),
        ("0.5", "should be a numeric array, got a str"),
        ({"W": DW}, "should be a numeric array, got a dict"),
        (DW * 1j, "complex"),
        (np.array([object(), object()]), "should be a numeric array"),
        (object(), "should be a numeric array, got a object"),
        (torch.tensor(DW, requires_grad=True), "could not be turned into a NumPy array"),
    ],
)
def test_non_numeric_results_are_rejected_clearly(got: object, phrase: str) -> None:
    assert phrase in _message(got)


class _LyingEq(np.ndarray):
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(np.broadcast_shapes(*(np.shape(x) for x in inputs)), dtype=bool)

    def __array__(self, dtype=None, copy=None):
        return DW if dtype is None else DW.astype(dtype)

    @property
    def shape(self) -> tuple[int, ...]:  # type: ignore[override]
        return DW.shape


def test_lying_ndarray_subclass_is_still_caught() -> None:
    liar = np.zeros((3, 4)).view(_LyingEq)
    assert np.allclose(liar, DW) is True  # the trick works on plain numpy...
    message = _message(liar)  # ...but not on nncheck
    assert "zeros" in message


def test_lying_subclass_with_right_data_passes() -> None:
    nncheck.assert_close(DW.copy().view(_LyingEq), DW, "dW")


def test_diagnose_and_shape_ignore_the_subclass_shape_property() -> None:
    liar = np.zeros((4, 3)).view(_LyingEq)
    with pytest.raises(AssertionError, match=r"has shape \(4, 3\)"):
        nncheck.assert_shape(liar, (3, 4), "dW")


def test_assert_shape() -> None:
    nncheck.assert_shape(DW, (3, None), "dW")
    wrong = r"has shape \(3, 4\) but should have shape \(any, 3\)"
    with pytest.raises(AssertionError, match=wrong):
        nncheck.assert_shape(DW, (None, 3), "dW")
    with pytest.raises(AssertionError, match="forget `return`"):
        nncheck.assert_shape(None, (3,), "Z")


def test_assert_not_mutated() -> None:
    Z = RNG.normal(size=(2, 3))
    before = Z.copy()
    nncheck.assert_not_mutated(before, Z, "Z")
    Z -= Z.max(axis=1, keepdims=True)
    with pytest.raises(AssertionError, match="modified its input Z in place"):
        nncheck.assert_not_mutated(before, Z, "Z")


def test_assert_not_mutated_on_dicts() -> None:
    grads = {"W": DW.copy(), "b": np.zeros(4)}
    before = {k: v.copy() for k, v in grads.items()}
    nncheck.assert_not_mutated(before, grads, "grads")
    grads["b"][2] = 1.0
    with pytest.raises(AssertionError, match=r"grads\['b'\] in place.*index \(2,\)"):
        nncheck.assert_not_mutated(before, grads, "grads")
    del grads["b"]
    with pytest.raises(AssertionError, match="changed the keys of grads"):
        nncheck.assert_not_mutated(before, grads, "grads")


def test_relative_error() -> None:
    assert nncheck.relative_error(DW, DW) == 0.0
    assert nncheck.relative_error(np.array([1.0, 0.0]), np.array([3.0, 0.0])) == pytest.approx(0.5)
    assert nncheck.relative_error(np.array([1e-9]), np.array([0.0])) == pytest.approx(0.1)
    assert nncheck.relative_error(np.empty(0), np.empty(0)) == 0.0
    with pytest.raises(ValueError, match=r"shapes differ: \(3, 4\) and \(4, 3\)"):
        nncheck.relative_error(DW, DW.T)


def test_unpack_result() -> None:
    dX, dW, db = nncheck.unpack_result((1, 2, 3), ("dX", "dW", "db"), "dense_backward")
    assert (dX, dW, db) == (1, 2, 3)
    for value, phrase in [
        (None, "dense_backward returned None: did you forget `return dX, dW, db`?"),
        (DW, "should return 3 values (dX, dW, db); it returned a single numpy.ndarray"),
        ((1, 2), "should return 3 values (dX, dW, db); it returned 2"),
    ]:
        with pytest.raises(AssertionError) as info:
            nncheck.unpack_result(value, ("dX", "dW", "db"), "dense_backward")
        assert phrase in str(info.value)


def test_imports_with_numpy_only() -> None:
    code = (
        "import sys; sys.modules['torch'] = None; import nncheck, numpy as np; "
        "nncheck.assert_close(np.ones(2), np.ones(2), 'x'); "
        "assert not any(m.startswith('nnref') for m in sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_change_in_the_last_digits_is_shown_and_explained() -> None:
    """Perturbing and restoring with `+= h` / `-= h` leaves rounding: both values must read
    differently, and the advice is to assign the saved value back, not to work on a copy."""
    before = np.array([0.1, 0.5, 0.7])
    after = before.copy()
    after[1] += 1e-5
    after[1] -= 1e-5
    assert after[1] != before[1]
    with pytest.raises(AssertionError) as caught:
        nncheck.assert_not_mutated(before, after, "x")
    message = str(caught.value)
    assert "was 0.5, now 0.49999999999999994" in message and "x[i] = old" in message
    assert "Work on a copy" not in message
    after[1] = 0.0
    with pytest.raises(AssertionError, match="Work on a copy"):
        nncheck.assert_not_mutated(before, after, "x")


def test_a_failure_that_names_a_mistake_carries_its_code() -> None:
    with pytest.raises(nncheck.Mistake) as caught:
        nncheck.assert_close(DW.T, DW, "dW")
    assert caught.value.mistake_code == "transposed"
    assert "Likely mistake [transposed]:" in str(caught.value)
    with pytest.raises(nncheck.Mistake) as caught:
        nncheck.assert_close(DW + 1.0, DW, "dW", hint=("dw_offset", "did you add 1?"))
    assert caught.value.mistake_code == "dw_offset"
    assert str(caught.value).endswith("Hint [dw_offset]: did you add 1?")
    with pytest.raises(nncheck.Mistake) as caught:
        nncheck.assert_not_mutated(DW.copy(), DW + 1.0, "W")
    assert caught.value.mistake_code == "modified_input"


def test_a_failure_that_names_nothing_has_no_code() -> None:
    with pytest.raises(AssertionError) as caught:
        nncheck.assert_close(DW + 1.0, DW, "dW", hint="Likely mistake [transposed]: forged")
    assert not isinstance(caught.value, nncheck.Mistake)
    assert "mistake_code" not in vars(caught.value)
