"""Execution engines for the pipeline driver: where parse+extract runs (see tidings.run.Engine)."""
