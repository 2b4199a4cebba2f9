"""Text the database cannot store: NUL characters in string literals or variables.

PostgreSQL text cannot hold U+0000; letting one through turns a typo into an "Unexpected
error". Refused before execution with INVALID_CHARACTER, naming where it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

NUL = "\x00"
CODE = "INVALID_CHARACTER"


def _error(where: str) -> GraphQLError:
    return GraphQLError(
        f"{where} 含有不允许的空字符 U+0000 (NUL character not allowed)",
        extensions={"code": CODE},
    )


class NoNulStringsRule(ValidationRule):
    """Reject string literals containing U+0000."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if NUL in node.value:
            self.report_error(_error("字符串 (string literal)"))


def _find(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, Mapping):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _find(item, f"{path}.{key}")
        if found is not None:
            return found
    return None


def variable_errors(variables: Mapping[str, Any] | None) -> list[GraphQLError]:
    """An INVALID_CHARACTER error naming the first variable that holds U+0000."""
    found = _find(dict(variables or {}), "$")
    return [] if found is None else [_error(f"变量 {found} (variable)")]
