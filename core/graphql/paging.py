"""One page of a table's rows as a connection: the steps every list resolver repeats.

Scope and filters (`where`), an order that ends on a unique key, `first`/`after` checked,
first+1 rows fetched at the offset, the whole list counted only when `totalCount` is asked
for, then `core.graphql.connection.page`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from core.graphql.connection import Connection, check_first, page, parse_after, selects

Row = TypeVar("Row")


async def paged(
    info: Any,
    model: type[Row],
    *,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]],
    first: int,
    after: str | None,
) -> Connection[Row]:
    """The page of `model` rows meeting `where` in `order` after the cursor `after`."""
    offset, limit = parse_after(after), check_first(first)
    async with info.context.sessions() as session:
        rows = list(
            await session.scalars(
                select(model).where(*where).order_by(*order).offset(offset).limit(limit + 1)
            )
        )
        total = None
        if selects(info):
            total = await session.scalar(select(func.count()).select_from(model).where(*where))
    return page(rows, offset=offset, first=limit, total=total)
