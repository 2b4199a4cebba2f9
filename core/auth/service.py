"""Loading a principal from an account's grants."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.models import Account, AccountGrant
from core.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from core.auth.principal import Grant, Principal


async def load_principal(*, conn: AsyncConnection, username: str) -> Principal | None:
    """The principal of an active account, or None when there is no such account."""
    row = (
        await conn.execute(
            select(Account.id, Account.username, Account.person_id).where(
                Account.username == username, Account.active.is_(True)
            )
        )
    ).first()
    if row is None:
        return None
    grants = (
        await conn.execute(
            select(AccountGrant.role, AccountGrant.organization_id, AccountGrant.sector_id).where(
                AccountGrant.account_id == row.id
            )
        )
    ).all()
    permissions: set[Permission] = set()
    everything = False
    roots: list[int] = []
    sectors: list[int] = []
    managed: list[int] = []
    reaches: list[Grant] = []
    for grant in grants:
        role = Role(grant.role)
        permissions |= ROLE_PERMISSIONS[role]
        reaches.append(
            Grant(
                permissions=ROLE_PERMISSIONS[role],
                everything=role is Role.CITY_ADMIN,
                org_root=grant.organization_id,
                sector_id=grant.sector_id,
            )
        )
        if role is Role.CITY_ADMIN:
            everything = True
        if grant.organization_id is not None:
            roots.append(grant.organization_id)
        if grant.sector_id is not None:
            sectors.append(grant.sector_id)
            if role is Role.SECTOR_LEAD:
                managed.append(grant.sector_id)
    return Principal(
        account_id=row.id,
        username=row.username,
        person_id=row.person_id,
        permissions=frozenset(permissions),
        everything=everything,
        org_roots=tuple(sorted(set(roots))),
        sector_ids=tuple(sorted(set(sectors))),
        managed_sector_ids=tuple(sorted(set(managed))),
        grants=tuple(reaches),
    )
