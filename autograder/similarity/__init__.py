"""The similarity report: which submissions' own code looks alike (`autograder similar`).

extract (notebook bytes -> the student's own lines, starter code removed) -> normalise (tokens,
local names and literals replaced, comments and docstrings dropped) -> compare (winnowed k-gram
fingerprints, pairs ranked) -> report (similarity.csv, similarity.html); command runs them.
Nothing here executes student code.
"""
