"""Mutant catalogue: plausible wrong implementations that the assignments' tests must catch."""
