"""Report library files (YAML): indicators, a form, validation rules and rule templates.

Two kinds share one reader: `report_indicators` (indicators, optionally joining forms, with
their rules) and `report_form` (one form with its sections, reporters, phases and rules).
Every refusal names `file:line`. Expressions are compiled when the file is loaded, against
the indicators known then (core.reports.loading). The format is in docs/libraries.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from core.libraries.reader import (
    HEADER_KEYS,
    Fields,
    LibraryError,
    YamlReader,
    compose,
    header,
    line_of,
    read_text,
)
from core.reports.periods import PERIOD_TYPES, PHASES, PROGRESS, RESULT
from core.reports.rule_reader import AGGREGATIONS, RuleSpec, codes_of, phases_of, read_rule

KIND_INDICATORS, KIND_FORM = "report_indicators", "report_form"
VALUE_TYPES = ("NUMBER", "PERCENTAGE", "COUNT", "YES_NO")
NAMESPACES = frozenset({"value", "target", "ytd", "previous", "period"})
"""Names the rules read besides indicator codes; no indicator may be called so."""
PERIOD_NAMES = ("period.quarter", "period.index", "period.elapsed")
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
CEL_RESERVED = frozenset(
    {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let"}
    | {"loop", "package", "namespace", "return", "var", "void", "while", "in", "true"}
    | {"false", "null", "has", "size", "int", "uint", "double", "string", "bool", "type"}
)
MAX_INDICATORS = 200
INDICATOR_KEYS = frozenset(
    {"code", "name", "name_en", "unit", "value_type", "aggregation", "group", "categories"}
    | {"phases", "min", "max", "bounds", "description", "forms"}
)


@dataclass(frozen=True)
class IndicatorSpec:
    """One indicator as written."""

    code: str
    name: str
    name_en: str
    unit: str
    value_type: str
    aggregation: str
    group_code: str
    group_name: str
    categories: tuple[str, ...]
    phases: tuple[str, ...]
    min_value: float | None
    max_value: float | None
    bounds: dict[str, list[float]]
    description: str
    forms: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class FormSpec:
    """A report form as written; `sections` are (title, [(indicator code, line)])."""

    code: str
    title: str
    title_en: str
    period_type: str
    within_code: str | None
    reporter_categories: tuple[str, ...]
    phases: dict[str, dict[str, int]]
    min_group: int
    history_periods: int
    sections: tuple[tuple[str, tuple[tuple[str, int], ...]], ...]
    line: int


@dataclass(frozen=True)
class ReportLibraryFile:
    """A checked report library file."""

    path: str
    kind: str
    urn: str
    version: str
    title: str
    content_hash: str
    plugin: str | None
    indicators: tuple[IndicatorSpec, ...] = ()
    form: FormSpec | None = None
    rules: tuple[RuleSpec, ...] = field(default_factory=tuple)


def _bounds(reader: YamlReader, fields: Fields, what: str) -> dict[str, list[float]]:
    if "bounds" not in fields:
        return {}
    out: dict[str, list[float]] = {}
    node = fields["bounds"][1]
    for category, (key, value) in reader.mapping(node, f"{what} bounds").items():
        pair = reader.sequence(value, f"{what} bounds {category}")
        try:
            low, high = (float(item.value) for item in pair)  # type: ignore[attr-defined]
        except (ValueError, TypeError, AttributeError):
            raise reader.fail(value, f"{what}: bounds {category} 应为 [下限, 上限]") from None
        if not low <= high:
            raise reader.fail(value, f"{what}: bounds {category} 下限大于上限 (low > high)")
        out[category] = [low, high]
        del key
    return out


def _identifier(reader: YamlReader, fields: Fields, node: yaml.Node, what: str) -> str:
    code = reader.required(fields, "code", node, what, limit=60)
    if IDENTIFIER.match(code) is None or code in NAMESPACES or code in CEL_RESERVED:
        raise reader.fail(
            fields["code"][1],
            f"指标编码 {code!r} 应为小写字母开头的标识符（字母、数字、下划线），且不能是保留字 "
            "(indicator codes are CEL identifiers)",
        )
    return code


def _indicator(reader: YamlReader, node: yaml.Node, groups: dict[str, str]) -> IndicatorSpec:
    fields = reader.mapping(node, "指标 (indicator)")
    reader.unknown(fields, INDICATOR_KEYS)
    code = _identifier(reader, fields, node, "indicator")
    what = f"indicator {code!r}"
    value_type = reader.choice(fields, "value_type", node, what, VALUE_TYPES)
    group = reader.text(fields, "group", limit=40) or ""
    if group and group not in groups:
        raise reader.fail(fields["group"][1], f"{what}: 分组 {group!r} 未在 groups 中声明")
    low = reader.number(fields, "min")
    high = reader.number(fields, "max")
    if value_type == "PERCENTAGE":
        low, high = (0.0 if low is None else low), (100.0 if high is None else high)
    if value_type in ("COUNT", "YES_NO") and low is None:
        low = 0.0
    if low is not None and high is not None and low > high:
        raise reader.fail(node, f"{what}: min 大于 max")
    categories = codes_of(reader, fields, "categories", what)
    if not categories:
        raise reader.fail(node, f"{what} 缺少 categories (which organisations report it)")
    aggregation = reader.text(fields, "aggregation", limit=10) or "LAST"
    if aggregation not in AGGREGATIONS:
        raise reader.fail(fields["aggregation"][1], f"{what}: aggregation 应为 SUM 或 LAST")
    return IndicatorSpec(
        code=code,
        name=reader.required(fields, "name", node, what, limit=200),
        name_en=reader.text(fields, "name_en", limit=200) or "",
        unit=reader.text(fields, "unit", limit=20) or "",
        value_type=value_type,
        aggregation=aggregation,
        group_code=group,
        group_name=groups.get(group, ""),
        categories=categories,
        phases=phases_of(reader, fields, what, (PROGRESS, RESULT)),
        min_value=low,
        max_value=high,
        bounds=_bounds(reader, fields, what),
        description=reader.text(fields, "description", limit=2000) or "",
        forms=codes_of(reader, fields, "forms", what),
        line=line_of(node),
    )


def _phase_settings(reader: YamlReader, node: yaml.Node) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for phase, (key, value) in reader.mapping(node, "phases").items():
        if phase not in PHASES:
            raise reader.fail(key, f"阶段 {phase!r} 未知，可用 {', '.join(PHASES)}")
        settings = reader.mapping(value, f"phase {phase}")
        reader.unknown(settings, frozenset({"due_days", "grace_days", "close_days"}))
        out[phase] = {
            "due_days": reader.integer(settings, "due_days", low=0, high=366) or 0,
            "grace_days": reader.integer(settings, "grace_days", low=0, high=366) or 0,
            "close_days": reader.integer(settings, "close_days", low=0, high=3660) or 90,
        }
    if not out:
        raise reader.fail(node, "表单至少要有一个阶段 (a form needs a phase)")
    return out


def _form(reader: YamlReader, node: yaml.Node) -> FormSpec:
    fields = reader.mapping(node, "表单 (form)")
    reader.unknown(
        fields,
        frozenset({"code", "title", "title_en", "period_type", "reporters", "phases"})
        | {"sections", "outliers"},
    )
    code = reader.code(fields, "code", node, "form")
    what = f"form {code!r}"
    reporters = reader.mapping(fields["reporters"][1], "reporters") if "reporters" in fields else {}
    reader.unknown(reporters, frozenset({"within", "categories"}))
    outliers = reader.mapping(fields["outliers"][1], "outliers") if "outliers" in fields else {}
    reader.unknown(outliers, frozenset({"min_group", "history_periods"}))
    if "phases" not in fields or "sections" not in fields:
        raise reader.fail(node, f"{what} 需要 phases 和 sections")
    sections = []
    for item in reader.sequence(fields["sections"][1], "sections"):
        section = reader.mapping(item, "section")
        reader.unknown(section, frozenset({"title", "indicators"}))
        title = reader.required(section, "title", item, "section", limit=100)
        codes = (
            tuple(
                (entry.value, line_of(entry))
                for entry in reader.sequence(section["indicators"][1], "indicators")
                if isinstance(entry, yaml.ScalarNode)
            )
            if "indicators" in section
            else ()
        )
        sections.append((title, codes))
    return FormSpec(
        code=code,
        title=reader.required(fields, "title", node, what, limit=200),
        title_en=reader.text(fields, "title_en", limit=200) or "",
        period_type=reader.choice(fields, "period_type", node, what, PERIOD_TYPES),
        within_code=reader.text(reporters, "within", limit=40),
        reporter_categories=codes_of(reader, reporters, "categories", what),
        phases=_phase_settings(reader, fields["phases"][1]),
        min_group=reader.integer(outliers, "min_group", low=2, high=10_000) or 5,
        history_periods=reader.integer(outliers, "history_periods", low=1, high=120) or 12,
        sections=tuple(sections),
        line=line_of(node),
    )


def _groups(reader: YamlReader, fields: Fields) -> dict[str, str]:
    if "groups" not in fields:
        return {}
    out = {}
    for item in reader.sequence(fields["groups"][1], "groups"):
        group = reader.mapping(item, "group")
        reader.unknown(group, frozenset({"code", "title", "title_en"}))
        out[reader.code(group, "code", item, "group")] = reader.required(
            group, "title", item, "group", limit=100
        )
    return out


def _unique(reader: YamlReader, items: list[Any], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item.code in seen:
            raise LibraryError(
                reader.path, item.line, f"{what}编码 {item.code!r} 重复 (given twice)"
            )
        seen.add(item.code)


def parse(text: str, *, path: str) -> ReportLibraryFile:
    """A checked report library; LibraryError (`path:line: reason`) otherwise."""
    reader = YamlReader(path)
    root = compose(text, path=path)
    fields = reader.mapping(root, "库文件 (library)")
    kind = reader.text(fields, "kind", limit=40)
    sections = {"groups", "indicators", "rules", "templates"}
    reader.unknown(fields, HEADER_KEYS | sections | ({"form"} if kind == KIND_FORM else set()))
    head = header(reader, root, fields, text)
    groups = _groups(reader, fields)
    items = reader.sequence(fields["indicators"][1], "indicators") if "indicators" in fields else []
    if len(items) > MAX_INDICATORS:
        raise reader.fail(fields["indicators"][1], f"一个库最多 {MAX_INDICATORS} 个指标")
    indicators = [_indicator(reader, item, groups) for item in items]
    rules = [
        read_rule(reader, item, template=key == "templates")
        for key in ("rules", "templates")
        if key in fields
        for item in reader.sequence(fields[key][1], key)
    ]
    _unique(reader, indicators, "指标")
    _unique(reader, rules, "规则")
    form = None
    if kind == KIND_FORM:
        if "form" not in fields:
            raise reader.fail(root, "report_form 库缺少 form (the form)")
        form = _form(reader, fields["form"][1])
    return ReportLibraryFile(
        path=path,
        kind=kind or KIND_INDICATORS,
        urn=head.urn,
        version=head.version,
        title=head.title,
        content_hash=head.content_hash,
        plugin=head.plugin,
        indicators=tuple(indicators),
        form=form,
        rules=tuple(rules),
    )


def read(path: Path) -> ReportLibraryFile:
    """Read and check a report library file."""
    return parse(read_text(path), path=str(path))
