"""Who may submit, approve and review report sheets (scoped through the account's grants)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.orgs.models import Organization, OrgCategory, OrgClosure
from core.orgs.scope import manageable, visible
from core.reports.catalog import FormDef

NOT_FOUND = "组织不存在或不可见 (organization not found)"


async def org_by_code(
    session: AsyncSession, principal: Principal, code: str
) -> tuple[int, str, int | None, str] | None:
    """(id, code, parent id, category code) of a visible organisation."""
    row = (
        await session.execute(
            select(Organization.id, Organization.code, Organization.parent_id, OrgCategory.code)
            .join(OrgCategory, OrgCategory.id == Organization.category_id)
            .where(Organization.code == code, visible(principal))
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3])


async def reaches(
    session: AsyncSession, principal: Principal, permission: Permission, org_id: int | None
) -> bool:
    """The permission reaches the organisation through one of the principal's grants."""
    if org_id is None:
        return False
    found = await session.execute(
        select(Organization.id).where(Organization.id == org_id, manageable(principal, permission))
    )
    return found.first() is not None


def within_form(form: FormDef, root_id: int | None) -> ColumnElement[bool]:
    """A condition on organisations: in the form's reporting subtree (the whole tree if none)."""
    if root_id is None:
        return true()
    return Organization.id.in_(
        select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root_id)
    )


async def form_root(session: AsyncSession, form: FormDef) -> int | None:
    """The organisation under which the form's reporters sit (None: the whole tree)."""
    if form.within_code is None:
        return None
    found = await session.scalar(
        select(Organization.id).where(Organization.code == form.within_code)
    )
    return -1 if found is None else found


async def is_reporter(session: AsyncSession, form: FormDef, org_id: int, category: str) -> bool:
    """The form says this organisation must report."""
    if category not in form.reporters:
        return False
    root = await form_root(session, form)
    if root is None:
        return True
    found = await session.execute(
        select(OrgClosure.descendant_id).where(
            OrgClosure.ancestor_id == root, OrgClosure.descendant_id == org_id
        )
    )
    return found.first() is not None
