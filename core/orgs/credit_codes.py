"""Unified social credit codes (GB 32100-2015) and organisation codes (GB 11714).

Enterprises, social organisations and public institutions carry an 18-character code:
registration authority and kind (2), division code (6), organisation code (8 + 1 check),
and a final check character.
"""

from __future__ import annotations

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check(body: str) -> str:
    """The check character of an 8-character organisation code body (GB 11714)."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check(head: str) -> str:
    """The check character of a 17-character unified social credit code head (GB 32100)."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(head, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for a well-formed code whose two check characters are right."""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return code[16] == org_code_check(code[8:16]) and code[17] == uscc_check(code[:17])
