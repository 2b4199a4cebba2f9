"""The zh-CN explanation of a result: which items lost how many points and why, by record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.assessment import inputs
from core.assessment.definition import SchemeDef
from core.assessment.evaluate import ItemOutcome, OrgOutcome
from core.assessment.library import DEPARTMENTS
from core.records import RecordRef

NAMED = 3
"""Records named per item."""


def fmt(value: float | None) -> str:
    """A score for people: two decimals, trailing zeros dropped."""
    return "—" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def value_text(name: str, value: float) -> str:
    """An input's value as people read it (rates as percentages)."""
    spec = inputs.BY_NAME.get(name)
    if spec is None:
        return f"{name} = {fmt(value)}"
    if spec.unit == "rate":
        return f"{spec.label} {value * 100:.1f}%"
    if spec.unit == "count":
        return f"{spec.label} {int(value)}"
    return f"{spec.label} {fmt(value)}"


def _weight_of(outcome: OrgOutcome, section: str) -> float:
    """How many total points one item point is worth in its section (for 'how to gain')."""
    for s in outcome.sections:
        if s.section.code == section and s.share is not None and s.ratio:
            return s.share / s.ratio
    return 0.0


def _item_line(
    index: int,
    outcome: OrgOutcome,
    item: ItemOutcome,
    refs: Sequence[RecordRef],
    weights: Mapping[str, float],
    titles: Mapping[str, str],
) -> str:
    spec = item.item
    head = (
        f"{index}. {titles.get(spec.section, spec.section)}·{spec.title}：得 {fmt(item.score)}"
        f"/{fmt(spec.max_score)}，失 {fmt(item.lost)} 分"
    )
    denominator = weights.get(spec.section, 0.0)
    scale = _weight_of(outcome, spec.section)
    if denominator > 0 and scale > 0:
        worth = item.lost / spec.max_score * spec.weight / denominator * scale
        head += f"（约合总分 {fmt(worth)} 分）"
    reasons: list[str] = []
    if item.entered is not None:
        department = DEPARTMENTS.get(item.entered.department, item.entered.department)
        reasons.append(f"{department}现场考核：{item.entered.note}")
    reasons += [value_text(name, value) for name, value in sorted(item.values.items())]
    text = head + ("。" + "；".join(reasons) if reasons else "")
    if refs:
        texts = list(dict.fromkeys(f"「{r.label}」{r.detail}" for r in refs))
        more = f" 等 {len(refs)} 项" if len(refs) > NAMED else ""
        text += f"。涉及：{'；'.join(texts[:NAMED])}{more}"
    return text + "。"


def explanation(
    definition: SchemeDef,
    outcome: OrgOutcome,
    records: Mapping[str, Sequence[RecordRef]],
) -> str:
    """The text stored with a result (deterministic for the same outcome and records)."""
    category = definition.category_names.get(outcome.category_id, "")
    lines = [
        f"{definition.title}（{definition.code}）：党建责任得分 {fmt(outcome.accountability)}"
        f"（实绩 {fmt(outcome.performance)}，满意度 {fmt(outcome.satisfaction)}），"
        f"经济社会发展实绩分 {fmt(outcome.economic)}。"
    ]
    if outcome.grade is None:
        lines.append("等次：待定（需党建责任得分和经济社会发展实绩分两项分数）。")
    elif outcome.grade_rule is None:
        lines.append(f"等次：{outcome.grade}（未满足更高等次条件，取默认等次）。")
    else:
        lines.append(f"等次：{outcome.grade}（满足条件 {outcome.grade_rule}）。")
    if outcome.rank is not None:
        lines.append(f"在{category}中排名第 {outcome.rank} 名（共 {outcome.ranked} 个）。")
    lost = sorted(
        (i for i in outcome.items if i.score is not None and i.lost > 0.005),
        key=lambda i: (-i.lost, i.item.code),
    )
    if lost:
        weights: dict[str, float] = {}
        for i in outcome.items:
            if i.score is not None:
                weights[i.item.section] = weights.get(i.item.section, 0.0) + i.item.weight
        titles = {s.section.code: s.section.title for s in outcome.sections}
        lines.append("失分项：")
        lines += [
            _item_line(n, outcome, item, records.get(item.item.code, ()), weights, titles)
            for n, item in enumerate(lost, start=1)
        ]
    else:
        lines.append("各计分项均得满分。")
    for section in outcome.sections:
        if section.ratio is None:
            lines.append(f"板块「{section.section.title}」无可计分项，其权重按比例分摊到其他板块。")
    unscored = [i for i in outcome.items if i.score is None]
    if unscored:
        listed = "；".join(f"{i.item.title}（{i.why}）" for i in unscored)
        lines.append(f"未计分项：{listed}。")
    return "\n".join(lines)
