"""Keywords that produce numbers: ``_range_``, ``_log_range_`` and ``_sample_``."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from nirs4all.pipeline._generators._node import (
    NodeContext,
    as_int,
    as_number,
    fail,
    non_empty_list,
    unpack,
)
from nirs4all.pipeline._generators._sequences import Const, Drawn, Seq, Values

__all__ = ["build_log_range", "build_range", "build_sample"]

SIGNIFICANT_DIGITS = 10
RANGE_DECIMALS = 10
# Tolerance on (to - from) / step, so that float noise does not drop the end of a range.
RANGE_END_TOLERANCE = 1e-9


def _significant(value: float) -> float:
    """Round to 10 significant digits: removes float noise at any magnitude."""
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def build_range(body: Any, node: NodeContext) -> Seq:
    """``_range_``: from ``from`` to ``to`` inclusive in steps of ``step`` (default 1)."""
    path = node.path
    raw = unpack(body, "_range_", path, ("from", "to", "step"), {"step": 1})
    start, stop, step = (
        as_number(value, f"_range_ {name}", path)
        for value, name in zip(raw, ("from", "to", "step"), strict=True)
    )
    if step == 0:
        fail(path, "_range_ step is 0, which never reaches the end; use a non-zero step")
    quotient = (stop - start) / step
    if quotient < 0:
        fail(path, f"_range_ from {start} to {stop} with step {step} is empty (the step goes the "
                   "wrong way; use a negative step to count down)")
    if all(isinstance(v, int) for v in (start, stop, step)):
        return Values((stop - start) // step + 1, lambda i: start + i * step)
    size = math.floor(quotient + RANGE_END_TOLERANCE) + 1
    return Values(size, lambda i: round(start + i * step, RANGE_DECIMALS))


def build_log_range(body: Any, node: NodeContext) -> Seq:
    """``_log_range_``: ``num`` geometrically spaced values from ``from`` to ``to``."""
    path = node.path
    names = ("from", "to", "num", "base")
    raw = unpack(body, "_log_range_", path, names, {"num": 10, "base": 10})
    start = as_number(raw[0], "_log_range_ from", path)
    stop = as_number(raw[1], "_log_range_ to", path)
    # num >= 2 so that both ends are included.
    num = as_int(raw[2], at_least=2, what="_log_range_ num", path=path)
    base = as_number(raw[3], "_log_range_ base", path)
    if start <= 0 or stop <= 0:
        fail(path, f"_log_range_ needs from > 0 and to > 0, got from={start}, to={stop}")
    if base <= 0 or base == 1:
        fail(path, f"_log_range_ base must be > 0 and != 1, got {base}")
    ratio = stop / start

    def value_at(i: int) -> float:
        if i == 0:
            return float(start)
        if i == num - 1:
            return float(stop)
        return _significant(start * ratio ** (i / (num - 1)))

    return Values(num, value_at)


_SAMPLE_PARAMETERS: dict[str, dict[str, Any]] = {
    "uniform": {"from": 0.0, "to": 1.0},
    "log_uniform": {"from": 0.001, "to": 1.0},
    "normal": {"mean": 0.0, "std": 1.0},
    "gaussian": {"mean": 0.0, "std": 1.0},
    "choice": {"values": None},
}


def build_sample(body: Any, node: NodeContext) -> Seq:
    """``_sample_``: ``num`` random draws from a distribution (``count`` caps ``num``)."""
    path = node.path
    if not isinstance(body, dict):
        fail(path, f"_sample_ takes a dict like {{'distribution': 'uniform', 'num': 10}}, "
                   f"got {body!r}")
    distribution = body.get("distribution", "uniform")
    if distribution not in _SAMPLE_PARAMETERS:
        fail(path, f"_sample_ distribution {distribution!r} is unknown; use one of "
                   f"{', '.join(_SAMPLE_PARAMETERS)}")
    parameters = {**_SAMPLE_PARAMETERS[distribution], **body}
    allowed = {"distribution", "num", *_SAMPLE_PARAMETERS[distribution]}
    unknown = [key for key in body if key not in allowed]
    if unknown:
        fail(path, f"_sample_ with distribution {distribution!r} does not take {unknown[0]!r}; "
                   f"it takes {', '.join(sorted(allowed))}")
    num = as_int(parameters.get("num", 10), at_least=1, what="_sample_ num", path=path)
    if node.count is not None:
        num = min(num, node.count)
    draw = _sampler(distribution, parameters, node)

    def draw_all(size: int) -> list[Any]:
        return draw(node.random.generator(path, node.seed), size)

    return Drawn(num, draw_all)


def _sampler(distribution: str, parameters: dict, node: NodeContext) -> Callable:
    path = node.path
    if distribution == "choice":
        values = non_empty_list(parameters["values"], "_sample_ choice", path, "values")
        for i, value in enumerate(values):
            if not isinstance(node.build(value, f"{path}._sample_.values[{i}]"), Const):
                fail(path, "_sample_ choice values must not contain generator keywords")
        return lambda rng, size: [values[int(i)] for i in rng.integers(0, len(values), size)]
    if distribution in ("normal", "gaussian"):
        mean = as_number(parameters["mean"], "_sample_ mean", path)
        std = as_number(parameters["std"], "_sample_ std", path)
        if std <= 0:
            fail(path, f"_sample_ std must be > 0, got {std}")
        return lambda rng, size: [_significant(x) for x in rng.normal(mean, std, size)]
    low = as_number(parameters["from"], "_sample_ from", path)
    high = as_number(parameters["to"], "_sample_ to", path)
    if not low < high:
        fail(path, f"_sample_ needs from < to, got from={low}, to={high}")
    if distribution == "uniform":
        return lambda rng, size: [_significant(x) for x in rng.uniform(low, high, size)]
    if low <= 0:
        fail(path, f"_sample_ log_uniform needs from > 0, got {low}")
    log_low, log_high = math.log(low), math.log(high)
    return lambda rng, size: [
        _significant(x) for x in np.exp(rng.uniform(log_low, log_high, size))
    ]
