"""The calendar domain's contribution to the schema."""

from core.calendar import compiled  # noqa: F401  (registers the domain's compiled reads)
from core.calendar.schema import CalendarMutation, CalendarQuery, ViewerTaskFields

QUERIES: list[type] = [CalendarQuery]
MUTATIONS: list[type] = [CalendarMutation]
EXTENSIONS: dict[str, list[type]] = {"Viewer": [ViewerTaskFields]}
TYPES: list[type] = []
from core.calendar.reminders_schema import OutboxMutation, OutboxQuery, ReminderViewerFields  # noqa: E402

QUERIES.append(OutboxQuery)
MUTATIONS.append(OutboxMutation)
EXTENSIONS.setdefault("Viewer", []).append(ReminderViewerFields)
