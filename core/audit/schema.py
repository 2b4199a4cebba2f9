"""The `auditTrail` query: the hash-chained history of one record."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from core.audit import trail as trails
from core.graphql.connection import Connection, check_first, page, parse_after
from core.graphql.context import Info


@strawberry.type(name="AuditActor", description="The account that made a change.")
class AuditActorType:
    username: str


@strawberry.type(
    name="AuditEvent",
    description=(
        "One change in the tamper-evident audit chain: "
        "hash = SHA-256(prevHash ‖ canonical JSON of the event), see docs/audit.md."
    ),
)
class AuditEventType:
    seq: int = strawberry.field(description="Position in the city-wide chain (1, 2, 3, …).")
    at: dt.datetime = strawberry.field(description="When the change was made (UTC).")
    actor: AuditActorType | None = strawberry.field(
        description="Who made the change (null for system changes)."
    )
    action: str = strawberry.field(description="What was done, e.g. `organization.update`.")
    entity_type: str = strawberry.field(description="The GraphQL type of the changed record.")
    entity_id: strawberry.ID = strawberry.field(description="The global id of the record.")
    changes: JSON = strawberry.field(
        description='The changed fields: `{"field": [before, after]}` (before is null on create).'
    )
    prev_hash: str = strawberry.field(description="The hash of the previous event in the chain.")
    hash: str = strawberry.field(description="This event's SHA-256 hash (hex).")


@strawberry.type
class AuditQuery:
    @strawberry.field(
        description=(
            "The audit trail of one record (e.g. an Organization id), oldest first; `first` "
            "1–100. Needs `audit.read`. Records you cannot see, missing records and ids that "
            "are not ids all give the same empty list."
        )
    )
    async def audit_trail(
        self, info: Info, entity_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> Connection[AuditEventType]:
        principal = info.context.require_principal()
        offset, limit = parse_after(after), check_first(first)
        async with info.context.engine.connect() as conn:
            rows, total = await trails.trail(
                conn=conn, principal=principal, entity_id=entity_id, offset=offset, limit=limit
            )
        return page(rows, offset=offset, first=limit, total=total)  # type: ignore[arg-type]
