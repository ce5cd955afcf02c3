"""Errors of pipeline specs, their canonical form, imports, execution and replay."""

from __future__ import annotations

from nirs4all.errors._base import Nirs4allError

__all__ = [
    "CanonicalDecodingError",
    "CanonicalEncodingError",
    "DisallowedClassError",
    "ExecutionError",
    "FoldKeyError",
    "GeneratorSpecError",
    "ReplayError",
    "SpecError",
    "TooManyVariantsError",
    "UnsafeImportError",
]


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
