"""The one step-kind table: training and replay dispatch through it, and it refuses a kind
with a missing side."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from nirs4all.errors import SpecError
from nirs4all.operators.augmentation import GaussianNoise
from nirs4all.operators.filters import XOutlierFilter
from nirs4all.pipeline import _replay_steps, kinds, records
from nirs4all.pipeline._step import Step
from nirs4all.pipeline.execute import VariantExecutor
from nirs4all.pipeline.kinds import KINDS, KindTable, StepKind
from nirs4all.pipeline.spec import iter_steps, parse_pipeline

PIPELINE_DIR = Path(kinds.__file__).parent


def _fake(**overrides) -> StepKind:
    fields = {"name": "fake", "train": "_do_fake", "replay": "replay_fake", **overrides}
    return StepKind(**fields)


@pytest.mark.parametrize("side", ["train", "replay"])
@pytest.mark.parametrize("handler", [None, "", "fake"])
def test_a_kind_without_one_of_its_handlers_is_refused_when_declared(side, handler) -> None:
    with pytest.raises(SpecError, match=f"needs a {side} handler"):
        _fake(**{side: handler})


def test_a_kind_whose_training_method_does_not_exist_is_refused_at_binding() -> None:
    table = KindTable((*KINDS.values(), _fake()))
    with pytest.raises(SpecError, match=r"no training handler for step kind\(s\) \['fake"):
        table.bind_training(VariantExecutor)


def test_a_kind_whose_replay_function_does_not_exist_is_refused_at_binding() -> None:
    table = KindTable((*KINDS.values(), _fake()))
    with pytest.raises(SpecError, match=r"no replay handler for step kind\(s\) \['fake"):
        table.bind_replay(vars(_replay_steps), "replay steps")


def test_a_training_handler_of_no_kind_is_refused_at_binding() -> None:
    class Extended(VariantExecutor):
        def _do_fake(self, step, lanes):
            return lanes

    with pytest.raises(SpecError, match=r"handler\(s\) \['_do_fake'\] of no step kind"):
        KINDS.bind_training(Extended)


def test_a_replay_handler_of_no_kind_is_refused_at_binding() -> None:
    namespace = {**vars(_replay_steps), "replay_fake": lambda run, step, current: None}
    with pytest.raises(SpecError, match=r"handler\(s\) \['replay_fake'\] of no step kind"):
        KINDS.bind_replay(namespace, "replay steps")


def test_a_kind_listed_twice_is_refused() -> None:
    with pytest.raises(SpecError, match="listed twice"):
        KindTable((_fake(), _fake()))


@pytest.mark.parametrize("overrides", [
    {"name": "not a name"},
    {"replay_noop": True, "ends_chain": True, "replay": "replay_carry"},
    {"replay_noop": True},  # a no-op at replay must use the carrying handler
    {"replay": "replay_carry"},  # and the carrying handler is only for no-op kinds
])
def test_inconsistent_flags_are_refused(overrides) -> None:
    with pytest.raises(SpecError):
        _fake(**overrides)


def test_the_real_table_binds_both_sides() -> None:
    training = KINDS.bind_training(VariantExecutor)
    replay = KINDS.bind_replay(vars(_replay_steps), "replay steps")
    assert set(training) == set(replay) == set(KINDS)
    assert all(callable(getattr(VariantExecutor, name)) for name in training.values())


def test_a_step_of_an_unknown_kind_cannot_be_built() -> None:
    with pytest.raises(SpecError, match="unknown step kind 'fake'"):
        Step(kind="fake", index=0, path="steps[0]", spec_json="{}")


CORPUS = [
    [StandardScaler(), {"y_processing": MinMaxScaler()}, KFold(2), Ridge()],
    [{"feature_augmentation": [StandardScaler(), MinMaxScaler()]}, KFold(2), Ridge()],
    [KFold(2), {"sample_augmentation": {"transformers": [GaussianNoise()], "count": 1}},
     Ridge()],
    [KFold(2), {"branch": [[StandardScaler()], [MinMaxScaler()]]}, {"merge": "features"},
     Ridge()],
    [KFold(2), {"branch": [[Ridge()], [Ridge(alpha=2.0)]]}, {"merge": "predictions"},
     Ridge()],
    [KFold(2), {"tag": XOutlierFilter(tag_name="far")}, {"branch": {"by_tag": "far"}},
     Ridge(), {"merge": "concat"}],
    [{"merge_sources": "concat"}, {"exclude": XOutlierFilter()}, KFold(2), "chart_2d",
     Ridge()],
    [{"rep_to_sources": "sample"}, KFold(2), Ridge()],
]


def test_the_table_holds_exactly_the_kinds_the_parser_emits() -> None:
    emitted = {step.kind for pipeline in CORPUS
               for step in iter_steps(parse_pipeline(pipeline))}
    assert emitted == set(KINDS)


def test_records_step_kinds_are_the_recorded_kinds_of_the_table() -> None:
    assert KINDS.recorded == records.STEP_KINDS
    assert set(KINDS) - set(records.STEP_KINDS) == {"chart"}  # charts change no identity
    with pytest.raises(ValueError, match="step kind must be one of"):
        records.ChainStep(0, "chart", "{}")


def _literal_kinds() -> set[str]:
    """Every kind the pipeline modules spell as a literal: ``_step("kind", ...)`` and
    ``Step(kind="kind", ...)`` (a kind computed at run time, such as ``merge_<value>``, is
    refused by ``Step`` itself: see the test above)."""
    found: set[str] = set()
    for path in PIPELINE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name == "_step" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
            if name == "Step":
                found.update(k.value.value for k in node.keywords
                             if k.arg == "kind" and isinstance(k.value, ast.Constant))
    return found


def test_every_kind_the_parser_spells_is_in_the_table() -> None:
    spelled = _literal_kinds()
    assert {"transform", "model", "split", "chart", "merge_sources"} <= spelled
    assert spelled <= set(KINDS)
