"""The base of every per-request DataLoader: `<Entity>By<Key>Loader(ctx)`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable, Sequence
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

from core.graphql.context import RequestContext

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ContextLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader bound to a request context; subclasses implement `fetch`."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load, max_batch_size=1000)

    def load(self, key: K) -> Awaitable[V]:
        """The value of a key, shielded: several fields share one cached future per key, and
        graphql-core cancels a failing field's siblings — cancelling a waiter must not cancel
        the shared future (every other field awaiting that key would die with it)."""
        return asyncio.shield(super().load(key))

    async def _load(self, keys: list[K]) -> Sequence[V]:
        return await self.fetch(keys)

    async def fetch(self, keys: list[K]) -> Sequence[V]:
        """Answer every key, in order."""
        raise NotImplementedError
