"""What the core contributes to the GraphQL schema (plugins add theirs through hooks)."""

from __future__ import annotations

from core.auth.schema import ViewerFields, ViewerQuery
from core.orgs.leading_groups import LeadingGroupQuery
from core.orgs.schema import OrgMutation, OrgQuery
from core.orgs.staffing_schema import StaffingMutation
from core.orgs.types import CategoryFields, OrganizationFields
from core.plugin_admin.schema import PluginMutation, PluginQuery

QUERIES: list[type] = [OrgQuery, LeadingGroupQuery, ViewerQuery, PluginQuery]
MUTATIONS: list[type] = [OrgMutation, StaffingMutation, PluginMutation]
# GraphQL name -> core fields of a type that plugins (and later domains) may extend
EXTENSIBLE: dict[str, type] = {
    "Organization": OrganizationFields,
    "OrgCategory": CategoryFields,
    "Viewer": ViewerFields,
}
EXTRA_TYPES: list[type] = []
