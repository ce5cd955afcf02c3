"""Custom step keywords: the 0.x controller extension point, at parse time.

0.x let a user register a controller class that matched a step and then ran it against the
library's internal execution context. That context does not exist in this release (steps
are pure: fit on rows, transform arrays), so a controller here *translates* the step it
matches into ordinary steps - an estimator, a splitter, a keyword dict or a list of
them - which then run, are identified, stored and replayed like any other step:

.. code-block:: python

    from nirs4all.controllers import OperatorController, register_controller

    @register_controller
    class SmoothThenSNV(OperatorController):
        priority = 10

        @classmethod
        def matches(cls, step, operator, keyword):
            return keyword == "smooth_snv"

        def build(self, step, operator, keyword):
            return [SavitzkyGolay(window_length=step["smooth_snv"]), SNV()]

    nirs4all.run([{"smooth_snv": 11}, KFold(5), PLSRegression(10)], data)

The parser asks the registered controllers, by ascending ``priority``, only about a step it
does not know itself (a dict without a built-in keyword, or an object that is neither a
transformer, a splitter nor a model). A 0.x controller that only implements ``execute`` is
refused when it is registered, with the reason.
"""

from __future__ import annotations

from typing import Any

from nirs4all.errors import SpecError

__all__ = ["CONTROLLER_REGISTRY", "OperatorController", "find_controller",
           "register_controller", "unregister_controller"]

CONTROLLER_REGISTRY: list[type[OperatorController]] = []
"""The registered controller classes, sorted by ``priority`` (lowest first)."""


class OperatorController:
    """Base class of a custom step keyword (see the module docstring).

    Subclasses set ``priority`` (lower is asked first; default 100) and implement the
    class method :meth:`matches` and the method :meth:`build`.
    """

    priority: int = 100

    @classmethod
    def matches(cls, step: Any, operator: Any, keyword: str) -> bool:
        """Whether this controller handles ``step``.

        ``operator`` is the step itself for an object step (None for a dict) and
        ``keyword`` the dict's first key ("" for an object step).
        """
        return False

    def build(self, step: Any, operator: Any, keyword: str) -> Any:
        """The ordinary step(s) ``step`` stands for: an estimator, a splitter, a keyword
        dict, or a list of those."""
        missing = f"{type(self).__name__} must implement build()"
        raise NotImplementedError(missing)  # abstract hook: each controller builds its steps


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def register_controller(cls: type[OperatorController]) -> type[OperatorController]:
    """Register a controller class (usable as a decorator); registering it again replaces
    the earlier registration of the same module and name."""
    if not (isinstance(cls, type) and issubclass(cls, OperatorController)):
        raise TypeError(f"register_controller takes an OperatorController subclass; got "
                        f"{cls!r}")
    if cls.build is OperatorController.build:
        reason = (" (it implements the 0.x execute(...), which ran against an internal "
                  "context this release does not have)" if hasattr(cls, "execute") else "")
        raise TypeError(f"{cls.__name__} does not implement build(step, operator, keyword)"
                        f"{reason}; build must return the ordinary steps the custom step "
                        "stands for")
    if not isinstance(cls.priority, int) or isinstance(cls.priority, bool):
        raise TypeError(f"{cls.__name__}.priority must be an integer; got {cls.priority!r}")
    unregister_controller(cls)
    CONTROLLER_REGISTRY.append(cls)
    CONTROLLER_REGISTRY.sort(key=lambda c: (c.priority, _name(c)))
    return cls


def unregister_controller(cls: type[OperatorController]) -> None:
    """Remove a registered controller class (no error if absent)."""
    CONTROLLER_REGISTRY[:] = [c for c in CONTROLLER_REGISTRY if _name(c) != _name(cls)]


def find_controller(step: Any, path: str) -> Any | None:
    """The steps the first matching controller builds from ``step``, or None."""
    if isinstance(step, dict):
        operator, keyword = None, str(next(iter(step), ""))
    else:
        operator, keyword = step, ""
    for cls in CONTROLLER_REGISTRY:
        if cls.matches(step, operator, keyword):
            try:
                built = cls().build(step, operator, keyword)
            except SpecError:
                raise
            except Exception as exc:
                raise SpecError(f"{path}: controller {cls.__name__} failed to build the "
                                f"step: {type(exc).__name__}: {exc}") from exc
            if built is None:
                raise SpecError(f"{path}: controller {cls.__name__} built nothing")
            return built
    return None
