"""Relay-style connections: every list is paginated, at most 100 per page."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from core.graphql.errors import CodedError
from core.graphql.ids import key_int

T = TypeVar("T")
MAX_PAGE = 100


@strawberry.type(description="Where this page sits in the whole list.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="A page of a list: `totalCount` counts the whole list.")
class Connection(Generic[T]):
    total_count: int
    page_info: PageInfo
    edges: list[Edge[T]]


def offset_cursor(offset: int) -> str:
    """The opaque cursor of a list position."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def parse_after(after: str | None) -> int:
    """The offset after which the next page starts (0 for no cursor)."""
    if after is None:
        return 0
    shown = after if len(after) <= 40 else after[:40] + "…"
    try:
        raw = base64.urlsafe_b64decode(after.encode()).decode()
    except ValueError as exc:  # bad base64, bad UTF-8, a lone surrogate (UnicodeError)
        raise CodedError(f"无效的分页游标 after={shown!r}", "BAD_CURSOR") from exc
    kind, _, value = raw.partition(":")
    offset = key_int(value)
    if kind != "o" or offset is None:
        raise CodedError(f"无效的分页游标 after={shown!r}", "BAD_CURSOR")
    return offset + 1


def check_first(first: int) -> int:
    """Validate a page size: 1 to 100."""
    if not 1 <= first <= MAX_PAGE:
        raise CodedError(f"first 必须在 1 到 {MAX_PAGE} 之间 (got {first})", "BAD_PAGE_SIZE")
    return first


def _selects(
    selection_set: SelectionSetNode | None,
    name: str,
    fragments: Mapping[str, FragmentDefinitionNode],
    seen: set[str],
) -> bool:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            if selection.name.value == name:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _selects(selection.selection_set, name, fragments, seen):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            spread = selection.name.value
            fragment = fragments.get(spread)
            if fragment is None:
                return True  # not known here: assume it is asked for
            if spread not in seen:
                seen.add(spread)
                if _selects(fragment.selection_set, name, fragments, seen):
                    return True
    return False


def selects(info: Any, name: str = "totalCount") -> bool:
    """True when the field being resolved selects `name` directly (through fragments too).

    Connection resolvers count the whole list only when `totalCount` is asked for.
    """
    raw = getattr(info, "_raw_info", info)
    nodes: Iterable[FieldNode] = raw.field_nodes
    fragments: Mapping[str, FragmentDefinitionNode] = raw.fragments
    return any(_selects(node.selection_set, name, fragments, set()) for node in nodes)


def page(rows: Sequence[T], *, offset: int, first: int, total: int | None) -> Connection[T]:
    """A connection from up to first+1 rows fetched at `offset`; `total` None when not
    counted (`totalCount` not selected: it is then never read)."""
    visible = list(rows[:first])
    edges = [Edge(cursor=offset_cursor(offset + i), node=row) for i, row in enumerate(visible)]
    more = len(rows) > first or (total is not None and offset + len(visible) < total)
    return Connection(
        total_count=-1 if total is None else total,
        page_info=PageInfo(
            has_next_page=more,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        edges=edges,
    )
