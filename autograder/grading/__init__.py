"""Grading one submission: the engine, the sandbox, the referee and the wire between them.

This package (with `autograder/__init__.py` and `errors.py`) is what the Gradescope zip ships: it
imports nothing from authoring/, batch/ or reports/ (tests/autograder/test_layout.py proves it).
"""
