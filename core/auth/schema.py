"""The `viewer` field: the signed-in account, its person, posts and permissions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import Parent

from core.auth.permissions import Permission
from core.auth.principal import Principal
from core.graphql.context import Info
from core.orgs import loaders
from core.orgs.types import AssignmentType, PersonType

PERMISSIONS_DOC = "Named permissions you hold somewhere in your scope, sorted: " + ", ".join(
    f"`{permission.value}`" for permission in Permission
)


@dataclass(frozen=True)
class ViewerRoot:
    """The principal seen as the `Viewer` GraphQL type."""

    principal: Principal


@strawberry.type(description="The signed-in account.")
class ViewerFields:
    @strawberry.field
    def username(self, root: Parent[ViewerRoot]) -> str:
        return root.principal.username

    @strawberry.field(description=PERMISSIONS_DOC)
    def permissions(self, root: Parent[ViewerRoot]) -> list[str]:
        return sorted(p.value for p in root.principal.permissions)

    @strawberry.field
    async def person(self, root: Parent[ViewerRoot], info: Info) -> PersonType | None:
        if root.principal.person_id is None:
            return None
        return await info.context.loader(loaders.PersonByIdLoader).load(root.principal.person_id)  # type: ignore[return-value]

    @strawberry.field(description="The posts you hold today (at most 100).")
    async def assignments(self, root: Parent[ViewerRoot], info: Info) -> list[AssignmentType]:
        if root.principal.person_id is None:
            return []
        loader = info.context.loader(loaders.CurrentAssignmentsByPersonIdLoader)
        return await loader.load(root.principal.person_id)  # type: ignore[return-value]


if TYPE_CHECKING:
    ViewerT = ViewerRoot
else:
    ViewerT = Annotated["Viewer", strawberry.lazy("core.graphql.composed")]  # noqa: F821


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The signed-in account.")
    def viewer(self, info: Info) -> ViewerT:
        return ViewerRoot(principal=info.context.require_principal())  # type: ignore[return-value]
