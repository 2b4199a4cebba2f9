"""social org profile: registration facts and evaluation scores (branch "social_org")

Revision ID: so0001
Revises:
Depends on: 0001 (core)
Create Date: 2026-12-01 18:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'so0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('social_org',)
depends_on: str | Sequence[str] | None = '0001'


def upgrade() -> None:
    op.create_table('social_org_profile',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('registration_authority', sa.String(length=60), nullable=False),
    sa.Column('supervising_unit', sa.String(length=100), nullable=False),
    sa.Column('rating', sa.String(length=10), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('party_org_form', sa.String(length=20), nullable=False),
    sa.Column('charter_party_clause', sa.Boolean(), nullable=False),
    sa.Column('evaluation_score', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_social_org_profile_organization_id_organization')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_social_org_profile'))
    )


def downgrade() -> None:
    op.drop_table('social_org_profile')
