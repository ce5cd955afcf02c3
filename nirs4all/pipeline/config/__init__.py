"""0.x configuration paths (``nirs4all.pipeline.config.generator``), kept for old scripts."""
