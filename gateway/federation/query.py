"""The federation fields of a subgraph's Query: `_service { sdl }` and `_entities`."""

from typing import Annotated, Any, NewType, Union

import strawberry
from graphql import GraphQLError

from core import entities
from core.graphql.context import Info
from gateway.federation import sdl

FederationAny = NewType("FederationAny", object)
"""An entity representation: `__typename` and one key (the `_Any` scalar)."""

SCALARS: dict[object, Any] = {
    FederationAny: strawberry.scalar(
        name="_Any",
        description="An entity representation: `__typename` and one key.",
        serialize=lambda value: value,
        parse_value=lambda value: value,
    )
}


@strawberry.type(name="_Service")
class Service:
    sdl: str


def federation_query(subgraph: str, entity_types: list[type]) -> type:
    """A Query mixin resolving references to these entity types for the named subgraph
    (`_service` alone when there are none)."""

    def service(info: Info) -> Service:
        return Service(sdl=sdl.subgraph_sdl(info.schema))

    async def resolve_entities(info: Info, representations: list[FederationAny]) -> list[Any]:
        context = info.context
        pending: list[Any] = []
        for index, representation in enumerate(representations):
            try:
                pending.append(entities.resolve(context, representation))
            except entities.ReferenceError as exc:
                pending.append(
                    GraphQLError(
                        f"subgraph {subgraph!r}: representations[{index}]: {exc}",
                        extensions={"code": "BAD_REFERENCE", "subgraph": subgraph},
                    )
                )
        return [item if isinstance(item, GraphQLError) else await item for item in pending]

    fields: dict[str, Any] = {"service": strawberry.field(name="_service", resolver=service)}
    if entity_types:
        members = Union[tuple(entity_types)]  # type: ignore[valid-type]  # noqa: UP007
        entity = Annotated[members, strawberry.union("_Entity")]  # type: ignore[valid-type]
        resolve_entities.__annotations__["return"] = list[entity | None]  # type: ignore[valid-type]
        fields["entities"] = strawberry.field(name="_entities", resolver=resolve_entities)
    return strawberry.type(
        type(
            "FederationQuery",
            (),
            {
                **fields,
            },
        )
    )
