"""Scoring one organisation against a scheme definition (no database: values are given)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from core.assessment import scoring
from core.assessment.definition import ItemDef, SchemeDef, SectionDef
from core.expressions import ExpressionError

LOST_EPSILON = 0.005


@dataclass(frozen=True)
class Entered:
    """An assessor's score of an item in the combined visit."""

    score: float
    department: str
    note: str
    visit_id: int


@dataclass
class ItemOutcome:
    item: ItemDef
    score: float | None
    why: str  # for an unscored item: why not
    values: dict[str, float] = field(default_factory=dict)
    entered: Entered | None = None

    @property
    def lost(self) -> float:
        """Points below the maximum (0 for an unscored item)."""
        return 0.0 if self.score is None else self.item.max_score - self.score


@dataclass
class SectionOutcome:
    section: SectionDef
    ratio: float | None
    share: float | None = None


@dataclass
class OrgOutcome:
    org_id: int
    category_id: int
    items: list[ItemOutcome]
    sections: list[SectionOutcome]
    performance: float | None = None
    satisfaction: float | None = None
    accountability: float | None = None
    economic: float | None = None
    grade: str | None = None
    grade_rule: str | None = None
    rank: int | None = None
    ranked: int = 0
    category_total: int = 0


class Evaluator:
    """Scores items, caching each expression's result per distinct input values."""

    def __init__(self, definition: SchemeDef) -> None:
        self.definition = definition
        self._cache: dict[tuple[str, tuple[float | None, ...]], float | None] = {}
        self._names = {
            item.code: tuple(sorted(item.expression.names)) if item.expression else ()
            for item in definition.items
        }
        self._plans: dict[int, list[tuple[SectionDef, list[ItemDef]]]] = {}

    def item(
        self, item: ItemDef, values: Mapping[str, float], entered: Entered | None
    ) -> ItemOutcome:
        """One item's outcome for an organisation's values (its category already checked)."""
        if item.expression is None:
            if entered is None:
                return ItemOutcome(item, None, "尚未现场考核评分")
            return ItemOutcome(item, scoring.clip(entered.score, item.max_score), "", {}, entered)
        names = self._names[item.code]
        found = tuple(values.get(n) for n in names)
        if None in found:
            missing = [n for n, v in zip(names, found, strict=True) if v is None]
            return ItemOutcome(item, None, f"缺少输入 {', '.join(missing)}")
        used = dict(zip(names, found, strict=True))
        key = (item.code, found)
        if key not in self._cache:
            self._cache[key] = _score(item, used)  # type: ignore[arg-type]
        score = self._cache[key]
        if score is None:
            return ItemOutcome(item, None, "表达式无结果", used)  # type: ignore[arg-type]
        return ItemOutcome(item, scoring.clip(score, item.max_score), "", used)  # type: ignore[arg-type]

    def _plan(self, category_id: int) -> list[tuple[SectionDef, list[ItemDef]]]:
        plan = self._plans.get(category_id)
        if plan is None:
            plan = self._plans[category_id] = [
                (
                    section,
                    [
                        item
                        for item in self.definition.items
                        if item.section == section.code and item.applies_to(category_id)
                    ],
                )
                for section in self.definition.sections
            ]
        return plan

    def organisation(
        self,
        org_id: int,
        category_id: int,
        values: Mapping[str, float],
        entered: Mapping[int, Entered],
    ) -> OrgOutcome:
        """Items and non-roll-up sections of one organisation (roll-ups come later)."""
        items: list[ItemOutcome] = []
        sections: list[SectionOutcome] = []
        for section, defs in self._plan(category_id):
            mine = [self.item(item, values, entered.get(item.id)) for item in defs]
            items += mine
            if section.method == scoring.ROLLUP:
                sections.append(SectionOutcome(section, None))
                continue
            scored = [scoring.Scored(o.item.weight, o.item.max_score, o.score) for o in mine]
            ratio = scoring.section_ratio(section.method, scored, section.max_points)
            sections.append(SectionOutcome(section, ratio))
        return OrgOutcome(org_id, category_id, items, sections)


def _score(item: ItemDef, used: Mapping[str, float]) -> float | None:
    assert item.expression is not None
    try:
        value = item.expression.evaluate(used)
    except ExpressionError:
        return None
    if isinstance(value, bool):
        return item.max_score if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


def finish(outcome: OrgOutcome) -> None:
    """Section shares, performance, satisfaction and accountability from the section ratios."""
    pairs = [(s.section.weight, s.ratio) for s in outcome.sections]
    total, shares = scoring.combine(pairs)
    for section, share in zip(outcome.sections, shares, strict=True):
        section.share = share
    performance = [
        (s.section.weight, s.ratio) for s in outcome.sections if not s.section.satisfaction
    ]
    outcome.performance = scoring.combine(performance)[0]
    satisfied = [s.ratio for s in outcome.sections if s.section.satisfaction]
    outcome.satisfaction = None if not satisfied or satisfied[0] is None else satisfied[0] * 100
    outcome.accountability = total


def grade(definition: SchemeDef, outcome: OrgOutcome) -> None:
    """The first grade condition that holds (or the default); none without both scores."""
    acc, econ = scoring.rounded(outcome.accountability), outcome.economic
    if acc is None or econ is None:
        outcome.grade, outcome.grade_rule = None, None
        return
    values = {
        "acc": acc,
        "econ": econ,
        "perf": scoring.rounded(outcome.performance) or 0.0,
        "sat": scoring.rounded(outcome.satisfaction) or 0.0,
    }
    for rule in definition.grades:
        try:
            matched = rule.condition.evaluate(values) is True
        except ExpressionError:
            matched = False
        if matched:
            outcome.grade, outcome.grade_rule = rule.grade, rule.condition.source
            return
    outcome.grade, outcome.grade_rule = definition.grade_default, None
