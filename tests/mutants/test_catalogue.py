"""Fast checks of the mutant catalogues, without Jupyter: every mutant is really wrong.

A catalogue module may define PROBES {function: probe}; a probe calls the function on revealing
inputs and returns what can be observed (outputs and inputs after the call). Each mutant must
raise, or give a probe result that differs from nnref's function of the same name.
"""

import importlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest

import nnref
from tests.mutants.catalogue import Mutant, catalogue_names, load_catalogue


def _probes(name: str) -> Mapping[str, Any]:
    return getattr(importlib.import_module(f"tests.mutants.m_{name}"), "PROBES", {})


# Mutants of functions that nnref also has and that a probe can observe; the others (functions
# that exist only in a notebook) are judged by the slow runner alone.
CASES = [
    (name, mutant)
    for name in catalogue_names()
    for mutant in load_catalogue(name)
    if mutant.function in _probes(name) and hasattr(nnref, mutant.function)
]


def _flatten(value: Any) -> list[np.ndarray]:
    if isinstance(value, Mapping):
        return [a for key in sorted(value) for a in _flatten(value[key])]
    if isinstance(value, tuple | list):
        return [a for item in value for a in _flatten(item)]
    return [np.asarray(value, dtype=np.float64)]


def _same(a: Any, b: Any) -> bool:
    left, right = _flatten(a), _flatten(b)
    return len(left) == len(right) and all(
        x.shape == y.shape and np.allclose(x, y, rtol=1e-7, atol=1e-10, equal_nan=True)
        for x, y in zip(left, right, strict=True)
    )


def _compile(mutant: Mutant) -> Any:
    namespace: dict[str, Any] = {"np": np}
    exec(compile(mutant.source, f"<mutant {mutant.id}>", "exec"), namespace)
    return namespace[mutant.function]


@pytest.mark.parametrize("name", catalogue_names())
def test_catalogue_loads(name: str) -> None:
    mutants = load_catalogue(name)
    assert mutants, f"m_{name}.py defines no MUTANTS"


@pytest.mark.parametrize(
    "name, mutant", CASES, ids=[f"{name}:{mutant.id}" for name, mutant in CASES]
)
def test_mutant_is_observably_wrong(name: str, mutant: Mutant) -> None:
    probe = _probes(name)[mutant.function]
    expected = probe(getattr(nnref, mutant.function))
    with np.errstate(all="ignore"):
        try:
            got = probe(_compile(mutant))
        except Exception:  # noqa: BLE001 - a crash (e.g. a shape error) is observably wrong
            return
    assert not _same(got, expected), f"{mutant.id} behaves like the reference on its probe"


def test_mutant_source_must_define_the_function() -> None:
    with pytest.raises(ValueError, match=r"must define exactly `def relu_forward\(...\)`"):
        Mutant("relu_forward", "wrong_name", "def relu(Z):\n    return Z\n")
    with pytest.raises(ValueError, match="does not parse"):
        Mutant("relu_forward", "broken", "def relu_forward(Z):\nreturn Z\n")
