"""GraphQL types of the assessment: schemes as defined, results as computed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import strawberry
from sqlalchemy import select
from strawberry import Parent

from core.assessment import reads
from core.assessment.loaders import ItemsBySectionIdLoader
from core.assessment.models import (
    AssessmentGrade,
    AssessmentItem,
    AssessmentScheme,
    AssessmentSection,
    AssessmentTarget,
)
from core.graphql.context import Info
from core.orgs.models import OrgCategory
from core.orgs.types import CategoryT, OrganizationT


@strawberry.type(name="AssessmentItem", description="A scored item of a scheme section.")
class ItemType:
    code: str
    title: str
    max_score: float
    weight: float = strawberry.field(description="Its weight in the section's weighted average.")
    source: str = strawberry.field(description="RECORDS (a CEL expression) or ENTERED.")
    expression: str | None = strawberry.field(description="CEL over named inputs.")
    department: str = strawberry.field(description="The department that assesses it.")
    basis: str

    @strawberry.field(description="Category codes it applies to (empty: every category).")
    def categories(self, root: Parent[AssessmentItem]) -> list[str]:
        return [c for c in root.categories.split(",") if c]


@strawberry.type(name="AssessmentSection", description="A weighted area of a scheme.")
class SectionType:
    code: str
    title: str
    weight: float = strawberry.field(description="Out of the scheme's 100.")
    method: str = strawberry.field(description="WEIGHTED, SUM or ROLLUP (tree roll-up).")
    satisfaction: bool = strawberry.field(description="The satisfaction part (满意度).")

    @strawberry.field(description="Departments that assess it in the combined visit.")
    def departments(self, root: Parent[AssessmentSection]) -> list[str]:
        return root.departments.split(",")

    @strawberry.field
    async def items(self, root: Parent[AssessmentSection], info: Info) -> list[ItemType]:
        return await info.context.loader(ItemsBySectionIdLoader).load(root.id)  # type: ignore[return-value]


@strawberry.type(name="GradeRule", description="One row of the grade matrix (first match wins).")
class GradeType:
    grade: str
    condition: str = strawberry.field(description="CEL over acc, econ, perf and sat.")


@strawberry.type(name="AssessmentScheme", description="An annual assessment scheme (考核方案).")
class SchemeType:
    code: str
    year: int
    title: str
    method: str
    status: str = strawberry.field(description="DRAFT, or PUBLISHED (locked).")
    version: int = strawberry.field(description="Pass as `expectedVersion` to publish.")
    grade_default: str
    as_of: dt.date | None = strawberry.field(
        description="The date the results were computed as of."
    )
    computed_at: dt.datetime | None
    published_at: dt.datetime | None
    digest: str | None = strawberry.field(
        description="SHA-256 of the results (same data, same digest)."
    )

    @strawberry.field
    async def sections(self, root: Parent[AssessmentScheme], info: Info) -> list[SectionType]:
        async with info.context.sessions() as session:
            found = await session.scalars(
                select(AssessmentSection)
                .where(
                    AssessmentSection.scheme_id == root.id,
                    AssessmentSection.retired_at.is_(None),
                )
                .order_by(AssessmentSection.sort_order)
            )
            return list(found)  # type: ignore[arg-type]

    @strawberry.field(description="The grade matrix, in order; `gradeDefault` when none holds.")
    async def grades(self, root: Parent[AssessmentScheme], info: Info) -> list[GradeType]:
        async with info.context.sessions() as session:
            found = await session.scalars(
                select(AssessmentGrade)
                .where(AssessmentGrade.scheme_id == root.id)
                .order_by(AssessmentGrade.position)
            )
            return list(found)  # type: ignore[arg-type]

    @strawberry.field(description="The organisation categories it assesses.")
    async def categories(self, root: Parent[AssessmentScheme], info: Info) -> list[CategoryT]:
        from core.orgs.rows import CATEGORY_COLUMNS, CategoryRow

        rows = await info.context.rows(
            select(*CATEGORY_COLUMNS)
            .join(AssessmentTarget, AssessmentTarget.category_id == OrgCategory.id)
            .where(AssessmentTarget.scheme_id == root.id, AssessmentTarget.retired_at.is_(None))
            .order_by(OrgCategory.sort_order, OrgCategory.code)
        )
        return [CategoryRow._make(row) for row in rows]  # type: ignore[misc]


@strawberry.type(name="AssessmentRecord", description="A record an explanation names.")
class RecordType:
    kind: str = strawberry.field(description="task, visit, rating, finding, flag, …")
    id: str = strawberry.field(description="The record's global id.")
    label: str
    detail: str


@strawberry.type(name="AssessmentSectionScore", description="A section of a result.")
class SectionScore:
    code: str
    title: str
    weight: float
    score: float | None = strawberry.field(
        description="Its share of the 100 points (section scores add up to the "
        "accountability score); null when nothing in it applies (its weight is shared out)."
    )
    ratio: float | None = strawberry.field(description="0–1: how much of the section was earned.")


@strawberry.type(name="AssessmentItemScore", description="An item of a result.")
class ItemScore:
    code: str
    section: str
    title: str
    max_score: float
    score: float | None = strawberry.field(description="Null: not scored (see `reason`).")
    reason: str = strawberry.field(description="Why an item was not scored.")
    department: str
    records: list[RecordType] = strawberry.field(description="The records behind lost points.")

    @strawberry.field(description="Points below the maximum.")
    def lost(self) -> float:
        return 0.0 if self.score is None else round(self.max_score - self.score, 2)


def _sections(raw: str) -> list[SectionScore]:
    return [
        SectionScore(
            code=s["code"], title=s["title"], weight=s["weight"], score=s["score"], ratio=s["ratio"]
        )
        for s in orjson.loads(raw)
    ]


def _items(raw: str) -> list[ItemScore]:
    def one(i: dict[str, Any]) -> ItemScore:
        return ItemScore(
            code=i["code"],
            section=i["section"],
            title=i["title"],
            max_score=i["max"],
            score=i["score"],
            reason=i["why"],
            department=i["department"],
            records=[RecordType(**r) for r in i["records"]],
        )

    return [one(i) for i in orjson.loads(raw)]


@strawberry.type(
    name="AssessmentResult",
    description="An organisation's result in a scheme: both scores of the dual 100-point "
    "system, the grade they decide, the rank and the explanation.",
)
class ResultType:
    grade: str | None = strawberry.field(
        description="Decided by the grade matrix over both scores (null until both exist)."
    )

    @strawberry.field(description="Null when the organisation is outside your scope.")
    def organization(self, root: Parent[reads.ResultRow]) -> OrganizationT:
        return root.organization

    @strawberry.field(description="实绩: the performance sections only, 0–100.")
    def performance_score(self, root: Parent[reads.ResultRow]) -> float | None:
        return root.performance

    @strawberry.field(description="满意度: the satisfaction section, 0–100.")
    def satisfaction_score(self, root: Parent[reads.ResultRow]) -> float | None:
        return root.satisfaction

    @strawberry.field(description="党建责任得分 0–100: performance and satisfaction blended.")
    def accountability_score(self, root: Parent[reads.ResultRow]) -> float | None:
        return root.accountability

    @strawberry.field(description="经济社会发展实绩分 0–100, imported.")
    def economic_score(self, root: Parent[reads.ResultRow]) -> float | None:
        return root.economic

    @strawberry.field(
        description="Rank in its category (in a ranking with `withinCode`: within that "
        "subtree); ties share a rank."
    )
    def rank(self, root: Parent[reads.ResultRow]) -> int | None:
        return root.rank

    @strawberry.field(description="How many organisations of the category were ranked.")
    def ranked_count(self, root: Parent[reads.ResultRow]) -> int:
        return root.ranked

    @strawberry.field(description="Rank among its category in a visible subtree (by code).")
    async def rank_within(
        self, root: Parent[reads.ResultRow], info: Info, within_code: str
    ) -> int | None:
        principal = info.context.require_principal()
        async with info.context.engine.connect() as conn:
            return await reads.rank_within(
                conn=conn, principal=principal, found=root, within_code=within_code
            )

    @strawberry.field
    def sections(self, root: Parent[reads.ResultRow]) -> list[SectionScore]:
        return _sections(root.sections)

    @strawberry.field(description="Every item with its score, or why it was not scored.")
    async def items(self, root: Parent[reads.ResultRow], info: Info) -> list[ItemScore]:
        return _items(root.items if root.items is not None else (await _full(root, info))[0])

    @strawberry.field(
        description="zh-CN: which items lost how many points and why, naming the records."
    )
    async def explanation(self, root: Parent[reads.ResultRow], info: Info) -> str:
        if root.explanation is not None:
            return root.explanation
        return (await _full(root, info))[1]


async def _full(root: reads.ResultRow, info: Info) -> tuple[str, str]:
    from core.assessment.models import AssessmentResultDetail as R

    rows = await info.context.rows(
        select(R.items, R.explanation).where(
            R.scheme_id == root.scheme_id, R.organization_id == root.organization.id
        )
    )
    return (rows[0][0], rows[0][1]) if rows else ("[]", "")
