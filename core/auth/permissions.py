"""Named permissions and the roles that carry them."""

from __future__ import annotations

import enum


class Permission(enum.StrEnum):
    """A named permission, listed in `viewer.permissions` and in field descriptions."""

    ORGS_READ = "orgs.read"
    ORGS_MANAGE = "orgs.manage"
    STAFFING_MANAGE = "staffing.manage"
    PLUGINS_MANAGE = "plugins.manage"
    AUDIT_READ = "audit.read"
    TASKS_COMPLETE = "tasks.complete"
    REPORTS_SUBMIT = "reports.submit"
    REPORTS_APPROVE = "reports.approve"
    ASSESSMENT_READ = "assessment.read"
    ASSESSMENT_ASSESS = "assessment.assess"
    ASSESSMENT_MANAGE = "assessment.manage"
    SUPERVISION_MANAGE = "supervision.manage"
    """Draw spot checks, open inspections and campaigns, publish bulletins (in one's reach)."""
    SUPERVISION_INSPECT = "supervision.inspect"
    """Record findings and inspection visits; verify or reopen rectifications."""
    SUPERVISION_RECTIFY = "supervision.rectify"
    """Rectify one's own findings (with evidence) and answer checklist runs."""


class Role(enum.StrEnum):
    """A role granted to an account, over an organisation subtree or a sector."""

    CITY_ADMIN = "CITY_ADMIN"
    ORG_MANAGER = "ORG_MANAGER"
    SECTOR_LEAD = "SECTOR_LEAD"
    SECRETARY = "SECRETARY"
    ASSESSOR = "ASSESSOR"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CITY_ADMIN: frozenset(Permission),
    Role.ORG_MANAGER: frozenset(
        {
            Permission.ORGS_READ,
            Permission.ORGS_MANAGE,
            Permission.STAFFING_MANAGE,
            Permission.AUDIT_READ,
            Permission.REPORTS_SUBMIT,
            Permission.REPORTS_APPROVE,
            Permission.ASSESSMENT_READ,
            Permission.ASSESSMENT_ASSESS,
            Permission.SUPERVISION_MANAGE,
            Permission.SUPERVISION_INSPECT,
            Permission.SUPERVISION_RECTIFY,
        }
    ),
    Role.SECTOR_LEAD: frozenset(
        {
            Permission.ORGS_READ,
            Permission.ORGS_MANAGE,
            Permission.PLUGINS_MANAGE,
            Permission.AUDIT_READ,
            Permission.ASSESSMENT_READ,  # its sector's results, the plugin's items among them
            Permission.SUPERVISION_MANAGE,
            Permission.SUPERVISION_INSPECT,
        }
    ),
    Role.SECRETARY: frozenset(
        {
            Permission.ORGS_READ,
            Permission.TASKS_COMPLETE,
            Permission.REPORTS_SUBMIT,
            Permission.REPORTS_APPROVE,
            Permission.SUPERVISION_RECTIFY,
        }
    ),
    Role.ASSESSOR: frozenset(
        {
            Permission.ORGS_READ,
            Permission.ASSESSMENT_READ,
            Permission.ASSESSMENT_ASSESS,
            Permission.SUPERVISION_INSPECT,
        }
    ),
}
