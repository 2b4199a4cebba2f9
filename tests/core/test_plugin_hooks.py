"""Every hook is documented with its exact signature and has a `test_hook_<name>` test."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from core import hookspecs

ROOT = Path(__file__).resolve().parents[2]


def hook_names() -> list[str]:
    return sorted(name for name in dir(hookspecs) if name.startswith("dutygraph_"))


def signature_of(name: str) -> str:
    return name + str(inspect.signature(getattr(hookspecs, name))).replace("'", "")


def test_plugin_hooks_are_documented() -> None:
    docs = (ROOT / "docs" / "plugin_hooks.md").read_text(encoding="utf-8")
    missing = [signature_of(name) for name in hook_names() if f"`{signature_of(name)}`" not in docs]
    assert missing == [], f"hooks missing from docs/plugin_hooks.md: {missing}"


def test_plugin_hooks_have_docstrings() -> None:
    assert all(getattr(hookspecs, name).__doc__ for name in hook_names())


def test_plugin_hooks_have_tests() -> None:
    defined: set[str] = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
    missing = [name for name in hook_names() if f"test_hook_{name}" not in defined]
    assert missing == [], f"hooks without a test_hook_<name> test: {missing}"
