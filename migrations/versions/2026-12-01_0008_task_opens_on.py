"""task.opens_on: the day a task opens (due date minus its rule's lead days)

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-01 09:00:00

`calendar_rule.lead_days` was stored and editable but used by nothing. A task now opens
`lead_days` before its due date: from then on it is listed in `viewer.tasks` and
`viewer.reminders`, and the remind job sends its first reminder. The generator writes the
day with every task; existing tasks get it from their rule here. NULL (a task written
without a rule) means open from the start, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = {
    "postgresql": """
        UPDATE task SET opens_on = task.due_on - r.lead_days
        FROM calendar_rule r WHERE r.id = task.rule_id
    """,
    "sqlite": """
        UPDATE task SET opens_on = (
            SELECT date(task.due_on, '-' || r.lead_days || ' days')
            FROM calendar_rule r WHERE r.id = task.rule_id
        )
        WHERE task.rule_id IS NOT NULL
    """,
}


def upgrade() -> None:
    op.add_column("task", sa.Column("opens_on", sa.Date(), nullable=True))
    statement = BACKFILL.get(op.get_bind().dialect.name)
    if statement:
        op.execute(statement)


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place (a batch copy of `task` would lose its triggers)
    op.execute("ALTER TABLE task DROP COLUMN opens_on")
