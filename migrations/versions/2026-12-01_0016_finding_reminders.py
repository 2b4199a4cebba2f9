"""finding reminders: overdue rectifications join `dutygraph remind`

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 22:00:00

`finding_reminder` records each reminder of an overdue finding once per stage; its unique
key (finding_id, stage) lets concurrent runs of the job emit each one exactly once, like
`reminder` for tasks.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('finding_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=30), nullable=False),
    sa.Column('emitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_reminder_finding_id_finding')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_reminder')),
    sa.UniqueConstraint('finding_id', 'stage', name=op.f('uq_finding_reminder_finding_id_stage'))
    )


def downgrade() -> None:
    op.drop_table('finding_reminder')
