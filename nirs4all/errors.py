"""Typed exceptions of nirs4all.

Every error the library raises on purpose derives from :class:`Nirs4allError`. Errors about
input data carry the file, the 1-based line and column where they apply, and the message says
what to do about it. Errors that are also a standard Python error (a missing file, a bad
value) derive from that built-in too, so ``except FileNotFoundError`` and
``except ValueError`` keep working.
"""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike

__all__ = [
    "AmbiguousSelectorError",
    "AxisMismatchError",
    "BundleIntegrityError",
    "BundleNotFoundError",
    "CanonicalDecodingError",
    "CanonicalEncodingError",
    "ChainNotFoundError",
    "CorruptFileError",
    "DataError",
    "DataFileNotFoundError",
    "DataWarning",
    "DatasetConfigError",
    "DialectError",
    "DisallowedClassError",
    "EmptyFileError",
    "ExecutionError",
    "FoldKeyError",
    "GeneratorSpecError",
    "Nirs4allError",
    "NonFiniteValueError",
    "NonNumericCellError",
    "RaggedRowError",
    "RepeatedHeaderError",
    "ReplayError",
    "RowCountMismatchError",
    "SpecError",
    "TooManyVariantsError",
    "UnsafeImportError",
    "UntrustedBundleError",
    "WavelengthAxisError",
    "WavelengthMismatchError",
    "WorkspaceError",
]


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


class DisallowedClassError(UnsafeImportError):
    """A pipeline file or stored spec names a class that is not a pipeline step.

    Only estimators (classes with ``get_params``) and splitters (``split`` and
    ``get_n_splits``) may be constructed from a dotted path; anything else is refused before
    it is called.
    """


class SpecError(Nirs4allError, ValueError):
    """A pipeline step that cannot be understood; the message names its position."""


class ExecutionError(Nirs4allError, RuntimeError):
    """A pipeline step failed while it ran (not a spec that cannot be understood).

    The message names the variant, the step and the fold key where it failed; the original
    exception is chained as ``__cause__``.

    Attributes
    ----------
    reason : str
        What failed, without the location.
    variant : str or None
        Short id and name of the variant.
    step : str or None
        Position and label of the step (``"steps[2] (PLSRegression)"``).
    fold : str or None
        Fold key being fitted (``"0"``, ``"1"``, ... or ``"final"``).
    """

    def __init__(self, reason: str, variant: str | None = None, step: str | None = None,
                 fold: str | None = None) -> None:
        self.reason = reason
        self.variant = variant
        self.step = step
        self.fold = fold
        where = [f"{name} {value}" for name, value in
                 (("variant", variant), ("step", step), ("fold", fold)) if value is not None]
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)

    def __reduce__(self) -> tuple:
        # Workers raise it in another process; it must come back with its fields.
        return (type(self), (self.reason, self.variant, self.step, self.fold))


class WorkspaceError(Nirs4allError):
    """Base class of the errors raised by the workspace store (and of the chain selector's)."""


class ChainNotFoundError(WorkspaceError, LookupError, ValueError):
    """No chain matches a selector (a workspace's, a run result's or a plot's).

    A ``LookupError`` as the workspace resolver always raised, and a ``ValueError`` as the
    plots raised before they shared the selector.
    """


class AmbiguousSelectorError(WorkspaceError, LookupError, ValueError):
    """A selector matches more than one chain.

    Parameters
    ----------
    selector : object
        What the caller asked for.
    candidates : sequence of str
        One line per matching chain, in the order the selector sorts them.
    """

    def __init__(self, selector: object, candidates: Sequence[str]) -> None:
        self.selector = selector
        self.candidates = tuple(candidates)
        lines = "\n  ".join(self.candidates)
        super().__init__(
            f"selector {selector!r} matches {len(self.candidates)} chains; give more hex "
            "digits of the chain id, or (in a workspace) add a field (chain_id, dataset_hash, "
            f"branch_path, model_name) to pick one:\n  {lines}"
        )


class FoldKeyError(Nirs4allError, ValueError):
    """A value that is not a fold key was given where one is required."""


class ReplayError(Nirs4allError, ValueError):
    """A chain cannot be replayed: a fitted object is missing or a step is unknown."""


class GeneratorSpecError(Nirs4allError, ValueError):
    """A generator node of a pipeline spec is malformed.

    Parameters
    ----------
    path : str
        Where the node sits in the spec, e.g. ``"steps[2]._or_[1]"``.
    problem : str
        What is wrong and how to fix it.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")

    def __reduce__(self) -> tuple[type, tuple[str, str]]:
        return type(self), (self.path, self.problem)


class TooManyVariantsError(Nirs4allError, ValueError):
    """A spec expands to more variants than the caller allowed.

    Parameters
    ----------
    n_variants : int
        How many variants the spec expands to.
    max_variants : int
        The limit that was exceeded.
    """

    def __init__(self, n_variants: int, max_variants: int) -> None:
        self.n_variants = n_variants
        self.max_variants = max_variants
        super().__init__(
            f"the spec expands to {n_variants} variants, more than max_variants={max_variants}; "
            "add 'count' to a generator node to keep a random subset of its choices (e.g. "
            "{'_or_': [...], 'pick': 2, 'count': 50}), narrow a range, or raise max_variants"
        )

    def __reduce__(self) -> tuple[type, tuple[int, int]]:
        return type(self), (self.n_variants, self.max_variants)
