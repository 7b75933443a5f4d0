"""The flat ``nnref`` namespace: ``__all__`` and the lazily imported heavy modules."""

import importlib
import subprocess
import sys

import nnref

MODULES = [
    "activations",
    "conv",
    "data",
    "demo",
    "gradcheck",
    "init",
    "layers",
    "losses",
    "model",
    "normalization",
    "optim",
    "plots",
    "regularization",
    "schedules",
    "torch_twin",
    "train",
]
NOT_REEXPORTED = {"Activation", "ForwardCache", "FixedMaskDropout", "main"}


def test_all_is_the_submodules_public_names():
    names = {
        (name, module)
        for module in MODULES
        for name in importlib.import_module(f"nnref.{module}").__all__
        if name not in NOT_REEXPORTED
    }
    assert nnref.__all__ == sorted(name for name, _ in names)
    for name, module in names:
        assert getattr(nnref, name) is getattr(importlib.import_module(f"nnref.{module}"), name)
    assert set(nnref.__all__) <= set(dir(nnref))


def test_heavy_modules_load_on_first_use():
    code = (
        "import sys, nnref\n"
        "heavy = ('torch', 'matplotlib', 'sklearn')\n"
        "assert not [m for m in heavy if m in sys.modules], 'imported too early'\n"
        "nnref.load_moons\n"
        "assert 'sklearn' in sys.modules and 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
