"""Opaque global ids: base64 of "Type:key"."""

from __future__ import annotations

import base64
import binascii

MAX_KEY = 2**31 - 1
"""The largest integer key a table holds (PostgreSQL `integer`): a larger one is no record."""
MAX_WIDE_KEY = 2**63 - 1
"""The largest key of a table with `bigint` keys (see `wide_keys`)."""

_WIDE: set[str] = set()


def wide_keys(*type_names: str) -> None:
    """Declare GraphQL types whose records have `bigint` keys (tasks, records, …)."""
    _WIDE.update(type_names)


def encode(type_name: str, key: int | str) -> str:
    """The global id of a record."""
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def decode(global_id: str) -> tuple[str, str] | None:
    """(type name, key) of a global id, or None when it is not one of ours."""
    padded = global_id + "=" * (-len(global_id) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, key = raw.partition(":")
    if not sep or not type_name or not key:
        return None
    return type_name, key


def key_int(key: str, limit: int = MAX_KEY) -> int | None:
    """An integer key written in ASCII digits, at most `limit`, else None.

    `str.isdigit` alone lets through "²" and "١" (int() fails on the first) and keys past
    the column's range (PostgreSQL refuses them): each would be a 500 instead of "not found".
    """
    if not key.isascii() or not key.isdigit() or len(key) > len(str(limit)):
        return None
    value = int(key)
    return value if value <= limit else None


def type_key(type_name: str, key: str) -> int | None:
    """The integer key of a record of the type (the type's key range), else None."""
    return key_int(key, MAX_WIDE_KEY if type_name in _WIDE else MAX_KEY)


def decode_int(global_id: str, type_name: str) -> int | None:
    """The integer key of a global id of the given type, else None."""
    parsed = decode(global_id)
    if parsed is None or parsed[0] != type_name:
        return None
    return type_key(type_name, parsed[1])
