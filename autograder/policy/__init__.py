"""Grading policies applied after the auto-grading: `late` (grading.yml's late policy and what it
makes of a submission time) and `times` (where submission times come from)."""
