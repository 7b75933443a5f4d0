"""Make otter's Gradescope zip grade with the course's engine (the code behind `autograder grade`).

`otter assign` writes a zip whose `run_autograder` runs otter's own grading. `use_engine` rewrites
it (reproducibly, with `normalize_zip`) so that it holds, besides otter's setup.sh,
environment.yml, otter_config.json, tests/ and files/ (unchanged):
  autograder/...           the grading package and what it imports (`engine_modules`): the
                           package's __init__.py, errors.py and grading/; imported from source/
  autograder_settings.json grading.yml's limits and question order (`bundle.Settings`)
  run_autograder           `RUN_AUTOGRADER`: otter's conda env when mamba exists (otter's lines),
                           else `python3` on PATH; then
                           `python -m autograder.grading.gradescope_run`
otter's run_otter.py is dropped: nothing runs it any more.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import autograder
from autograder.authoring.zipfiles import normalize_zip
from autograder.errors import AutograderError
from autograder.grading.bundle import SETTINGS_FILE, Settings

SHIPPED = ("__init__.py", "errors.py", "grading")
"""What of the `autograder` package the zip holds: grading/ imports nothing else of ours (a test
proves it)."""
EXECUTABLES = frozenset({"run_autograder", "setup.sh"})
# How otter 7.0.0's run_autograder enters the conda env that its setup.sh builds.
OTTER_ENV_LINES = (
    "export PATH=/root/miniforge3/bin:$PATH:/root/.TinyTeX/bin/x86_64-linux",
    'eval "$(mamba shell hook --shell bash)"',
    "mamba activate otter-env",
)
RUN_AUTOGRADER = f"""#!/bin/bash
# Gradescope runs this for each submission: grade it with the course's engine, which writes
# $BASE/results/results.json. BASE is /autograder unless AUTOGRADER_BASE says otherwise.
{OTTER_ENV_LINES[0]}
if command -v mamba >/dev/null 2>&1; then
    {OTTER_ENV_LINES[1]}
    {OTTER_ENV_LINES[2]}
    PYTHON=python
else
    PYTHON=python3
fi
BASE="${{AUTOGRADER_BASE:-/autograder}}"
export PYTHONPATH="$BASE/source"
exec "$PYTHON" -m autograder.grading.gradescope_run "$BASE"
"""


class GradescopeZipError(AutograderError, RuntimeError):
    """otter's zip is not what this module knows how to rewrite."""


def engine_modules() -> dict[str, Path]:
    """Archive name (`autograder/grading/engine.py`) -> file, for every module in `SHIPPED`."""
    package = autograder.PACKAGE_PARENT / "autograder"
    files = []
    for entry in SHIPPED:
        path = package / entry
        files += [path] if path.suffix == ".py" else path.rglob("*.py")
    root = autograder.PACKAGE_PARENT
    return {path.relative_to(root).as_posix(): path for path in sorted(files)}


def engine_entries(settings: Settings) -> dict[str, bytes]:
    """The zip entries added or replaced: engine modules, settings and run_autograder."""
    entries = {name: path.read_bytes() for name, path in engine_modules().items()}
    entries[SETTINGS_FILE] = settings.to_json().encode()
    entries["run_autograder"] = RUN_AUTOGRADER.encode()
    return entries


def use_engine(zip_path: Path, settings: Settings) -> None:
    """Rewrite otter's zip at `zip_path` in place to grade with the engine (module doc)."""
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        otter_script = archive.read("run_autograder").decode() if "run_autograder" in names else ""
    missing = [line for line in OTTER_ENV_LINES if line not in otter_script.splitlines()]
    if missing:
        raise GradescopeZipError(
            f"{zip_path}: otter's run_autograder lacks the lines that enter its conda env "
            f"({missing}); update autograder/authoring/gradescope_zip.py for this otter version"
        )
    changes: dict[str, bytes | None] = {"run_otter.py": None, **engine_entries(settings)}
    normalize_zip(zip_path, executables=EXECUTABLES, changes=changes)
