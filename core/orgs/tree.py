"""Changing the organisation tree: create, rename, recategorise, move a subtree.

The closure table is kept consistent in the same transaction; every change is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import service as audit
from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs import fit, placement
from core.orgs.models import Organization, OrgCategory, OrgClosure, Sector
from core.orgs.scope import manageable, visible
from core.versioning import update_versioned

MAX_NAME = 200


def _require(principal: Principal, permission: Permission) -> None:
    if not principal.can(permission):
        raise ServiceError(ErrorCode.FORBIDDEN, f"没有权限 {permission.value}")


async def _visible_org(
    session: AsyncSession, principal: Principal, org_id: int, field: str
) -> Organization:
    """A visible organisation that the principal may manage (`orgs.manage` reaches it)."""
    found = (
        await session.execute(
            select(Organization, manageable(principal, Permission.ORGS_MANAGE).label("may")).where(
                Organization.id == org_id, visible(principal)
            )
        )
    ).first()
    if found is None:
        raise ServiceError(
            ErrorCode.NOT_FOUND, "组织不存在或不可见 (organisation not found)", field
        )
    org: Organization = found[0]
    if not found[1]:
        raise ServiceError(ErrorCode.FORBIDDEN, f"没有权限 orgs.manage：{org.name}", field)
    return org


async def _category_id(session: AsyncSession, code: str, field: str) -> int:
    found = (await session.execute(select(OrgCategory.id).where(OrgCategory.code == code))).scalar()
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"组织类别不存在: {code}", field)
    return found


def _clean_name(name: str, field: str = "name") -> str:
    cleaned = name.strip()
    if not cleaned:
        raise ServiceError(ErrorCode.REQUIRED, "名称不能为空 (name is required)", field)
    if len(cleaned) > MAX_NAME:
        raise ServiceError(ErrorCode.INVALID, f"名称不能超过 {MAX_NAME} 个字符", field)
    return cleaned


async def create(
    *,
    session: AsyncSession,
    principal: Principal,
    code: str,
    name: str,
    category_code: str,
    parent_id: int,
    sector_code: str | None = None,
) -> Organization:
    """Add an organisation under a visible parent, with its closure rows.

    The sector is the one given, else the category's, else (for a category outside the
    tree's levels) the parent's; the placement must fit and lie inside the caller's reach.
    """
    _require(principal, Permission.ORGS_MANAGE)
    code = code.strip()
    if not code or len(code) > 40:
        raise ServiceError(ErrorCode.INVALID, "编码必须为 1 到 40 个字符", "code")
    cleaned = _clean_name(name)
    parent = await _visible_org(session, principal, parent_id, "parentCode")
    exists = (
        await session.execute(select(Organization.id).where(Organization.code == code))
    ).scalar()
    if exists is not None:
        raise ServiceError(ErrorCode.DUPLICATE, f"编码已存在: {code}", "code")
    category_id = await _category_id(session, category_code, "categoryCode")
    kind = await placement.kind_of(session, category_id)
    sector_id = await _sector_id(session, sector_code)
    if sector_id is None and sector_code is None:
        sector_id = kind.sector_id
        if sector_id is None and not fit.is_level(kind.code):
            sector_id = parent.sector_id
    field = "sectorCode" if sector_code is not None else "categoryCode"
    await placement.require_fit(session, kind=kind, parent=parent, sector_id=sector_id, field=field)
    await placement.require_reach(
        session, principal, parent=parent, sector_id=sector_id, moving=None, field=field
    )
    org = Organization(
        code=code,
        name=cleaned,
        category_id=category_id,
        sector_id=sector_id,
        parent_id=parent.id,
        depth=parent.depth + 1,
        version=1,
    )
    session.add(org)
    await session.flush()
    await session.execute(
        insert(OrgClosure).from_select(
            ["ancestor_id", "descendant_id", "distance"],
            select(OrgClosure.ancestor_id, literal(org.id), OrgClosure.distance + 1).where(
                OrgClosure.descendant_id == parent.id
            ),
        )
    )
    session.add(OrgClosure(ancestor_id=org.id, descendant_id=org.id, distance=0))
    await _audit(
        session,
        principal,
        "organization.create",
        org.id,
        {
            "code": [None, code],
            "name": [None, org.name],
            "category_id": [None, category_id],
            "category": [None, kind.code],
            "sector_id": [None, sector_id],
            "sector": [None, await _sector_code(session, sector_id)],
            "parent_id": [None, parent.id],
            "parent": [None, parent.code],
        },
    )
    return org


async def _sector_id(session: AsyncSession, sector_code: str | None) -> int | None:
    if sector_code is None:
        return None
    found = (await session.execute(select(Sector.id).where(Sector.code == sector_code))).scalar()
    if found is None:
        raise ServiceError(ErrorCode.NOT_FOUND, f"行业不存在: {sector_code}", "sectorCode")
    return found


async def _sector_code(session: AsyncSession, sector_id: int | None) -> str | None:
    if sector_id is None:
        return None
    return (await session.execute(select(Sector.code).where(Sector.id == sector_id))).scalar()


async def _move(session: AsyncSession, org: Organization, new_parent: Organization) -> None:
    """Re-hang a subtree: drop links to old ancestors, link to the new ones, fix depths."""
    subtree = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == org.id)
    if (await session.execute(subtree.where(OrgClosure.descendant_id == new_parent.id))).first():
        raise ServiceError(ErrorCode.INVALID, "不能把组织移到它自己的下级之下", "parentId")
    from core.calendar import tally  # the calendar's subtree counts follow the move

    await tally.detach(session, org.id)
    old_ancestors = select(OrgClosure.ancestor_id).where(
        OrgClosure.descendant_id == org.id, OrgClosure.distance > 0
    )
    await session.execute(
        delete(OrgClosure).where(
            OrgClosure.descendant_id.in_(subtree.scalar_subquery()),
            OrgClosure.ancestor_id.in_(old_ancestors.scalar_subquery()),
        )
    )
    above = (
        select(OrgClosure.ancestor_id, OrgClosure.distance)
        .where(OrgClosure.descendant_id == new_parent.id)
        .subquery()
    )
    below = (
        select(OrgClosure.descendant_id, OrgClosure.distance)
        .where(OrgClosure.ancestor_id == org.id)
        .subquery()
    )
    await session.execute(
        insert(OrgClosure).from_select(
            ["ancestor_id", "descendant_id", "distance"],
            select(
                above.c.ancestor_id, below.c.descendant_id, above.c.distance + below.c.distance + 1
            )
            .select_from(above)
            .join(below, true()),  # every new ancestor x every node of the moved subtree
        )
    )
    delta = new_parent.depth + 1 - org.depth
    if delta:
        await session.execute(
            update(Organization)
            .where(Organization.id.in_(subtree.scalar_subquery()))
            .values(depth=Organization.depth + delta)
            .execution_options(synchronize_session=False)
        )
    await tally.attach(session, org.id)


async def update_org(
    *,
    session: AsyncSession,
    principal: Principal,
    org_id: int,
    expected_version: int,
    name: str | None = None,
    category_code: str | None = None,
    parent_id: int | None = None,
) -> Organization:
    """Rename, recategorise or move a visible organisation; CONFLICT on a stale version.

    A new category or parent must fit and lie inside the caller's reach; an update that
    changes nothing changes nothing (no new version, no audit event).
    """
    _require(principal, Permission.ORGS_MANAGE)
    org = await _visible_org(session, principal, org_id, "id")
    values: dict[str, Any] = {}
    changes: dict[str, list[Any]] = {}
    if name is not None and _clean_name(name) != org.name:
        values["name"] = _clean_name(name)
        changes["name"] = [org.name, values["name"]]
    kind = None
    if category_code is not None:
        category_id = await _category_id(session, category_code, "categoryCode")
        if category_id != org.category_id:
            kind = await placement.kind_of(session, category_id)
            values["category_id"] = category_id
            changes["category_id"] = [org.category_id, category_id]
    new_parent = None
    if parent_id is not None and parent_id != org.parent_id:
        new_parent = await _visible_org(session, principal, parent_id, "parentId")
        values["parent_id"] = new_parent.id
        changes["parent_id"] = [org.parent_id, new_parent.id]
    if kind is not None or new_parent is not None:
        await _require_placement(session, principal, org, kind, new_parent)
    if not values:
        await _require_version(session, org, expected_version)
        return org
    await update_versioned(
        session=session,
        model=Organization,
        id=org.id,
        expected_version=expected_version,
        values=values,
    )
    if new_parent is not None:
        await _move(session, org, new_parent)
    await session.refresh(org)
    await _audit(session, principal, "organization.update", org.id, changes)
    return org


async def _require_placement(
    session: AsyncSession,
    principal: Principal,
    org: Organization,
    kind: fit.Kind | None,
    new_parent: Organization | None,
) -> None:
    """The new category and/or parent fit, and the result stays inside the caller's reach."""
    field = "parentId" if new_parent is not None else "categoryCode"
    parent = new_parent
    if parent is None and org.parent_id is not None:
        parent = await session.get(Organization, org.parent_id)
    if kind is None:
        kind = await placement.kind_of(session, org.category_id)
    else:
        await placement.require_children_fit(session, org=org, kind=kind, field="categoryCode")
    await placement.require_fit(
        session, kind=kind, parent=parent, sector_id=org.sector_id, field=field
    )
    if parent is None:  # the root keeps its place: only the city's administrators reach it
        if not principal.reach(Permission.ORGS_MANAGE)[0]:
            raise ServiceError(ErrorCode.FORBIDDEN, "没有权限修改根组织", field)
        return
    await placement.require_reach(
        session, principal, parent=parent, sector_id=org.sector_id, moving=org, field=field
    )


async def _require_version(session: AsyncSession, org: Organization, expected: int) -> None:
    """CONFLICT when the version read is stale, even for an update that changes nothing."""
    if org.version != expected:
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"记录已被他人修改：当前版本 {org.version}，提交的版本 {expected}",
            "expectedVersion",
        )


async def _audit(
    session: AsyncSession, principal: Principal, action: str, org_id: int, changes: dict[str, Any]
) -> None:
    await audit.append(
        session=session,
        actor_id=principal.account_id,
        actor_username=principal.username,
        action=action,
        entity_type="Organization",
        entity_id=str(org_id),
        changes=changes,
    )
