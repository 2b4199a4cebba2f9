"""The Node interface: global ids that `node(id:)` and `nodes(ids:)` resolve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import GraphQLAbstractType
from strawberry.dataloader import DataLoader

from core.graphql.context import RequestContext

LoaderFactory = Callable[[RequestContext], DataLoader[int, Any]]

# record class -> GraphQL type name; GraphQL type name -> loader of records by integer key
_TYPE_OF_RECORD: dict[type, str] = {}
_LOADERS: dict[str, LoaderFactory] = {}


def register_node(record: type, type_name: str, loader: LoaderFactory) -> None:
    """Declare that records of a class are the GraphQL type, fetched by id with the loader."""
    _TYPE_OF_RECORD[record] = type_name
    _LOADERS[type_name] = loader


def loader_for(type_name: str) -> LoaderFactory | None:
    """The loader of a node type, if it is one."""
    return _LOADERS.get(type_name)


@strawberry.interface(description="An object with an opaque global id.")
class Node:
    id: strawberry.ID

    @classmethod
    def resolve_type(cls, obj: Any, info: Any, abstract_type: GraphQLAbstractType) -> str | None:
        """The GraphQL type of a record."""
        return _TYPE_OF_RECORD.get(type(obj))
