"""Unified social credit codes (GB 32100-2015): 18 characters with two check characters."""

from __future__ import annotations

import random

# GB 32100: the 31 characters allowed (no I, O, S, V, Z) and the weights 3^i mod 31
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
# GB 11714: the organisation code (positions 9–17) has its own check character
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ENTERPRISE_PREFIX = "91"  # registered by market regulation (9), an enterprise (1)


def org_code_check(body: str) -> str:
    """The check character of an 8-character organisation code body (GB 11714)."""
    total = sum(_value(ch) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid(code: str) -> bool:
    """True for a well-formed code whose two check characters are right."""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return code[16] == org_code_check(code[8:16]) and code[17] == uscc_check(code[:17])


def new_code(rng: random.Random, *, region: str, taken: set[str]) -> str:
    """A fresh valid enterprise code registered in a region (6-digit division code)."""
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(8))
        first17 = f"{ENTERPRISE_PREFIX}{region}{body}{org_code_check(body)}"
        code = first17 + uscc_check(first17)
        if code not in taken:
            taken.add(code)
            return code


def _value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
