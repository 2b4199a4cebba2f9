"""The built-in notifier: reminder messages written to the outbox, read by their recipient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import ColumnElement, and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from core.audit import service as audit
from core.auth.principal import Principal
from core.calendar.models import OutboxMessage
from core.calendar.notify import Message
from core.db import utcnow
from core.graphql.errors import ErrorCode, ServiceError

CHANNEL = "outbox"
MAX_MARK = 100
"""At most this many messages are marked in one call."""


class OutboxRow(NamedTuple):
    id: int
    channel: str
    recipient_id: int | None
    organization_id: int | None
    task_id: int | None
    kind: str
    subject: str
    body: str
    created_at: dt.datetime
    delivered_at: dt.datetime | None


OUTBOX_COLUMNS = tuple(getattr(OutboxMessage, name) for name in OutboxRow._fields)


class OutboxNotifier:
    """Writes one outbox row per message that has a recipient account."""

    name = CHANNEL

    async def deliver(self, *, session: AsyncSession, messages: Sequence[Message]) -> None:
        """Insert the messages addressed to accounts; the rest are for other notifiers."""
        now = utcnow()
        rows = [
            {
                "channel": CHANNEL,
                "recipient_id": m.recipient_id,
                "organization_id": m.organization_id,
                "task_id": m.task_id,
                "kind": m.kind,
                "subject": m.subject,
                "body": m.body,
                "created_at": now,
                "delivered_at": None,
            }
            for m in messages
            if m.recipient_id is not None
        ]
        if rows:
            await session.execute(insert(OutboxMessage), rows)


def _mine(principal: Principal, unread_only: bool) -> ColumnElement[bool]:
    condition = OutboxMessage.recipient_id == principal.account_id
    if unread_only:
        condition = and_(condition, OutboxMessage.delivered_at.is_(None))
    return condition


async def page_of(
    *, conn: AsyncConnection, principal: Principal, unread_only: bool, offset: int, limit: int
) -> tuple[list[OutboxRow], int]:
    """A page of the principal's own messages, newest first, and how many there are."""
    where = _mine(principal, unread_only)
    total = await conn.scalar(select(func.count()).select_from(OutboxMessage).where(where))
    rows = await conn.execute(
        select(*OUTBOX_COLUMNS)
        .where(where)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [OutboxRow._make(row) for row in rows], int(total or 0)


async def mark_delivered(
    *, session: AsyncSession, principal: Principal, message_ids: Sequence[int | None]
) -> list[OutboxRow]:
    """Mark the principal's own messages delivered (read); any other id refuses them all."""
    wanted = list(dict.fromkeys(message_ids))
    if not wanted:
        raise ServiceError(ErrorCode.REQUIRED, "请至少指定一条消息", "ids")
    if len(wanted) > MAX_MARK:
        raise ServiceError(
            ErrorCode.INVALID, f"一次最多标记 {MAX_MARK} 条消息（收到 {len(wanted)} 条）", "ids"
        )
    known = [i for i in wanted if i is not None]
    found = set(
        (
            await session.execute(
                select(OutboxMessage.id).where(
                    OutboxMessage.id.in_(known), _mine(principal, unread_only=False)
                )
            )
        ).scalars()
    )
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ServiceError(ErrorCode.NOT_FOUND, f"消息不存在或不可见（{len(missing)} 条）", "ids")
    now = utcnow()
    marked = (
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(known), OutboxMessage.delivered_at.is_(None))
            .values(delivered_at=now)
            .returning(OutboxMessage.id)
        )
    ).scalars()
    for message_id in sorted(marked):
        await audit.append(
            session=session,
            actor_id=principal.account_id,
            actor_username=principal.username,
            action="outbox.mark_delivered",
            entity_type="OutboxMessage",
            entity_id=str(message_id),
            changes={"delivered_at": now.isoformat()},
        )
    rows = await session.execute(
        select(*OUTBOX_COLUMNS).where(OutboxMessage.id.in_(known)).order_by(OutboxMessage.id)
    )
    return [OutboxRow._make(row) for row in rows]
