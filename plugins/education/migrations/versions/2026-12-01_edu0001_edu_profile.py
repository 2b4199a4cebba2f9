"""edu profile: the school facts of education organisations (branch "education")

Revision ID: edu0001
Revises:
Depends on: 0001 (core)
Create Date: 2026-12-01 17:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'edu0001'
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ('education',)
depends_on: str | Sequence[str] | None = '0001'


def upgrade() -> None:
    op.create_table('edu_profile',
    sa.Column('organization_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('students', sa.Integer(), nullable=False),
    sa.Column('staff', sa.Integer(), nullable=False),
    sa.Column('party_members', sa.Integer(), nullable=False),
    sa.Column('party_org_form', sa.String(length=20), nullable=False),
    sa.Column('principal_system', sa.Boolean(), nullable=False),
    sa.Column('secretary_principal_separate', sa.Boolean(), nullable=False),
    sa.Column('ideology_teachers', sa.Integer(), nullable=False),
    sa.Column('branches_in_grade_groups', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_edu_profile_organization_id_organization')),
    sa.PrimaryKeyConstraint('organization_id', name=op.f('pk_edu_profile'))
    )


def downgrade() -> None:
    op.drop_table('edu_profile')
