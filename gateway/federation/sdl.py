"""A subgraph's SDL for composition: entities get `@key`, every object type `@shareable`.

The directives live in the SDL only: the monolith and the subgraphs run the same
strawberry classes (a core type is one class, whichever schema it serves in), so they are
added to the printed schema rather than to the classes. The federation plumbing
(`_service`, `_entities`, `_Entity`, `_Any`, `_Service`) is left out, as the spec asks.
"""

from __future__ import annotations

import strawberry
from graphql import (
    ConstArgumentNode,
    ConstDirectiveNode,
    DefinitionNode,
    DocumentNode,
    NameNode,
    ObjectTypeDefinitionNode,
    StringValueNode,
    parse,
    print_ast,
)

from core import entities

FEDERATION_VERSION = "v2.3"
LINK = (
    f'extend schema @link(url: "https://specs.apollo.dev/federation/{FEDERATION_VERSION}", '
    'import: ["@key", "@shareable"])'
)
PLUMBING_TYPES = frozenset({"_Service", "_Entity", "_Any"})
PLUMBING_FIELDS = frozenset({"_service", "_entities"})
ROOTS = frozenset({"Query", "Mutation", "Subscription"})


def _directive(name: str, fields: str | None = None) -> ConstDirectiveNode:
    arguments: tuple[ConstArgumentNode, ...] = ()
    if fields is not None:
        arguments = (
            ConstArgumentNode(name=NameNode(value="fields"), value=StringValueNode(value=fields)),
        )
    return ConstDirectiveNode(name=NameNode(value=name), arguments=arguments)


def _object(node: ObjectTypeDefinitionNode) -> ObjectTypeDefinitionNode:
    name = node.name.value
    if name in ROOTS:
        fields = tuple(f for f in node.fields or () if f.name.value not in PLUMBING_FIELDS)
        return ObjectTypeDefinitionNode(
            name=node.name,
            description=node.description,
            interfaces=node.interfaces,
            directives=node.directives,
            fields=fields,
        )
    present = {f.name.value for f in node.fields or ()}
    keys = [k for k in entities.KEYS.get(name, ()) if k in present]
    # Every object type is shareable: the core's value types (connections, PageInfo, …)
    # and whole core entities also appear in plugin subgraphs, resolved by the same code
    # over the same database, so any subgraph that has a field may answer it.
    added = [*(_directive("key", k) for k in keys), _directive("shareable")]
    return ObjectTypeDefinitionNode(
        name=node.name,
        description=node.description,
        interfaces=node.interfaces,
        directives=(*(node.directives or ()), *added),
        fields=node.fields,
    )


def annotate(printed: str) -> str:
    """Federation 2 SDL from a printed strawberry schema."""
    document = parse(printed)
    definitions: list[DefinitionNode] = []
    for node in document.definitions:
        name = getattr(getattr(node, "name", None), "value", None)
        if name in PLUMBING_TYPES:
            continue
        if isinstance(node, ObjectTypeDefinitionNode):
            node = _object(node)
            if name in ROOTS and not node.fields:
                continue  # a plugin with no query fields: its Query holds only the plumbing
        definitions.append(node)
    return LINK + "\n\n" + print_ast(DocumentNode(definitions=tuple(definitions))) + "\n"


def subgraph_sdl(schema: strawberry.Schema) -> str:
    """The schema's Federation 2 SDL (computed once per schema)."""
    cached: str | None = getattr(schema, "_federation_sdl", None)
    if cached is None:
        cached = annotate(schema.as_str())
        schema._federation_sdl = cached  # type: ignore[attr-defined]
    return cached
