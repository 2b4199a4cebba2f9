"""The base of every per-request DataLoader: `<Entity>By<Key>Loader(ctx)`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader, get_current_batch

from core.graphql.context import RequestContext

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SharedFuture(asyncio.Future[Any]):
    """The value of one key, awaited by every field that asked for it.

    graphql-core cancels a failing field's siblings; cancelling a task cancels the future it
    awaits. This future declines (`cancel` returns False): the cancelled waiter still stops
    (its task raises CancelledError when it wakes), while the other fields awaiting the same
    key get their value. No extra future per load, unlike `asyncio.shield`.
    """

    def cancel(self, msg: Any = None) -> bool:
        return False


class ContextLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader bound to a request context; subclasses implement `fetch`."""

    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx
        super().__init__(load_fn=self._load, max_batch_size=1000)

    def load(self, key: K) -> Awaitable[V]:
        """The value of a key: one shared future per key per request (see SharedFuture)."""
        cached = self.cache_map.get(key)
        if cached is not None:
            return cached
        future: asyncio.Future[Any] = SharedFuture(loop=self.loop)
        self.cache_map.set(key, future)
        get_current_batch(self).add_task(key, future)
        return future

    async def _load(self, keys: list[K]) -> Sequence[V]:
        return await self.fetch(keys)

    async def fetch(self, keys: list[K]) -> Sequence[V]:
        """Answer every key, in order."""
        raise NotImplementedError
