"""`survey.*`: public ratings (1–5) and staff surveys of each organisation for a year.

Public score = (mean rating − 1) ÷ 4 × 100, so 1 star is 0 and 5 stars are 100. Staff
score = (satisfied + 0.6 × basically satisfied) ÷ respondents × 100 (the usual weights of
满意 / 基本满意 / 不满意).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select, true

from core.assessment.inputs import Inputs, Records, Values
from core.assessment.models import ServiceRating, StaffSurvey
from core.graphql import ids
from core.records import RecordRef

BASICALLY = 0.6
LOWEST = 3
"""The lowest ratings named when an organisation lost points on public satisfaction."""


def public_score(mean: float) -> float:
    """A mean rating (1–5) as a score 0–100."""
    return round((mean - 1.0) / 4.0 * 100.0, 2)


def staff_score(satisfied: int, basically: int, dissatisfied: int) -> float | None:
    """A staff survey's score 0–100 (None without respondents)."""
    respondents = satisfied + basically + dissatisfied
    if respondents <= 0:
        return None
    return round((satisfied + BASICALLY * basically) / respondents * 100.0, 2)


async def values(inputs: Inputs) -> Values:
    """Public and staff satisfaction per organisation for the year."""
    out: Values = {}
    ratings = await inputs.session.execute(
        select(ServiceRating.organization_id, func.count(), func.avg(ServiceRating.score))
        .where(ServiceRating.period == str(inputs.year))
        .group_by(ServiceRating.organization_id)
    )
    for org_id, count, mean in ratings:
        out[int(org_id)] = {
            "survey.public_count": float(count),
            "survey.public_mean": round(float(mean), 4),
            "survey.public_score": public_score(float(mean)),
        }
    surveys = await inputs.session.execute(
        select(
            StaffSurvey.organization_id,
            StaffSurvey.satisfied,
            StaffSurvey.basically,
            StaffSurvey.dissatisfied,
        ).where(StaffSurvey.year == inputs.year)
    )
    for org_id, satisfied, basically, dissatisfied in surveys:
        score = staff_score(satisfied, basically, dissatisfied)
        if score is not None:
            out.setdefault(int(org_id), {}).update(
                {
                    "survey.staff_respondents": float(satisfied + basically + dissatisfied),
                    "survey.staff_score": score,
                }
            )
    return out


def _lowest(inputs: Inputs, org_ids: Sequence[int]) -> Any:
    order = func.row_number().over(
        partition_by=ServiceRating.organization_id,
        order_by=(ServiceRating.score, ServiceRating.id),
    )
    inner = (
        select(
            ServiceRating.organization_id,
            ServiceRating.id,
            ServiceRating.score,
            ServiceRating.comment,
            order.label("n"),
        )
        .where(
            ServiceRating.period == str(inputs.year),
            ServiceRating.organization_id.in_(org_ids),
            ServiceRating.score <= 3,
        )
        .subquery()
    )
    return select(inner).where(inner.c.n <= LOWEST, true())


async def records(inputs: Inputs, wanted: Mapping[int, Sequence[str]]) -> Records:
    """The lowest public ratings (3 stars or fewer) behind a lost public-satisfaction score."""
    org_ids = sorted(o for o, names in wanted.items() if "survey.public_score" in names)
    out: Records = {}
    for start in range(0, len(org_ids), 5000):
        rows = await inputs.session.execute(_lowest(inputs, org_ids[start : start + 5000]))
        for row in rows:
            comment = " ".join(row.comment.split())
            excerpt = (comment[:40] + "…") if len(comment) > 40 else comment
            out.setdefault((row.organization_id, "survey.public_score"), []).append(
                RecordRef(
                    "rating",
                    ids.encode("ServiceRating", row.id),
                    f"{row.score} 星评价",
                    f"群众评价：{excerpt}" if excerpt else "群众评价（无留言）",
                )
            )
    return out
