"""nnref.gradcheck: the relative error, central differences, and the check itself on every
analytic backward of nnref (which it must accept) and on deliberately wrong ones (which it must
reject)."""

import re

import numpy as np
import pytest

from nnref import (
    ACTIVATIONS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy_loss,
    dense_backward,
    dense_forward,
    gradient_check,
    mse_loss,
    numerical_gradient,
    numerical_gradient_array,
    relative_error,
    sigmoid_backward,
)

PASS = 1e-7  # a correct gradient (float64, h = 1e-5, inputs away from kinks)
FAIL = 1e-2  # a wrong one is far above this


# --- relative_error --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ([1.0], [1.1], 0.1 / 2.1),
        ([1.0, -2.0], [1.0, 2.0], 1.0),  # a sign flip gives the maximum, 1
        ([0.0, 0.0], [0.0, 0.0], 0.0),
        ([0.0], [1e-9], 1e-9 / 1e-8),  # the 1e-8 floor
        ([[3.0, 4.0], [5.0, 6.0]], [[3.0, 4.0], [5.0, 6.5]], 0.5 / 12.5),  # max over entries
        ([], [], 0.0),
    ],
)
def test_relative_error_values(a, b, expected):
    assert relative_error(np.array(a), np.array(b)) == pytest.approx(expected, rel=1e-12)
    assert relative_error(np.array(b), np.array(a)) == pytest.approx(expected, rel=1e-12)


def test_relative_error_nan_never_passes_and_shapes_must_match():
    assert np.isnan(relative_error(np.array([1.0, np.nan]), np.array([1.0, 1.0])))
    with pytest.raises(ValueError, match=re.escape("b must have the same shape as a (2, 3)")):
        relative_error(np.ones((2, 3)), np.ones((3, 2)))


# --- numerical gradients ---------------------------------------------------------------------


def test_numerical_gradient_of_known_function_and_x_restored_exactly():
    # entries of size ~h: there (x + h) - h != x, so restoring by arithmetic would be caught
    x = np.random.default_rng(0).standard_normal((3, 4)) * 1e-5
    before = x.copy()
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, before)  # bitwise, not approximately
    assert relative_error(grad, np.cos(x)) < 1e-9


def test_numerical_gradient_perturbs_x_in_place_for_closures():
    W = np.random.default_rng(1).standard_normal((4, 3))
    X = np.random.default_rng(2).standard_normal((5, 4))
    # the closure ignores its argument and reads W: works only if W itself is perturbed
    grad = numerical_gradient(lambda _: float(np.sum(X @ W)), W)
    np.testing.assert_allclose(grad, X.sum(axis=0)[:, None] * np.ones((1, 3)), rtol=1e-8)


def test_x_restored_when_f_raises():
    x = np.array([1.0, 2.0])
    before = x.copy()

    def f(v):
        if v[0] != 1.0:
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_array_is_a_vector_jacobian_product():
    rng = np.random.default_rng(0)
    x, df = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    grad = numerical_gradient_array(lambda v: v**2, x, df)
    assert relative_error(grad, 2 * x * df) < 1e-9


def test_float32_warns():
    with pytest.warns(RuntimeWarning, match="float32"):
        numerical_gradient(lambda v: float(np.sum(v * v)), np.ones(3, dtype=np.float32))


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: numerical_gradient(lambda v: v, np.ones(3)),
            ValueError,
            "numerical_gradient: f must return a scalar; got an array of shape (3,)",
        ),
        (
            lambda: numerical_gradient(np.sum, [1.0, 2.0]),
            TypeError,
            "numerical_gradient: x must be a NumPy array (it is perturbed in place); got list",
        ),
        (
            lambda: numerical_gradient(np.sum, np.arange(3)),
            TypeError,
            "numerical_gradient: x must have dtype float64 (or float32); got dtype int64",
        ),
        (
            lambda: numerical_gradient(np.sum, np.ones(3), h=0.0),
            ValueError,
            "numerical_gradient: h must be a positive number; got 0.0",
        ),
        (
            lambda: numerical_gradient_array(lambda v: v, np.ones(3), np.ones(4)),
            ValueError,
            "numerical_gradient_array: df must have the same shape as f(x) (3,); got (4,)",
        ),
        (
            lambda: gradient_check(np.sum, np.ones(3), np.ones(4)),
            ValueError,
            "gradient_check: analytic must have the same shape as x (3,); got (4,)",
        ),
    ],
)
def test_bad_input_messages(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# --- gradient_check on nnref's backwards ------------------------------------------------------

RNG = np.random.default_rng(42)
N, D, M, C = 4, 3, 3, 5  # D == M: a transposed dW has the right shape and must be caught
X, W, b = RNG.standard_normal((N, D)), RNG.standard_normal((D, M)), RNG.standard_normal(M)
DZ = RNG.standard_normal((N, M))
Z_ACT = RNG.choice([-1.0, 1.0], size=(N, C)) * RNG.uniform(0.1, 2.0, size=(N, C))  # no kinks
DA = RNG.standard_normal((N, C))
LOGITS, LABELS = 2 * RNG.standard_normal((N, C)), RNG.integers(0, C, size=N)
PROBS, TARGETS = RNG.uniform(0.05, 0.95, size=(N, 1)), RNG.uniform(size=(N, 1))


def _dense_case(wrt):
    """Check d(sum(Z * DZ)) w.r.t. X, W or b through dense_forward/dense_backward."""
    args = {"X": X.copy(), "W": W.copy(), "b": b.copy()}
    grads = dict(zip("XWb", dense_backward(DZ, args["X"], args["W"]), strict=True))
    return (
        lambda _: dense_forward(args["X"], args["W"], args["b"]),
        args[wrt],
        grads[wrt],
        DZ,
    )


def _activation_case(name):
    forward, backward, uses = ACTIVATIONS[name]
    Z = Z_ACT.copy()
    A = forward(Z)
    return forward, Z, backward(DA, Z if uses == "input" else A), DA


def _loss_case(loss, pred, target):
    pred = pred.copy()
    return lambda p: loss(p, target)[0], pred, loss(pred, target)[1], None


CORRECT = {
    **{f"dense_d{wrt}": (_dense_case, wrt) for wrt in "XWb"},
    **{f"activation_{name}": (_activation_case, name) for name in ACTIVATIONS},
    "mse": (_loss_case, mse_loss, LOGITS, RNG.standard_normal((N, C))),
    "cross_entropy_labels": (_loss_case, cross_entropy_loss, LOGITS, LABELS),
    "cross_entropy_one_hot": (_loss_case, cross_entropy_loss, LOGITS, np.eye(C)[LABELS]),
    "bce": (_loss_case, binary_cross_entropy, PROBS, TARGETS),
    "bce_with_logits": (_loss_case, binary_cross_entropy_with_logits, LOGITS[:, :1], TARGETS),
}


@pytest.mark.parametrize("name", list(CORRECT))
def test_gradient_check_accepts_every_analytic_backward(name):
    make, *args = CORRECT[name]
    f, x, analytic, df = make(*args)
    assert gradient_check(f, x, analytic, df=df) < PASS


def _wrong_cases():
    """name -> (f, x, wrong analytic gradient, df): classic backprop mistakes."""
    _, W_, dW, _ = _dense_case("W")
    f_Z, Z, _, _ = _activation_case("sigmoid")
    f_ce, logits, dZ, _ = _loss_case(cross_entropy_loss, LOGITS, LABELS)
    f_mse, Y_hat, dY_hat, _ = _loss_case(mse_loss, LOGITS, np.zeros((N, C)))
    f_bce, z, _, _ = _loss_case(binary_cross_entropy_with_logits, LOGITS[:, :1], TARGETS)
    return {
        "dense_dW_transposed": (lambda _: dense_forward(X, W_, b), W_, dW.T, DZ),
        "sigmoid_derivative_of_Z_not_A": (f_Z, Z, sigmoid_backward(DA, Z), DA),
        "cross_entropy_missing_1_over_N": (f_ce, logits, dZ * N, None),
        "cross_entropy_sign_flipped": (f_ce, logits, -dZ, None),
        "mse_missing_factor_2": (f_mse, Y_hat, dY_hat / 2, None),
        "bce_with_logits_sigmoid_forgotten": (f_bce, z, (z - TARGETS) / N, None),
    }


@pytest.mark.parametrize("name", list(_wrong_cases()))
def test_gradient_check_detects_wrong_gradients(name):
    f, x, wrong, df = _wrong_cases()[name]
    assert gradient_check(f, x, wrong, df=df) > FAIL
