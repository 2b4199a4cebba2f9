"""The supervision domain's contribution to the schema."""

from core.supervision.mutations import SupervisionMutation
from core.supervision.schema import SupervisionQuery
from core.supervision.viewer import FindingReminderFields

QUERIES: list[type] = [SupervisionQuery]
MUTATIONS: list[type] = [SupervisionMutation]
EXTENSIONS: dict[str, list[type]] = {"Viewer": [FindingReminderFields]}
TYPES: list[type] = []
