"""task: cheaper bulk generation, and the task_tally kept by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 07:00:00

Measured on 959,361 generated tasks (PostgreSQL 15, bench/calendar_generate.py): the
per-row foreign-key checks of duty, rule, organisation and position cost 32 of 44 seconds
of the insert; `task` is the one table at 10^7 rows, written in bulk only by the generator's
joins over existing rows, and none of those rows is ever deleted (duties and rules retire,
organisations move). So those four references are no longer checked per row (the calendar
tests check that generation leaves none dangling); `completed_by`, written by users, keeps
its foreign key. `slot` becomes "organization:duty:owner:period" (organisation first, so a
generation block writes one narrow band of its unique index instead of one per duty), the
(status, due_on) index goes (the reminder job walks tasks by id; a viewer's reminders use
the organisation index), and on PostgreSQL `slot` and `status` compare bytewise
(COLLATE "C": the database's C.UTF-8 collation calls strcoll).

task_tally: task counts per (organisation of depth <= 1, due date, status, late), kept by
triggers on task (PostgreSQL: statement triggers over transition tables; SQLite: row
triggers) so that TaskProgress for a district or the city reads a few hundred rows instead
of a million tasks. Moving organisations is handled by core.calendar.tally.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNCHECKED = (
    ("fk_task_duty_id_duty", "duty_id", "duty"),
    ("fk_task_rule_id_calendar_rule", "rule_id", "calendar_rule"),
    ("fk_task_organization_id_organization", "organization_id", "organization"),
    ("fk_task_position_id_position", "position_id", "position"),
)
KEY = "organization_id, due_on, status, late"
UPSERT = f"ON CONFLICT ({KEY}) DO UPDATE SET n = task_tally.n + excluded.n"


def _pg_delta(rows: str) -> str:
    """Add the signed counts of `rows` (organization_id, due_on, status, late, n) to the tally."""
    return f"""
        INSERT INTO task_tally ({KEY}, n)
        SELECT c.ancestor_id, d.due_on, d.status, d.late, sum(d.n)
        FROM (
            SELECT organization_id, due_on, status, late, sum(n) AS n
            FROM ({rows}) AS changed GROUP BY organization_id, due_on, status, late
        ) AS d
        JOIN org_closure c ON c.descendant_id = d.organization_id
        JOIN organization a ON a.id = c.ancestor_id AND a.depth <= 1
        GROUP BY c.ancestor_id, d.due_on, d.status, d.late
        HAVING sum(d.n) <> 0
        ORDER BY c.ancestor_id, d.due_on, d.status, d.late
        {UPSERT};
    """


OLD = "SELECT organization_id, due_on, status, late, -1 AS n FROM old_rows"
NEW = "SELECT organization_id, due_on, status, late, 1 AS n FROM new_rows"
PG_UPGRADE = [
    f"""
    CREATE FUNCTION task_tally_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            {_pg_delta(NEW)}
        ELSIF TG_OP = 'DELETE' THEN
            {_pg_delta(OLD)}
        ELSE
            {_pg_delta(OLD + " UNION ALL " + NEW)}
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER task_tally_insert AFTER INSERT ON task
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_tally_apply()
    """,
    """
    CREATE TRIGGER task_tally_update AFTER UPDATE ON task
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_tally_apply()
    """,
    """
    CREATE TRIGGER task_tally_delete AFTER DELETE ON task
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION task_tally_apply()
    """,
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS task_tally_delete ON task",
    "DROP TRIGGER IF EXISTS task_tally_update ON task",
    "DROP TRIGGER IF EXISTS task_tally_insert ON task",
    "DROP FUNCTION IF EXISTS task_tally_apply()",
]


def _sqlite_add(row: str, sign: int) -> str:
    return f"""
        INSERT INTO task_tally ({KEY}, n)
        SELECT c.ancestor_id, {row}.due_on, {row}.status, {row}.late, {sign}
        FROM org_closure c JOIN organization a ON a.id = c.ancestor_id AND a.depth <= 1
        WHERE c.descendant_id = {row}.organization_id
        {UPSERT};
    """


SQLITE_UPGRADE = [
    f"CREATE TRIGGER task_tally_insert AFTER INSERT ON task BEGIN {_sqlite_add('NEW', 1)} END",
    f"CREATE TRIGGER task_tally_delete AFTER DELETE ON task BEGIN {_sqlite_add('OLD', -1)} END",
    f"""
    CREATE TRIGGER task_tally_update AFTER UPDATE OF {KEY} ON task
    WHEN OLD.organization_id IS NOT NEW.organization_id OR OLD.due_on IS NOT NEW.due_on
        OR OLD.status IS NOT NEW.status OR OLD.late IS NOT NEW.late
    BEGIN {_sqlite_add("OLD", -1)} {_sqlite_add("NEW", 1)} END
    """,
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS task_tally_insert",
    "DROP TRIGGER IF EXISTS task_tally_delete",
    "DROP TRIGGER IF EXISTS task_tally_update",
]
REKEY = """
    UPDATE task SET slot = CAST(organization_id AS VARCHAR) || ':' || CAST(duty_id AS VARCHAR)
        || ':' || SUBSTR(slot, LENGTH(CAST(duty_id AS VARCHAR))
                              + LENGTH(CAST(organization_id AS VARCHAR)) + 3)
    WHERE slot LIKE CAST(duty_id AS VARCHAR) || ':' || CAST(organization_id AS VARCHAR) || ':%'
"""
UNKEY = """
    UPDATE task SET slot = CAST(duty_id AS VARCHAR) || ':' || CAST(organization_id AS VARCHAR)
        || ':' || SUBSTR(slot, LENGTH(CAST(duty_id AS VARCHAR))
                              + LENGTH(CAST(organization_id AS VARCHAR)) + 3)
    WHERE slot LIKE CAST(organization_id AS VARCHAR) || ':' || CAST(duty_id AS VARCHAR) || ':%'
"""
BACKFILL = f"""
    INSERT INTO task_tally ({KEY}, n)
    SELECT c.ancestor_id, t.due_on, t.status, t.late, count(*)
    FROM task t
    JOIN org_closure c ON c.descendant_id = t.organization_id
    JOIN organization a ON a.id = c.ancestor_id AND a.depth <= 1
    GROUP BY c.ancestor_id, t.due_on, t.status, t.late
"""


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("task", schema=None) as batch_op:
        for name, _, _ in UNCHECKED:
            batch_op.drop_constraint(name, type_="foreignkey")
        batch_op.drop_index("ix_task_status_due_on")
    op.execute(REKEY)
    if postgresql:
        op.execute('ALTER TABLE task ALTER COLUMN slot TYPE VARCHAR(120) COLLATE "C"')
        op.execute('ALTER TABLE task ALTER COLUMN status TYPE VARCHAR(20) COLLATE "C"')
    op.create_table(
        "task_tally",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "organization_id", "due_on", "status", "late", name=op.f("pk_task_tally")
        ),
    )
    op.execute(BACKFILL)
    _run({"postgresql": PG_UPGRADE, "sqlite": SQLITE_UPGRADE})


def downgrade() -> None:
    _run({"postgresql": PG_DOWNGRADE, "sqlite": SQLITE_DOWNGRADE})
    op.drop_table("task_tally")
    op.execute(UNKEY)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE task ALTER COLUMN slot TYPE VARCHAR(120)")
        op.execute("ALTER TABLE task ALTER COLUMN status TYPE VARCHAR(20)")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.create_index("ix_task_status_due_on", ["status", "due_on"], unique=False)
        for name, column, table in UNCHECKED:
            batch_op.create_foreign_key(name, table, [column], ["id"])
