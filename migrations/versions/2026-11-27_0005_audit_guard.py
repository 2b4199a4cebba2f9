"""audit guard: the application cannot UPDATE, DELETE or TRUNCATE audit events

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:40:00

PostgreSQL: a trigger function raises on UPDATE/DELETE (per row) and TRUNCATE (per
statement). Only a role that may ALTER the table (its owner or a superuser) can disable the
triggers, so production should run the gateway as a role that does not own audit_event
(docs/audit.md).

SQLite: triggers raise on UPDATE and DELETE (SQLite has no TRUNCATE; `DELETE FROM` without
WHERE fires the DELETE trigger). Anyone who can write the database file can drop them, so
on SQLite this guards against application bugs only; the hash chain and the signed
checkpoints (`dutygraph audit verify --checkpoint`) are what detect tampering.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_event is append-only: UPDATE, DELETE and TRUNCATE are not allowed"

PG_UPGRADE = [
    f"""
    CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()
    """,
    """
    CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()
    """,
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]
SQLITE_UPGRADE = [
    f"""
    CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
    f"""
    CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
    """,
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    _run({"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE})


def downgrade() -> None:
    _run({"postgresql": PG_DOWNGRADE, "sqlite": SQLITE_DOWNGRADE})
