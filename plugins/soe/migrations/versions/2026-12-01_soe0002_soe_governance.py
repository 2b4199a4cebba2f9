"""soe profile: party building in the articles, cross appointment (branch "soe")

Revision ID: soe0002
Revises: soe0001
Create Date: 2026-12-01 21:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'soe0002'
down_revision: str | Sequence[str] | None = 'soe0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('soe_profile') as batch:
        batch.add_column(sa.Column('charter_party_building', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('committee_members', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('cross_appointed', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('secretary_is_chairman', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('soe_profile') as batch:
        batch.drop_column('secretary_is_chairman')
        batch.drop_column('cross_appointed')
        batch.drop_column('committee_members')
        batch.drop_column('charter_party_building')
