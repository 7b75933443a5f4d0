"""Load the assignment's fixtures (inputs and expected results written by the build)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def load_fixtures(path: str | Path = "fixtures.npz") -> dict[str, np.ndarray]:
    """Return every array stored in the `.npz` file at `path` as {name: array}.

    Loaded with `allow_pickle=False`: only plain numeric/string arrays, never Python objects.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found (working folder: {Path.cwd()}): keep {path.name} next to the "
            "notebook, as it was distributed."
        )
    with np.load(path, allow_pickle=False) as archive:
        return {key: archive[key] for key in archive.files}
