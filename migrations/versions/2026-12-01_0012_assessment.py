"""assessment: schemes, items, results, satisfaction, combined visits, economic scores

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-01 15:00:00

The annual assessment (M5): versioned scheme libraries (sections, items, grade matrix,
assessed categories), computed results (narrow scores and rank within the category, which
rankings scan; the JSON sections and items and the explanation beside them), public service ratings (one per device per organisation per year),
staff surveys, the combined visits with their entered item scores, and the imported
economic-social scores.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('assessment_library',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('urn', sa.String(length=200), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('plugin', sa.String(length=60), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_library')),
    sa.UniqueConstraint('urn', name=op.f('uq_assessment_library_urn'))
    )
    op.create_table('assessment_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('grade_default', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['library_id'], ['assessment_library.id'], name=op.f('fk_assessment_scheme_library_id_assessment_library')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scheme')),
    sa.UniqueConstraint('code', name=op.f('uq_assessment_scheme_code'))
    )
    op.create_index(op.f('ix_assessment_scheme_library_id'), 'assessment_scheme', ['library_id'], unique=False)
    op.create_table('assessment_grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=40), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_grade_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_grade')),
    sa.UniqueConstraint('scheme_id', 'position', name=op.f('uq_assessment_grade_scheme_id_position'))
    )
    op.create_table('assessment_result',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('performance', sa.Float(), nullable=True),
    sa.Column('satisfaction', sa.Float(), nullable=True),
    sa.Column('accountability', sa.Float(), nullable=True),
    sa.Column('economic', sa.Float(), nullable=True),
    sa.Column('grade', sa.String(length=40), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('ranked', sa.Integer(), nullable=False),
    sa.Column('category_total', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_result_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('scheme_id', 'organization_id', name=op.f('pk_assessment_result'))
    )
    op.create_table('assessment_result_detail',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('sections', sa.Text(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_result_detail_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('scheme_id', 'organization_id', name=op.f('pk_assessment_result_detail'))
    )
    op.create_index('ix_assessment_result_scheme_id_category_id_rank', 'assessment_result', ['scheme_id', 'category_id', 'rank'], unique=False)
    op.create_table('assessment_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('max_points', sa.Float(), nullable=True),
    sa.Column('satisfaction', sa.Boolean(), nullable=False),
    sa.Column('departments', sa.String(length=200), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_section_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_section')),
    sa.UniqueConstraint('scheme_id', 'code', name=op.f('uq_assessment_section_scheme_id_code'))
    )
    op.create_table('assessment_target',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['org_category.id'], name=op.f('fk_assessment_target_category_id_org_category')),
    sa.ForeignKeyConstraint(['library_id'], ['assessment_library.id'], name=op.f('fk_assessment_target_library_id_assessment_library')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_target_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('scheme_id', 'category_id', name=op.f('pk_assessment_target'))
    )
    op.create_table('assessment_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('weight', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('expression', sa.Text(), nullable=True),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('categories', sa.String(length=400), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['library_id'], ['assessment_library.id'], name=op.f('fk_assessment_item_library_id_assessment_library')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_item_scheme_id_assessment_scheme')),
    sa.ForeignKeyConstraint(['section_id'], ['assessment_section.id'], name=op.f('fk_assessment_item_section_id_assessment_section')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_item')),
    sa.UniqueConstraint('scheme_id', 'code', name=op.f('uq_assessment_item_scheme_id_code'))
    )
    op.create_index(op.f('ix_assessment_item_section_id'), 'assessment_item', ['section_id'], unique=False)
    op.create_table('assessment_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_assessment_visit_organization_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_assessment_visit_recorded_by_account')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_assessment_visit_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_visit')),
    sa.UniqueConstraint('scheme_id', 'organization_id', name=op.f('uq_assessment_visit_scheme_id_organization_id'))
    )
    op.create_table('economic_score',
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=255), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_economic_score_organization_id_organization')),
    sa.ForeignKeyConstraint(['scheme_id'], ['assessment_scheme.id'], name=op.f('fk_economic_score_scheme_id_assessment_scheme')),
    sa.PrimaryKeyConstraint('scheme_id', 'organization_id', name=op.f('pk_economic_score'))
    )
    op.create_table('service_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_service_rating_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_rating')),
    sa.UniqueConstraint('organization_id', 'period', 'device_hash', name=op.f('uq_service_rating_organization_id_period_device_hash'))
    )
    op.create_table('staff_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('satisfied', sa.Integer(), nullable=False),
    sa.Column('basically', sa.Integer(), nullable=False),
    sa.Column('dissatisfied', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_staff_survey_organization_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_staff_survey_recorded_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_survey')),
    sa.UniqueConstraint('organization_id', 'year', name=op.f('uq_staff_survey_organization_id_year'))
    )
    op.create_table('assessment_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('department', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['account.id'], name=op.f('fk_assessment_entry_entered_by_account')),
    sa.ForeignKeyConstraint(['item_id'], ['assessment_item.id'], name=op.f('fk_assessment_entry_item_id_assessment_item')),
    sa.ForeignKeyConstraint(['visit_id'], ['assessment_visit.id'], name=op.f('fk_assessment_entry_visit_id_assessment_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_entry')),
    sa.UniqueConstraint('visit_id', 'item_id', name=op.f('uq_assessment_entry_visit_id_item_id'))
    )
    op.create_index(op.f('ix_assessment_entry_item_id'), 'assessment_entry', ['item_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_assessment_entry_item_id'), table_name='assessment_entry')
    op.drop_table('assessment_entry')
    op.drop_table('staff_survey')
    op.drop_table('service_rating')
    op.drop_table('economic_score')
    op.drop_table('assessment_visit')
    op.drop_index(op.f('ix_assessment_item_section_id'), table_name='assessment_item')
    op.drop_table('assessment_item')
    op.drop_table('assessment_target')
    op.drop_table('assessment_section')
    op.drop_index('ix_assessment_result_scheme_id_category_id_rank', table_name='assessment_result')
    op.drop_table('assessment_result_detail')
    op.drop_table('assessment_result')
    op.drop_table('assessment_grade')
    op.drop_index(op.f('ix_assessment_scheme_library_id'), table_name='assessment_scheme')
    op.drop_table('assessment_scheme')
    op.drop_table('assessment_library')
