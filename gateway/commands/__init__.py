"""Sub-commands that domains add to `dutygraph`: each module has `register(sub)`.

A command's handler has the signature `(args: argparse.Namespace, settings: Settings) -> int`
and is set with `parser.set_defaults(func=handler)`; it prints one line on failure.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any

MODULES: list[str] = ["audit", "calendar", "library", "remind", "assessment"]


def register_all(sub: argparse._SubParsersAction[Any]) -> None:
    """Let every command module add its sub-commands."""
    for name in MODULES:
        importlib.import_module(f"gateway.commands.{name}").register(sub)
