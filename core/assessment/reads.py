"""Reading results: one organisation's, and a category's ranking page (scoped, one statement).

A result is readable where the organisation is visible and either the scheme is published
or the principal holds `assessment.read` over the organisation (the office, the district
organisation departments and the assessors see draft results; everyone else sees them
once they are published).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, and_, func, nulls_last, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from core.assessment.models import AssessmentResult, AssessmentResultDetail, AssessmentScheme
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.orgs.models import Organization, OrgCategory
from core.orgs.rows import ORG_COLUMNS, OrgRow
from core.orgs.scope import manageable, visible, within
from core.orgs.service import get_by_code

R = AssessmentResult
D = AssessmentResultDetail
_DETAIL = and_(D.scheme_id == R.scheme_id, D.organization_id == R.organization_id)


class ResultRow(NamedTuple):
    scheme_id: int
    organization: OrgRow
    category_id: int
    performance: float | None
    satisfaction: float | None
    accountability: float | None
    economic: float | None
    grade: str | None
    rank: int | None
    ranked: int
    sections: str
    items: str | None
    explanation: str | None


_SCORES = (
    R.scheme_id,
    R.category_id,
    R.performance,
    R.satisfaction,
    R.accountability,
    R.economic,
    R.grade,
)


def _row(row: Any, rank: int | None, full: bool) -> ResultRow:
    org = OrgRow._make(row[: len(ORG_COLUMNS)])
    rest = list(row[len(ORG_COLUMNS) :])
    scheme_id, category_id, performance, satisfaction, accountability, economic, grade = rest[:7]
    ranked, sections = rest[8], rest[9]
    items, text = (rest[10], rest[11]) if full else (None, None)
    return ResultRow(
        scheme_id=scheme_id,
        organization=org,
        category_id=category_id,
        performance=performance,
        satisfaction=satisfaction,
        accountability=accountability,
        economic=economic,
        grade=grade,
        rank=rank,
        ranked=ranked,
        sections=sections,
        items=items,
        explanation=text,
    )


def readable(principal: Principal, published: bool) -> ColumnElement[bool]:
    """Organisations whose results of a scheme the principal may read."""
    if published:
        return visible(principal)
    return and_(visible(principal), manageable(principal, Permission.ASSESSMENT_READ))


async def scheme_of(conn: AsyncConnection, code: str) -> tuple[int, bool] | None:
    """(id, published) of a scheme by code."""
    row = (
        await conn.execute(
            select(AssessmentScheme.id, AssessmentScheme.status).where(
                AssessmentScheme.code == code
            )
        )
    ).first()
    return None if row is None else (row[0], row[1] == "PUBLISHED")


async def result(
    *, conn: AsyncConnection, principal: Principal, scheme_code: str, org_code: str
) -> ResultRow | None:
    """One organisation's result (None when missing, unreadable or not computed)."""
    scheme = await scheme_of(conn, scheme_code)
    if scheme is None:
        return None
    stmt = (
        select(*ORG_COLUMNS, *_SCORES, R.rank, R.ranked, D.sections, D.items, D.explanation)
        .join(Organization, Organization.id == R.organization_id)
        .join(D, _DETAIL)
        .where(
            R.scheme_id == scheme[0],
            Organization.code == org_code,
            readable(principal, scheme[1]),
        )
    )
    row = (await conn.execute(stmt)).first()
    return None if row is None else _row(row, row.rank, full=True)


async def ranking(
    *,
    conn: AsyncConnection,
    principal: Principal,
    scheme_code: str,
    category_code: str,
    within_code: str | None,
    offset: int,
    limit: int,
) -> tuple[list[ResultRow], int]:
    """A page of a category's results by rank (within a visible subtree when given) and the
    total; ranks inside a subtree are recounted among its organisations (ties share)."""
    scheme = await scheme_of(conn, scheme_code)
    category = await conn.scalar(select(OrgCategory.id).where(OrgCategory.code == category_code))
    if scheme is None or category is None:
        return [], 0
    conditions = [
        R.scheme_id == scheme[0],
        R.category_id == category,
        readable(principal, scheme[1]),
    ]
    if within_code is not None:
        root = await get_by_code(conn=conn, principal=principal, code=within_code)
        if root is None:
            return [], 0
        conditions.append(within(root.id))
    if principal.everything and within_code is None:  # every result: stored with each row
        total = await conn.scalar(
            select(R.category_total)
            .where(R.scheme_id == scheme[0], R.category_id == category)
            .limit(1)
        )
    else:
        base = select(R.organization_id).join(Organization, Organization.id == R.organization_id)
        total = await conn.scalar(
            select(func.count()).select_from(base.where(*conditions).subquery())
        )
    if within_code is None:
        rank: Any = R.rank
        order: tuple[Any, ...] = (nulls_last(R.rank.asc()), Organization.code)
    else:
        rank = func.rank().over(order_by=nulls_last(R.accountability.desc()))
        order = (nulls_last(R.accountability.desc()), Organization.code)
    page_of = (
        select(*ORG_COLUMNS, *_SCORES, rank.label("shown_rank"), R.ranked)
        .join(Organization, Organization.id == R.organization_id)
        .where(*conditions, true())
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    # the details of the page's rows only (the window and the sort never touch them)
    stmt = (
        select(page_of, D.sections)
        .join(D, and_(D.scheme_id == page_of.c.scheme_id, D.organization_id == page_of.c.id))
        .order_by(*_page_order(page_of, within_code is None))
    )
    rows = []
    for row in await conn.execute(stmt):
        shown = None if row.accountability is None else row.shown_rank
        rows.append(_row(row, shown, full=False))
    return rows, total or 0


def _page_order(page_of: Any, by_rank: bool) -> tuple[Any, ...]:
    if by_rank:
        return (nulls_last(page_of.c.shown_rank.asc()), page_of.c.code)
    return (nulls_last(page_of.c.accountability.desc()), page_of.c.code)


async def rank_within(
    *, conn: AsyncConnection, principal: Principal, found: ResultRow, within_code: str
) -> int | None:
    """The result's rank among its category's results in a visible subtree (ties share)."""
    if found.accountability is None:
        return None
    root = await get_by_code(conn=conn, principal=principal, code=within_code)
    if root is None:
        return None
    inside = await conn.scalar(
        select(func.count())
        .select_from(R)
        .join(Organization, Organization.id == R.organization_id)
        .where(
            R.scheme_id == found.scheme_id,
            R.category_id == found.category_id,
            within(root.id),
            or_(
                R.organization_id == found.organization.id, R.accountability > found.accountability
            ),
        )
    )
    contains = await conn.scalar(
        select(func.count())
        .select_from(Organization)
        .where(Organization.id == found.organization.id, within(root.id))
    )
    return None if not contains else int(inside or 0)
