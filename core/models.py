"""Imports every core table so that one metadata holds them all (alembic, drift test)."""

from core.assessment.models import (
    AssessmentEntry,
    AssessmentGrade,
    AssessmentItem,
    AssessmentLibrary,
    AssessmentResult,
    AssessmentScheme,
    AssessmentSection,
    AssessmentTarget,
    AssessmentVisit,
    EconomicScore,
    ServiceRating,
    StaffSurvey,
)
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

__all__ = [
    "Account",
    "AccountGrant",
    "AssessmentEntry",
    "AssessmentGrade",
    "AssessmentItem",
    "AssessmentLibrary",
    "AssessmentResult",
    "AssessmentScheme",
    "AssessmentSection",
    "AssessmentTarget",
    "AssessmentVisit",
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
    "EconomicScore",
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
    "Sector",
    "ServiceRating",
    "StaffSurvey",
    "StaffingFramework",
    "Task",
    "TaskRecord",
]
