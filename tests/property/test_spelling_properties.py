"""One pipeline, one ``pipeline_id``, whatever the spelling of its steps (contract 1)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cross_decomposition import PLSRegression
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from nirs4all.operators.transforms import MSC, SNV, SavitzkyGolay
from nirs4all.pipeline.runner import prepare_variants

# (class, non-default parameters) of each step a generated pipeline may hold
TRANSFORMS = [(SNV, {}), (MSC, {}), (StandardScaler, {"with_mean": False}),
              (MinMaxScaler, {}), (SavitzkyGolay, {"window_length": 7, "polyorder": 2})]
SPELLINGS = ("instance", "class", "dict", "dotted", "short", "short_dict")


def _path(cls: type) -> str:
    public = cls.__module__.split("._")[0] if "._" in cls.__module__ else cls.__module__
    return f"{public}.{cls.__name__}"


def _spell(cls: type, params: dict, spelling: str) -> object:
    if params and spelling in ("class", "dotted", "short"):
        spelling = "instance"  # these spellings cannot carry parameters
    return {"instance": lambda: cls(**params), "class": lambda: cls,
            "dict": lambda: {"class": _path(cls), "params": dict(params)},
            "dotted": lambda: _path(cls), "short": lambda: cls.__name__,
            "short_dict": lambda: {"class": cls.__name__, "params": dict(params)}}[spelling]()


def _spell_model(n: int, spelling: str) -> dict:
    if spelling == "instance":
        return {"model": PLSRegression(n_components=n)}
    target = {"class": PLSRegression, "dict": "sklearn.cross_decomposition.PLSRegression",
              "dotted": "sklearn.cross_decomposition.PLSRegression",
              "short": "PLSRegression", "short_dict": "PLSRegression"}[spelling]
    if spelling in ("dict", "short_dict"):
        return {"model": {"class": target, "params": {"n_components": n}}}
    return {"model": target, "params": {"n_components": n}}


def _pipeline_id(spec: list) -> str:
    (variant,) = prepare_variants(spec, seed=0, max_variants=10)
    return variant.pipeline_id


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.sampled_from(range(len(TRANSFORMS))), min_size=1, max_size=3),
       first=st.lists(st.sampled_from(SPELLINGS), min_size=4, max_size=4),
       second=st.lists(st.sampled_from(SPELLINGS), min_size=4, max_size=4),
       n=st.integers(1, 5))
def test_the_same_pipeline_has_the_same_id_whatever_its_spelling(steps, first, second,
                                                                  n) -> None:
    def build(spellings: list[str]) -> list:
        spec = [_spell(*TRANSFORMS[i], spellings[k]) for k, i in enumerate(steps)]
        spec.append(_spell(KFold, {"n_splits": 3}, spellings[3]))
        spec.append(_spell_model(n, spellings[3]))
        return spec

    assert _pipeline_id(build(first)) == _pipeline_id(build(second))


def test_a_different_parameter_gives_a_different_id() -> None:
    assert _pipeline_id([SNV(), _spell_model(2, "short")]) != _pipeline_id(
        [SNV(), _spell_model(3, "short")])
