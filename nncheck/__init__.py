"""nncheck package."""
