"""Where a write may put an organisation: the state after it, inside the writer's reach.

A write (create, recategorise, move) may only produce a placement (parent, category,
sector) that the writer could have produced inside its own reach, checked on the state after
the write:

- the category fits the level and the sector (`core.orgs.fit`), and so do the children of
  a recategorised organisation;
- an organisation of no sector lands in a subtree the writer holds;
- an organisation of a sector needs that sector among the writer's sectors, except that a
  subtree manager may move or recategorise one it already holds within its own subtree
  (the sector and the subtree's holders then stay as they were).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.fit import Kind, misfit
from core.orgs.models import Organization, OrgCategory, OrgClosure, Sector


async def kind_of(session: AsyncSession, category_id: int) -> Kind:
    """The category of an id as the fit rules see it."""
    row = (
        await session.execute(
            select(OrgCategory.code, OrgCategory.sector_id).where(OrgCategory.id == category_id)
        )
    ).one()
    return Kind(row.code, row.sector_id)


async def require_fit(
    session: AsyncSession,
    *,
    kind: Kind,
    parent: Organization | None,
    sector_id: int | None,
    field: str,
) -> None:
    """INVALID unless the category fits under the parent with the sector."""
    parent_code = None if parent is None else (await kind_of(session, parent.category_id)).code
    reason = misfit(kind, parent=parent_code, sector_id=sector_id)
    if reason is not None:
        raise ServiceError(ErrorCode.INVALID, reason, field)


async def require_children_fit(
    session: AsyncSession, *, org: Organization, kind: Kind, field: str
) -> None:
    """INVALID when a child of the organisation would not fit under its new category."""
    children = (
        await session.execute(
            select(OrgCategory.code, OrgCategory.sector_id, Organization.sector_id)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(Organization.parent_id == org.id)
            .distinct()
        )
    ).all()
    for code, category_sector, sector_id in children:
        reason = misfit(Kind(code, category_sector), parent=kind.code, sector_id=sector_id)
        if reason is not None:
            raise ServiceError(ErrorCode.INVALID, f"改变类别后下级组织不再适合：{reason}", field)


async def _in_subtrees(session: AsyncSession, org_id: int, roots: tuple[int, ...]) -> bool:
    if not roots:
        return False
    found = await session.execute(
        select(OrgClosure.descendant_id).where(
            OrgClosure.descendant_id == org_id, OrgClosure.ancestor_id.in_(roots)
        )
    )
    return found.first() is not None


async def _sector_code(session: AsyncSession, sector_id: int) -> str:
    return str((await session.execute(select(Sector.code).where(Sector.id == sector_id))).scalar())


async def require_reach(
    session: AsyncSession,
    principal: Principal,
    *,
    parent: Organization,
    sector_id: int | None,
    moving: Organization | None,
    field: str,
) -> None:
    """FORBIDDEN unless the placement after the write lies inside the writer's reach.

    `parent` is the parent after the write (already known to be manageable), `sector_id`
    the organisation's sector after it, `moving` the organisation before it (None on create).
    """
    everything, roots, sectors = principal.reach(Permission.ORGS_MANAGE)
    if everything:
        return
    parent_held = await _in_subtrees(session, parent.id, roots)
    if sector_id is None:
        if not parent_held:
            raise ServiceError(
                ErrorCode.FORBIDDEN,
                "不属于行业的组织只能设在本辖区内 (outside your subtree)",
                field,
            )
        return
    if sector_id in sectors:
        return
    stays = (
        moving is not None
        and moving.sector_id == sector_id
        and parent_held
        and await _in_subtrees(session, moving.id, roots)
    )
    if not stays:
        code = await _sector_code(session, sector_id)
        raise ServiceError(
            ErrorCode.FORBIDDEN, f"没有权限管理行业 {code} 的组织 (sector {code})", field
        )
