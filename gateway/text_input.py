"""Text the database cannot store: NUL characters and lone surrogates in strings.

PostgreSQL text cannot hold U+0000, and no UTF-8 text can hold a lone UTF-16 surrogate
(U+D800–U+DFFF); letting one through turns a typo into an "Unexpected error". Refused
before execution with INVALID_CHARACTER, naming where it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import GraphQLError, StringValueNode, ValidationRule

NUL = "\x00"
CODE = "INVALID_CHARACTER"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> bool:
    """True when the text holds U+0000 or a lone surrogate."""
    return _UNSTORABLE.search(text) is not None


def _error(where: str) -> GraphQLError:
    return GraphQLError(
        f"{where} 含有不允许的字符（空字符 U+0000 或单独的代理项 U+D800–U+DFFF）"
        "(NUL or lone surrogate not allowed)",
        extensions={"code": CODE},
    )


class NoNulStringsRule(ValidationRule):
    """Reject string literals containing U+0000."""

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> None:
        if unstorable(node.value):
            self.report_error(_error("字符串 (string literal)"))


def _find(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if unstorable(value) else None
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
