"""Computing a scheme's results for every organisation it assesses, set-based.

Inputs are gathered once per provider for the whole city, each organisation is scored in
Python (an expression's result cached per distinct input values), roll-up sections are
filled deepest level first, then grades, ranks per category and explanations; the results
replace the previous ones in one transaction with one audit event. The same data and
assessment date give byte-identical results (`digest`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import orjson
from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment import definition as definitions
from core.assessment import evaluate, explain, inputs, scoring
from core.assessment.evaluate import Entered, OrgOutcome
from core.assessment.library import DEPARTMENTS
from core.assessment.models import (
    AssessmentEntry,
    AssessmentResult,
    AssessmentResultDetail,
    AssessmentScheme,
    AssessmentVisit,
    EconomicScore,
)
from core.audit import service as audit
from core.db import utcnow
from core.graphql import ids
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization
from core.records import RecordRef

CHUNK = 2000


@dataclass(frozen=True)
class ComputeSummary:
    scheme: str
    as_of: dt.date
    organizations: int
    graded: int
    digest: str


@dataclass(frozen=True)
class _Org:
    id: int
    name: str
    category_id: int
    parent_id: int | None
    depth: int


async def scheme_by_code(
    session: AsyncSession, code: str, *, lock: bool = False
) -> AssessmentScheme:
    """A scheme by code; NOT_FOUND otherwise."""
    stmt = select(AssessmentScheme).where(AssessmentScheme.code == code)
    scheme = await session.scalar(stmt.with_for_update() if lock else stmt)
    if scheme is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"考核方案 {code} 不存在", "schemeCode")
    return scheme


async def _orgs(session: AsyncSession, category_ids: Sequence[int]) -> list[_Org]:
    rows = await session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.category_id,
            Organization.parent_id,
            Organization.depth,
        )
        .where(Organization.category_id.in_(category_ids))
        .order_by(Organization.id)
    )
    return [_Org(*row) for row in rows]


async def _entered(session: AsyncSession, scheme_id: int) -> dict[int, dict[int, Entered]]:
    rows = await session.execute(
        select(
            AssessmentVisit.organization_id,
            AssessmentEntry.item_id,
            AssessmentEntry.score,
            AssessmentEntry.department,
            AssessmentEntry.note,
            AssessmentVisit.id,
        )
        .join(AssessmentVisit, AssessmentVisit.id == AssessmentEntry.visit_id)
        .where(AssessmentVisit.scheme_id == scheme_id)
    )
    out: dict[int, dict[int, Entered]] = defaultdict(dict)
    for org_id, item_id, score, department, note, visit_id in rows:
        out[org_id][item_id] = Entered(score, department, note, visit_id)
    return out


def _rollups(
    scheme: definitions.SchemeDef, orgs: list[_Org], outcomes: dict[int, OrgOutcome]
) -> dict[int, list[str]]:
    """Fill ROLLUP sections deepest level first (children's performance ratios); notes."""
    notes: dict[int, list[str]] = defaultdict(list)
    rolled = [s.code for s in scheme.sections if s.method == scoring.ROLLUP]
    children: dict[int, list[_Org]] = defaultdict(list)
    for org in orgs:
        if org.parent_id is not None:
            children[org.parent_id].append(org)
    for org in sorted(orgs, key=lambda o: (-o.depth, o.id)):
        outcome = outcomes[org.id]
        for section in outcome.sections:
            if section.section.code not in rolled:
                continue
            kids = [(outcomes[c.id].performance, c) for c in children.get(org.id, [])]
            ratios = [None if p is None else p / 100.0 for p, _ in kids]
            section.ratio = scoring.rollup_ratio(ratios)
            if section.ratio is not None:
                low = sorted((p, c.name) for p, c in kids if p is not None)[:3]
                named = "、".join(f"{name} {explain.fmt(p)}" for p, name in low)
                notes[org.id].append(
                    f"板块「{section.section.title}」按下级 {len(ratios)} 个组织的实绩平均"
                    f"（{section.ratio * 100:.1f}%）计，最低：{named}。"
                )
        evaluate.finish(outcome)
    return notes


def _rank(outcomes: dict[int, OrgOutcome]) -> None:
    by_category: dict[int, list[OrgOutcome]] = defaultdict(list)
    for outcome in outcomes.values():
        by_category[outcome.category_id].append(outcome)
    for group in by_category.values():
        scores = [scoring.rounded(o.accountability) for o in group]
        ranks = scoring.competition_ranks(scores)
        ranked = sum(1 for r in ranks if r is not None)
        for outcome, rank in zip(group, ranks, strict=True):
            outcome.rank, outcome.ranked, outcome.category_total = rank, ranked, len(group)


def _wanted(outcomes: dict[int, OrgOutcome]) -> dict[int, set[str]]:
    wanted: dict[int, set[str]] = {}
    for org_id, outcome in outcomes.items():
        for item in outcome.items:
            if item.score is not None and item.lost > evaluate.LOST_EPSILON and item.values:
                wanted.setdefault(org_id, set()).update(item.values)
    return wanted


def _item_records(outcome: OrgOutcome, found: inputs.Records) -> dict[str, list[RecordRef]]:
    out: dict[str, list[RecordRef]] = {}
    for item in outcome.items:
        if item.score is None or item.lost <= evaluate.LOST_EPSILON:
            continue
        refs: list[RecordRef] = []
        if item.entered is not None:
            department = DEPARTMENTS.get(item.entered.department, item.entered.department)
            refs.append(
                RecordRef(
                    "visit",
                    ids.encode("AssessmentVisit", item.entered.visit_id),
                    f"{department}现场考核",
                    item.entered.note,
                )
            )
        for name in sorted(item.values):
            refs += [r for r in found.get((outcome.org_id, name), []) if r not in refs]
        out[item.item.code] = refs
    return out


def _row(
    scheme: definitions.SchemeDef,
    outcome: OrgOutcome,
    refs: dict[str, list[RecordRef]],
    text: str,
    now: dt.datetime,
) -> dict[str, Any]:
    sections = [
        {
            "code": s.section.code,
            "title": s.section.title,
            "weight": s.section.weight,
            "ratio": None if s.ratio is None else round(s.ratio, 6),
            "score": scoring.rounded(s.share),
        }
        for s in outcome.sections
    ]
    items = [
        {
            "code": i.item.code,
            "section": i.item.section,
            "title": i.item.title,
            "max": i.item.max_score,
            "score": scoring.rounded(i.score),
            "why": i.why,
            "department": i.entered.department if i.entered else i.item.department,
            "values": i.values,
            "records": [r.__dict__ for r in refs.get(i.item.code, [])],
        }
        for i in outcome.items
    ]
    return {
        "scheme_id": scheme.id,
        "organization_id": outcome.org_id,
        "sections": orjson.dumps(sections).decode(),
        "items": orjson.dumps(items).decode(),
        "explanation": text,
        "category_id": outcome.category_id,
        "performance": scoring.rounded(outcome.performance),
        "satisfaction": scoring.rounded(outcome.satisfaction),
        "accountability": scoring.rounded(outcome.accountability),
        "economic": outcome.economic,
        "grade": outcome.grade,
        "rank": outcome.rank,
        "ranked": outcome.ranked,
        "category_total": outcome.category_total,
        "computed_at": now,
    }


def _digest(rows: list[dict[str, Any]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        kept = {k: v for k, v in row.items() if k != "computed_at"}
        digest.update(orjson.dumps(kept, option=orjson.OPT_SORT_KEYS))
    return digest.hexdigest()


DETAIL = ("scheme_id", "organization_id", "sections", "items", "explanation")


async def _write(session: AsyncSession, scheme_id: int, rows: list[dict[str, Any]]) -> None:
    """Replace the scheme's results: the narrow scores and the details, in chunks."""
    for model in (AssessmentResultDetail, AssessmentResult):
        await session.execute(delete(model).where(model.scheme_id == scheme_id))
    results = cast(Table, AssessmentResult.__table__)
    details = cast(Table, AssessmentResultDetail.__table__)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        await session.execute(
            insert(results), [{k: v for k, v in r.items() if k not in DETAIL[2:]} for r in chunk]
        )
        await session.execute(insert(details), [{k: r[k] for k in DETAIL} for r in chunk])
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        # planner statistics for the ranking pages right after the bulk replace
        await session.execute(text("ANALYZE assessment_result"))


async def compute(
    *,
    session: AsyncSession,
    scheme_code: str,
    as_of: dt.date,
    today: dt.date,
    timezone: str,
    actor: str | None,
    actor_id: int | None = None,
) -> ComputeSummary:
    """Compute (or recompute) every result of a scheme as of a date. Refused once published."""
    scheme = await scheme_by_code(session, scheme_code, lock=True)
    if scheme.status == "PUBLISHED":
        raise ServiceError(ErrorCode.INVALID, f"方案 {scheme.code} 的结果已发布并锁定，不能重算")
    if as_of.year != scheme.year:
        raise ServiceError(ErrorCode.INVALID, f"考核日期应在 {scheme.year} 年内", "asOf")
    scheme_def = await definitions.load(session, scheme)
    orgs = await _orgs(session, scheme_def.category_ids)
    asked = inputs.Inputs(session, scheme.year, as_of, today, timezone, [o.id for o in orgs])
    values = await inputs.gather(asked, scheme_def.names())
    entered = await _entered(session, scheme.id)
    economic = dict(
        (
            await session.execute(
                select(EconomicScore.organization_id, EconomicScore.score).where(
                    EconomicScore.scheme_id == scheme.id
                )
            )
        ).all()
    )
    evaluator = evaluate.Evaluator(scheme_def)
    outcomes = {
        org.id: evaluator.organisation(
            org.id, org.category_id, values.get(org.id, {}), entered.get(org.id, {})
        )
        for org in orgs
    }
    notes = _rollups(scheme_def, orgs, outcomes)
    for outcome in outcomes.values():
        outcome.economic = economic.get(outcome.org_id)
        evaluate.grade(scheme_def, outcome)
    _rank(outcomes)
    found = await inputs.records(asked, _wanted(outcomes))
    now = utcnow()
    rows = []
    for org in orgs:
        outcome = outcomes[org.id]
        refs = _item_records(outcome, found)
        text = explain.explanation(scheme_def, outcome, refs)
        if notes.get(org.id):
            text += "\n" + "\n".join(notes[org.id])
        rows.append(_row(scheme_def, outcome, refs, text, now))
    digest = _digest(rows)
    await _write(session, scheme.id, rows)
    scheme.as_of, scheme.computed_at, scheme.digest = as_of, now, digest
    scheme.version += 1
    graded = sum(1 for o in outcomes.values() if o.grade is not None)
    await audit.append(
        session=session,
        actor_id=actor_id,
        actor_username=actor,
        action="assessment.compute",
        entity_type="AssessmentScheme",
        entity_id=scheme.code,
        changes={"as_of": as_of.isoformat(), "organizations": len(rows), "digest": digest},
    )
    return ComputeSummary(scheme.code, as_of, len(rows), graded, digest)
