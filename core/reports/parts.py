"""The reports domain's contribution to the schema."""

from core.reports.mutations import ReportMutation
from core.reports.schema import ReportQuery

QUERIES: list[type] = [ReportQuery]
MUTATIONS: list[type] = [ReportMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
