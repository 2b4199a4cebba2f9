"""Loading a principal from an account's grants."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.auth.models import Account, AccountGrant
from core.auth.permissions import ROLE_PERMISSIONS, Permission, Role
from core.auth.principal import Grant, Principal

GrantsListener = Callable[[str | None], None]
_listeners: list[GrantsListener] = []


def on_grants_changed(listener: GrantsListener) -> None:
    """Call `listener(username)` whenever an account's grants change (None: any account)."""
    _listeners.append(listener)


def grants_changed(username: str | None = None) -> None:
    """Tell the principal caches that an account's grants (or its `active` flag) changed.

    Whoever writes `account_grant` or `account.active` calls this after committing.
    """
    for listener in _listeners:
        listener(username)


async def load_principal(*, conn: AsyncConnection, username: str) -> Principal | None:
    """The principal of an active account, or None when there is no such account.

    One statement: the account joined to its grants (no grant: one row of NULLs).
    """
    rows = (
        await conn.execute(
            select(
                Account.id,
                Account.username,
                Account.person_id,
                AccountGrant.role,
                AccountGrant.organization_id,
                AccountGrant.sector_id,
            )
            .outerjoin(AccountGrant, AccountGrant.account_id == Account.id)
            .where(Account.username == username, Account.active.is_(True))
            .order_by(AccountGrant.id)
        )
    ).all()
    if not rows:
        return None
    row = rows[0]
    grants = [grant for grant in rows if grant.role is not None]
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
