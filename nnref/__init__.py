"""nnref package."""
