"""The duties domain's contribution to the schema."""

from core.duties.schema import (
    CategoryDutyFields,
    DutyType,
    PositionDutyFields,
    ViewerDutyFields,
)

QUERIES: list[type] = []
MUTATIONS: list[type] = []
EXTENSIONS: dict[str, list[type]] = {
    "OrgCategory": [CategoryDutyFields],
    "Position": [PositionDutyFields],
    "Viewer": [ViewerDutyFields],
}
TYPES: list[type] = [DutyType]
