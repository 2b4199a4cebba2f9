"""Per-request DataLoaders of the organisation domain (one SQL statement per batch)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, select

from core.graphql.loaders import ContextLoader
from core.orgs.models import (
    Assignment,
    FrameworkRequirement,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
    SectorLead,
    StaffingFramework,
)
from core.orgs.rows import (
    ASSIGNMENT_COLUMNS,
    CATEGORY_COLUMNS,
    FRAMEWORK_COLUMNS,
    ORG_COLUMNS,
    PERSON_COLUMNS,
    POSITION_COLUMNS,
    SECTOR_COLUMNS,
    AssignmentRow,
    CategoryRow,
    FrameworkRow,
    OrgRow,
    PersonRow,
    PositionRow,
    SectorRow,
)
from core.orgs.scope import visible


class OrgByIdLoader(ContextLoader[int, OrgRow | None]):
    """Organisations by database id, limited to the principal's scope."""

    async def fetch(self, keys: list[int]) -> Sequence[OrgRow | None]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(*ORG_COLUMNS).where(Organization.id.in_(keys), visible(principal))
        )
        found = {row.id: OrgRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class OrgByCodeLoader(ContextLoader[str, OrgRow | None]):
    """Organisations by business code, limited to the principal's scope."""

    async def fetch(self, keys: list[str]) -> Sequence[OrgRow | None]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(*ORG_COLUMNS).where(Organization.code.in_(keys), visible(principal))
        )
        found = {row.code: OrgRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class AncestorsByOrgIdLoader(ContextLoader[int, list[OrgRow]]):
    """Visible ancestors of each organisation, root first (stops at the scope's edge)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[OrgRow]]:
        principal = self.ctx.require_principal()
        stmt = (
            select(OrgClosure.descendant_id, *ORG_COLUMNS)
            .join(Organization, Organization.id == OrgClosure.ancestor_id)
            .where(
                OrgClosure.descendant_id.in_(keys),
                OrgClosure.distance > 0,
                visible(principal),
            )
            .order_by(OrgClosure.descendant_id, OrgClosure.distance.desc())
        )
        grouped: dict[int, list[OrgRow]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            grouped[row[0]].append(OrgRow._make(tuple(row)[1:]))
        return [_contiguous(grouped.get(key, [])) for key in keys]


def _contiguous(chain: list[OrgRow]) -> list[OrgRow]:
    """Keep only the unbroken run of ancestors next to the organisation itself."""
    kept: list[OrgRow] = []
    for row in reversed(chain):
        if kept and kept[-1].parent_id != row.id:
            break
        kept.append(row)
    return list(reversed(kept))


ChildrenKey = tuple[int, int, int, str | None]
"""(parent id, offset, limit, category code or None for every category)."""


def _children_of(parents: list[int], category_code: str | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Organization.parent_id.in_(parents)]
    if category_code is not None:
        conditions.append(OrgCategory.code == category_code)
    return conditions


CHILD_ORDER = (OrgCategory.sort_order, Organization.code)
"""Children are listed by category (the catalogue's sort order), then by code."""


class ChildrenPageLoader(ContextLoader[ChildrenKey, list[OrgRow]]):
    """A page of visible children: key (parent id, offset, limit, category code or None),
    ordered by category (the catalogue's order), then code."""

    async def fetch(self, keys: list[ChildrenKey]) -> Sequence[list[OrgRow]]:
        principal = self.ctx.require_principal()
        by_window: dict[tuple[int, int, str | None], list[int]] = defaultdict(list)
        for parent_id, offset, limit, category in keys:
            by_window[(offset, limit, category)].append(parent_id)
        pages: dict[ChildrenKey, list[OrgRow]] = {}
        for (offset, limit, category), parents in by_window.items():
            rn = func.row_number().over(partition_by=Organization.parent_id, order_by=CHILD_ORDER)
            ranked = (
                select(*ORG_COLUMNS, rn.label("rn"))
                .join(OrgCategory, OrgCategory.id == Organization.category_id)
                .where(*_children_of(parents, category), visible(principal))
                .subquery()
            )
            stmt = (
                select(*(ranked.c[name] for name in OrgRow._fields))
                .where(ranked.c.rn > offset, ranked.c.rn <= offset + limit)
                .order_by(ranked.c.parent_id, ranked.c.rn)
            )
            grouped: dict[int, list[OrgRow]] = defaultdict(list)
            for row in await self.ctx.rows(stmt):
                org = OrgRow._make(row)
                grouped[org.parent_id or 0].append(org)
            for parent_id in parents:
                pages[(parent_id, offset, limit, category)] = grouped.get(parent_id, [])
        return [pages[key] for key in keys]


class ChildCountLoader(ContextLoader[tuple[int, str | None], int]):
    """How many visible children each organisation has: key (parent id, category code or
    None for every category)."""

    async def fetch(self, keys: list[tuple[int, str | None]]) -> Sequence[int]:
        principal = self.ctx.require_principal()
        counts: dict[tuple[int, str | None], int] = {}
        for category in {key[1] for key in keys}:
            parents = [parent for parent, cat in keys if cat == category]
            stmt = (
                select(Organization.parent_id, func.count())
                .join(OrgCategory, OrgCategory.id == Organization.category_id)
                .where(*_children_of(parents, category), visible(principal))
                .group_by(Organization.parent_id)
            )
            for parent_id, count in await self.ctx.rows(stmt):
                counts[(parent_id, category)] = count
        return [counts.get(key, 0) for key in keys]


class ChildCountByParentIdLoader(ContextLoader[int, int]):
    """How many visible children each organisation has."""

    async def fetch(self, keys: list[int]) -> Sequence[int]:
        counts = await self.ctx.loader(ChildCountLoader).load_many([(key, None) for key in keys])
        return list(counts)


class CategoryByIdLoader(ContextLoader[int, CategoryRow | None]):
    """Organisation categories by id."""

    async def fetch(self, keys: list[int]) -> Sequence[CategoryRow | None]:
        rows = await self.ctx.rows(select(*CATEGORY_COLUMNS).where(OrgCategory.id.in_(keys)))
        found = {row.id: CategoryRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class SectorByIdLoader(ContextLoader[int, SectorRow | None]):
    """Sectors by id."""

    async def fetch(self, keys: list[int]) -> Sequence[SectorRow | None]:
        rows = await self.ctx.rows(select(*SECTOR_COLUMNS).where(Sector.id.in_(keys)))
        found = {row.id: SectorRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class LeadDepartmentsBySectorIdLoader(ContextLoader[int, list[OrgRow]]):
    """A sector's lead departments that the principal may see, principal one first."""

    async def fetch(self, keys: list[int]) -> Sequence[list[OrgRow]]:
        principal = self.ctx.require_principal()
        rows = await self.ctx.rows(
            select(SectorLead.sector_id, *ORG_COLUMNS)
            .join(Organization, Organization.id == SectorLead.organization_id)
            .where(SectorLead.sector_id.in_(keys), visible(principal))
            .order_by(SectorLead.sector_id, SectorLead.sort_order, Organization.code)
        )
        found: dict[int, list[OrgRow]] = defaultdict(list)
        for row in rows:
            found[row[0]].append(OrgRow._make(row[1:]))
        return [found.get(key, []) for key in keys]


class PositionByIdLoader(ContextLoader[int, PositionRow | None]):
    """Positions by id."""

    async def fetch(self, keys: list[int]) -> Sequence[PositionRow | None]:
        rows = await self.ctx.rows(select(*POSITION_COLUMNS).where(Position.id.in_(keys)))
        found = {row.id: PositionRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class PersonByIdLoader(ContextLoader[int, PersonRow | None]):
    """People by id."""

    async def fetch(self, keys: list[int]) -> Sequence[PersonRow | None]:
        rows = await self.ctx.rows(select(*PERSON_COLUMNS).where(Person.id.in_(keys)))
        found = {row.id: PersonRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class FrameworkByIdLoader(ContextLoader[int, FrameworkRow | None]):
    """Staffing frameworks by id."""

    async def fetch(self, keys: list[int]) -> Sequence[FrameworkRow | None]:
        rows = await self.ctx.rows(select(*FRAMEWORK_COLUMNS).where(StaffingFramework.id.in_(keys)))
        found = {row.id: FrameworkRow._make(row) for row in rows}
        return [found.get(key) for key in keys]


class RequirementsByFrameworkIdLoader(ContextLoader[int, list[tuple[PositionRow, int]]]):
    """The required positions (with head counts) of each staffing framework."""

    async def fetch(self, keys: list[int]) -> Sequence[list[tuple[PositionRow, int]]]:
        stmt = (
            select(
                FrameworkRequirement.framework_id,
                FrameworkRequirement.required_count,
                *POSITION_COLUMNS,
            )
            .join(Position, Position.id == FrameworkRequirement.position_id)
            .where(FrameworkRequirement.framework_id.in_(keys))
            .order_by(Position.sort_order, Position.code)
        )
        grouped: dict[int, list[tuple[PositionRow, int]]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            grouped[row[0]].append((PositionRow._make(tuple(row)[2:]), row[1]))
        return [grouped.get(key, []) for key in keys]


class CurrentAssignmentsByPersonIdLoader(ContextLoader[int, list[AssignmentRow]]):
    """The assignments a person holds now (no end date)."""

    async def fetch(self, keys: list[int]) -> Sequence[list[AssignmentRow]]:
        stmt = (
            select(*ASSIGNMENT_COLUMNS)
            .where(Assignment.person_id.in_(keys), Assignment.until.is_(None))
            .order_by(Assignment.since, Assignment.id)
            .limit(100 * len(keys))
        )
        grouped: dict[int, list[AssignmentRow]] = defaultdict(list)
        for row in await self.ctx.rows(stmt):
            grouped[row.person_id].append(AssignmentRow._make(row))
        return [grouped.get(key, [])[:100] for key in keys]


def _current(today: Any) -> Any:
    return (Assignment.since <= today) & (Assignment.until.is_(None) | (Assignment.until > today))


class AssignmentsPageLoader(ContextLoader[tuple[int, bool, int, int], list[AssignmentRow]]):
    """A page of an organisation's assignments: key (org id, current only, offset, limit)."""

    async def fetch(self, keys: list[tuple[int, bool, int, int]]) -> Sequence[list[AssignmentRow]]:
        today = self.ctx.today()
        windows: dict[tuple[bool, int, int], list[int]] = defaultdict(list)
        for org_id, current, offset, limit in keys:
            windows[(current, offset, limit)].append(org_id)
        pages: dict[tuple[int, bool, int, int], list[AssignmentRow]] = {}
        for (current, offset, limit), orgs in windows.items():
            rn = func.row_number().over(
                partition_by=Assignment.organization_id,
                order_by=(Assignment.until.is_not(None), Assignment.since.desc(), Assignment.id),
            )
            conditions = [Assignment.organization_id.in_(orgs)]
            if current:
                conditions.append(_current(today))
            ranked = select(*ASSIGNMENT_COLUMNS, rn.label("rn")).where(*conditions).subquery()
            stmt = (
                select(*(ranked.c[name] for name in AssignmentRow._fields))
                .where(ranked.c.rn > offset, ranked.c.rn <= offset + limit)
                .order_by(ranked.c.organization_id, ranked.c.rn)
            )
            grouped: dict[int, list[AssignmentRow]] = defaultdict(list)
            for row in await self.ctx.rows(stmt):
                record = AssignmentRow._make(row)
                grouped[record.organization_id].append(record)
            for org_id in orgs:
                pages[(org_id, current, offset, limit)] = grouped.get(org_id, [])
        return [pages[key] for key in keys]


class AssignmentCountLoader(ContextLoader[tuple[int, bool], int]):
    """How many assignments (current only, or all) each organisation has."""

    async def fetch(self, keys: list[tuple[int, bool]]) -> Sequence[int]:
        today = self.ctx.today()
        counts: dict[tuple[int, bool], int] = {}
        for current in {key[1] for key in keys}:
            orgs = [org_id for org_id, cur in keys if cur == current]
            stmt = select(Assignment.organization_id, func.count()).where(
                Assignment.organization_id.in_(orgs)
            )
            if current:
                stmt = stmt.where(_current(today))
            for org_id, count in await self.ctx.rows(stmt.group_by(Assignment.organization_id)):
                counts[(org_id, current)] = count
        return [counts.get(key, 0) for key in keys]
