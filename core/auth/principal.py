"""The signed-in principal of a request and what it may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.auth.permissions import Permission


@dataclass(frozen=True)
class Grant:
    """One role's reach: the whole city, an organisation subtree or a sector."""

    permissions: frozenset[Permission]
    everything: bool = False
    org_root: int | None = None
    sector_id: int | None = None


@dataclass(frozen=True)
class Principal:
    """An authenticated account with its permissions and scope.

    `everything` means the city-wide scope; otherwise the principal sees the subtrees of
    `org_roots` and the organisations of `sector_ids`.
    """

    account_id: int
    username: str
    person_id: int | None
    permissions: frozenset[Permission]
    everything: bool = False
    org_roots: tuple[int, ...] = ()
    sector_ids: tuple[int, ...] = ()
    managed_sector_ids: tuple[int, ...] = field(default_factory=tuple)
    grants: tuple[Grant, ...] = ()

    def can(self, permission: Permission) -> bool:
        """True when the principal holds the permission somewhere in its scope."""
        return permission in self.permissions

    def reach(self, permission: Permission) -> tuple[bool, tuple[int, ...], tuple[int, ...]]:
        """(everything, org roots, sector ids) where the principal holds the permission.

        A secretary of one town who manages another may change only the other one. A
        principal built without grants has one scope for all its permissions.
        """
        if not self.grants:
            if not self.can(permission):
                return False, (), ()
            return self.everything, self.org_roots, self.sector_ids
        held = [grant for grant in self.grants if permission in grant.permissions]
        roots = {grant.org_root for grant in held if grant.org_root is not None}
        sectors = {grant.sector_id for grant in held if grant.sector_id is not None}
        return any(g.everything for g in held), tuple(sorted(roots)), tuple(sorted(sectors))
