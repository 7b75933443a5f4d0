"""Batches: the grade command, local worker threads or a Dask cluster, progress."""
