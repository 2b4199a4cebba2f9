"""The supervision domain's contribution to the schema."""

from core.supervision.schema import SupervisionMutation, SupervisionQuery

QUERIES: list[type] = [SupervisionQuery]
MUTATIONS: list[type] = [SupervisionMutation]
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
