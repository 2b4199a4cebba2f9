"""enterprise profile: non-public enterprises' facts (branch "private_enterprise")

Revision ID: pe0001
Revises:
Depends on: 0001 (core)
Create Date: 2026-12-01 18:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'pe0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('private_enterprise',)
depends_on: str | Sequence[str] | None = '0001'


def upgrade() -> None:
    op.create_table('enterprise_profile',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('industry', sa.String(length=60), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('revenue_wan', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('party_org_form', sa.String(length=20), nullable=False),
    sa.Column('organization_covered', sa.Boolean(), nullable=False),
    sa.Column('work_covered', sa.Boolean(), nullable=False),
    sa.Column('workflow_steps_done', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_enterprise_profile_organization_id_organization')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_enterprise_profile'))
    )


def downgrade() -> None:
    op.drop_table('enterprise_profile')
