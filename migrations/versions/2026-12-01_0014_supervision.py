"""supervision: procedures, checklist runs, inspections, spot checks, findings, bulletins,
campaigns, meetings

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-01 18:00:00

Process control (M4): versioned procedure and checklist libraries (steps with guidance,
evidence and questions), checklist runs with their answers, special inspections with teams,
assignments, visits and per-item results, random spot checks with their drawn organisations
(seed, algorithm, population hash: verifiable), findings with their transitions, immutable
bulletins, campaigns whose items become calendar tasks, and meetings with attendance.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('procedure_library',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('urn', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('plugin', sa.String(length=60), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=80), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_library')),
    sa.UniqueConstraint('urn', name=op.f('uq_procedure_library_urn'))
    )
    op.create_table('procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('library_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('duties', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['library_id'], ['procedure_library.id'], name=op.f('fk_procedure_library_id_procedure_library')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure')),
    sa.UniqueConstraint('code', name=op.f('uq_procedure_code'))
    )
    op.create_index(op.f('ix_procedure_library_id'), 'procedure', ['library_id'], unique=False)
    op.create_table('procedure_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('guidance', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_procedure_step_procedure_id_procedure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_procedure_step')),
    sa.UniqueConstraint('procedure_id', 'code', name=op.f('uq_procedure_step_procedure_id_code'))
    )
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('root_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], name=op.f('fk_campaign_created_by_account')),
    sa.ForeignKeyConstraint(['root_id'], ['organization.id'], name=op.f('fk_campaign_root_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign')),
    sa.UniqueConstraint('code', name=op.f('uq_campaign_code'))
    )
    op.create_index(op.f('ix_campaign_root_id'), 'campaign', ['root_id'], unique=False)
    op.create_table('checklist_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_checklist_run_organization_id_organization')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_checklist_run_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['started_by'], ['account.id'], name=op.f('fk_checklist_run_started_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_run'))
    )
    op.create_index('ix_checklist_run_organization_id_started_at', 'checklist_run', ['organization_id', 'started_at'], unique=False)
    op.create_index(op.f('ix_checklist_run_procedure_id'), 'checklist_run', ['procedure_id'], unique=False)
    op.create_table('inspection',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('procedure_id', sa.Integer(), nullable=False),
    sa.Column('root_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['org_category.id'], name=op.f('fk_inspection_category_id_org_category')),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], name=op.f('fk_inspection_created_by_account')),
    sa.ForeignKeyConstraint(['procedure_id'], ['procedure.id'], name=op.f('fk_inspection_procedure_id_procedure')),
    sa.ForeignKeyConstraint(['root_id'], ['organization.id'], name=op.f('fk_inspection_root_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection')),
    sa.UniqueConstraint('code', name=op.f('uq_inspection_code'))
    )
    op.create_index(op.f('ix_inspection_procedure_id'), 'inspection', ['procedure_id'], unique=False)
    op.create_index(op.f('ix_inspection_root_id'), 'inspection', ['root_id'], unique=False)
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_meeting_organization_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_meeting_recorded_by_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    op.create_index(op.f('ix_meeting_organization_id'), 'meeting', ['organization_id'], unique=False)
    op.create_table('spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('root_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('algorithm', sa.String(length=40), nullable=False),
    sa.Column('population_hash', sa.String(length=64), nullable=False),
    sa.Column('population_codes', sa.Text(), nullable=False),
    sa.Column('sample_hash', sa.String(length=64), nullable=False),
    sa.Column('exclude_months', sa.Integer(), nullable=False),
    sa.Column('excluded', sa.Integer(), nullable=False),
    sa.Column('drawn_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('drawn_by', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['org_category.id'], name=op.f('fk_spot_check_category_id_org_category')),
    sa.ForeignKeyConstraint(['drawn_by'], ['account.id'], name=op.f('fk_spot_check_drawn_by_account')),
    sa.ForeignKeyConstraint(['root_id'], ['organization.id'], name=op.f('fk_spot_check_root_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spot_check'))
    )
    op.create_index(op.f('ix_spot_check_root_id'), 'spot_check', ['root_id'], unique=False)
    op.create_table('bulletin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('period', sa.String(length=20), nullable=False),
    sa.Column('root_id', sa.Integer(), nullable=False),
    sa.Column('spot_check_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['bulletin.id'], name=op.f('fk_bulletin_corrects_id_bulletin')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_bulletin_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['published_by'], ['account.id'], name=op.f('fk_bulletin_published_by_account')),
    sa.ForeignKeyConstraint(['root_id'], ['organization.id'], name=op.f('fk_bulletin_root_id_organization')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_check.id'], name=op.f('fk_bulletin_spot_check_id_spot_check')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bulletin'))
    )
    op.create_index(op.f('ix_bulletin_inspection_id'), 'bulletin', ['inspection_id'], unique=False)
    op.create_index(op.f('ix_bulletin_root_id'), 'bulletin', ['root_id'], unique=False)
    op.create_index(op.f('ix_bulletin_spot_check_id'), 'bulletin', ['spot_check_id'], unique=False)
    op.create_table('campaign_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_campaign_item_campaign_id_campaign')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_item')),
    sa.UniqueConstraint('campaign_id', 'code', name=op.f('uq_campaign_item_campaign_id_code'))
    )
    op.create_table('checklist_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['account.id'], name=op.f('fk_checklist_answer_answered_by_account')),
    sa.ForeignKeyConstraint(['run_id'], ['checklist_run.id'], name=op.f('fk_checklist_answer_run_id_checklist_run')),
    sa.ForeignKeyConstraint(['step_id'], ['procedure_step.id'], name=op.f('fk_checklist_answer_step_id_procedure_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_answer')),
    sa.UniqueConstraint('run_id', 'step_id', name=op.f('uq_checklist_answer_run_id_step_id'))
    )
    op.create_index(op.f('ix_checklist_answer_step_id'), 'checklist_answer', ['step_id'], unique=False)
    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('spot_check_id', sa.Integer(), nullable=True),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('step_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('rectify_by', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('found_on', sa.Date(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('rectified_on', sa.Date(), nullable=True),
    sa.Column('verified_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], name=op.f('fk_finding_created_by_account')),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_finding_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_finding_organization_id_organization')),
    sa.ForeignKeyConstraint(['run_id'], ['checklist_run.id'], name=op.f('fk_finding_run_id_checklist_run')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_check.id'], name=op.f('fk_finding_spot_check_id_spot_check')),
    sa.ForeignKeyConstraint(['step_id'], ['procedure_step.id'], name=op.f('fk_finding_step_id_procedure_step')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding'))
    )
    op.create_index(op.f('ix_finding_inspection_id'), 'finding', ['inspection_id'], unique=False)
    op.create_index('ix_finding_organization_id_status', 'finding', ['organization_id', 'status'], unique=False)
    op.create_index(op.f('ix_finding_run_id'), 'finding', ['run_id'], unique=False)
    op.create_index(op.f('ix_finding_spot_check_id'), 'finding', ['spot_check_id'], unique=False)
    op.create_table('inspection_team',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('leader', sa.String(length=100), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_team_inspection_id_inspection')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_team')),
    sa.UniqueConstraint('inspection_id', 'code', name=op.f('uq_inspection_team_inspection_id_code'))
    )
    op.create_table('meeting_attendance',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_attendance_meeting_id_meeting')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_meeting_attendance_organization_id_organization')),
    sa.PrimaryKeyConstraint('meeting_id', 'organization_id', name=op.f('pk_meeting_attendance'))
    )
    op.create_index(op.f('ix_meeting_attendance_organization_id'), 'meeting_attendance', ['organization_id'], unique=False)
    op.create_table('spot_check_org',
    sa.Column('spot_check_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('stratum_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_spot_check_org_organization_id_organization')),
    sa.ForeignKeyConstraint(['spot_check_id'], ['spot_check.id'], name=op.f('fk_spot_check_org_spot_check_id_spot_check')),
    sa.PrimaryKeyConstraint('spot_check_id', 'organization_id', name=op.f('pk_spot_check_org'))
    )
    op.create_index(op.f('ix_spot_check_org_organization_id'), 'spot_check_org', ['organization_id'], unique=False)
    op.create_table('campaign_task',
    sa.Column('task_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['campaign_item.id'], name=op.f('fk_campaign_task_item_id_campaign_item')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_campaign_task_organization_id_organization')),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_campaign_task'))
    )
    op.create_index(op.f('ix_campaign_task_item_id'), 'campaign_task', ['item_id'], unique=False)
    op.create_index(op.f('ix_campaign_task_organization_id'), 'campaign_task', ['organization_id'], unique=False)
    op.create_table('finding_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_username', sa.String(length=80), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['account.id'], name=op.f('fk_finding_step_actor_id_account')),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_step_finding_id_finding')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_step'))
    )
    op.create_index(op.f('ix_finding_step_finding_id'), 'finding_step', ['finding_id'], unique=False)
    op.create_table('inspection_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_inspection_assignment_organization_id_organization')),
    sa.ForeignKeyConstraint(['team_id'], ['inspection_team.id'], name=op.f('fk_inspection_assignment_team_id_inspection_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_assignment')),
    sa.UniqueConstraint('team_id', 'organization_id', name=op.f('uq_inspection_assignment_team_id_organization_id'))
    )
    op.create_index(op.f('ix_inspection_assignment_organization_id'), 'inspection_assignment', ['organization_id'], unique=False)
    op.create_table('inspection_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspection.id'], name=op.f('fk_inspection_visit_inspection_id_inspection')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_inspection_visit_organization_id_organization')),
    sa.ForeignKeyConstraint(['recorded_by'], ['account.id'], name=op.f('fk_inspection_visit_recorded_by_account')),
    sa.ForeignKeyConstraint(['team_id'], ['inspection_team.id'], name=op.f('fk_inspection_visit_team_id_inspection_team')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_visit')),
    sa.UniqueConstraint('inspection_id', 'organization_id', name=op.f('uq_inspection_visit_inspection_id_organization_id'))
    )
    op.create_index(op.f('ix_inspection_visit_organization_id'), 'inspection_visit', ['organization_id'], unique=False)
    op.create_table('visit_result',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['procedure_step.id'], name=op.f('fk_visit_result_step_id_procedure_step')),
    sa.ForeignKeyConstraint(['visit_id'], ['inspection_visit.id'], name=op.f('fk_visit_result_visit_id_inspection_visit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_result')),
    sa.UniqueConstraint('visit_id', 'step_id', name=op.f('uq_visit_result_visit_id_step_id'))
    )
    op.create_index(op.f('ix_visit_result_step_id'), 'visit_result', ['step_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_visit_result_step_id'), table_name='visit_result')
    op.drop_table('visit_result')
    op.drop_index(op.f('ix_inspection_visit_organization_id'), table_name='inspection_visit')
    op.drop_table('inspection_visit')
    op.drop_index(op.f('ix_inspection_assignment_organization_id'), table_name='inspection_assignment')
    op.drop_table('inspection_assignment')
    op.drop_index(op.f('ix_finding_step_finding_id'), table_name='finding_step')
    op.drop_table('finding_step')
    op.drop_index(op.f('ix_campaign_task_organization_id'), table_name='campaign_task')
    op.drop_index(op.f('ix_campaign_task_item_id'), table_name='campaign_task')
    op.drop_table('campaign_task')
    op.drop_index(op.f('ix_spot_check_org_organization_id'), table_name='spot_check_org')
    op.drop_table('spot_check_org')
    op.drop_index(op.f('ix_meeting_attendance_organization_id'), table_name='meeting_attendance')
    op.drop_table('meeting_attendance')
    op.drop_table('inspection_team')
    op.drop_index(op.f('ix_finding_spot_check_id'), table_name='finding')
    op.drop_index(op.f('ix_finding_run_id'), table_name='finding')
    op.drop_index('ix_finding_organization_id_status', table_name='finding')
    op.drop_index(op.f('ix_finding_inspection_id'), table_name='finding')
    op.drop_table('finding')
    op.drop_index(op.f('ix_checklist_answer_step_id'), table_name='checklist_answer')
    op.drop_table('checklist_answer')
    op.drop_table('campaign_item')
    op.drop_index(op.f('ix_bulletin_spot_check_id'), table_name='bulletin')
    op.drop_index(op.f('ix_bulletin_root_id'), table_name='bulletin')
    op.drop_index(op.f('ix_bulletin_inspection_id'), table_name='bulletin')
    op.drop_table('bulletin')
    op.drop_index(op.f('ix_spot_check_root_id'), table_name='spot_check')
    op.drop_table('spot_check')
    op.drop_index(op.f('ix_meeting_organization_id'), table_name='meeting')
    op.drop_table('meeting')
    op.drop_index(op.f('ix_inspection_root_id'), table_name='inspection')
    op.drop_index(op.f('ix_inspection_procedure_id'), table_name='inspection')
    op.drop_table('inspection')
    op.drop_index(op.f('ix_checklist_run_procedure_id'), table_name='checklist_run')
    op.drop_index('ix_checklist_run_organization_id_started_at', table_name='checklist_run')
    op.drop_table('checklist_run')
    op.drop_index(op.f('ix_campaign_root_id'), table_name='campaign')
    op.drop_table('campaign')
    op.drop_table('procedure_step')
    op.drop_index(op.f('ix_procedure_library_id'), table_name='procedure')
    op.drop_table('procedure')
    op.drop_table('procedure_library')
