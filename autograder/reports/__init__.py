"""What `autograder grade ... --out DIR` writes from the grade records, one module per output.

- `grades_csv.write_grades_csv`: grades.csv, one row per student and a column per question.
- `lms.write_canvas_csv`, `lms.write_moodle_csv`: gradebook imports for Canvas and Moodle.
- `feedback_html.write_feedback_pages`: one self-contained HTML page per student, and index.html.
- `summary.write_summary`, `summary.summary_table`: summary.png, summary.md and a terminal table.

Import from the modules (matplotlib loads only with `summary`).
"""
