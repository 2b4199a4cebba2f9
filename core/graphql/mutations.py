"""Running a mutation's work in one transaction; business refusals become payload errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from core.graphql.context import RequestContext
from core.graphql.errors import ServiceError, UserError

T = TypeVar("T")


async def transact(
    ctx: RequestContext, work: Callable[[AsyncSession], Awaitable[T]]
) -> tuple[T | None, list[UserError]]:
    """Run `work` in a transaction: (result, []) on commit, (None, [error]) on a refusal."""
    try:
        async with ctx.sessions.begin() as session:
            return await work(session), []
    except ServiceError as exc:
        return None, [exc.as_user_error()]
