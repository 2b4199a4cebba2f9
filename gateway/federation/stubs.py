"""What a plugin subgraph knows of a core entity: its keys only.

A plugin's mixins extend these instead of the core's fields; the router fetches every
other field from the core subgraph. The roots are the same records as in the core
(loaded through core.entities), so a plugin's resolvers read them unchanged.
"""

from __future__ import annotations

import strawberry
from strawberry import Parent

from core.auth.schema import ViewerRoot
from core.graphql import ids
from core.orgs.rows import OrgRow


@strawberry.type
class OrganizationKeys:
    code: str = strawberry.field(
        description="Business code: administrative division code or credit code."
    )

    @classmethod
    def is_type_of(cls, obj: object, info: object) -> bool:
        return isinstance(obj, OrgRow)

    @strawberry.field
    def id(self, root: Parent[OrgRow]) -> strawberry.ID:
        return strawberry.ID(ids.encode("Organization", root.id))


@strawberry.type
class CodeKey:
    code: str


@strawberry.type
class CategoryKeys(CodeKey):
    pass


@strawberry.type
class PositionKeys(CodeKey):
    pass


@strawberry.type
class ViewerKeys:
    @strawberry.field
    def username(self, root: Parent[ViewerRoot]) -> str:
        return root.principal.username


KEY_BASES: dict[str, type] = {
    "Organization": OrganizationKeys,
    "OrgCategory": CategoryKeys,
    "Position": PositionKeys,
    "Viewer": ViewerKeys,
}
"""The extensible core types a plugin subgraph can extend, reduced to their keys (the
Viewer's key is the signed-in account's username: a reference to anyone else is null)."""
