"""What part of the tree a principal may see, as a SQL condition (index-backed)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from core.auth.principal import Principal
from core.orgs.models import Organization, OrgClosure


def visible(principal: Principal) -> ColumnElement[bool]:
    """A condition on `organization` rows: true for those the principal may see."""
    if principal.everything:
        return true()
    parts: list[ColumnElement[bool]] = []
    if principal.org_roots:
        subtree = select(OrgClosure.descendant_id).where(
            OrgClosure.ancestor_id.in_(principal.org_roots)
        )
        parts.append(Organization.id.in_(subtree))
    if principal.sector_ids:
        parts.append(Organization.sector_id.in_(principal.sector_ids))
    return or_(*parts) if parts else false()


def within(root_id: int) -> ColumnElement[bool]:
    """A condition on `organization` rows: the root and its whole subtree."""
    return Organization.id.in_(
        select(OrgClosure.descendant_id).where(OrgClosure.ancestor_id == root_id)
    )
