"""0.x utility paths kept for old scripts (``nirs4all.utils.backend``)."""
