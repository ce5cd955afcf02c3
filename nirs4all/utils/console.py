"""What ``verbose=`` shows: one console handler on the ``nirs4all`` logger, attached once.

Importing nirs4all adds only a ``NullHandler`` (contract 7). The first call with
``verbose >= 1`` attaches one ``StreamHandler`` (standard error) to the ``nirs4all`` logger,
never to the root logger; later calls reuse it, so running twice never prints a line twice.
For the duration of the call the logger lets through INFO (``verbose=1``) or DEBUG
(``verbose>=2``: every step's output shapes) records; its level is restored afterwards.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["console", "rewritten"]

LOGGER = "nirs4all"
_MARK = "_nirs4all_console"


class _StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is when a record comes (notebooks and pytest swap it)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """Ignored: the stream is always the current ``sys.stderr``."""


def _handler(logger: logging.Logger) -> logging.Handler:
    for handler in logger.handlers:
        if getattr(handler, _MARK, False):
            return handler
    handler = _StderrHandler()
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
    setattr(handler, _MARK, True)
    logger.addHandler(handler)
    return handler


@contextmanager
def console(verbose: int) -> Iterator[None]:
    """Show the library's INFO (``verbose=1``) or DEBUG (``verbose>=2``) records meanwhile."""
    logger = logging.getLogger(LOGGER)
    if verbose < 1:
        yield
        return
    level = logging.DEBUG if verbose >= 2 else logging.INFO
    handler = _handler(logger)
    handler.setLevel(level)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


class _Rewrite(logging.Filter):
    def __init__(self, rewrite: Callable[[str], str]) -> None:
        super().__init__()
        self.rewrite = rewrite

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self.rewrite(record.getMessage()), ()
        return True


@contextmanager
def rewritten(rewrite: Callable[[str], str]) -> Iterator[None]:
    """Show the console's messages through ``rewrite`` meanwhile (the command line uses it
    to spell hints as options: ``--seed 3``, not ``random_state=3``)."""
    handler = _handler(logging.getLogger(LOGGER))
    rewriter = _Rewrite(rewrite)
    handler.addFilter(rewriter)
    try:
        yield
    finally:
        handler.removeFilter(rewriter)
