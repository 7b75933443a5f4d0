"""A stand-in for nncheck in the autograder's tests: fixtures and tolerances.json readers."""

import json
from pathlib import Path

import numpy as np


def load_fixtures(path: str = "fixtures.npz") -> dict[str, np.ndarray]:
    """Read the assignment's fixtures without pickles."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def tolerance(kind: str) -> dict[str, float]:
    """Return the tolerances the build wrote beside this package (fails if it wrote none)."""
    return json.loads(Path(__file__).with_name("tolerances.json").read_text())[kind]
