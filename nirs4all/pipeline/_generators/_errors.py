"""The two errors generator expansion raises on purpose."""

from __future__ import annotations

from nirs4all.errors import Nirs4allError

__all__ = ["GeneratorSpecError", "TooManyVariantsError"]


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
