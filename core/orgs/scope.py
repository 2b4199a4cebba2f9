"""What part of the tree a principal may see, as a SQL condition (index-backed)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.orgs.models import Organization, OrgClosure


def visible(principal: Principal) -> ColumnElement[bool]:
    """A condition on `organization` rows: true for those the principal may see."""
    return _reach(principal.everything, principal.org_roots, principal.sector_ids)


def manageable(principal: Principal, permission: Permission) -> ColumnElement[bool]:
    """A condition on `organization` rows: true where the principal holds the permission."""
    return _reach(*principal.reach(permission))


def _reach(
    everything: bool, roots: tuple[int, ...], sectors: tuple[int, ...]
) -> ColumnElement[bool]:
    if everything:
        return true()
    parts: list[ColumnElement[bool]] = []
    if roots:
        subtree = select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id.in_(roots))
        parts.append(Organization.id.in_(subtree))
    if sectors:
        parts.append(Organization.sector_id.in_(sectors))
    return or_(*parts) if parts else false()


def within(root_id: int) -> ColumnElement[bool]:
    """A condition on `organization` rows: the root and its whole subtree."""
    return Organization.id.in_(
        select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root_id)
    )
