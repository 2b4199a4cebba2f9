"""Tables of process control (M4): procedures, checklist runs, inspections, spot checks,
findings and their rectification, bulletins.

A procedure (操作规程) and an inspection checklist (督查清单) share one table (`kind`);
their steps are the items a checklist run answers and an inspection visit checks. A spot
check stores what makes its draw verifiable: the seed, the algorithm version and the hash
of the population it drew from. A bulletin is a frozen snapshot (`body`): published, it
never changes; a correction is a new bulletin pointing at the old one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, utcnow


class ProcedureLibrary(Base):
    """A loaded, versioned procedure or checklist library file, by URN."""

    __tablename__ = "procedure_library"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    urn: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200), default="")
    plugin: Mapped[str | None] = mapped_column(String(60))
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    loaded_by: Mapped[str | None] = mapped_column(String(80))


class Procedure(Base):
    """An operating procedure (PROCEDURE) or an inspection checklist (CHECKLIST)."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("procedure_library.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list[str]] = mapped_column(JSON)
    duties: Mapped[list[str]] = mapped_column(JSON)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ProcedureStep(Base):
    """One step of a procedure (one item of a checklist): guidance, evidence, questions."""

    __tablename__ = "procedure_step"
    __table_args__ = (UniqueConstraint("procedure_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"))
    code: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[str]] = mapped_column(JSON)
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    severity: Mapped[str] = mapped_column(String(10), default="MEDIUM")
    retired_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ChecklistRun(Base):
    """A procedure run for an organisation: its steps answered one by one."""

    __tablename__ = "checklist_run"
    __table_args__ = (
        Index("ix_checklist_run_organization_id_started_at", "organization_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="OPEN")  # OPEN | COMPLETED
    task_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class ChecklistAnswer(Base):
    """The answer to one step of a run: DONE, NOT_DONE or NOT_APPLICABLE, note, evidence."""

    __tablename__ = "checklist_answer"
    __table_args__ = (UniqueConstraint("run_id", "step_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("checklist_run.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("procedure_step.id"), index=True)
    answer: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[int]] = mapped_column(JSON)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Inspection(Base):
    """A special inspection (专项督查): one checklist over the organisations of a subtree."""

    __tablename__ = "inspection"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id"), index=True)
    root_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("org_category.id"))
    period: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="OPEN")  # OPEN | PUBLISHED
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class InspectionTeam(Base):
    """An inspection team (督查组): people assigned organisations (a subtree each)."""

    __tablename__ = "inspection_team"
    __table_args__ = (UniqueConstraint("inspection_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    leader: Mapped[str] = mapped_column(String(100), default="")
    members: Mapped[list[str]] = mapped_column(JSON)


class InspectionAssignment(Base):
    """A team's assignment: an organisation and its whole subtree."""

    __tablename__ = "inspection_assignment"
    __table_args__ = (UniqueConstraint("team_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("inspection_team.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)


class InspectionVisit(Base):
    """A team's visit to one organisation: a result per checklist item."""

    __tablename__ = "inspection_visit"
    __table_args__ = (UniqueConstraint("inspection_id", "organization_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_team.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class VisitResult(Base):
    """The result of one checklist item at a visit."""

    __tablename__ = "visit_result"
    __table_args__ = (UniqueConstraint("visit_id", "step_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("inspection_visit.id"))
    step_id: Mapped[int] = mapped_column(ForeignKey("procedure_step.id"), index=True)
    result: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[int]] = mapped_column(JSON)


class SpotCheck(Base):
    """A random spot check (随机抽查): a reproducible, verifiable stratified draw."""

    __tablename__ = "spot_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    root_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("org_category.id"))
    sample_size: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(40))
    population_hash: Mapped[str] = mapped_column(String(64))
    population_codes: Mapped[str] = mapped_column(Text)  # "code<TAB>stratum code" lines
    sample_hash: Mapped[str] = mapped_column(String(64))
    exclude_months: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[int] = mapped_column(Integer, default=0)
    drawn_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    drawn_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    status: Mapped[str] = mapped_column(String(20), default="DRAWN")  # DRAWN | PUBLISHED
    version: Mapped[int] = mapped_column(Integer, default=1)


class SpotCheckOrg(Base):
    """An organisation drawn by a spot check, in draw order, with its stratum (parent)."""

    __tablename__ = "spot_check_org"

    spot_check_id: Mapped[int] = mapped_column(ForeignKey("spot_check.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, index=True
    )
    stratum_id: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class Finding(Base):
    """A problem found (by a spot check, an inspection visit or a checklist run) and its
    rectification: IDENTIFIED → RECTIFYING → RECTIFIED → VERIFIED, or REOPENED."""

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_organization_id_status", "organization_id", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(20))  # SPOT_CHECK | INSPECTION | CHECKLIST
    spot_check_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("checklist_run.id"), index=True)
    step_id: Mapped[int | None] = mapped_column(ForeignKey("procedure_step.id"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    severity: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text)
    rectify_by: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="IDENTIFIED")
    version: Mapped[int] = mapped_column(Integer, default=1)
    found_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)


class FindingStep(Base):
    """One transition of a finding: from, to, the note, evidence, who and when."""

    __tablename__ = "finding_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[int]] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    actor_username: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FindingReminder(Base):
    """A reminder of an overdue rectification, emitted once per finding and stage by
    `dutygraph remind` (the unique key decides which run emits it, as for tasks)."""

    __tablename__ = "finding_reminder"
    __table_args__ = (UniqueConstraint("finding_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("finding.id"))
    stage: Mapped[str] = mapped_column(String(30))
    emitted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Bulletin(Base):
    """A published bulletin (通报): an immutable snapshot of a spot check or inspection."""

    __tablename__ = "bulletin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    period: Mapped[str] = mapped_column(String(20))
    root_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    spot_check_id: Mapped[int | None] = mapped_column(ForeignKey("spot_check.id"), index=True)
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("bulletin.id"))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))


class Campaign(Base):
    """A campaign (专项行动, e.g. 双基十条): a named set of tasks across organisations."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    root_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CampaignItem(Base):
    """One task of a campaign: what, who owns it, by when (instantiated as calendar tasks)."""

    __tablename__ = "campaign_item"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    code: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[dt.date] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer)


class CampaignTask(Base):
    """A calendar task instantiating a campaign item for one organisation."""

    __tablename__ = "campaign_task"

    task_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("campaign_item.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)


class Meeting(Base):
    """A meeting of the leading group, the joint conference or the town-secretary call."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class MeetingAttendance(Base):
    """Whether an organisation expected at a meeting attended it."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id"), primary_key=True, index=True
    )
    present: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(300), default="")
