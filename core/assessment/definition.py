"""A scheme as the computation reads it: sections, items (compiled), grades, categories."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.assessment import inputs
from core.assessment.models import (
    AssessmentGrade,
    AssessmentItem,
    AssessmentScheme,
    AssessmentSection,
    AssessmentTarget,
)
from core.expressions import Expression, compile_expression
from core.orgs.models import OrgCategory


@dataclass(frozen=True)
class SectionDef:
    id: int
    code: str
    title: str
    weight: float
    method: str
    max_points: float | None
    satisfaction: bool
    departments: tuple[str, ...]


@dataclass(frozen=True)
class ItemDef:
    id: int
    code: str
    title: str
    section: str
    max_score: float
    weight: float
    expression: Expression | None
    department: str
    category_ids: frozenset[int]  # empty: every category of the scheme
    basis: str

    def applies_to(self, category_id: int) -> bool:
        """Whether the item is scored for an organisation of the category."""
        return not self.category_ids or category_id in self.category_ids


@dataclass(frozen=True)
class GradeDef:
    grade: str
    condition: Expression


@dataclass(frozen=True)
class SchemeDef:
    id: int
    code: str
    year: int
    title: str
    sections: tuple[SectionDef, ...]
    items: tuple[ItemDef, ...]
    grades: tuple[GradeDef, ...]
    grade_default: str
    category_ids: tuple[int, ...]
    category_names: dict[int, str]

    def names(self) -> set[str]:
        """Every input name the items read."""
        return {n for item in self.items if item.expression for n in item.expression.names}


async def load(session: AsyncSession, scheme: AssessmentScheme) -> SchemeDef:
    """The live (not retired) definition of a scheme."""
    sections = [
        SectionDef(
            s.id,
            s.code,
            s.title,
            s.weight,
            s.method,
            s.max_points,
            s.satisfaction,
            tuple(d for d in s.departments.split(",") if d),
        )
        for s in await session.scalars(
            select(AssessmentSection)
            .where(AssessmentSection.scheme_id == scheme.id, AssessmentSection.retired_at.is_(None))
            .order_by(AssessmentSection.sort_order, AssessmentSection.id)
        )
    ]
    codes = {s.id: s.code for s in sections}
    categories = {
        code: (cid, name)
        for code, cid, name in await session.execute(
            select(OrgCategory.code, OrgCategory.id, OrgCategory.name)
        )
    }
    items = [
        ItemDef(
            i.id,
            i.code,
            i.title,
            codes[i.section_id],
            i.max_score,
            i.weight,
            None if i.expression is None else compile_expression(i.expression, names=inputs.NAMES),
            i.department,
            frozenset(categories[c][0] for c in i.categories.split(",") if c in categories),
            i.basis,
        )
        for i in await session.scalars(
            select(AssessmentItem)
            .where(AssessmentItem.scheme_id == scheme.id, AssessmentItem.retired_at.is_(None))
            .order_by(AssessmentItem.section_id, AssessmentItem.sort_order, AssessmentItem.id)
        )
        if i.section_id in codes
    ]
    grades = [
        GradeDef(g.grade, compile_expression(g.condition, names=inputs.GRADE_NAMES))
        for g in await session.scalars(
            select(AssessmentGrade)
            .where(AssessmentGrade.scheme_id == scheme.id)
            .order_by(AssessmentGrade.position)
        )
    ]
    targets = sorted(
        await session.scalars(
            select(AssessmentTarget.category_id).where(
                AssessmentTarget.scheme_id == scheme.id, AssessmentTarget.retired_at.is_(None)
            )
        )
    )
    return SchemeDef(
        scheme.id,
        scheme.code,
        scheme.year,
        scheme.title,
        tuple(sections),
        tuple(items),
        tuple(grades),
        scheme.grade_default,
        tuple(targets),
        {cid: name for cid, name in categories.values()},
    )
