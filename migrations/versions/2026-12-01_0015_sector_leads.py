"""sector leads: a sector may have several lead departments

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 18:10:00

`sector_lead` lists each sector's lead departments (牵头部门); the existing
`sector.lead_department_id` (the principal one) is copied into it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('sector_lead',
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_sector_lead_organization_id_organization'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_sector_lead_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('sector_id', 'organization_id', name=op.f('pk_sector_lead'))
    )
    op.create_index(op.f('ix_sector_lead_organization_id'), 'sector_lead', ['organization_id'], unique=False)
    op.execute(
        "INSERT INTO sector_lead (sector_id, organization_id, sort_order) "
        "SELECT id, lead_department_id, 0 FROM sector WHERE lead_department_id IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_sector_lead_organization_id'), table_name='sector_lead')
    op.drop_table('sector_lead')
