"""The composed GraphQL types, set by `gateway.schema.build_schema` after plugins load.

Core fields reference composed types lazily (`strawberry.lazy("core.graphql.composed")`),
so that plugin mixins join the one class per GraphQL name before the schema is built.
"""

from __future__ import annotations

from typing import Any

Organization: Any
OrgCategory: Any
Viewer: Any
