"""The per-request context: principal, database access, per-request DataLoaders."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

import pluggy
import strawberry
from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from core.auth.principal import Principal
from core.clock import city_today
from core.config import Settings
from core.graphql.errors import unauthenticated

K = TypeVar("K")
V = TypeVar("V")
Throttle = Callable[[str], Awaitable[float | None]]
"""Charges one unit to a key's bucket: None when allowed, else the seconds to wait."""


@dataclass
class RequestContext:
    """Everything a resolver may use; built once per request by the gateway."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    settings: Settings
    pm: pluggy.PluginManager
    principal: Principal | None
    request_id: str
    http_response: Any = None
    compiled_reads: bool = False
    """True: queries that compile are answered by one SQL statement (PostgreSQL only)."""
    client_address: str | None = None
    throttle: Throttle | None = None
    _loaders: dict[Callable[..., Any], DataLoader[Any, Any]] = field(default_factory=dict)
    _conn: AsyncConnection | None = None
    _conn_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _today: dt.date | None = None

    def loader(self, factory: Callable[[RequestContext], DataLoader[K, V]]) -> DataLoader[K, V]:
        """The request's instance of a DataLoader (created on first use)."""
        existing = self._loaders.get(factory)
        if existing is None:
            existing = self._loaders[factory] = factory(self)
        return existing

    async def rows(self, statement: Executable) -> Sequence[Row[*tuple[Any, ...]]]:
        """Run a read on the request's one connection (checked out on first use).

        Concurrent sibling fields take turns: a statement and the fetching of its rows run
        under a lock, so they never interleave on the connection.
        """
        async with self._conn_lock:
            if self._conn is None:
                self._conn = await self._connect()
            return (await self._conn.execute(statement)).all()

    async def scalar_sql(self, sql: str, params: tuple[Any, ...]) -> Any:
        """One value of a driver-level statement ($n parameters) on the request's connection."""
        async with self._conn_lock:
            if self._conn is None:
                self._conn = await self._connect()
            return (await self._conn.exec_driver_sql(sql, params)).scalar()

    async def _connect(self) -> AsyncConnection:
        # reads only, one statement at a time: no BEGIN/ROLLBACK round trips around them
        conn = await self.engine.connect()
        return await conn.execution_options(isolation_level="AUTOCOMMIT")

    async def release(self) -> None:
        """Return the request's connection to the pool (the end of an operation)."""
        async with self._conn_lock:
            conn, self._conn, self._today = self._conn, None, None
            if conn is not None:
                await conn.close()

    def today(self) -> dt.date:
        """Today's date in the city's time zone (fixed for the request)."""
        if self._today is None:
            self._today = city_today(self.settings.timezone)
        return self._today

    def require_principal(self) -> Principal:
        """The signed-in principal; an UNAUTHENTICATED error otherwise."""
        if self.principal is None:
            if self.http_response is not None:
                self.http_response.status_code = 401
            raise unauthenticated()
        return self.principal


Info: TypeAlias = strawberry.Info[RequestContext, None]
