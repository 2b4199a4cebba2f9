"""The composed GraphQL types, set by `gateway.schema.build_schema` after plugins load.

Core fields reference composed types lazily (`strawberry.lazy("core.graphql.composed")`),
so that domain and plugin mixins join the one class per GraphQL name before the schema is
built. One attribute per name in `core.schema_parts.EXTENSIBLE`.
"""

from __future__ import annotations

from typing import Any

Organization: Any
OrgCategory: Any
Position: Any
Viewer: Any
