"""Written answers graded by people (otter's `manual: true` questions).

- `answers`: find each student's written answers in their notebook; `autograder grade` saves
  them in written_answers.json.
- `pages`: one HTML page per question with every student's answer, for the graders.
- `grades`: the points and comments people gave (`ManualGrades`), as the reports read them.
- `scores`: the scores sheet (CSV) that is filled in and read back strictly.
- `command`: `autograder manual NAME --out DIR` writes the pages and the sheet.
"""
