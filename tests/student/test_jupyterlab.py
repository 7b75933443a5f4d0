"""The student's path in a real browser: JupyterLab from the student environment (made only from
assignments/requirements.txt, tests/student/student_env.py), a copy of the handout, one answer
typed in, its check, the export cell, and the exported zip graded (in the developer's .venv).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.batch.command import GradeOptions, run_grade
from autograder.batch.runner import RESULTS_FILE
from autograder.config import load_config
from nncheck import HIDDEN_TESTS_NOTE
from tests.browser import chromium_page, screenshot
from tests.build_once import built
from tests.student.student_env import STUDENT_ENV, student_bin, student_environ

pytestmark = pytest.mark.slow

NAME = "00_introduction"
COPY = f"{NAME}-Copy1.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """The student's JupyterLab serving their folder: the handout and a copy of its notebook."""
    folder = tmp_path / NAME
    shutil.copytree(built(NAME).student_dir(NAME), folder)
    shutil.copyfile(folder / f"{NAME}.ipynb", folder / COPY)
    settings = tmp_path / "lab-settings" / "@jupyterlab"
    for extension, plugin, values in [
        ("notebook-extension", "tracker", {"windowingMode": "none"}),  # every cell in the page
        ("apputils-extension", "notification", {"fetchNews": "false"}),  # no news prompt
    ]:
        (settings / extension).mkdir(parents=True)
        (settings / extension / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values))
    port = _free_port()
    command = [
        str(student_bin("jupyter-lab")),
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        f"--ServerApp.root_dir={tmp_path}",
        f"--LabApp.user_settings_dir={tmp_path / 'lab-settings'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    log = (tmp_path / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        command, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, env=student_environ()
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(6000):  # JupyterLab's start-up: a net of ten minutes, never a verdict
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError((tmp_path / "jupyterlab.log").read_text()) from None
                time.sleep(0.1)
        yield url, folder, server
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _cell_index(notebook: Path, startswith: str) -> int:
    cells = nbformat.read(notebook, as_version=4).cells
    return next(i for i, c in enumerate(cells) if c.source.startswith(startswith))


def _solution_source(function: str) -> str:
    solution = nbformat.read(built(NAME).solution_notebook(NAME), as_version=4)
    return next(c.source for c in solution.cells if c.source.startswith(f"def {function}("))


def _output_of(page, index: int) -> str:
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea").inner_text()


def _wait_for(page, index: int, text: str, seconds: float = 600) -> str:
    """The output of cell `index` once it contains `text` (the kernel works meanwhile)."""
    for _ in range(int(seconds * 4)):
        output = _output_of(page, index)
        if text in output:
            return output
        page.wait_for_timeout(250)
    screenshot(page, f"jupyterlab-cell-{index}-timeout")
    raise AssertionError(f"cell {index} never showed {text!r}; it shows:\n{output}")


def _kernel_pythons(server: subprocess.Popen) -> list[Path]:
    """The Python of every kernel the server has started and not yet ended."""
    return [
        Path(process.cmdline()[0])
        for process in psutil.Process(server.pid).children(recursive=True)
        if "ipykernel_launcher" in process.cmdline()
    ]


def test_a_student_answers_checks_and_exports_the_copy_they_work_in(lab, tmp_path):
    url, folder, server = lab
    answer = _cell_index(folder / COPY, "def sigmoid(")
    check = _cell_index(folder / COPY, 'grader.check("q_sigmoid")')
    export = _cell_index(folder / COPY, "# Save your notebook first")
    with chromium_page() as page:
        page.goto(f"{url}/lab/tree/{NAME}/{COPY}")
        page.locator(".jp-Notebook .jp-Cell").nth(export).wait_for()
        page.locator("#jp-main-statusbar").get_by_text("Idle").wait_for()

        editor = page.locator(".jp-Notebook .jp-Cell").nth(answer).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(_solution_source("sigmoid"))
        page.keyboard.press("Control+S")
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).click()

        checked = _wait_for(page, check, "q_sigmoid")
        page.locator(".jp-Notebook .jp-Cell").nth(check).scroll_into_view_if_needed()
        screenshot(page, "jupyterlab-check")
        # the unanswered questions' demo cells raise, which stops Run All before the end: the
        # student runs the export cell itself
        page.locator(".jp-Notebook .jp-Cell").nth(export).locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        exported = _wait_for(page, export, HIDDEN_TESTS_NOTE[:40])
        page.locator(".jp-Notebook .jp-Cell").nth(export).scroll_into_view_if_needed()
        screenshot(page, "jupyterlab-export")
        assert not page.errors, page.errors
        kernels = _kernel_pythons(server)
    assert kernels and all(python.parent == STUDENT_ENV / "bin" for python in kernels), kernels

    assert "passed" in checked.lower(), checked
    assert "without encryption" not in exported, exported  # ipykernel's note from otter's run
    zips = sorted(folder.glob(f"{Path(COPY).stem}*.zip"))
    assert len(zips) == 1, (exported, sorted(p.name for p in folder.iterdir()))
    with zipfile.ZipFile(zips[0]) as archive:
        assert COPY in archive.namelist(), archive.namelist()

    paths = built(NAME)
    out = tmp_path / "graded"
    run_grade(
        GradeOptions(NAME, [str(zips[0])], out, workers=1), paths, load_config(paths.config_file)
    )
    [record] = [json.loads(line) for line in (out / RESULTS_FILE).read_text().splitlines()]
    scores = {q["name"]: (q["score"], q["max_score"]) for q in record["questions"]}
    assert scores["q_sigmoid"][0] == scores["q_sigmoid"][1] > 0, scores
    assert sum(score for score, _ in scores.values()) == scores["q_sigmoid"][0], scores
