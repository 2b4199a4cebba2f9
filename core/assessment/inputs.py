"""The named inputs assessment items read, each computed for many organisations at once.

An input name (`tasks.on_time_rate`) maps to a provider that answers the values of all its
names for a year, set-based (`values`), and the records behind a value for the
organisations that lost points on it (`records`). A value that a provider does not give
is *missing*: an item reading it is not scored (not applicable) rather than scored 0.

`tasks.*` come from the work calendar, `survey.*` from satisfaction; `reports.*`,
`findings.*`, `checklists.*` and `meetings.*` are declared here and answered by
`core.reports.figures` / `core.supervision.figures` when those modules are installed (they
yield nothing while absent). Every provider is set-based: one or two statements for the
whole city, whatever the number of organisations.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.records import RecordRef
from core.specs import AssessmentInput

Values = dict[int, dict[str, float]]
Records = dict[tuple[int, str], list[RecordRef]]


@dataclass(frozen=True)
class Inputs:
    """What a provider is asked: the year, the assessment date and the organisations."""

    session: AsyncSession
    year: int
    as_of: dt.date
    today: dt.date
    timezone: str
    org_ids: Sequence[int]


@dataclass(frozen=True)
class InputSpec:
    """One input name: its zh-CN label and how its value reads (count, rate or score)."""

    name: str
    label: str
    unit: str  # "count" | "rate" (0–1) | "score" (0–100) | "mean" (1–5)
    provider: str


ValuesFn = Callable[[Inputs], Awaitable[Values]]
RecordsFn = Callable[[Inputs, Mapping[int, Sequence[str]]], Awaitable[Records]]


@dataclass(frozen=True)
class Provider:
    """Computes the values of its names, and lists the records behind them."""

    key: str
    values: ValuesFn
    records: RecordsFn


SPECS: tuple[InputSpec, ...] = (
    InputSpec("tasks.total", "年内到期任务数", "count", "tasks"),
    InputSpec("tasks.done", "已完成任务数", "count", "tasks"),
    InputSpec("tasks.done_on_time", "按期完成任务数", "count", "tasks"),
    InputSpec("tasks.late", "逾期后才完成的任务数", "count", "tasks"),
    InputSpec("tasks.overdue", "逾期未完成任务数", "count", "tasks"),
    InputSpec("tasks.on_time_rate", "任务按期完成率", "rate", "tasks"),
    InputSpec("tasks.completion_rate", "任务完成率", "rate", "tasks"),
    InputSpec("survey.public_count", "群众评价条数", "count", "survey"),
    InputSpec("survey.public_mean", "群众评价平均分（1–5）", "mean", "survey"),
    InputSpec("survey.public_score", "群众满意度", "score", "survey"),
    InputSpec("survey.staff_respondents", "干部职工测评人数", "count", "survey"),
    InputSpec("survey.staff_score", "干部职工满意度", "score", "survey"),
    InputSpec("reports.flags_open", "报表未解决的标记值", "count", "reports"),
    InputSpec("reports.flags_total", "报表标记值", "count", "reports"),
    InputSpec("reports.submitted_rate", "报表报送率", "rate", "reports"),
    InputSpec("reports.on_time_rate", "报表按时报送率", "rate", "reports"),
    InputSpec("findings.total", "督查发现问题数", "count", "supervision"),
    InputSpec("findings.open", "未整改问题数", "count", "supervision"),
    InputSpec("findings.overdue", "逾期未整改问题数", "count", "supervision"),
    InputSpec("findings.high_open", "未整改的严重问题数", "count", "supervision"),
    InputSpec("findings.rectified_on_time_rate", "问题按期整改率", "rate", "supervision"),
    InputSpec("checklists.completion_rate", "检查清单完成率", "rate", "supervision"),
    InputSpec("meetings.attendance_rate", "会议出席率", "rate", "supervision"),
)
BY_NAME: dict[str, InputSpec] = {spec.name: spec for spec in SPECS}
NAMES: frozenset[str] = frozenset(BY_NAME)
PLUGIN_PROVIDER = "plugins"
_PLUGIN_INPUTS: dict[str, tuple[str, AssessmentInput]] = {}
"""Inputs the installed plugins add (name → (plugin, input)), see `register`."""
GRADE_NAMES = frozenset({"acc", "econ", "perf", "sat"})
"""The names a grade condition reads: accountability, economic, performance, satisfaction."""


def _figures_provider(key: str, module: str) -> Provider:
    """A provider answered by another domain's `figures` module, when it is installed."""

    def _module() -> Any | None:
        try:
            return importlib.import_module(module)
        except ModuleNotFoundError:
            return None

    async def values(inputs: Inputs) -> Values:
        found = _module()
        if found is None:
            return {}
        figures: Values = await found.org_figures(
            session=inputs.session, year=inputs.year, org_ids=inputs.org_ids, today=inputs.today
        )
        names = {s.name for s in SPECS if s.provider == key}
        return {
            org: {name: float(v) for name, v in row.items() if name in names and v is not None}
            for org, row in figures.items()
        }

    async def records(inputs: Inputs, wanted: Mapping[int, Sequence[str]]) -> Records:
        found = _module()
        if found is None or not hasattr(found, "org_records"):
            return {}
        if hasattr(found, "org_records_many"):  # one pass for every organisation
            many: Mapping[tuple[int, str], Sequence[Any]] = await found.org_records_many(
                session=inputs.session, year=inputs.year, wanted=wanted, today=inputs.today
            )
            return {key: list(refs) for key, refs in many.items()}
        out: Records = {}
        for org_id, names in wanted.items():
            for name in names:
                out[(org_id, name)] = list(
                    await found.org_records(
                        session=inputs.session,
                        year=inputs.year,
                        org_id=org_id,
                        name=name,
                        today=inputs.today,
                    )
                )
        return out

    return Provider(key, values, records)


def register(plugin: str, item: AssessmentInput) -> None:
    """Add a plugin's input (its `dutygraph_assessment_inputs`); ValueError when the name is
    not `<plugin>.<name>` or is another's."""
    global NAMES
    if not item.name.startswith(f"{plugin}.") or item.name.count(".") != 1:
        raise ValueError(f"assessment input {item.name!r} must be named {plugin}.<name>")
    owner = _PLUGIN_INPUTS.get(item.name, (None,))[0]
    if item.name in BY_NAME and owner != plugin:
        raise ValueError(f"assessment input {item.name!r} is already defined by {owner or 'core'}")
    BY_NAME[item.name] = InputSpec(item.name, item.label, item.unit, PLUGIN_PROVIDER)
    _PLUGIN_INPUTS[item.name] = (plugin, item)
    NAMES = frozenset(BY_NAME)


async def _plugin_values(inputs: Inputs) -> Values:
    merged: Values = {}
    for _plugin, item in _PLUGIN_INPUTS.values():
        found = await item.values(inputs.session, inputs.year, inputs.org_ids)
        for org_id, value in found.items():
            merged.setdefault(org_id, {})[item.name] = float(value)
    return merged


async def _no_records(inputs: Inputs, wanted: Mapping[int, Sequence[str]]) -> Records:
    return {}


def providers() -> dict[str, Provider]:
    """Every provider by key (imported here so that the registry has no import cycle)."""
    from core.assessment import survey_inputs, task_inputs

    return {
        "tasks": Provider("tasks", task_inputs.values, task_inputs.records),
        "survey": Provider("survey", survey_inputs.values, survey_inputs.records),
        "reports": _figures_provider("reports", "core.reports.figures"),
        "supervision": _figures_provider("supervision", "core.supervision.figures"),
        PLUGIN_PROVIDER: Provider(PLUGIN_PROVIDER, _plugin_values, _no_records),
    }


async def gather(inputs: Inputs, names: set[str]) -> Values:
    """The values of the given names for the organisations (only the providers needed)."""
    keys = sorted({BY_NAME[name].provider for name in names if name in BY_NAME})
    merged: Values = {}
    wanted = set(inputs.org_ids)
    for key in keys:
        for org_id, row in (await providers()[key].values(inputs)).items():
            if org_id in wanted:
                merged.setdefault(org_id, {}).update(
                    {name: value for name, value in row.items() if name in names}
                )
    return merged


async def records(inputs: Inputs, wanted: Mapping[int, set[str]]) -> Records:
    """The records behind the named values of each organisation (where a provider has them)."""
    by_provider: dict[str, dict[int, list[str]]] = {}
    for org_id, names in wanted.items():
        for name in sorted(names):
            if name in BY_NAME:
                by_provider.setdefault(BY_NAME[name].provider, {}).setdefault(org_id, []).append(
                    name
                )
    out: Records = {}
    for key, asked in sorted(by_provider.items()):
        out.update(await providers()[key].records(inputs, asked))
    return out
