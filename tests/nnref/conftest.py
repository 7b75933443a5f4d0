"""Shared helpers for the nnref tests, exposed as fixtures.

- ``torch_autograd(op, *arrays)``: the PyTorch float64 reference (forward + autograd).
- ``assert_rel_close(got, expected)``: shape check + CS231n relative error <= 1e-10.
- ``check_float32_and_unchanged(fn, *args)``: inputs are not mutated, float32 in -> float32 out.
- ``random_input(shape, seed)``: standard-normal data with a few exact zeros.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch

from nnref import relative_error

TORCH_RTOL = 1e-10
"""Required agreement with PyTorch in float64 (relative error, CS231n convention)."""


def torch_autograd(
    op: Callable[..., torch.Tensor], *arrays: np.ndarray, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Run ``op`` on float64 leaf tensors built from ``arrays`` and backpropagate.

    The upstream gradient is random standard normal for a tensor output and 1.0 for a scalar
    (a loss). Non-differentiable arguments (integer labels) belong in ``op``'s closure.

    Returns:
        ``(output, upstream, grads)`` as NumPy arrays, ``grads[i]`` = gradient of
        ``sum(output * upstream)`` with respect to ``arrays[i]``.
    """
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    out = op(*leaves)
    if out.ndim == 0:
        upstream = np.array(1.0)
    else:
        upstream = np.random.default_rng(seed + 1000).standard_normal(tuple(out.shape))
    out.backward(torch.from_numpy(upstream))
    return out.detach().numpy(), upstream, [leaf.grad.numpy() for leaf in leaves]


def assert_rel_close(got: Any, expected: Any, name: str = "", tol: float = TORCH_RTOL) -> None:
    """Assert equal shapes and ``relative_error(got, expected) <= tol``."""
    got, expected = np.asarray(got), np.asarray(expected)
    assert got.shape == expected.shape, f"{name}: shape {got.shape} != {expected.shape}"
    err = relative_error(got, expected)
    assert err <= tol, f"{name}: relative error {err:.3e} > {tol:.0e}"


def _leaves(result: Any) -> Iterator[Any]:
    """Flatten a result: an array, a float, or nested tuples of them."""
    if isinstance(result, tuple):
        for item in result:
            yield from _leaves(item)
    else:
        yield result


def _to_float32(arg: Any) -> Any:
    if isinstance(arg, np.ndarray) and arg.dtype == np.float64:
        return arg.astype(np.float32)
    return arg


def _assert_unchanged(before: list[Any], after: tuple[Any, ...], fn_name: str) -> None:
    for i, (old, new) in enumerate(zip(before, after, strict=True)):
        if isinstance(old, np.ndarray):
            assert new.dtype == old.dtype, f"{fn_name} changed the dtype of argument {i}"
            np.testing.assert_array_equal(new, old, err_msg=f"{fn_name} mutated argument {i}")


def check_float32_and_unchanged(fn: Callable[..., Any], *args: Any) -> None:
    """Call ``fn`` on float64 ``args``, then on float32 copies of the float64 arrays.

    Asserts that no argument is modified (values and dtype) by either call, that every array
    returned by the float32 call is float32, and that float32 results agree with float64 ones
    (rtol 1e-4, atol 1e-5, the kit's float32 tolerance). Scalars (losses) must be Python floats.
    """
    name = getattr(fn, "__name__", repr(fn))
    before = copy.deepcopy(list(args))
    out64 = fn(*args)
    _assert_unchanged(before, args, name)

    args32 = tuple(_to_float32(a) for a in args)
    before32 = copy.deepcopy(list(args32))
    out32 = fn(*args32)
    _assert_unchanged(before32, args32, name)

    for got, want in zip(_leaves(out32), _leaves(out64), strict=True):
        if isinstance(want, np.ndarray):
            assert isinstance(got, np.ndarray) and got.dtype == np.float32, (
                f"{name}: float32 input gave {type(got).__name__} "
                f"of dtype {getattr(got, 'dtype', None)}"
            )
        else:
            assert isinstance(got, float), f"{name}: expected a Python float, got {type(got)}"
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=name)


def random_input(shape: tuple[int, ...], seed: int, zeros: bool = True) -> np.ndarray:
    """Standard-normal float64 array; with ``zeros``, about a quarter of entries set exactly to 0
    (always at least the first), to exercise the ReLU / leaky ReLU convention at 0."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    if zeros and x.size:
        x[rng.random(shape) < 0.25] = 0.0
        x.flat[0] = 0.0
    return x


@pytest.fixture(name="torch_autograd")
def _torch_autograd_fixture() -> Callable[..., Any]:
    return torch_autograd


@pytest.fixture(name="assert_rel_close")
def _assert_rel_close_fixture() -> Callable[..., None]:
    return assert_rel_close


@pytest.fixture(name="check_float32_and_unchanged")
def _check_float32_fixture() -> Callable[..., None]:
    return check_float32_and_unchanged


@pytest.fixture(name="random_input")
def _random_input_fixture() -> Callable[..., np.ndarray]:
    return random_input
