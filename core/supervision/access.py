"""Who may see and change supervision records (scoped through the account's grants).

A spot check, inspection or campaign is seen by whoever sees its root organisation (the
whole subtree it covers is then theirs too); a finding by whoever sees its organisation; a
bulletin by everyone inside the publisher's scope — whoever sees any organisation of the
bulletin's subtree. Records outside the scope answer exactly like missing ones.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.errors import ErrorCode, ServiceError
from core.orgs.models import Organization, OrgClosure
from core.orgs.scope import manageable, visible
from core.plugin_admin.visibility import core_or_enabled
from core.supervision.models import Procedure, ProcedureLibrary

NOT_FOUND = "记录不存在或不可见 (not found)"
ORG_NOT_FOUND = "组织不存在或不可见 (organization not found)"


Column = ColumnElement[int] | InstrumentedAttribute[int]
"""A column holding an organisation id."""


class OrgRef(NamedTuple):
    id: int
    code: str
    name: str
    parent_id: int | None
    category_id: int


def require(principal: Principal, permission: Permission) -> None:
    """FORBIDDEN unless the principal holds the permission somewhere."""
    if not principal.can(permission):
        raise ServiceError(ErrorCode.FORBIDDEN, f"没有权限 {permission.value} (forbidden)")


async def visible_org(session: AsyncSession, principal: Principal, code: str, field: str) -> OrgRef:
    """A visible organisation by code; NOT_FOUND (the same for missing and foreign)."""
    row = (
        await session.execute(
            select(
                Organization.id,
                Organization.code,
                Organization.name,
                Organization.parent_id,
                Organization.category_id,
            ).where(Organization.code == code, visible(principal))
        )
    ).first()
    if row is None:
        raise ServiceError(ErrorCode.NOT_FOUND, ORG_NOT_FOUND, field)
    return OrgRef(*row)


async def reaches(
    session: AsyncSession, principal: Principal, permission: Permission, org_id: int
) -> bool:
    """The permission reaches the organisation through one of the principal's grants."""
    found = await session.execute(
        select(Organization.id).where(Organization.id == org_id, manageable(principal, permission))
    )
    return found.first() is not None


async def require_reach(
    session: AsyncSession, principal: Principal, permission: Permission, org_id: int, field: str
) -> None:
    """FORBIDDEN unless the permission reaches the organisation."""
    if not await reaches(session, principal, permission, org_id):
        raise ServiceError(
            ErrorCode.FORBIDDEN,
            f"没有权限 {permission.value}：该组织不在你的管理范围内 (forbidden)",
            field,
        )


def root_visible(principal: Principal, root: Column) -> ColumnElement[bool]:
    """A condition: the record's root organisation is visible to the principal."""
    return root.in_(select(Organization.id).where(visible(principal)))


def inside_scope(principal: Principal, root: Column) -> ColumnElement[bool]:
    """A condition: the principal sees some organisation of the subtree under `root`."""
    if principal.everything:
        return root.is_not(None)
    return exists(
        select(OrgClosure.descendant_id)
        .join(Organization, Organization.id == OrgClosure.descendant_id)
        .where(OrgClosure.ancestor_id == root, visible(principal))
    )


def shown_procedure() -> ColumnElement[bool]:
    """A procedure of the core or of an enabled plugin (a disabled plugin's procedures, and
    the checklist runs of them, are hidden and kept)."""
    libraries = select(ProcedureLibrary.id).where(core_or_enabled(ProcedureLibrary.plugin))
    return Procedure.library_id.in_(libraries)


def shown_run(procedure_id: Column) -> ColumnElement[bool]:
    """A checklist run of a shown procedure."""
    return procedure_id.in_(select(Procedure.id).where(shown_procedure()))
