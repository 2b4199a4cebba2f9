"""Optimistic concurrency for editable records: `UPDATE … WHERE version = :expected`.

SQLAlchemy's `version_id_col` guards ORM flushes only; these helpers also cover Core
updates and bulk updates. A stale version raises CONFLICT (the transaction then rolls back
whole, so a bulk update never half-applies). Rows get `version + 1` and, when the table has
one, `updated_at = now`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Table, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from core.db import utcnow
from core.graphql import ids as global_ids
from core.graphql.errors import ErrorCode, ServiceError

FIELD = "expectedVersion"


class Expected(NamedTuple):
    """A record id and the version the client read."""

    id: int
    version: int


def _table(model: type[DeclarativeBase]) -> Table:
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def _values(table: Table, values: Mapping[str, Any]) -> dict[str, Any]:
    full = dict(values, version=table.c.version + 1)
    if "updated_at" in table.c:
        full.setdefault("updated_at", utcnow())
    return full


def _stale(ids: Sequence[int], type_name: str | None) -> ServiceError:
    named = [str(i) if type_name is None else global_ids.encode(type_name, i) for i in sorted(ids)]
    shown = ", ".join(named[:20]) + (" …" if len(named) > 20 else "")
    return ServiceError(
        ErrorCode.CONFLICT,
        f"{len(named)} 条记录已被他人修改或不存在，整批未保存 (stale ids: {shown})",
        FIELD,
    )


async def update_versioned(
    *,
    session: AsyncSession,
    model: type[DeclarativeBase],
    id: int,
    expected_version: int,
    values: Mapping[str, Any],
) -> int:
    """Update one record if it is still at `expected_version`; its new version, else CONFLICT."""
    table = _table(model)
    result = await session.execute(
        update(table)
        .where(table.c.id == id, table.c.version == expected_version)
        .values(_values(table, values))
        .returning(table.c.version)
    )
    new_version = result.scalar()
    if new_version is None:
        current = (await session.execute(select(table.c.version).where(table.c.id == id))).scalar()
        raise ServiceError(
            ErrorCode.CONFLICT,
            f"记录已被他人修改：当前版本 {current}，提交的版本 {expected_version}"
            if current is not None
            else "记录已被他人修改或删除，请刷新后重试",
            FIELD,
        )
    return int(new_version)


async def update_versioned_many(
    *,
    session: AsyncSession,
    model: type[DeclarativeBase],
    expected: Sequence[Expected | tuple[int, int]],
    values: Mapping[str, Any],
    type_name: str | None = None,
) -> None:
    """Apply the same values to every listed record, all or nothing; CONFLICT names stale ids."""
    table = _table(model)
    wanted = {Expected(*item) for item in expected}
    if not wanted:
        return
    if len({item.id for item in wanted}) != len(wanted):
        raise ServiceError(ErrorCode.INVALID, "同一记录不能以不同版本出现两次", FIELD)
    result = await session.execute(
        update(table)
        .where(tuple_(table.c.id, table.c.version).in_([tuple(item) for item in wanted]))
        .values(_values(table, values))
        .returning(table.c.id)
    )
    stale = {item.id for item in wanted} - set(result.scalars())
    if stale:
        raise _stale(list(stale), type_name)


async def update_versioned_each(
    *,
    session: AsyncSession,
    model: type[DeclarativeBase],
    changes: Sequence[tuple[Expected | tuple[int, int], Mapping[str, Any]]],
    type_name: str | None = None,
) -> None:
    """Apply per-record values, all or nothing; CONFLICT names every stale id."""
    table = _table(model)
    stale: list[int] = []
    for item, values in changes:
        wanted = Expected(*item)
        result = await session.execute(
            update(table)
            .where(table.c.id == wanted.id, table.c.version == wanted.version)
            .values(_values(table, values))
            .returning(table.c.id)
        )
        if result.scalar() is None:
            stale.append(wanted.id)
    if stale:
        raise _stale(stale, type_name)
