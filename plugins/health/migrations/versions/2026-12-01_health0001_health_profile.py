"""health profile: the facts of hospitals and health centres (branch "health")

Revision ID: health0001
Revises:
Depends on: 0001 (core)
Create Date: 2026-12-01 17:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'health0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('health',)
depends_on: str | Sequence[str] | None = '0001'


def upgrade() -> None:
    op.create_table('health_profile',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('beds', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('president_system', sa.Boolean(), nullable=False),
    sa.Column('dual_leader_secretaries', sa.Integer(), nullable=False),
    sa.Column('branches', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_health_profile_organization_id_organization')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_health_profile'))
    )


def downgrade() -> None:
    op.drop_table('health_profile')
