"""Each mistake `nncheck.diagnose` knows (transposed, wrong axis, batch mean, sign, factor, kink,
unstable, ...) is named, and correct results are not diagnosed at all.

Shapes use N != D != M (N = 5, D = 3, M = 4) so that transposes and wrong axes always show.
"""

import numpy as np
import pytest

import nncheck
from nncheck.mistakes import CODE

N, D, M = 5, 3, 4
RNG = np.random.default_rng(0)
X = RNG.normal(size=(N, D))
W = RNG.normal(size=(D, M))
b = RNG.normal(size=M)
DZ = RNG.normal(size=(N, M))
DW = X.T @ DZ / N
DB = DZ.sum(axis=0) / N
Z = np.array([[1.0, 0.0, -2.0], [0.0, 3.0, -1.0]])


def _stable_softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _unstable_softmax(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)


BIG = np.array([[1e4, 0.0, -1e4], [3.0, 1e3, 2.0]])
P = _stable_softmax(X)
Y = RNG.normal(size=(N, D))
MSE_GRAD = 2 * (X - Y) / (N * D)

CASES = {
    "transposed dW": (DW.T, DW, {}, "transposed"),
    "db summed over features": (DZ.sum(axis=1) / N, DB, {"batch_size": N}, "wrong axis"),
    "db keepdims": (DB[None, :], DB, {}, "keepdims"),
    "loss per example": ((X**2).mean(axis=1), np.mean(X**2), {"batch_size": N}, "per example"),
    "loss shape (1,)": (np.array([2.5]), np.float64(2.5), {}, "single number"),
    "lost axis": (DW.sum(axis=0), DW, {}, "axis 0"),
    "broadcast (N, N)": (
        np.ones((N, 1)) - np.ones(N),
        np.zeros(N),
        {},
        "broadcasting a column",
    ),
    "gained a dimension": (np.ones((2, 2, 2)), np.ones(3), {}, "gained a dimension"),
    "sign flipped": (-DW, DW, {"batch_size": N}, "sign"),
    "forgot to average": (DW * N, DW, {"batch_size": N}, "forgot to average over the batch"),
    "averaged twice": (DW / N, DW, {"batch_size": N}, "twice"),
    "sign and batch": (-DW * N, DW, {"batch_size": N}, "wrong sign"),
    "MSE factor 2 missing": (MSE_GRAD / 2, MSE_GRAD, {"batch_size": N, "n_features": D}, "half"),
    "MSE factor 2 extra": (MSE_GRAD * 2, MSE_GRAD, {"batch_size": N, "n_features": D}, "twice"),
    "MSE mean over rows only": (
        MSE_GRAD * D,
        MSE_GRAD,
        {"batch_size": N, "n_features": D},
        "all N * D elements",
    ),
    "MSE mean over features": (
        MSE_GRAD / D,
        MSE_GRAD,
        {"batch_size": N, "n_features": D},
        "number of features",
    ),
    "MSE sum": (MSE_GRAD * N * D, MSE_GRAD, {"batch_size": N, "n_features": D}, "summed"),
    "unknown factor": (DW * 3.7, DW, {}, "3.7 times"),
    "ReLU'(0) = 1 via zero_mask": (
        (Z >= 0).astype(float),
        (Z > 0).astype(float),
        {"zero_mask": Z == 0},
        "Z > 0",
    ),
    "ReLU'(0) = 1 via inputs": (
        (Z >= 0).astype(float),
        (Z > 0).astype(float),
        {"inputs": {"Z": Z}},
        "where `Z` is exactly 0",
    ),
    "float32": ((DW * (1 + 1e-5)).astype(np.float32), DW, {}, "float32"),
    "loss summed": (np.float64(N * 2.5), 2.5, {"batch_size": N}, "forgot to average"),
    "loss not finite": (np.inf, 2.5, {}, "unstable"),
    "division by zero": (np.where(DW > 0, np.inf, DW), DW, {}, "divided by zero"),
    "wrong axis without N": (DZ.sum(axis=1), DB, {}, "wrong axis"),
    "first of a series missing": (DB[1:], DB, {}, "without the first one"),
    "last of a series missing": (DB[:-1], DB, {}, "without the last one"),
    "extra value in front": (np.concatenate([[7.0], DB]), DB, {}, "extra first value"),
    "softmax overflow": (_unstable_softmax(BIG), _stable_softmax(BIG), {}, "unstable"),
    "not implemented": (np.zeros_like(DW), DW, {}, "zeros"),
    "input returned": (X, P, {"inputs": {"X": X}}, "exactly the input `X`"),
    "bias missing": (X @ W, X @ W + b, {"inputs": {"X": X, "b": b}}, "missing"),
    "bias twice": (X @ W + 2 * b, X @ W + b, {"inputs": {"b": b}}, "added once too often"),
    "weight decay doubled": (
        DW + 0.2 * W[:, :M],
        DW + 0.1 * W[:, :M],
        {"inputs": {"W": W[:, :M]}},
        "proportional to `W`",
    ),
    "softmax over columns": (
        np.exp(X) / np.exp(X).sum(axis=0),
        P,
        {},
        "axis=1",
    ),
    "reshape instead of transpose": (
        DW.T.reshape(DW.shape),
        DW,
        {},
        "wrong places",
    ),
    "square transpose": (W[:, :D].T, W[:, :D], {}, "transpose"),
    "None": (None, DW, {}, "forget `return`"),
    "known wrong formula": (
        DZ * _stable_softmax(DZ),
        DZ * P[:, :1],
        {
            "mistakes": {
                "sigmoid_twice": ("sigmoid'(A) used with A = sigmoid(Z)", DZ * _stable_softmax(DZ))
            }
        },
        "sigmoid'(A)",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_mistake_is_named(case: str) -> None:
    got, expected, kwargs, phrase = CASES[case]
    message = nncheck.diagnose(got, expected, name="grad", **kwargs)
    assert message is not None and phrase.lower() in message.lower(), message
    assert CODE.fullmatch(message.code), message.code  # every diagnosis names its code


def test_every_named_mistake_has_its_own_code() -> None:
    codes = {case: nncheck.diagnose(*CASES[case][:2], **CASES[case][2]).code for case in CASES}
    assert codes["known wrong formula"] == "sigmoid_twice"
    assert codes["softmax overflow"] == "non_finite"
    assert codes["not implemented"] == "all_zeros"


def test_a_mistakes_table_must_be_keyed_by_code() -> None:
    with pytest.raises(ValueError, match="mistakes"):
        nncheck.diagnose(DW * 3, DW, mistakes={"you tripled it": DW * 3})
    with pytest.raises(ValueError, match="not a mistake code"):
        nncheck.diagnose(DW * 3, DW, mistakes={"You tripled it": ("you tripled it", DW * 3)})


def test_transposed_message_gives_shapes() -> None:
    message = nncheck.diagnose(DW.T, DW, name="dW")
    assert message is not None
    assert f"has shape {(M, D)} but should have shape {(D, M)}" in message
    assert "transposed" in message
    assert "@" not in message, "feedback must not spell out the answer's formula"


@pytest.mark.parametrize(
    "got, expected",
    [
        (DW.copy(), DW),
        (DW * (1 + 1e-12), DW),
        (np.float64(2.5), 2.5),
        (2.5, np.array(2.5)),
        (DW.astype(np.float32), DW.astype(np.float32)),
        (np.array([1, 0, 1]), np.array([1.0, 0.0, 1.0])),
    ],
)
def test_correct_results_have_no_diagnosis(got: object, expected: object) -> None:
    assert nncheck.diagnose(got, expected) is None


def test_unrecognised_error_has_no_diagnosis() -> None:
    got = DW.copy()
    got[0, 0] += 1.0
    assert nncheck.diagnose(got, DW) is None


def test_no_scale_diagnosis_without_batch_size() -> None:
    message = nncheck.diagnose(DW * N, DW)
    assert message is not None and "batch" not in message and "5 times" in message


def test_an_arbitrary_factor_is_not_reported_for_a_single_number() -> None:
    assert "times the right value" not in (nncheck.diagnose(44.09, 1.0, name="loss") or "")
    assert "twice" in nncheck.diagnose(2.0, 1.0, name="loss")


def test_a_ratio_near_one_is_no_constant_factor() -> None:
    """A one-sided difference is 1.00001 times the central one: an approximation, not a factor."""
    for ratio in (1.000001, 1.00001, 0.9999):
        assert nncheck.diagnose(DW * ratio, DW) is None
    assert "1.5 times the right value" in nncheck.diagnose(DW * 1.5, DW)


def test_a_name_with_an_article_reads_as_english() -> None:
    message = nncheck.diagnose(2.0, 1.0, name="the cross-entropy loss")
    assert message.startswith("Your cross-entropy loss is exactly twice")


def test_the_wrong_axis_advice_names_axis_0() -> None:
    message = nncheck.diagnose(DZ.sum(axis=1), DB, batch_size=N)
    assert "Sum over the batch axis, axis=0." in message
