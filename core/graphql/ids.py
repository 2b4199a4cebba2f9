"""Opaque global ids: base64 of "Type:key"."""

from __future__ import annotations

import base64
import binascii


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


def decode_int(global_id: str, type_name: str) -> int | None:
    """The integer key of a global id of the given type, else None."""
    parsed = decode(global_id)
    if parsed is None or parsed[0] != type_name or not parsed[1].isdigit():
        return None
    return int(parsed[1])
