"""What `autograder grade ... --out DIR` writes from a `report.Report`, one module per output.

- `grades_csv.write_grades_csv`: grades.csv, one row per student and a column per question.
- `lms.write_canvas_csv`, `lms.write_moodle_csv`: gradebook imports for Canvas and Moodle.
- `feedback_html.write_feedback_pages`: one self-contained HTML page per student, and index.html.
- `summary.write_summary`, `summary.summary_table`: summary.png, summary.md and a terminal table.
- `mistakes.write_mistake_report`: mistakes.md and mistakes.html, what the class got wrong.
- `unmatched.write_unmatched_csv`: unmatched.csv, the submitters matched to no roster student
  (`matching.roll_call` makes a report's rows from a roster, `roster` reads one).

`write_reports` writes them all (matplotlib loads only then, with `summary`).
"""

from __future__ import annotations

from pathlib import Path

from autograder.reports.report import Report


def write_reports(report: Report, out: Path) -> dict[str, Path]:
    """Write every output of a grading run into `out`; return the files by name."""
    from autograder.reports.feedback_html import write_feedback_pages
    from autograder.reports.grades_csv import write_grades_csv
    from autograder.reports.lms import write_canvas_csv, write_moodle_csv
    from autograder.reports.mistakes import write_mistake_report
    from autograder.reports.summary import write_summary
    from autograder.reports.unmatched import write_unmatched_csv

    write_feedback_pages(report, out / "feedback")
    summary = write_summary(report, out)
    mistakes = write_mistake_report(report, out)
    return {
        "grades": write_grades_csv(report, out / "grades.csv"),
        "canvas": write_canvas_csv(report, out / "canvas.csv"),
        "moodle": write_moodle_csv(report, out / "moodle.csv"),
        "unmatched": write_unmatched_csv(report, out / "unmatched.csv"),
        "feedback": out / "feedback" / "index.html",
        "summary.png": summary.png,
        "summary.md": summary.markdown,
        "mistakes.md": mistakes.markdown,
        "mistakes.html": mistakes.html,
    }
