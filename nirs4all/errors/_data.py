"""Errors about input data: the file, line and column at fault, and the fix."""

from __future__ import annotations

from os import PathLike

from nirs4all.errors._base import Nirs4allError

__all__ = [
    "AxisMismatchError",
    "CorruptFileError",
    "DataError",
    "DataFileNotFoundError",
    "DataWarning",
    "DatasetConfigError",
    "DialectError",
    "EmptyFileError",
    "NonFiniteValueError",
    "NonNumericCellError",
    "RaggedRowError",
    "RepeatedHeaderError",
    "RowCountMismatchError",
    "WavelengthAxisError",
    "WavelengthMismatchError",
]


class DataError(Nirs4allError, ValueError):
    """Input data that nirs4all cannot accept as it is.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it.
    path : str or PathLike, optional
        The file at fault.
    line : int, optional
        1-based line number in that file.
    column : int, optional
        1-based column number in that file.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | PathLike[str] | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.path is not None:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column}")
        if not where:
            return self.reason
        return f"{', '.join(where)}: {self.reason}"


class DataFileNotFoundError(DataError, FileNotFoundError):
    """A data file or folder named by the caller does not exist."""


class EmptyFileError(DataError):
    """A data file holds no data rows."""


class RaggedRowError(DataError):
    """A row of a data file has a different number of cells than the others."""


class NonNumericCellError(DataError):
    """A cell that must hold a number holds something else."""


class NonFiniteValueError(DataError):
    """Features hold NaN or infinite values and the NaN policy is ``"error"``."""


class RowCountMismatchError(DataError):
    """Two tables that describe the same samples have different numbers of rows."""


class WavelengthAxisError(DataError):
    """A wavelength axis is malformed: duplicate, non-monotonic or of the wrong length."""


class AxisMismatchError(DataError):
    """Two wavelength axes that must be identical (train and test, say) differ."""


class DatasetConfigError(DataError):
    """A dataset description (dict, YAML or JSON) is incomplete or contradictory."""


def _rebuild_located(cls: type, reason: str, path: str | None, line: int | None,
                     column: int | None) -> DataError:
    return cls(reason, path=path, line=line, column=column)


class _LocatedDataError(DataError):
    """A data error that keeps its path, line and column through pickling.

    The default exception pickling re-calls the class with the formatted message only, which
    would lose the location (and the keyword-only arguments).
    """

    def __reduce__(self) -> tuple:
        return (_rebuild_located, (type(self), self.reason, self.path, self.line, self.column))


class CorruptFileError(_LocatedDataError):
    """A data file is damaged or is not a text table.

    A truncated or damaged gzip stream, a zip archive (or an ``.xlsx`` workbook) under a
    ``.csv`` name, binary content, or bytes the requested encoding cannot decode.
    """


class DialectError(_LocatedDataError):
    """A file's content reads two ways: its delimiter or decimal mark cannot be settled."""


class RepeatedHeaderError(_LocatedDataError):
    """A file's header line occurs again among its data rows (files joined with headers)."""


class DataWarning(UserWarning):
    """Something was done to the data that the caller asked for but should know about."""


class WavelengthMismatchError(AxisMismatchError):
    """New spectra are not on the axis a model was trained on."""
