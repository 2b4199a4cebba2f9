"""Unified social credit codes (GB 32100-2015): 18 characters with two check characters."""

from __future__ import annotations

import random

from core.orgs.credit_codes import is_valid_uscc as is_valid
from core.orgs.credit_codes import org_code_check, uscc_check

__all__ = ["ENTERPRISE_PREFIX", "is_valid", "new_code", "org_code_check", "uscc_check"]

ENTERPRISE_PREFIX = "91"  # registered by market regulation (9), an enterprise (1)


def new_code(rng: random.Random, *, region: str, taken: set[str]) -> str:
    """A fresh valid enterprise code registered in a region (6-digit division code)."""
    while True:
        body = "".join(rng.choice("0123456789") for _ in range(8))
        first17 = f"{ENTERPRISE_PREFIX}{region}{body}{org_code_check(body)}"
        code = first17 + uscc_check(first17)
        if code not in taken:
            taken.add(code)
            return code
