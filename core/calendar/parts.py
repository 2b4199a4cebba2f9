"""The calendar domain's contribution to the schema."""

QUERIES: list[type] = []
MUTATIONS: list[type] = []
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
