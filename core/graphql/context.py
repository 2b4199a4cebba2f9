"""The per-request context: principal, database access, per-request DataLoaders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar
from zoneinfo import ZoneInfo

import pluggy
import strawberry
from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from strawberry.dataloader import DataLoader

from core.auth.principal import Principal
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
    client_address: str | None = None
    throttle: Throttle | None = None
    _loaders: dict[Callable[..., Any], DataLoader[Any, Any]] = field(default_factory=dict)

    def loader(self, factory: Callable[[RequestContext], DataLoader[K, V]]) -> DataLoader[K, V]:
        """The request's instance of a DataLoader (created on first use)."""
        existing = self._loaders.get(factory)
        if existing is None:
            existing = self._loaders[factory] = factory(self)
        return existing

    async def rows(self, statement: Executable) -> Sequence[Row[*tuple[Any, ...]]]:
        """Run a read on its own connection (never shared by concurrent sibling fields)."""
        async with self.engine.connect() as conn:
            return (await conn.execute(statement)).all()

    def today(self) -> dt.date:
        """Today's date in the city's time zone."""
        return dt.datetime.now(ZoneInfo(self.settings.timezone)).date()

    def require_principal(self) -> Principal:
        """The signed-in principal; an UNAUTHENTICATED error otherwise."""
        if self.principal is None:
            if self.http_response is not None:
                self.http_response.status_code = 401
            raise unauthenticated()
        return self.principal


Info: TypeAlias = strawberry.Info[RequestContext, None]
