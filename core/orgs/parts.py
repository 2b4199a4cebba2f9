"""The organisation domain's contribution to the schema."""

from core.orgs import compiled  # noqa: F401  (registers the domain's compiled reads)
from core.orgs.leading_groups import LeadingGroupQuery
from core.orgs.schema import OrgMutation, OrgQuery
from core.orgs.staffing_schema import StaffingMutation

QUERIES: list[type] = [OrgQuery, LeadingGroupQuery]
MUTATIONS: list[type] = [OrgMutation, StaffingMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
