"""Integrity corpus: hostile notebooks for 01_nn_from_scratch and their honest twins."""
