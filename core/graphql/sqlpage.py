"""Compiled connections (see `core.graphql.sqljson`): `totalCount`, `pageInfo` and
`edges { cursor node }` of a list, paged exactly like `core.graphql.connection.page`."""

from __future__ import annotations

from dataclasses import dataclass

from core.graphql.connection import check_first, parse_after
from core.graphql.sqljson import Bindings, Build, Fallback, Getter, NotCompilable, Selected, quote


def cursor(offset_sql: str) -> str:
    """SQL of `core.graphql.connection.offset_cursor(offset)`: url-safe base64, padded."""
    raw = f"encode(convert_to('o:' || ({offset_sql}), 'UTF8'), 'base64')"
    return f"translate({raw}, E'+/\\n', '-_')"


@dataclass(frozen=True)
class Page:
    """A compiled connection: the SQL of its rows (all the list's columns plus `rn`, the
    1-based position in the list's order) and of its length. Nodes are built from the rows
    by the registered fields of the node type."""

    rows: str
    count: str


def page_size(selected: Selected) -> Getter:
    """`first`, checked like `core.graphql.connection.check_first` (Fallback otherwise)."""
    get = selected.arg("first")

    def first(bindings: Bindings) -> int:
        try:
            return check_first(get(bindings))
        except Exception as exc:
            raise Fallback(str(exc)) from exc

    return first


def page_offset(selected: Selected) -> Getter:
    """The offset `after` points past (Fallback for a cursor the resolver would refuse)."""
    get = selected.arg("after")

    def offset(bindings: Bindings) -> int:
        try:
            value = parse_after(get(bindings))
        except Exception as exc:
            raise Fallback(str(exc)) from exc
        if value > 2**62:
            raise Fallback("offset out of range")
        return value

    return offset


def connection(build: Build, selected: Selected, page: Page) -> str:
    """The JSON of a connection field (`totalCount`, `pageInfo`, `edges { cursor node }`),
    paged like `core.graphql.connection.page`: first+1 rows after the offset."""
    first = build.param(page_size(selected), "bigint")
    offset = build.param(page_offset(selected), "bigint")
    row = build.alias("p")
    build.joins[row] = []
    parts: list[str] = []
    paged = False
    for part in build.subfields(selected):
        if part.name == "__typename":
            value = quote(selected.target.name)
        elif part.name == "totalCount":
            value = f"({page.count})"
        elif part.name == "pageInfo":
            value, paged = _page_info(build, part, first, offset), True
        elif part.name == "edges":
            value, paged = _edges(build, part, row, first, offset), True
        else:
            raise NotCompilable(f"{selected.target.name}.{part.name}")
        parts += [quote(part.key), value]
    body = f"json_build_object({', '.join(parts)})"
    joins = build.joined(row)
    if not paged:
        return f"(SELECT {body})"
    return (
        f"(SELECT {body} FROM ({page.rows}) {row} {joins}".rstrip()
        + f" WHERE {row}.rn > {offset} AND {row}.rn <= {offset} + {first} + 1)"
    )


def _page_info(build: Build, selected: Selected, first: str, offset: str) -> str:
    values = {
        "hasNextPage": f"count(*) > {first}",
        "hasPreviousPage": f"{offset} > 0",
        "startCursor": f"CASE WHEN count(*) > 0 THEN {cursor(offset)} END",
        "endCursor": (
            f"CASE WHEN count(*) > 0 THEN {cursor(f'{offset} + least(count(*), {first}) - 1')} END"
        ),
        "__typename": quote(selected.target.name),
    }
    parts: list[str] = []
    for part in build.subfields(selected):
        if part.name not in values:
            raise NotCompilable(f"PageInfo.{part.name}")
        parts += [quote(part.key), values[part.name]]
    return f"json_build_object({', '.join(parts)})"


def _edges(build: Build, selected: Selected, row: str, first: str, offset: str) -> str:
    parts: list[str] = []
    for part in build.subfields(selected):
        if part.name == "__typename":
            value = quote(selected.target.name)
        elif part.name == "cursor":
            value = cursor(f"{row}.rn - 1")
        elif part.name == "node":
            if part.definition is None:
                raise NotCompilable("edge without node")
            value = build.sub(part, row)
        else:
            raise NotCompilable(f"{selected.target.name}.{part.name}")
        parts += [quote(part.key), value]
    edge = f"json_build_object({', '.join(parts)})"
    return (
        f"coalesce(json_agg({edge} ORDER BY {row}.rn) "
        f"FILTER (WHERE {row}.rn <= {offset} + {first}), '[]'::json)"
    )
