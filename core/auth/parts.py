"""The identity domain's contribution to the schema."""

from core.auth import compiled  # noqa: F401  (registers the domain's compiled reads)
from core.auth.schema import ViewerQuery

QUERIES: list[type] = [ViewerQuery]
MUTATIONS: list[type] = []
EXTENSIONS: dict[str, list[type]] = {}
TYPES: list[type] = []
