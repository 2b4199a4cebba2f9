"""The reports domain's contribution to the schema."""

from core.reports.schema import ReportMutation, ReportQuery

QUERIES: list[type] = [ReportQuery]
MUTATIONS: list[type] = [ReportMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
