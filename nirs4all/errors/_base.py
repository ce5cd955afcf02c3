"""The base class of every nirs4all error, and how errors cross process boundaries."""

from __future__ import annotations

__all__ = ["Nirs4allError"]


def _restore(cls: type[BaseException], args: tuple, state: dict) -> BaseException:
    """Rebuild an error from its ``args`` and attributes without calling its ``__init__``.

    Subclasses take their fields as constructor arguments (``path``, ``pid``...) and pass a
    formatted message up, so ``cls(*args)`` -- what the default pickling does -- would call
    them with the wrong arguments.
    """
    base = OSError if issubclass(cls, OSError) else BaseException
    error = base.__new__(cls, *args)
    base.__init__(error, *args)  # OSError parses errno, strerror and filename from args
    error.__dict__.update(state)
    return error


class Nirs4allError(Exception):
    """Base class of every error raised on purpose by nirs4all."""

    def __reduce__(self) -> tuple:
        args = self.args
        if isinstance(self, OSError) and self.filename is not None and len(args) == 2:
            args = (*args, self.filename)  # OSError keeps the file name out of its args
        return _restore, (type(self), args, dict(self.__dict__))
