"""Imports every core table so that one metadata holds them all (alembic, drift test)."""

from core.audit.models import AuditEvent
from core.auth.models import Account, AccountGrant
from core.calendar.models import (
    Attachment,
    CalendarDay,
    CalendarRule,
    Liaison,
    OutboxMessage,
    Reminder,
    Task,
    TaskRecord,
)
from core.db import Base
from core.duties.models import Duty, DutyDescription, DutyLibrary, DutyManual
from core.idempotency.models import IdempotencyKey
from core.orgs.models import (
    Assignment,
    FrameworkRequirement,
    LeadingGroup,
    LeadingGroupMember,
    Organization,
    OrgCategory,
    OrgClosure,
    Person,
    Position,
    Sector,
    StaffingFramework,
)
from core.plugin_admin.models import PluginState
from core.reports.models import (
    ReportFollowUp,
    ReportForm,
    ReportFormIndicator,
    ReportIndicator,
    ReportLibrary,
    ReportRule,
    ReportSheet,
    ReportViolation,
)

__all__ = [
    "Account",
    "AccountGrant",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "Base",
    "CalendarDay",
    "CalendarRule",
    "Duty",
    "DutyDescription",
    "DutyLibrary",
    "DutyManual",
    "FrameworkRequirement",
    "IdempotencyKey",
    "LeadingGroup",
    "LeadingGroupMember",
    "Liaison",
    "OrgCategory",
    "OrgClosure",
    "Organization",
    "OutboxMessage",
    "Person",
    "PluginState",
    "Position",
    "Reminder",
    "ReportFollowUp",
    "ReportForm",
    "ReportFormIndicator",
    "ReportIndicator",
    "ReportLibrary",
    "ReportRule",
    "ReportSheet",
    "ReportViolation",
    "Sector",
    "StaffingFramework",
    "Task",
    "TaskRecord",
]
