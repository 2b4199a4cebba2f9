"""What the core contributes to the GraphQL schema (plugins add theirs through hooks).

Each domain has a `parts` module with QUERIES, MUTATIONS, TYPES and EXTENSIONS (mixins
for the extensible types below, composed exactly like a plugin's).
"""

from __future__ import annotations

from types import ModuleType

from core.assessment import parts as assessment_parts
from core.audit import parts as audit_parts
from core.auth import parts as auth_parts
from core.auth.schema import ViewerFields
from core.calendar import parts as calendar_parts
from core.duties import parts as duties_parts
from core.orgs import parts as orgs_parts
from core.orgs.types import CategoryFields, OrganizationFields, PositionFields
from core.plugin_admin import parts as plugin_parts
from core.reports import parts as reports_parts
from core.supervision import parts as supervision_parts

DOMAINS: list[ModuleType] = [
    orgs_parts,
    auth_parts,
    plugin_parts,
    duties_parts,
    calendar_parts,
    audit_parts,
    reports_parts,
    assessment_parts,
    supervision_parts,
]

# GraphQL name -> the core fields of a type that domains and plugins may extend
EXTENSIBLE: dict[str, type] = {
    "Organization": OrganizationFields,
    "OrgCategory": CategoryFields,
    "Position": PositionFields,
    "Viewer": ViewerFields,
}
QUERIES: list[type] = [q for d in DOMAINS for q in d.QUERIES]
MUTATIONS: list[type] = [m for d in DOMAINS for m in d.MUTATIONS]
EXTRA_TYPES: list[type] = [t for d in DOMAINS for t in d.TYPES]
EXTENSIONS: list[tuple[str, type]] = [
    (gql_name, mixin)
    for d in DOMAINS
    for gql_name, mixins in d.EXTENSIONS.items()
    for mixin in mixins
]
