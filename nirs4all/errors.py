"""Typed exceptions of nirs4all.

Every error the library raises on purpose derives from :class:`Nirs4allError`. Errors about
input data carry the file, the 1-based line and column where they apply, and the message says
what to do about it. Errors that are also a standard Python error (a missing file, a bad
value) derive from that built-in too, so ``except FileNotFoundError`` and
``except ValueError`` keep working.
"""

from __future__ import annotations

from os import PathLike

__all__ = [
    "AxisMismatchError",
    "BundleIntegrityError",
    "BundleNotFoundError",
    "CanonicalDecodingError",
    "CanonicalEncodingError",
    "DataError",
    "DataFileNotFoundError",
    "DataWarning",
    "DatasetConfigError",
    "EmptyFileError",
    "Nirs4allError",
    "NonFiniteValueError",
    "NonNumericCellError",
    "RaggedRowError",
    "RowCountMismatchError",
    "UnsafeImportError",
    "UntrustedBundleError",
    "WavelengthAxisError",
    "WavelengthMismatchError",
]


class Nirs4allError(Exception):
    """Base class of every error raised on purpose by nirs4all."""


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


class DataWarning(UserWarning):
    """Something was done to the data that the caller asked for but should know about."""


class BundleIntegrityError(Nirs4allError):
    """A ``.n4a`` bundle was changed, is incomplete, has extra members or a bad signature."""


class BundleNotFoundError(Nirs4allError, FileNotFoundError):
    """No file at the path given for a ``.n4a`` bundle: bad input, not a changed bundle."""


class UntrustedBundleError(Nirs4allError):
    """A bundle needs object types outside nirs4all's allow-list.

    Attributes
    ----------
    types : list of str
        The dotted names of the types nobody vouched for.
    """

    def __init__(self, message: str, types: list[str]) -> None:
        self.types = list(types)
        super().__init__(f"{message}: {', '.join(self.types)}")


class WavelengthMismatchError(AxisMismatchError):
    """New spectra are not on the axis a model was trained on."""


class CanonicalEncodingError(Nirs4allError, TypeError):
    """An object of a type that has no canonical encoder."""


class CanonicalDecodingError(Nirs4allError, ValueError):
    """Data that is not a valid canonical form, or names something that cannot be imported."""


class UnsafeImportError(Nirs4allError):
    """A dotted path outside the trusted module prefixes was asked to be imported."""
