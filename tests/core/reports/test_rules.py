"""Validation rules: DHIS2's eight operators, missing-value strategies, templates (CEL)."""

from __future__ import annotations

import pytest

from core.expressions import ExpressionError
from core.reports import rules
from core.reports.rules import Evaluator

CODES = [
    "members_total",
    "mobile_members",
    "fixed_days",
    "fixed_day_pct",
    "activists",
    "applicants",
]


def rule(
    left: str,
    operator: str,
    right: str = "",
    missing: str = "SKIP_IF_ANY_VALUE_MISSING",
    indicator: str | None = None,
) -> rules.Rule:
    return rules.hand_rule(
        code="R",
        name="r",
        left=left,
        operator=operator,
        right=right,
        importance="HIGH",
        missing=missing,
        phases=["PROGRESS"],
        indicator=indicator,
        codes=CODES,
    )


@pytest.mark.parametrize(
    ("operator", "left", "right", "broken"),
    [
        ("==", 3, 3, False),
        ("==", 3, 4, True),
        ("!=", 3, 3, True),
        (">", 4, 3, False),
        (">", 3, 3, True),
        (">=", 3, 3, False),
        ("<", 3, 3, True),
        ("<=", 2, 3, False),
    ],
)
def test_comparison_operators(operator: str, left: float, right: float, broken: bool) -> None:
    found = Evaluator().check(
        rule("activists", operator, "applicants"), {"activists": left, "applicants": right}
    )
    assert (found is not None) is broken


def test_violation_names_the_value_and_the_expected_range() -> None:
    found = Evaluator().check(
        rule("mobile_members", "<=", "members_total"),
        {"mobile_members": 60.0, "members_total": 50.0},
    )
    assert found is not None
    assert (found.indicator_code, found.value, found.expected_low, found.expected_high) == (
        "mobile_members",
        60.0,
        None,
        50.0,
    )
    low = Evaluator().check(rule("fixed_days", ">=", "3"), {"fixed_days": 2.0})
    assert low is not None and (low.expected_low, low.expected_high) == (3.0, None)


def test_missing_value_strategies() -> None:
    context = {"activists": 5.0}
    assert Evaluator().check(rule("activists", "<=", "applicants"), context) is None
    skip_all = rule("activists", "<=", "applicants", missing="SKIP_IF_ALL_VALUES_MISSING")
    assert Evaluator().check(skip_all, context) is not None  # applicants counts as 0
    assert Evaluator().check(skip_all, {}) is None
    never = rule("activists + applicants", ">=", "1", missing="NEVER_SKIP")
    assert Evaluator().check(never, {}) is not None


def test_compulsory_and_exclusive_pairs() -> None:
    pair = rule("fixed_days", "COMPULSORY_PAIR", "fixed_day_pct", indicator="fixed_day_pct")
    assert Evaluator().check(pair, {"fixed_days": 3.0, "fixed_day_pct": 90.0}) is None
    assert Evaluator().check(pair, {}) is None
    found = Evaluator().check(pair, {"fixed_days": 3.0})
    assert found is not None and found.indicator_code == "fixed_day_pct"
    exclusive = rule("fixed_days", "EXCLUSIVE_PAIR", "fixed_day_pct")
    assert Evaluator().check(exclusive, {"fixed_days": 3.0}) is None
    assert Evaluator().check(exclusive, {"fixed_days": 3.0, "fixed_day_pct": 1.0}) is not None


def test_a_template_applies_one_expression_to_each_indicator() -> None:
    template = rules.template(
        code="T-HALF",
        name="half",
        left="ytd",
        operator=">=",
        right="target * period.elapsed * 0.5",
        importance="MEDIUM",
        missing="SKIP_IF_ANY_VALUE_MISSING",
        phases=["PROGRESS"],
    )
    applied = rules.template_rule(template, "fixed_days", ["TARGET", "PROGRESS", "RESULT"])
    assert applied.code == "T-HALF:fixed_days" and applied.phases == frozenset({"PROGRESS"})
    engine = Evaluator()
    ok = {"ytd.fixed_days": 6.0, "target.fixed_days": 12.0, "period.elapsed": 0.5}
    assert engine.check(applied, ok) is None
    low = engine.check(applied, {**ok, "ytd.fixed_days": 2.0})
    assert low is not None and low.expected_low == 3.0 and low.value == 2.0
    assert (
        engine.check(applied, {"ytd.fixed_days": 2.0, "period.elapsed": 0.5}) is None
    )  # no target


def test_results_are_memoised_per_input_tuple() -> None:
    engine = Evaluator()
    checked = rule("activists * 2", "<=", "applicants + 1")
    for _ in range(100):
        engine.check(checked, {"activists": 2.0, "applicants": 5.0})
    assert engine.evaluations == 1
    direct = rule("activists", "<=", "applicants")  # one name a side: read, not evaluated
    assert engine.check(direct, {"activists": 6.0, "applicants": 5.0}) is not None
    assert engine.evaluations == 1


def test_unknown_names_and_bad_syntax_are_refused() -> None:
    with pytest.raises(ExpressionError, match="unknown input"):
        rule("no_such_indicator", "<=", "1")
    with pytest.raises(ExpressionError):
        rule("activists <=", "<=", "1")
