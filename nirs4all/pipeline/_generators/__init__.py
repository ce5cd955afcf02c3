"""Private implementation of :mod:`nirs4all.pipeline.generators`."""
