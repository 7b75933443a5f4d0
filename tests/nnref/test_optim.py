"""nnref.optim against torch.optim (float64), step by step."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from nnref.optim import OPTIMIZERS, SGD, Adam, Optimizer, RMSprop, sgd_step

N_STEPS = 6
RTOL = 1e-10
# Several shapes, including a 1-element parameter.
SHAPES = {"W1": (4, 3), "b1": (3,), "W2": (3, 2), "b2": (1,)}
# Gradient magnitudes change from step to step so that AMSGrad's running max matters.
GRAD_SCALES = (1.0, 3.0, 0.1, 2.0, 0.01, 0.5)


def make_params(seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=shape) for name, shape in SHAPES.items()}


def make_grad_sequence(seed: int = 1) -> list[dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [
        {name: scale * rng.normal(size=shape) for name, shape in SHAPES.items()}
        for scale in GRAD_SCALES[:N_STEPS]
    ]


def assert_matches_torch(name: str, kwargs: dict) -> None:
    """Run nnref's and torch's optimiser side by side; params and state must agree every step."""
    params = make_params()
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    ours = OPTIMIZERS[name](params, **kwargs)
    theirs = getattr(torch.optim, type(ours).__name__)(list(tensors.values()), **kwargs)
    for step, grads in enumerate(make_grad_sequence(), start=1):
        for k, tensor in tensors.items():
            tensor.grad = torch.tensor(grads[k])
        theirs.step()
        ours.step(grads)
        for k, tensor in tensors.items():
            np.testing.assert_allclose(
                params[k], tensor.detach().numpy(), rtol=RTOL, atol=0, err_msg=f"{k} step {step}"
            )
            torch_state = theirs.state[tensor]
            assert set(ours.state[k]) <= set(torch_state), (ours.state[k].keys(), torch_state)
            for key, value in ours.state[k].items():
                expected = torch_state[key]
                expected = expected.numpy() if isinstance(expected, torch.Tensor) else expected
                np.testing.assert_allclose(value, expected, rtol=RTOL, err_msg=f"{k} {key}")


CASES = {
    "sgd-plain": ("sgd", {"lr": 0.1}),
    "sgd-momentum": ("sgd", {"lr": 0.1, "momentum": 0.9}),
    "sgd-dampening": ("sgd", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3}),
    "sgd-nesterov": ("sgd", {"lr": 0.1, "momentum": 0.9, "nesterov": True}),
    "sgd-weight_decay": ("sgd", {"lr": 0.1, "weight_decay": 0.05}),
    "sgd-all": ("sgd", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    "rmsprop-plain": ("rmsprop", {"lr": 0.01}),
    "rmsprop-centered": ("rmsprop", {"lr": 0.01, "centered": True}),
    "rmsprop-momentum": ("rmsprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop-weight_decay": ("rmsprop", {"lr": 0.01, "weight_decay": 0.1}),
    "rmsprop-all": (
        "rmsprop",
        {
            "lr": 0.02,
            "alpha": 0.9,
            "eps": 1e-6,
            "centered": True,
            "momentum": 0.5,
            "weight_decay": 0.1,
        },
    ),
    "adam-plain": ("adam", {"lr": 0.01}),
    "adam-weight_decay": ("adam", {"lr": 0.01, "weight_decay": 0.1}),
    "adam-amsgrad": ("adam", {"lr": 0.01, "amsgrad": True}),
    "adam-all": (
        "adam",
        {"lr": 0.05, "betas": (0.8, 0.95), "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True},
    ),
}


@pytest.mark.parametrize(("name", "kwargs"), list(CASES.values()), ids=list(CASES))
def test_optimizer_matches_torch(name: str, kwargs: dict) -> None:
    assert_matches_torch(name, kwargs)


def test_registry_and_defaults_build_the_torch_optimizer() -> None:
    assert OPTIMIZERS == {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam}
    for cls in OPTIMIZERS.values():
        assert issubclass(cls, Optimizer)
    ours = Adam(make_params(), lr=0.01, amsgrad=True)
    theirs = torch.optim.Adam([torch.zeros(1)], **ours.defaults)
    for key, value in ours.defaults.items():
        assert theirs.defaults[key] == value
    assert repr(ours).startswith("Adam(lr=0.01, betas=(0.9, 0.999)")


def test_step_updates_in_place_and_leaves_grads_alone() -> None:
    params = make_params()
    arrays = dict(params)
    before = {k: v.copy() for k, v in params.items()}
    grads = make_grad_sequence()[0]
    grads_before = {k: v.copy() for k, v in grads.items()}
    opt = SGD(params, lr=0.1, momentum=0.9, weight_decay=0.1)
    opt.step(grads)
    opt.step(grads)
    assert opt.params is params
    for k in params:
        assert params[k] is arrays[k]
        assert not np.array_equal(params[k], before[k])
        np.testing.assert_array_equal(grads[k], grads_before[k])
    # Each parameter has its own momentum buffer.
    assert {k: opt.state[k]["momentum_buffer"].shape for k in params} == SHAPES


def test_float32_params_stay_float32() -> None:
    params = {k: v.astype(np.float32) for k, v in make_params().items()}
    opt = Adam(params, lr=0.01)
    opt.step(make_grad_sequence()[0])
    assert all(v.dtype == np.float32 for v in params.values())
    assert all(s["exp_avg"].dtype == np.float32 for s in opt.state.values())


def test_step_rejects_mismatched_grads() -> None:
    opt = RMSprop(make_params())
    grads = make_grad_sequence()[0]
    with pytest.raises(ValueError, match=r"RMSprop.step: grads must have the same keys.*'b2'"):
        opt.step({k: v for k, v in grads.items() if k != "b2"})
    with pytest.raises(ValueError, match=r"grads\['W1'\] must have the same shape as params"):
        opt.step({**grads, "W1": grads["W1"].T})


# Each invalid setting is rejected by torch.optim too, so the check follows torch.
BAD_HYPERPARAMETERS = {
    "sgd-negative-lr": ("sgd", {"lr": -0.1}, "lr"),
    "sgd-negative-momentum": ("sgd", {"lr": 0.1, "momentum": -0.5}, "momentum"),
    "sgd-negative-weight_decay": ("sgd", {"lr": 0.1, "weight_decay": -1.0}, "weight_decay"),
    "sgd-nesterov-without-momentum": ("sgd", {"lr": 0.1, "nesterov": True}, "nesterov"),
    "sgd-nesterov-with-dampening": (
        "sgd",
        {"lr": 0.1, "momentum": 0.9, "dampening": 0.1, "nesterov": True},
        "nesterov",
    ),
    "rmsprop-negative-lr": ("rmsprop", {"lr": -1e-3}, "lr"),
    "rmsprop-negative-eps": ("rmsprop", {"eps": -1e-8}, "eps"),
    "rmsprop-negative-alpha": ("rmsprop", {"alpha": -0.1}, "alpha"),
    "rmsprop-negative-momentum": ("rmsprop", {"momentum": -0.1}, "momentum"),
    "adam-negative-lr": ("adam", {"lr": -1e-3}, "lr"),
    "adam-beta1-one": ("adam", {"betas": (1.0, 0.999)}, r"betas\[0\]"),
    "adam-beta2-negative": ("adam", {"betas": (0.9, -0.1)}, r"betas\[1\]"),
    "adam-negative-eps": ("adam", {"eps": -1.0}, "eps"),
    "adam-nan-lr": ("adam", {"lr": float("nan")}, "lr"),
}


@pytest.mark.parametrize(
    ("name", "kwargs", "match"), list(BAD_HYPERPARAMETERS.values()), ids=list(BAD_HYPERPARAMETERS)
)
def test_bad_hyperparameters_raise_like_torch(name: str, kwargs: dict, match: str) -> None:
    cls = OPTIMIZERS[name]
    with pytest.raises(ValueError):
        getattr(torch.optim, cls.__name__)([torch.zeros(1, requires_grad=True)], **kwargs)
    with pytest.raises(ValueError, match=f"{cls.__name__}: {match}"):
        cls(make_params(), **kwargs)


def test_rmsprop_rejects_alpha_above_one() -> None:
    # Stricter than torch (which only checks alpha >= 0): 1 - alpha < 0 would make the average
    # of squared gradients negative.
    with pytest.raises(ValueError, match=r"RMSprop: alpha must be a real number in \[0, 1\]"):
        RMSprop(make_params(), alpha=1.5)


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({}, ValueError, "params is empty"),
        ({"W1": [[1.0, 2.0]]}, TypeError, r"params\['W1'\] must be a float NumPy array"),
        ({"W1": np.ones((2, 2), dtype=np.int64)}, TypeError, "got ndarray of dtype int64"),
        ([np.ones(2)], TypeError, "params must be a dict"),
    ],
)
def test_bad_params_raise(params: object, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Adam(params)


class TestSgdStep:
    def test_updates_in_place(self) -> None:
        params = make_params()
        arrays = dict(params)
        expected = {k: v.copy() for k, v in params.items()}
        grads = make_grad_sequence()[0]
        grads_before = {k: v.copy() for k, v in grads.items()}
        assert sgd_step(params, grads, lr=0.1) is None
        for k in params:
            expected[k] -= 0.1 * grads[k]
            assert params[k] is arrays[k]
            np.testing.assert_array_equal(params[k], expected[k])
            np.testing.assert_array_equal(grads[k], grads_before[k])

    def test_equals_sgd_class(self) -> None:
        # SGD(lr) itself matches torch.optim.SGD (test_optimizer_matches_torch[sgd-plain]).
        params, reference = make_params(), make_params()
        opt = SGD(reference, lr=0.3)
        for grads in make_grad_sequence():
            sgd_step(params, grads, 0.3)
            opt.step(grads)
        for k in params:
            np.testing.assert_array_equal(params[k], reference[k])

    def test_missing_and_extra_keys(self) -> None:
        params = make_params()
        grads = make_grad_sequence()[0]
        grads["dW1"] = grads.pop("W1")
        with pytest.raises(ValueError, match=r"missing \['W1'\], unexpected \['dW1'\]"):
            sgd_step(params, grads, 0.1)

    def test_shape_mismatch_names_both_shapes(self) -> None:
        params = make_params()
        grads = make_grad_sequence()[0]
        grads["W2"] = grads["W2"].T
        with pytest.raises(
            ValueError,
            match=r"sgd_step: grads\['W2'\] must have the same shape as params\['W2'\] "
            r"\(3, 2\); got \(2, 3\)",
        ):
            sgd_step(params, grads, 0.1)

    def test_bad_lr_and_types(self) -> None:
        params = make_params()
        grads = make_grad_sequence()[0]
        with pytest.raises(ValueError, match="sgd_step: lr must be a real number in"):
            sgd_step(params, grads, -0.1)
        with pytest.raises(TypeError, match="sgd_step: grads must be a dict"):
            sgd_step(params, list(grads.values()), 0.1)
        with pytest.raises(TypeError, match=r"grads\['b1'\] must have a real numeric dtype"):
            sgd_step(params, {**grads, "b1": np.array(["a", "b", "c"])}, 0.1)
        # Nothing was written before the errors were found.
        np.testing.assert_array_equal(params["W1"], make_params()["W1"])
