"""`autograder manual NAME --out DIR`: the pages and the scores sheet for grading written answers.

Run after `autograder grade NAME ... --out DIR`, which saved every submission's written answers
in DIR/written_answers.json. Writes DIR/manual/<question>.html per manual question and
DIR/manual/manual_scores.csv, one row per student and question to fill in. A sheet already there
keeps every points and comment cell anyone typed (rows of students no longer graded too); it is
replaced in one step (written beside it, then renamed), so an interrupted run loses nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from autograder.authoring.master import parse_master
from autograder.config import AssignmentConfig, ConfigError
from autograder.errors import AutograderError
from autograder.manual.answers import ANSWERS_FILE, load, prompts
from autograder.manual.pages import write_question_pages
from autograder.manual.scores import SHEET_COLUMNS, SheetRow, merge_rows
from autograder.paths import ProjectPaths
from autograder.reports.report import csv_row
from autograder.reports.sheets import LINE, SheetError, read_rows

MANUAL_FOLDER = "manual"
SHEET_FILE = "manual_scores.csv"


class NoManualQuestions(AutograderError):
    """The assignment has no question graded by hand."""


def manual_points(paths: ProjectPaths, assignment: AssignmentConfig) -> dict[str, float]:
    """The questions the master marks `manual: true`, in its order, with grading.yml's points."""
    master = parse_master(paths.master_notebook(assignment.name))
    manual = [q for q, question in master.questions.items() if question.config.get("manual")]
    unknown = [q for q in manual if q not in assignment.questions]
    if unknown:
        raise ConfigError(
            f"assignments.{assignment.name}.questions: no points for the manual question(s) "
            f"{unknown} of the master"
        )
    return {q: assignment.questions[q] for q in manual}


def write_sheet(rows: list[SheetRow], path: Path) -> Path:
    """Write the sheet's `rows` to `path` in one step (a file beside it, then renamed)."""
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(csv_row(SHEET_COLUMNS))
        for r in rows:
            writer.writerow(
                csv_row([r.student, r.name, r.question, r.max_points, r.points, r.comment])
            )
    tmp.replace(path)
    return path


def _existing_rows(sheet: Path) -> list[dict[str, str]]:
    """The rows of the sheet already there; `SheetError` when it has columns this tool would not
    write back (someone's extra notes would be lost)."""
    rows = read_rows(sheet, ("student", "question"))
    extra = sorted({column for row in rows for column in row} - {*SHEET_COLUMNS, LINE, ""})
    if extra:
        raise SheetError(
            f"{sheet}: has column(s) {extra} this tool does not write back; move the sheet "
            "away (or remove those columns) and run again"
        )
    return rows


@dataclass(frozen=True)
class ManualRun:
    """What `run_manual` wrote: the pages, the sheet, and how many kept rows are of students
    not in the grading run."""

    pages: list[Path]
    sheet: Path
    stale_rows: int

    def summary(self) -> str:
        """What was written, for the terminal."""
        lines = [f"  page  {page}" for page in self.pages] + [f"  sheet {self.sheet}"]
        if self.stale_rows:
            lines.append(
                f"  kept {self.stale_rows} row(s) of the sheet for students not in this grading "
                "run: remove them before grading with --manual-scores"
            )
        return "\n".join(["written answers: fill in points and comments in the sheet", *lines])


def run_manual(
    name: str, out: Path, paths: ProjectPaths, assignment: AssignmentConfig
) -> ManualRun:
    """Write the pages and the sheet for assignment `name` graded into `out` (see module doc)."""
    points = manual_points(paths, assignment)
    if not points:
        raise NoManualQuestions(f"{name} has no question graded by hand (manual: true)")
    questions, students = load(out / ANSWERS_FILE)
    if questions != list(points):
        raise NoManualQuestions(
            f"{out / ANSWERS_FILE} holds answers to {questions}, not to {list(points)}: "
            f"grade {name} into {out} again"
        )
    folder = out / MANUAL_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    sheet = folder / SHEET_FILE
    fresh = [
        SheetRow(s.student_id, s.name, q, worth)
        for q, worth in points.items()
        for s in sorted(students, key=lambda s: s.student_id)
    ]
    existing = _existing_rows(sheet) if sheet.exists() else []
    rows, stale = merge_rows(fresh, existing)
    asked = prompts(paths.student_dir(name) / f"{name}.ipynb", list(points))
    pages = write_question_pages(assignment.title, points, students, folder, SHEET_FILE, asked)
    return ManualRun(pages, write_sheet(rows, sheet), stale)
