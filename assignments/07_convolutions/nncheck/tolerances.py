"""Comparison tolerances: `tolerances.json` beside this module if present, else built-in defaults.

The build (`autograder build`) writes `tolerances.json` from `grading.yml`; the defaults below are
grading.yml's values, so a copy of `nncheck` without the file grades the same way.
File format: {"forward": {"rtol": ..., "atol": ...}, ..., "gradcheck": {"max_relative_error": ...}}.
"""

from __future__ import annotations

import json
from pathlib import Path

TOLERANCES_FILE = Path(__file__).with_name("tolerances.json")

DEFAULT_TOLERANCES: dict[str, dict[str, float]] = {
    "forward": {"rtol": 1e-9, "atol": 1e-12},
    "backward": {"rtol": 1e-7, "atol": 1e-10},
    "update": {"rtol": 1e-7, "atol": 1e-10},
    "torch_float64": {"rtol": 1e-6, "atol": 1e-8},
    "torch_float32": {"rtol": 1e-4, "atol": 1e-5},
    "gradcheck": {"max_relative_error": 1e-7},
}


def load_tolerances(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """Return the tolerance table: the defaults updated with the entries of `path`.

    `path` defaults to `TOLERANCES_FILE`; a missing file means "use the defaults".
    A malformed file raises `ValueError` naming the file and the bad entry.
    """
    path = Path(TOLERANCES_FILE if path is None else path)
    table = {kind: dict(values) for kind, values in DEFAULT_TOLERANCES.items()}
    if not path.is_file():
        return table
    try:
        loaded = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(loaded, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(loaded).__name__}")
    for kind, values in loaded.items():
        expected_keys = set(DEFAULT_TOLERANCES.get(kind, {"rtol": 0.0, "atol": 0.0}))
        if not isinstance(values, dict) or set(values) != expected_keys:
            raise ValueError(
                f"{path}: entry {kind!r} must be an object with keys {sorted(expected_keys)}, "
                f"got {values!r}"
            )
        if not all(isinstance(v, int | float) and v >= 0 for v in values.values()):
            raise ValueError(f"{path}: entry {kind!r} must hold non-negative numbers: {values!r}")
        table[kind] = {key: float(v) for key, v in values.items()}
    return table


def get_tolerance(kind: str) -> tuple[float, float]:
    """Return `(rtol, atol)` for a comparison kind such as "forward" or "torch_float32"."""
    table = load_tolerances()
    if kind not in table or set(table[kind]) != {"rtol", "atol"}:
        kinds = sorted(k for k, v in table.items() if set(v) == {"rtol", "atol"})
        raise ValueError(f"unknown tolerance kind {kind!r}; expected one of {kinds}")
    return table[kind]["rtol"], table[kind]["atol"]


def resolve_tolerance(
    kind: str, rtol: float | None = None, atol: float | None = None
) -> tuple[float, float]:
    """Return `(rtol, atol)` of `kind`, each replaced by the explicit value when one is given."""
    default_rtol, default_atol = get_tolerance(kind)
    return (default_rtol if rtol is None else rtol), (default_atol if atol is None else atol)


def gradcheck_threshold() -> float:
    """Return the largest relative error accepted between analytic and numeric gradients."""
    return load_tolerances()["gradcheck"]["max_relative_error"]
