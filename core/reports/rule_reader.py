"""Validation rules and rule templates as written in a report library (the reader of
`core.reports.library`): operator, sides, importance, missing-value strategy, phases, and a
template's indicator selector. Every refusal names `file:line`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from core.libraries.reader import CODE, Fields, YamlReader, line_of
from core.reports.periods import PHASES, PROGRESS, RESULT, TARGET

AGGREGATIONS = ("SUM", "LAST")
OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "COMPULSORY_PAIR", "EXCLUSIVE_PAIR")
IMPORTANCE = ("HIGH", "MEDIUM", "LOW")
MISSING = ("SKIP_IF_ANY_VALUE_MISSING", "SKIP_IF_ALL_VALUES_MISSING", "NEVER_SKIP")
RULE_KEYS = frozenset(
    {"code", "name", "left", "operator", "right", "importance", "missing", "phases"}
    | {"indicator", "indicators"}
)


@dataclass(frozen=True)
class RuleSpec:
    """A rule (kind RULE) or a template (kind TEMPLATE, `selector` picks its indicators)."""

    code: str
    name: str
    kind: str
    left: str
    operator: str
    right: str
    importance: str
    missing: str
    phases: tuple[str, ...]
    indicator: str | None
    selector: dict[str, Any]
    line: int
    left_line: int
    right_line: int


def codes_of(reader: YamlReader, fields: Fields, key: str, what: str) -> tuple[str, ...]:
    if key not in fields:
        return ()
    out = []
    for node in reader.sequence(fields[key][1], f"{what} {key}"):
        if not isinstance(node, yaml.ScalarNode) or CODE.match(node.value) is None:
            raise reader.fail(node, f"{what}: {key} 中的编码无效 (bad code)")
        out.append(node.value)
    return tuple(out)


def phases_of(
    reader: YamlReader, fields: Fields, what: str, default: tuple[str, ...]
) -> tuple[str, ...]:
    found = codes_of(reader, fields, "phases", what)
    for phase in found:
        if phase not in PHASES:
            raise reader.fail(
                fields["phases"][1], f"{what}: 阶段 {phase!r} 未知，可用 {', '.join(PHASES)}"
            )
    return found or default


def _selector(reader: YamlReader, fields: Fields, what: str) -> dict[str, Any]:
    node = fields["indicators"][1]
    sel = reader.mapping(node, f"{what} indicators")
    reader.unknown(sel, frozenset({"groups", "value_types", "codes", "aggregation", "targeted"}))
    out: dict[str, Any] = {
        key: list(codes_of(reader, sel, key, what)) for key in ("groups", "value_types", "codes")
    }
    aggregation = reader.text(sel, "aggregation", limit=10)
    if aggregation is not None and aggregation not in AGGREGATIONS:
        raise reader.fail(sel["aggregation"][1], f"{what}: aggregation 应为 SUM 或 LAST")
    out["aggregation"] = aggregation
    out["targeted"] = reader.flag(sel, "targeted", default=False)
    return out


def read_rule(reader: YamlReader, node: yaml.Node, *, template: bool) -> RuleSpec:
    fields = reader.mapping(node, "模板 (template)" if template else "规则 (rule)")
    reader.unknown(fields, RULE_KEYS - ({"indicator"} if template else {"indicators"}))
    code = reader.code(fields, "code", node, "rule")
    what = f"{'template' if template else 'rule'} {code!r}"
    operator = reader.choice(fields, "operator", node, what, OPERATORS)
    left = reader.required(fields, "left", node, what, limit=2000)
    right = reader.text(fields, "right", limit=2000) or ""
    if not right and operator not in ("COMPULSORY_PAIR", "EXCLUSIVE_PAIR"):
        raise reader.fail(node, f"{what} 缺少 right (rule lacks right)")
    if template and "indicators" not in fields:
        raise reader.fail(node, f"{what} 缺少 indicators（模板适用的指标）")
    missing = reader.text(fields, "missing", limit=40) or "SKIP_IF_ANY_VALUE_MISSING"
    if missing not in MISSING:
        raise reader.fail(fields["missing"][1], f"{what}: missing 应为 {', '.join(MISSING)}")
    importance = reader.text(fields, "importance", limit=10) or "MEDIUM"
    if importance not in IMPORTANCE:
        raise reader.fail(fields["importance"][1], f"{what}: importance 应为 HIGH、MEDIUM 或 LOW")
    return RuleSpec(
        code=code,
        name=reader.required(fields, "name", node, what, limit=200),
        kind="TEMPLATE" if template else "RULE",
        left=left,
        operator=operator,
        right=right,
        importance=importance,
        missing=missing,
        phases=phases_of(reader, fields, what, (TARGET, PROGRESS, RESULT)),
        indicator=None if template else reader.text(fields, "indicator", limit=60),
        selector=_selector(reader, fields, what) if template else {},
        line=line_of(node),
        left_line=line_of(fields["left"][1]),
        right_line=line_of(fields["right"][1]) if "right" in fields else line_of(node),
    )
