"""The audit domain's contribution to the schema."""

from core.audit.schema import AuditQuery

QUERIES: list[type] = [AuditQuery]
MUTATIONS: list[type] = []
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
