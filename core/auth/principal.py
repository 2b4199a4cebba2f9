"""The signed-in principal of a request and what it may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.auth.permissions import Permission


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

    def can(self, permission: Permission) -> bool:
        """True when the principal holds the permission somewhere in its scope."""
        return permission in self.permissions
