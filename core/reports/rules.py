"""Validation rules evaluated with CEL: DHIS2's operators, missing-value strategies, templates.

A rule compares a left and a right expression (`==, !=, >, >=, <, <=`) or checks that two
sides are filled together (COMPULSORY_PAIR) or never together (EXCLUSIVE_PAIR). A template
applies one rule to every indicator it selects, binding `value`, `target`, `ytd`,
`previous` to that indicator. Expressions are pure, so results are memoised per distinct
input tuple: a district's upload evaluates each distinct tuple once, not once per sheet.
"""

from __future__ import annotations

import math
import operator as op
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from core.expressions import Expression, ExpressionError, compile_expression
from core.reports.library import NAMESPACES, PERIOD_NAMES

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": op.eq,
    "!=": op.ne,
    ">": op.gt,
    ">=": op.ge,
    "<": op.lt,
    "<=": op.le,
}
PAIRS = ("COMPULSORY_PAIR", "EXCLUSIVE_PAIR")
_NAME = re.compile(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
TEMPLATE_NAMES = ("value", "target", "ytd", "previous", *PERIOD_NAMES)
PREFIXES = ("target", "ytd", "previous")


def allowed_names(codes: Iterable[str]) -> list[str]:
    """The names a hand-written rule may read: codes, `target.code`, `ytd.code`, …"""
    names = list(PERIOD_NAMES)
    for code in codes:
        names += [code, *(f"{prefix}.{code}" for prefix in PREFIXES)]
    return names


def compile_side(source: str, names: Iterable[str]) -> Expression:
    """A compiled side of a rule (ExpressionError names the problem and column)."""
    return compile_expression(source, names=list(names))


def indicator_of(name: str) -> str | None:
    """The indicator a context name reads (None for `period.*`)."""
    head, _, rest = name.partition(".")
    if head == "period":
        return None
    return rest if head in PREFIXES and rest else head


@dataclass(frozen=True)
class Rule:
    """A rule ready to evaluate; `bind` maps the expressions' names to context names."""

    code: str
    name: str
    operator: str
    importance: str
    missing: str
    phases: frozenset[str]
    indicator: str
    left: Expression
    right: Expression | None
    bind: Mapping[str, str]
    uses: frozenset[str]
    plain: frozenset[str]
    template: str | None = None
    left_names: tuple[str, ...] = ()
    right_names: tuple[str, ...] = ()
    needed: tuple[str, ...] = ()
    inputs: tuple[tuple[str, str], ...] = ()
    period_names: tuple[str, ...] = ()
    direct: tuple[tuple[str, Any] | None, tuple[str, Any] | None] = (None, None)

    def context_names(self, expression: Expression | None) -> list[str]:
        if expression is None:
            return []
        return [self.bind.get(name, name) for name in sorted(expression.names)]

    def prepared(self) -> Rule:
        """The rule with its context names worked out once (evaluation reads them per sheet)."""
        left = tuple(self.context_names(self.left))
        right = tuple(self.context_names(self.right))
        names = set(self.left.names) | (set(self.right.names) if self.right else set())
        return replace(
            self,
            left_names=left,
            right_names=right,
            needed=tuple(n for n in (*left, *right) if not n.startswith("period.")),
            inputs=tuple(sorted((name, self.bind.get(name, name)) for name in names)),
            period_names=tuple(n for n in (*left, *right) if n.startswith("period.")),
            direct=(self._direct(self.left), self._direct(self.right)),
        )

    def _direct(self, side: Expression | None) -> tuple[str, Any] | None:
        """A side that is one name or one number is read directly (same value as CEL's)."""
        if side is None:
            return None
        text = side.source.strip()
        if _NAME.fullmatch(text):
            return ("name", self.bind.get(text, text))
        if _NUMBER.fullmatch(text):
            return ("number", float(text))
        return None


@dataclass(frozen=True)
class Violation:
    """A rule a sheet breaks, with the value compared and the range it should be in."""

    rule_code: str
    indicator_code: str
    importance: str
    value: float | None
    expected_low: float | None
    expected_high: float | None


def hand_rule(
    *,
    code: str,
    name: str,
    left: str,
    operator: str,
    right: str,
    importance: str,
    missing: str,
    phases: Iterable[str],
    indicator: str | None,
    codes: Iterable[str],
) -> Rule:
    """A hand-written rule over indicator codes; ExpressionError for a bad side."""
    names = allowed_names(codes)
    left_x = compile_side(left, names)
    right_x = compile_side(right, names) if right else None
    read = set(left_x.names) | (set(right_x.names) if right_x else set())
    uses = frozenset(i for i in (indicator_of(n) for n in read) if i is not None)
    first = next((indicator_of(n) for n in sorted(left_x.names) if indicator_of(n)), None)
    flag = indicator or first or next(iter(sorted(uses)), "")
    plain = frozenset(n for n in read if "." not in n)
    return Rule(
        code,
        name,
        operator,
        importance,
        missing,
        frozenset(phases),
        flag,
        left_x,
        right_x,
        {},
        uses,
        plain,
    ).prepared()


def template_rule(template: Rule, indicator: str, phases: Iterable[str]) -> Rule:
    """A template applied to one indicator."""
    bind = {"value": indicator, **{p: f"{p}.{indicator}" for p in PREFIXES}}
    read = set(template.left.names) | (set(template.right.names) if template.right else set())
    plain = frozenset({indicator} if "value" in read else set())
    return Rule(
        code=f"{template.code}:{indicator}",
        name=template.name,
        operator=template.operator,
        importance=template.importance,
        missing=template.missing,
        phases=frozenset(phases) & template.phases,
        indicator=indicator,
        left=template.left,
        right=template.right,
        bind=bind,
        uses=frozenset({indicator}),
        plain=plain,
        template=template.code,
    ).prepared()


def template(
    *,
    code: str,
    name: str,
    left: str,
    operator: str,
    right: str,
    importance: str,
    missing: str,
    phases: Iterable[str],
) -> Rule:
    """A template's compiled expressions (names: value, target, ytd, previous, period.*)."""
    left_x = compile_side(left, TEMPLATE_NAMES)
    right_x = compile_side(right, TEMPLATE_NAMES) if right else None
    return Rule(
        code,
        name,
        operator,
        importance,
        missing,
        frozenset(phases),
        "",
        left_x,
        right_x,
        {},
        frozenset(),
        frozenset(),
        code,
    )


@dataclass
class Evaluator:
    """Evaluates rules over sheet contexts, memoising each rule's results per input tuple."""

    memo: dict[tuple[Any, ...], tuple[Any, Any]] = field(default_factory=dict)
    evaluations: int = 0

    def check(self, rule: Rule, context: Mapping[str, float]) -> Violation | None:
        """The violation of one rule on one context (None: kept, or skipped)."""
        if rule.operator in PAIRS:
            left_has = any(n in context for n in rule.left_names if not n.startswith("period."))
            right_has = any(n in context for n in rule.right_names if not n.startswith("period."))
            broken = left_has != right_has if rule.operator == PAIRS[0] else left_has and right_has
            if not broken:
                return None
            value = context.get(rule.indicator)
            return Violation(rule.code, rule.indicator, rule.importance, value, None, None)
        values = tuple(context.get(n) for n in rule.needed)
        if None in values:
            if rule.missing == "SKIP_IF_ANY_VALUE_MISSING":
                return None
            if rule.missing == "SKIP_IF_ALL_VALUES_MISSING" and values.count(None) == len(values):
                return None
        left_direct, right_direct = rule.direct
        if left_direct is not None and (right_direct is not None or rule.right is None):
            right_value = _read(right_direct, context) if right_direct else None
            return self._judge(rule, _read(left_direct, context), right_value)
        key = (rule.code, values, tuple(context.get(n) for n in rule.period_names))
        found = self.memo.get(key)
        if found is None:
            self.evaluations += 1
            inputs = {name: context.get(source, 0.0) for name, source in rule.inputs}
            try:
                left = rule.left.evaluate(inputs)
                right = rule.right.evaluate(inputs) if rule.right is not None else None
            except ExpressionError:  # e.g. 0/0: no comparison can be made, nothing is flagged
                left = right = None
            found = self.memo[key] = (left, right)
        return self._judge(rule, *found)

    def _judge(self, rule: Rule, left: Any, right: Any) -> Violation | None:
        if left is None or right is None or COMPARE[rule.operator](left, right):
            return None
        low = right if rule.operator in (">", ">=", "==") else None
        high = right if rule.operator in ("<", "<=", "==") else None
        return Violation(
            rule.code, rule.indicator, rule.importance, _number(left), _number(low), _number(high)
        )


def _read(side: tuple[str, Any], context: Mapping[str, float]) -> float:
    kind, value = side
    return float(value) if kind == "number" else float(context.get(value, 0.0))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def is_namespace(code: str) -> bool:
    """True for the names rules reserve (value, target, ytd, previous, period)."""
    return code in NAMESPACES
