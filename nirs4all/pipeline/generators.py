"""Expand a pipeline spec with generator keywords into the list of pipeline variants.

A spec is any nesting of lists, tuples, dicts and leaves (estimators, classes, strings,
numbers, arrays ...). Most of it is taken as written. A dict holding a *generator keyword*
stands for several values, and the spec expands into one variant per combination:

- a list or tuple is the Cartesian product of its elements' variants (first element varies
  slowest, as in :func:`itertools.product`); a plain dict likewise over its values, keys in
  their order. ``[{"_or_": [A, B]}, {"_or_": [C, D, E]}]`` gives 2 x 3 = 6 pipelines;
- a leaf is itself. An estimator *instance* is a leaf unless one of its parameters
  (``get_params(deep=False)``) holds a generator: ``PLSRegression(n_components={"_or_":
  [5, 10]})`` gives two new instances made by ``clone(estimator).set_params(...)``; the
  user's object is never modified or copied otherwise;
- a part without generators is the very object the user wrote, shared by every variant.

Keywords (``n`` is the number of choices, counts assume choices without nested generators)
------------------------------------------------------------------------------------------

``{"_or_": [a, b, c]}``
    One variant per choice: ``a``, ``b``, ``c`` (3). A choice that is itself a generator
    contributes each of its variants: the count is the sum of the choices' counts.

    Modifiers, which select *choices as written* and expand the chosen ones:

    - ``"pick": 2``: combinations as lists ``[a, b], [a, c], [b, c]`` (C(n, k) = 3);
      ``"pick": [1, 2]`` (or ``(1, 2)``): every size from 1 to 2 (3 + 3 = 6); size 0 gives
      ``[]``. ``"size"`` is the legacy spelling of ``"pick"``.
    - ``"arrange": 2``: permutations ``[a, b], [a, c], [b, a], ...`` (n!/(n-k)! = 6), with
      ``[lo, hi]`` ranges as for pick.
    - ``"then_pick": m`` / ``"then_arrange": m`` after pick or arrange: combinations (or
      permutations) of m of those results, one-element results unwrapped.
      ``{"_or_": [a, b, c], "pick": 2, "then_pick": 2}`` gives ``[[a, b], [a, c]], [[a, b],
      [b, c]], [[a, c], [b, c]]`` (C(3, 2) = 3).
    - ``"_mutex_": [[a, b]]``: a selection never holds more than one item of a group;
      ``"_requires_": [[a, b, ...]]``: a selection holding ``a`` also holds ``b, ...``;
      ``"_exclude_": [[a, b]]``: the selection of exactly these items (in any order) is
      dropped. Items are matched to the choices by ``==`` (an estimator instance only
      matches itself); an item that matches no choice is an error. They filter pick and
      arrange selections: ``{"_or_": [a, b, c], "pick": 2, "_mutex_": [[a, b]]}`` gives
      ``[a, c], [b, c]`` (2).

    Next to ordinary keys, each choice is a dict merged into them:
    ``{"class": SG, "_or_": [{"window": 5}, {"window": 7}]}`` gives ``{"class": SG,
    "window": 5}`` and ``{"class": SG, "window": 7}`` (2); a choice may not set a key the
    base sets.

``{"_range_": [from, to, step]}`` (also ``[from, to]`` with step 1, or ``{"from", "to", "step"}``)
    ``from`` to ``to`` *inclusive*: ``[2, 20, 2]`` gives 2, 4, ..., 20 (10). Integers if all
    three are integers; otherwise floats rounded to 10 decimals: ``[0, 1, 0.25]`` gives
    0.0, 0.25, 0.5, 0.75, 1.0 (5). A negative step counts down (``[10, 2, -4]`` gives 10, 6,
    2); a step of 0, or one going away from ``to``, is an error.

``{"_log_range_": [from, to, num]}`` (or ``{"from", "to", "num": 10, "base": 10}``)
    ``num`` (>= 2) geometrically spaced values from ``from`` to ``to``, both included and
    both > 0, rounded to 10 significant digits: ``[0.001, 1, 4]`` gives 0.001, 0.01, 0.1,
    1.0 (4).
    ``base`` is accepted for compatibility; the spacing between two given endpoints is the
    same in any base.

``{"_grid_": {"alpha": [0.1, 1], "fit_intercept": [True, False, None]}}``
    Every combination as a dict, first key slowest, like scikit-learn's ``ParameterGrid``
    (2 x 3 = 6). A value is a list of candidates (each may hold generators) or one generator
    node.

``{"_zip_": {"window": [5, 7, 9], "order": [2, 2, 3]}}``
    The i-th values together: ``{"window": 5, "order": 2}``, ... (3). Lists of different
    lengths are an error (nothing is silently dropped).

``{"_chain_": [c1, c2, c3]}``
    Every choice in the order written (3); with ``"count": 2`` the *first* 2 (2).

``{"_sample_": {"distribution": "uniform", "from": 0, "to": 1, "num": 10}}``
    ``num`` (default 10) random draws: ``"uniform"`` (``from`` 0, ``to`` 1),
    ``"log_uniform"`` (``from`` 0.001, ``to`` 1), ``"normal"`` or ``"gaussian"`` (``mean``
    0, ``std`` 1), ``"choice"`` (``values``, drawn with replacement). Numbers are rounded to
    10 significant digits. ``count`` caps ``num``.

``{"_cartesian_": [stage1, stage2, ...]}``
    One sub-pipeline (list) per combination of the stages' variants:
    ``{"_cartesian_": [{"_or_": [A, B]}, {"_or_": [C, D]}]}`` gives ``[A, C], [A, D],
    [B, C], [B, D]`` (4); with ``"pick": 2``, combinations of 2 of those pipelines (C(4, 2)
    = 6). ``pick``, ``arrange``, ``then_pick``, ``then_arrange`` and ``count`` apply.

Modifiers of every keyword
--------------------------

``"count": c``
    Keep ``c`` of the node's variants when it has more: a random subset, listed in the
    order of the full enumeration (``_chain_`` keeps the first ``c``, ``_sample_`` draws
    ``min(num, c)``). The node then counts ``min(c, total)``.
``"_seed_": s``
    The node draws from ``SeedSequence(s)`` instead of the run seed: the same draws wherever
    the node is and whatever ``random_state`` is (not on ``_chain_``, which never draws).

Sweeping one parameter of a model
---------------------------------

``{"model": PLSRegression, "_range_": [2, 20, 2], "param": "n_components"}`` gives
``{"model": PLSRegression(n_components=2)}``, ... (10). The value under ``"model"`` (or
under the only ordinary key) is a class, instantiated as ``cls(param=v)``, or an instance,
cloned and ``set_params(param=v)``. ``_or_``, ``_range_``, ``_log_range_`` and ``_sample_``
sweep this way; ``count`` limits the swept values; other ordinary keys (``"name"``) stay.
The 0.x form ``{"model": PLSRegression(), "model_params": {"n_components": {"_range_":
[2, 20, 2]}}}`` is an ordinary dict, expanded like any other.

Branches
--------

A generator *directly* under ``"branch"`` enumerates the branches of one pipeline:
``{"branch": {"_or_": [[SNV()], [MSC()]]}}`` becomes ``{"branch": [[SNV()], [MSC()]]}``, a
single variant with 2 branches. A generator *inside* a branch's steps makes pipeline
variants, like anywhere else.

Rules
-----

Generator keywords and modifiers only mean something in a dict holding a generator keyword:
in ``{"sample_augmentation": {"count": 2}}``, ``count`` is an ordinary key. A key spelled
``_name_`` that is not a keyword or modifier is an error, as is a modifier that does not
apply to its keyword, an empty choice list, or a selection larger than its pool: nothing is
ignored silently and a generator never expands to nothing. Errors are
:class:`GeneratorSpecError` naming the path of the node (``steps[2].model._or_[1]``).

Reproducibility
---------------

No global random state is used. The node at path ``p`` draws from a
``numpy.random.Generator`` seeded by ``SeedSequence(random_state, spawn_key=k(p))``, where
``k(p)`` folds the SHA-256 of the path into four 32-bit words: the same spec and
``random_state`` give the same variants, and a node's draws do not depend on other nodes
(moving a node, e.g. inserting a step before it, changes its path and so its draws).
Candidates are enumerated in a fixed order before any random choice. With
``random_state=None`` a seed is drawn from OS entropy; :func:`expand_with_seed` returns it
so that the run can be replayed.

Variants record their choices: ``Variant.choices`` holds ``(path, chosen value)`` for each
generator node in the order met (a node before the nodes nested in its choice). The path is
where the node sits (``"steps[0]"``), or ``"<node>.<key>.<param>"`` for a sweep
(``"steps[2].model.n_components"``) and ``"<estimator>.<param>"`` inside an estimator
parameter; an ``_or_`` next to ordinary keys records the dict merged in. Paths start at
``steps`` when the spec is a list or tuple, at ``spec`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

from nirs4all.pipeline._generators._errors import GeneratorSpecError, TooManyVariantsError
from nirs4all.pipeline._generators._seeding import RandomSource
from nirs4all.pipeline._generators._walk import GENERATOR_KEYWORDS, build_spec

__all__ = [
    "GENERATOR_KEYWORDS",
    "GeneratorSpecError",
    "TooManyVariantsError",
    "Variant",
    "count_variants",
    "expand",
    "expand_with_seed",
]

DEFAULT_MAX_VARIANTS = 10_000


@dataclass(frozen=True)
class Variant:
    """One expanded spec and the generator choices that made it.

    Attributes
    ----------
    spec : Any
        The spec with every generator node replaced by its chosen value. Parts without
        generators are the user's own objects, shared between variants.
    choices : tuple of (str, Any)
        ``(path, chosen value)`` for each generator node, in the order met, e.g.
        ``(("steps[0]", SNV()), ("steps[2].model.n_components", 8))``.
    """

    spec: Any
    choices: tuple[tuple[str, Any], ...] = ()


def _check_random_state(random_state: Any) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(f"random_state must be a non-negative int or None, got {random_state!r}")
    if random_state < 0:
        raise ValueError(f"random_state must be a non-negative int or None, got {random_state}")
    return int(random_state)


def count_variants(spec: Any) -> int:
    """Count the variants ``spec`` expands to, without building them.

    Parameters
    ----------
    spec : Any
        A pipeline spec (see the module documentation).

    Returns
    -------
    int
        Exactly ``len(expand(spec))``: a ``count`` modifier counts ``min(count, total)``.

    Raises
    ------
    GeneratorSpecError
        If a generator node is malformed.
    """
    return build_spec(spec, RandomSource(None)).size


def expand_with_seed(
    spec: Any, *, random_state: int | None = None, max_variants: int = DEFAULT_MAX_VARIANTS
) -> tuple[list[Variant], int | None]:
    """Expand ``spec`` into its variants, and return the seed the random nodes used.

    Parameters
    ----------
    spec : Any
        A pipeline spec (see the module documentation).
    random_state : int or None, default=None
        Seed of ``count`` subsets and ``_sample_`` draws. None draws one from OS entropy.
    max_variants : int, default=10000
        Refuse specs expanding to more variants; checked before any variant is built.

    Returns
    -------
    variants : list of Variant
        In enumeration order.
    seed : int or None
        The run seed the random nodes drew from (``random_state``, or the one drawn when
        it was None), or None when no node drew from it (no random node, or only nodes
        with their own ``_seed_``).

    Raises
    ------
    TooManyVariantsError
        If the spec expands to more than ``max_variants`` variants.
    GeneratorSpecError
        If a generator node is malformed.
    """
    seed = _check_random_state(random_state)
    limit = max_variants
    if isinstance(limit, bool) or not isinstance(limit, Integral) or limit < 1:
        raise ValueError(f"max_variants must be a positive int, got {max_variants!r}")
    random = RandomSource(seed)
    variants = build_spec(spec, random)
    if variants.size > limit:
        raise TooManyVariantsError(variants.size, int(limit))
    expanded = [Variant(*variants.item(i)) for i in range(variants.size)]
    return expanded, random.seed_used


def expand(
    spec: Any, *, random_state: int | None = None, max_variants: int = DEFAULT_MAX_VARIANTS
) -> list[Variant]:
    """Expand ``spec`` into its variants.

    Parameters
    ----------
    spec : Any
        A pipeline spec (see the module documentation).
    random_state : int or None, default=None
        Seed of ``count`` subsets and ``_sample_`` draws. None draws one from OS entropy;
        use :func:`expand_with_seed` to learn it.
    max_variants : int, default=10000
        Refuse specs expanding to more variants; checked before any variant is built.

    Returns
    -------
    list of Variant
        In enumeration order: ``len(expand(spec)) == count_variants(spec)``.

    Raises
    ------
    TooManyVariantsError
        If the spec expands to more than ``max_variants`` variants.
    GeneratorSpecError
        If a generator node is malformed.

    Examples
    --------
    >>> from nirs4all.pipeline.generators import expand
    >>> [v.spec for v in expand([{"_or_": ["snv", "msc"]}, {"_range_": [1, 2]}])]
    [['snv', 1], ['snv', 2], ['msc', 1], ['msc', 2]]
    """
    return expand_with_seed(spec, random_state=random_state, max_variants=max_variants)[0]
