"""Every exception class of nirs4all survives pickling, so errors cross process boundaries.

The classes are discovered by importing every module of the package, so a class added later
is covered without editing this file; a constructor parameter this file has no sample value
for fails the test with the name to add to ``_SAMPLES``.
"""

from __future__ import annotations

import errno
import importlib
import inspect
import multiprocessing
import pickle
import pkgutil
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

import nirs4all

_SAMPLES = {
    "message": "Xcal.csv has 129 rows; remove the header line",
    "reason": "the reason", "problem": "'_or_' needs a list", "detail": "checksum mismatch",
    "action": "writing artifacts/ab/ab12.skops", "statement": "DELETE",
    "query": "DELETE FROM predictions", "path": "/data/ws/store.duckdb", "line": 12,
    "column": 3, "types": ["mypkg.Model", "mypkg.Scaler"], "artifact_id": "ab" * 32,
    "pid": 4242, "waited_s": 1.5, "table": "predictions", "key": ("p", "c", "0", "val"),
    "selector": {"model_name": "PLS"}, "candidates": ["c1 PLS", "c2 PLS"],
    "n_variants": 5000, "max_variants": 100, "code": errno.ENOSPC,
    "variant": "ab12cd34ef (SNV > PLS)", "step": "steps[2] (PLSRegression)", "fold": "final",
}


def _exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(nirs4all.__path__, "nirs4all."):
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, BaseException)
                    and value.__module__.startswith("nirs4all.")):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return [found[name] for name in sorted(found)]


CLASSES = _exception_classes()


def _arguments(cls: type[BaseException]) -> tuple[tuple, dict]:
    if cls.__init__ in (BaseException.__init__, Exception.__init__, OSError.__init__):
        return ("a message naming the file and the fix",), {}
    args, kwargs = [], {}
    for param in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.name not in _SAMPLES:
            pytest.fail(f"{cls.__qualname__}.__init__ takes {param.name!r}: add a sample "
                        "value for it to _SAMPLES")
        if param.kind is param.KEYWORD_ONLY:
            kwargs[param.name] = _SAMPLES[param.name]
        else:
            args.append(_SAMPLES[param.name])
    return tuple(args), kwargs


def _build(cls: type[BaseException]) -> BaseException:
    args, kwargs = _arguments(cls)
    return cls(*args, **kwargs)


def _same(left: BaseException, right: BaseException) -> None:
    assert type(left) is type(right)
    assert str(left) == str(right)
    assert left.args == right.args
    assert vars(left) == vars(right)
    if isinstance(left, OSError):
        assert (left.errno, left.strerror, left.filename) == (
            right.errno, right.strerror, right.filename)


def test_the_package_defines_the_exception_classes_this_test_walks() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"DataError", "WorkspaceLockedError", "SpecError", "UntrustedArtifactError"} <= names
    assert len(CLASSES) >= 35


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_every_exception_pickles_with_its_message_and_fields(cls) -> None:
    error = _build(cls)
    _same(pickle.loads(pickle.dumps(error)), error)  # noqa: S301 -- bytes made just above


def _raise(module: str, qualname: str) -> None:
    cls = getattr(importlib.import_module(module), qualname)
    raise _build(cls)


@pytest.mark.skipif(sys.platform == "win32", reason="fork start method")
def test_an_error_raised_in_a_worker_process_reaches_the_caller_as_itself() -> None:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        futures = [(cls, pool.submit(_raise, cls.__module__, cls.__qualname__))
                   for cls in CLASSES]
        for cls, future in futures:
            with pytest.raises(cls) as caught:
                future.result()
            _same(caught.value, _build(cls))
