"""Gradescope's entry point: grade the submission with the engine behind `autograder grade`.

The zip's `run_autograder` (written by autograder/authoring/gradescope_zip.py) runs
`python -m autograder.grading.gradescope_run BASE` with BASE/source on PYTHONPATH. BASE is
/autograder on Gradescope (a local test passes another folder, as argv[1] or $AUTOGRADER_BASE)
and holds:
  BASE/source/      the unzipped autograder zip: tests/, files/, otter_config.json, SETTINGS_FILE
                    and the engine's modules (autograder/)
  BASE/submission/  the student's upload: exactly one .ipynb (hidden files and folders ignored)
  BASE/results/     emptied first; this process alone writes results.json there, at the end
The notebook is graded by `engine.grade_submission` (a zygote, a sandbox slot, grading.yml's limits
from SETTINGS_FILE), so the scores equal a local `autograder grade`. results.json is otter's own
Gradescope format (`GradingResults.to_gradescope_dict` with otter_config.json: one entry per
question with name, score, max_score, visibility, output) plus top-level `score`,
`execution_time` and, when grading met a problem, an `output` message for the student.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from autograder.grading.bundle import SETTINGS_FILE, BundleError, Settings, describe_bundle
from autograder.grading.engine import Outcome, grade_submission, ungraded
from autograder.grading.records import Submission
from autograder.grading.referee.client import Referee
from autograder.grading.sandbox.launcher import Zygote
from autograder.grading.sandbox.slots import acquire_slot
from autograder.grading.submissions import SubmissionsError, discover

DEFAULT_BASE = "/autograder"
BASE_ENV_VAR = "AUTOGRADER_BASE"
RESULTS_FILE = "results.json"
_LOG_TAIL_CHARS = 4000
_HEADLINES = {
    "graded": "Notes from grading your notebook:",
    "timeout": "A time limit was reached; the parts of your notebook that ran are scored.",
    "memory": "A memory limit was reached; the parts of your notebook that ran are scored.",
    "error": "Your notebook could not be fully graded; please tell your instructor.",
    "invalid": "Your submission could not be graded.",
}
_FAILED = (
    "The autograder failed on this submission; please tell your instructor "
    "(the details are in the autograder's log)."
)


def find_submission(folder: Path) -> Submission:
    """The one notebook in `folder`; none or several give a submission carrying the error."""
    try:
        found = discover([folder]).submissions
    except SubmissionsError:
        found = []
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(Path(s.file).relative_to(folder).as_posix() for s in found)
        error = f"the submission holds {len(found)} notebooks ({names}); submit exactly one"
    else:
        error = "no notebook (.ipynb file) was found in the submission; submit your notebook"
    return Submission(str(folder), b"", "submission", extra={"error": error})


def _empty(folder: Path) -> None:
    """Make `folder` an empty directory (whatever was in it is deleted)."""
    folder.mkdir(parents=True, exist_ok=True)
    for entry in folder.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()


def grade(base: Path, log: Path) -> tuple[Outcome, dict[str, Any]]:
    """Grade BASE/submission with BASE/source; return the outcome and otter_config.json."""
    source = base / "source"
    settings = Settings.read(source)
    if settings is None:
        raise BundleError(f"{source / SETTINGS_FILE} is missing: rebuild with `autograder build`")
    bundle = describe_bundle(source, list(settings.questions))
    submission = find_submission(base / "submission")
    if submission.extra.get("error"):  # nothing to run: no sandbox, no referee
        return ungraded(
            submission, bundle, "invalid", submission.extra["error"]
        ), bundle.otter_config
    slot = acquire_slot()
    try:
        with Zygote(log) as zygote:
            referee = Referee(bundle.files_dir, zygote) if bundle.uses_referee else None
            try:
                outcome = grade_submission(
                    submission,
                    bundle,
                    zygote=zygote,
                    slot=slot,
                    limits=settings.limits,
                    hidden=[str(base.resolve())],
                    referee=referee,
                )
            finally:
                if referee is not None:  # before the zygote, which forked it
                    referee.close()
    finally:
        slot.release()
    return outcome, bundle.otter_config


def gradescope_results(
    outcome: Outcome, otter_config: dict[str, Any], seconds: float
) -> dict[str, Any]:
    """results.json's content: otter's Gradescope dict plus score, execution_time and output."""
    from otter.run.run_autograder.autograder_config import AutograderConfig
    from otter.test_files import GradingResults

    graded = GradingResults(outcome.test_files)
    results = graded.to_gradescope_dict(AutograderConfig(otter_config))
    results.setdefault("score", round(graded.total, 5))
    record = outcome.record
    if record.status != "graded" or record.message:
        results["output"] = "\n".join(filter(None, [_HEADLINES[record.status], record.message]))
    results["execution_time"] = round(seconds, 2)
    return results


def _write_json(path: Path, data: dict[str, Any]) -> None:
    """Write `path` whole, replacing (not following) whatever entry has that name."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


def _report(outcome: Outcome, log: Path) -> None:
    """What the instructor sees in Gradescope's autograder output (students do not)."""
    record = outcome.record
    print(f"status: {record.status}; score {record.total:g} / {record.max_score:g}")
    if record.message:
        print(f"message: {record.message}")
    for question in record.questions:
        print(f"  {question.name:28s} {question.score:g} / {question.max_score:g}")
    if outcome.isolation_missing:
        print(f"sandbox: limited on this machine: {'; '.join(outcome.isolation_missing)}")
    if record.status == "error" and log.is_file():
        print("grading process log (end):")
        print(log.read_text(encoding="utf-8", errors="replace")[-_LOG_TAIL_CHARS:])


def main(base: str | Path = DEFAULT_BASE) -> int:
    """Grade BASE/submission and write BASE/results/results.json; 0 unless the grader failed."""
    start = time.perf_counter()
    base = Path(base)
    results_dir = base / "results"
    _empty(results_dir)
    status = 0
    with tempfile.TemporaryDirectory(prefix="gradescope-run-") as tmp:
        log = Path(tmp) / "zygote.log"
        try:
            outcome, otter_config = grade(base, log)
            results = gradescope_results(outcome, otter_config, time.perf_counter() - start)
            _report(outcome, log)
        except Exception:  # noqa: BLE001 - the student must still get a results.json
            traceback.print_exc(file=sys.stdout)
            seconds = round(time.perf_counter() - start, 2)
            results = {"score": 0, "output": _FAILED, "tests": [], "execution_time": seconds}
            status = 1
    _write_json(results_dir / RESULTS_FILE, results)
    print(f"wrote {results_dir / RESULTS_FILE} in {results['execution_time']:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get(BASE_ENV_VAR, DEFAULT_BASE)))
